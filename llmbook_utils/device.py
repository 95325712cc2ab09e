"""Where tensors go: CUDA, Apple's MPS or the CPU, and whether a model fits."""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import torch

from .errors import InsufficientVRAMError

GIB = 1024**3


@dataclass(frozen=True)
class GPUInfo:
    name: str
    total_gb: float
    free_gb: float

    def __str__(self) -> str:
        return f"{self.name} ({self.free_gb:.1f} of {self.total_gb:.1f} GiB free)"


def get_device() -> str:
    """Best available device as a string for ``.to()`` / ``device_map``.

    CUDA first (NVIDIA GPUs, Colab), then MPS (Apple silicon; most of the course
    runs there, a few ops fall back to CPU), then the CPU, which always works.
    """
    if torch.cuda.is_available():
        return "cuda"
    if torch.backends.mps.is_available():
        return "mps"
    return "cpu"


def gpu_info() -> GPUInfo | None:
    """Name and memory of CUDA device 0, or None without a CUDA GPU."""
    if not torch.cuda.is_available():
        return None
    free, total = torch.cuda.mem_get_info(0)
    return GPUInfo(torch.cuda.get_device_name(0), total / GIB, free / GIB)


def check_vram(needed_gb: float, what: str, *, strict: bool = True) -> None:
    """Make sure about ``needed_gb`` GiB of GPU memory are free before loading ``what``.

    Without a CUDA GPU this only warns (the model will run on the CPU, slowly but
    correctly). With a GPU that is too small it raises ``InsufficientVRAMError``, or
    warns when ``strict=False``, and says what to do instead.
    """
    if needed_gb <= 0:
        raise ValueError(f"needed_gb must be positive, got {needed_gb}")
    gpu = gpu_info()
    if gpu is None:
        warnings.warn(
            f"No CUDA GPU found: {what} (~{needed_gb:.1f} GiB) will run on the CPU, which "
            "is much slower. For the book's models use a GPU runtime (Colab: Runtime > "
            "Change runtime type > T4 GPU), or set LLMBOOK_PROFILE=laptop for smaller models.",
            stacklevel=2,
        )
        return
    if gpu.free_gb >= needed_gb:
        return
    message = (
        f"{what} needs about {needed_gb:.1f} GiB of GPU memory but {gpu.name} has only "
        f"{gpu.free_gb:.1f} of {gpu.total_gb:.1f} GiB free. Free memory (restart the kernel, "
        "or `del model; torch.cuda.empty_cache()`), load it quantised (4-bit/8-bit, or "
        "dtype=torch.float16), or use smaller models with LLMBOOK_PROFILE=laptop."
    )
    if strict:
        raise InsufficientVRAMError(message)
    warnings.warn(message, stacklevel=2)
