"""``load_dataset(name)``: the course's data sets as ``datasets.DatasetDict``.

Online profiles load the public data set the book uses; the offline profile reads
the files in ``data/`` that this project wrote (same columns, smaller). Sets that
exist only here (``product_posts``) are always local. The table of data sets is
``datafiles.SOURCES``.
"""

from __future__ import annotations

from .datafiles import data_dir, local_files, read_jsonl, source
from .log import say
from .playlists import load_playlists
from .profiles import get_profile

__all__ = ["data_dir", "load_dataset", "local_files"]

# Sets with a loader of their own (their online source is not a hub data set).
LOADERS = {"playlists": load_playlists}


def load_dataset(name: str, *, profile: str | None = None):
    """Load a course data set as a ``datasets.DatasetDict`` and say where it came from.

    An unknown name raises ``UnknownDatasetError`` (listing the known ones); a missing
    or damaged file raises ``MissingDataError`` naming it.
    """
    entry = source(name)
    if name in LOADERS:
        return LOADERS[name](profile=profile)

    import datasets

    profile = profile or get_profile()
    if entry.hub_id and profile != "offline":
        say(f"data: {entry.hub_id} from the Hugging Face hub")
        return datasets.load_dataset(entry.hub_id)
    files = local_files(name)
    # each file parsed once, by read_jsonl (a damaged line fails with its file and line number), one split at a
    # time: splits may have different columns (documents and questions, say)
    dataset = datasets.DatasetDict(
        {split: datasets.Dataset.from_list(read_jsonl(path)) for split, path in files.items()}
    )
    sizes = ", ".join(f"{k} {len(v)}" for k, v in dataset.items())
    origin = f"offline stand-in for {entry.hub_id}, " if entry.hub_id else ""
    say(f"data: {name} from data/{entry.folder} ({origin}written for this course; {sizes})")
    return dataset
