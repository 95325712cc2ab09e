"""Which set of models a run uses: ``book``, ``laptop`` or ``offline``.

``LLMBOOK_PROFILE`` picks one explicitly. When it is unset we decide automatically:
no route to the model hub means ``offline`` (checked once, with a short timeout, so a
machine without network never hangs); a CUDA GPU with enough memory for the book's
models means ``book``; anything else (a laptop CPU, Apple silicon, a small GPU) gets
``laptop``.
"""

from __future__ import annotations

import functools
import os
import socket

from .device import gpu_info
from .errors import InvalidProfileError

PROFILES = ("book", "laptop", "offline")
BOOK_MIN_VRAM_GB = 14.0  # a Colab T4 reports ~14.7 GiB; the book's largest models need ~8-12 GiB
HUB_HOST = "huggingface.co"
_TRUE = {"1", "true", "yes", "on"}


@functools.lru_cache(maxsize=1)
def hub_reachable(timeout: float = 2.0) -> bool:
    """True if a TCP connection to the model hub opens within ``timeout`` seconds.

    The answer is cached for the life of the process. ``HF_HUB_OFFLINE=1`` counts as
    unreachable without trying, which is what CI relies on.
    """
    if os.environ.get("HF_HUB_OFFLINE", "").lower() in _TRUE:
        return False
    try:
        with socket.create_connection((HUB_HOST, 443), timeout=timeout):
            return True
    except OSError:
        return False


def get_profile() -> str:
    """Return the active profile, explicit (``LLMBOOK_PROFILE``) or detected."""
    value = os.environ.get("LLMBOOK_PROFILE", "").strip().lower()
    if value:
        if value not in PROFILES:
            raise InvalidProfileError(
                f"LLMBOOK_PROFILE={value!r} is not a profile. Valid values: "
                f"{', '.join(PROFILES)} (or leave it unset to detect one automatically)."
            )
        return value
    if not hub_reachable():
        return "offline"
    gpu = gpu_info()
    if gpu is not None and gpu.total_gb >= BOOK_MIN_VRAM_GB:
        return "book"
    return "laptop"
