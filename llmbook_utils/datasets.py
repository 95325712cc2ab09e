"""``load_dataset(name)``: the course's data sets as ``datasets.DatasetDict``.

Online profiles load the public data set the book uses; the offline profile reads
the files in ``data/`` that this project wrote (same columns, smaller). Sets that
exist only here (``product_posts``) are always local.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from .errors import MissingDataError
from .playlists import load_playlists
from .profiles import get_profile


@dataclass(frozen=True)
class DataSource:
    hub_id: str | None  # None: ours only
    folder: str  # under data/
    splits: tuple[str, ...]
    description: str


SOURCES: dict[str, DataSource] = {
    "rotten_tomatoes": DataSource(
        "cornell-movie-review-data/rotten_tomatoes",
        "rotten_tomatoes",
        ("train", "validation", "test"),
        "short movie reviews, label 1 = positive, 0 = negative",
    ),
    "product_posts": DataSource(
        None,
        "product_posts",
        ("train", "test"),
        "social-media posts about products, label 1 = positive, 0 = negative",
    ),
}

# Sets that code builds instead of reading data/ (a seeded generator offline, a download online).
BUILT = {"playlists": load_playlists}


def data_dir() -> Path:
    """The data/ folder of the repository (``LLMBOOK_DATA`` overrides it)."""
    override = os.environ.get("LLMBOOK_DATA")
    return Path(override).expanduser() if override else Path(__file__).resolve().parents[1] / "data"


def local_files(name: str) -> dict[str, Path]:
    """Split name -> file for our offline copy of ``name``; raises if any is missing."""
    source = _source(name)
    folder = data_dir() / source.folder
    files = {split: folder / f"{split}.jsonl" for split in source.splits}
    missing = [str(p) for p in files.values() if not p.is_file()]
    if missing:
        raise MissingDataError(
            f"Data set {name!r} is incomplete: missing {', '.join(missing)}. These files ship "
            "with the course repository: run the notebook from a full clone (git clone ...), "
            "or point LLMBOOK_DATA at the repository's data/ folder."
        )
    return files


def _source(name: str) -> DataSource:
    if name not in SOURCES:
        available = ", ".join(sorted([*SOURCES, *BUILT]))
        raise MissingDataError(f"Unknown data set {name!r}. Available: {available}.")
    return SOURCES[name]


def load_dataset(name: str, *, profile: str | None = None):
    """Load a course data set as a ``datasets.DatasetDict`` and say where it came from."""
    if name in BUILT:
        return BUILT[name](profile=profile)

    import datasets

    source = _source(name)
    profile = profile or get_profile()
    if source.hub_id and profile != "offline":
        print(f"data: {source.hub_id} from the Hugging Face hub")
        return datasets.load_dataset(source.hub_id)
    files = local_files(name)
    dataset = datasets.load_dataset("json", data_files={k: str(v) for k, v in files.items()})
    sizes = ", ".join(f"{k} {len(v)}" for k, v in dataset.items())
    origin = f"offline stand-in for {source.hub_id}, " if source.hub_id else ""
    print(f"data: {name} from data/{source.folder} ({origin}written for this course; {sizes})")
    return dataset
