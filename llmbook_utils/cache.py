"""The one place llmbook_utils writes to: a cache folder for built models and downloads.

``LLMBOOK_CACHE`` overrides the default ``~/.cache/llmbook``.

``build_once(name, build)`` makes a folder at most once, even when several notebooks
ask at the same moment: under a file lock it builds into a temporary sibling, writes a
manifest of what the folder holds (every file's size), and renames it into place, so a
reader never sees a half-written folder. On later calls the manifest is checked; a
folder that no longer matches it (a file truncated by a full disk, deleted by hand,
left by a build that was killed) is rebuilt, with a one-line message.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
import urllib.request
from collections.abc import Callable
from pathlib import Path

from filelock import FileLock

from .errors import ChecksumMismatchError, LLMBookError
from .log import say

MANIFEST = ".llmbook-manifest.json"


def cache_dir() -> Path:
    """The cache folder (created if needed); raises a clear error if it cannot be written."""
    path = Path(os.environ.get("LLMBOOK_CACHE", "~/.cache/llmbook")).expanduser()
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise LLMBookError(
            f"Cannot create the llmbook cache folder {path} ({error.strerror}). Point LLMBOOK_CACHE at a "
            "folder you can write to, e.g. `export LLMBOOK_CACHE=/tmp/llmbook-cache`."
        ) from error
    if not os.access(path, os.W_OK):
        raise LLMBookError(
            f"The llmbook cache folder {path} is read-only. Point LLMBOOK_CACHE at a folder you can "
            "write to, e.g. `export LLMBOOK_CACHE=/tmp/llmbook-cache`."
        )
    return path


def atomic_write(target: Path, data: bytes) -> Path:
    """Write ``data`` to ``target`` through a temporary file and a rename: never half a file."""
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}-")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, target)
    finally:
        Path(tmp).unlink(missing_ok=True)
    return target


def _contents(folder: Path) -> dict[str, int]:
    return {
        str(p.relative_to(folder)): p.stat().st_size
        for p in sorted(folder.rglob("*"))
        if p.is_file() and p.name != MANIFEST
    }


def check_folder(folder: Path) -> str | None:
    """None if ``folder`` holds exactly what its manifest lists; otherwise what is wrong, in words."""
    if not folder.is_dir():
        return "missing"
    manifest = folder / MANIFEST
    if not manifest.is_file():
        return "no manifest (an unfinished or older build)"
    try:
        expected = json.loads(manifest.read_text())["files"]
    except (ValueError, KeyError):
        return "its manifest is damaged"
    found = _contents(folder)
    for name, size in expected.items():
        if name not in found:
            return f"{name} is missing"
        if found[name] != size:
            return f"{name} has {found[name]:,} bytes instead of {size:,}"
    return None


def build_once(name: str, build: Callable[[Path], None]) -> Path:
    """Return ``cache_dir()/name``, calling ``build(tmp_folder)`` first if it is missing or damaged."""
    target = cache_dir() / name
    if check_folder(target) is None:
        return target
    with FileLock(str(target) + ".lock"):
        problem = check_folder(target)
        if problem is None:  # another process finished it while we waited
            return target
        if target.exists():
            say(f"cache: {target} is damaged ({problem}); rebuilding it")
            shutil.rmtree(target)
        tmp = Path(tempfile.mkdtemp(prefix=f".{name}-", dir=cache_dir()))
        try:
            build(tmp)
            atomic_write(tmp / MANIFEST, json.dumps({"files": _contents(tmp)}, indent=1).encode())
            os.replace(tmp, target)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
    return target


def _fetch(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=60) as response:
        return response.read()


def download_verified(url: str, target: Path, fetch: Callable[[str], bytes] | None = None) -> Path:
    """Download ``url`` to ``target`` once; check its sha256 against the first download's.

    We cannot know such a file's checksum in advance, so the first download records it
    next to the file (``<target>.sha256``) and later loads check it (trust on first use).
    A mismatch raises ``ChecksumMismatchError`` telling which files to delete.
    """
    record = target.with_name(target.name + ".sha256")
    if not target.is_file():
        say(f"data: downloading {url}")
        atomic_write(target, (fetch or _fetch)(url))
    digest = hashlib.sha256(target.read_bytes()).hexdigest()
    if not record.is_file():
        atomic_write(record, (digest + "\n").encode())
        say(f"data: recorded sha256 {digest[:12]}... of {target.name} (checked on later loads)")
    elif record.read_text().strip() != digest:
        raise ChecksumMismatchError(
            f"{target} has sha256 {digest}, but {record.read_text().strip()} was recorded when it was first "
            f"downloaded: the file changed or is damaged. Delete {target} and {record} to download it again."
        )
    return target
