"""Helpers for the llmbook chapters: environment, model names, keys, clients, data.

They handle the environment so that the notebooks can stay plain library code.
Layers, top to bottom (a module imports only from layers below it):

* ``session`` (``setup``), ``clients``, ``datasets``: what the notebooks call; ``doctor``: ``python -m llmbook_utils doctor``;
* ``models`` (the registry and ``resolve``) and ``server`` (the local API server);
* ``standins``: one module per offline model;
* ``cache``, ``datafiles``, ``playlists``, ``shapes``, ``profiles``, ``device``, ``keys``, ``log``, ``errors``.
"""

from .clients import api_key_available, cohere_client, openai_client
from .datasets import load_dataset
from .device import check_vram, get_device, gpu_info
from .errors import (
    ChecksumMismatchError,
    InsufficientVRAMError,
    InvalidProfileError,
    LLMBookError,
    LocalServerError,
    MissingAPIKeyError,
    MissingDataError,
    MissingPackageError,
    UnknownDatasetError,
    UnknownModelError,
    UnknownNameError,
)
from .keys import get_api_key
from .log import quiet
from .models import known_models, resolve
from .profiles import get_profile
from .session import SetupInfo, setup
from .standins.smollm2 import gguf_path

__all__ = [
    "ChecksumMismatchError",
    "InsufficientVRAMError",
    "InvalidProfileError",
    "LLMBookError",
    "LocalServerError",
    "MissingAPIKeyError",
    "MissingDataError",
    "MissingPackageError",
    "SetupInfo",
    "UnknownDatasetError",
    "UnknownModelError",
    "UnknownNameError",
    "api_key_available",
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
    "quiet",
    "resolve",
    "setup",
]
