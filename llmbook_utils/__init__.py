"""Helpers for the llmbook chapters: environment, model names, keys, clients, data.

They handle the environment so that the notebooks can stay plain library code.
"""

from .clients import cohere_client, openai_client
from .datasets import load_dataset
from .device import check_vram, get_device, gpu_info
from .errors import (
    InsufficientVRAMError,
    InvalidProfileError,
    LLMBookError,
    LocalServerError,
    MissingAPIKeyError,
    MissingDataError,
    UnknownModelError,
)
from .keys import get_api_key
from .models import gguf_path, known_models, resolve
from .profiles import get_profile
from .session import SetupInfo, setup

__all__ = [
    "InsufficientVRAMError",
    "InvalidProfileError",
    "LLMBookError",
    "LocalServerError",
    "MissingAPIKeyError",
    "MissingDataError",
    "SetupInfo",
    "UnknownModelError",
    "check_vram",
    "cohere_client",
    "get_api_key",
    "get_device",
    "get_profile",
    "gguf_path",
    "gpu_info",
    "known_models",
    "load_dataset",
    "openai_client",
    "resolve",
    "setup",
]
