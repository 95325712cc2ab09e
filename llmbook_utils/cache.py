"""The one place llmbook_utils writes to: a cache folder for materialised models.

``LLMBOOK_CACHE`` overrides the default ``~/.cache/llmbook``. ``build_once`` makes a
folder at most once, even when several notebooks ask at the same moment: it builds
into a temporary sibling under a file lock and renames it into place, so a reader
never sees a half-written folder.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

from filelock import FileLock


def cache_dir() -> Path:
    """The cache folder (created if needed)."""
    path = Path(os.environ.get("LLMBOOK_CACHE", "~/.cache/llmbook")).expanduser()
    path.mkdir(parents=True, exist_ok=True)
    return path


def build_once(name: str, build: Callable[[Path], None]) -> Path:
    """Return ``cache_dir()/name``, calling ``build(tmp_folder)`` first if it is missing."""
    target = cache_dir() / name
    if target.is_dir():
        return target
    with FileLock(str(target) + ".lock"):
        if target.is_dir():  # another process finished it while we waited
            return target
        tmp = Path(tempfile.mkdtemp(prefix=f".{name}-", dir=cache_dir()))
        try:
            build(tmp)
            os.replace(tmp, target)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
    return target
