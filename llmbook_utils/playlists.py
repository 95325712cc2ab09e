"""The ``playlists`` data set: playlists as "sentences" of song ids, plus a song catalogue.

``load_playlists()`` (what ``load_dataset("playlists")`` calls) returns a
``datasets.DatasetDict`` with three splits:

* ``train`` and ``test``: one row per playlist, ``{"playlist_id": int, "song_ids": list[str]}``;
  ``test`` holds playlists kept out of training, for next-song evaluation;
* ``songs``: the catalogue, ``{"song_id": str, "title": str, "artist": str, "genre": str}``.

Online it is the Cornell "yes_complete" radio-playlist data set (Shuo Chen, Joshua
Moore, Douglas Turnbull and Thorsten Joachims, "Playlist prediction via metric
embedding", KDD 2012), downloaded once into the course cache and checked against the
sha256 recorded at the first download. Its songs carry Last.fm tags rather than
genres: ``genre`` is a song's first tag, or ``"unknown"``.

Offline it is the generated set in ``data/playlists/`` (fictional songs), written by
``scripts/make_playlists.py``.
"""

from __future__ import annotations

import random

from .cache import cache_dir, download_verified
from .datafiles import local_files, read_jsonl
from .log import say
from .profiles import get_profile

YES_URL = "https://storage.googleapis.com/maps-premium/dataset/yes_complete/"
YES_FILES = ("train.txt", "song_hash.txt")  # the two files the book uses
YES_TAG_FILES = ("tags.txt", "tag_hash.txt")  # optional: Last.fm tags, used as genres
YES_TEST_SHARE = 0.05  # share of the yes_complete training playlists we hold out


def _to_dataset_dict(
    train: list[list[str]],
    test: list[list[str]],
    songs: list[dict[str, str]],
    train_ids: list[int] | None = None,
    test_ids: list[int] | None = None,
):
    import datasets

    train_ids = train_ids if train_ids is not None else list(range(len(train)))
    test_ids = test_ids if test_ids is not None else list(range(len(train), len(train) + len(test)))
    features = datasets.Features(
        {"playlist_id": datasets.Value("int64"), "song_ids": datasets.List(datasets.Value("string"))}
    )
    song_features = datasets.Features({k: datasets.Value("string") for k in ("song_id", "title", "artist", "genre")})
    return datasets.DatasetDict(
        {
            "train": datasets.Dataset.from_dict({"playlist_id": train_ids, "song_ids": train}, features=features),
            "test": datasets.Dataset.from_dict({"playlist_id": test_ids, "song_ids": test}, features=features),
            "songs": datasets.Dataset.from_list(songs, features=song_features),
        }
    )


def load_offline_playlists():
    """The generated set from data/playlists (train / test / songs)."""
    files = local_files("playlists")
    rows = {split: read_jsonl(path) for split, path in files.items()}
    return _to_dataset_dict(
        [r["song_ids"] for r in rows["train"]],
        [r["song_ids"] for r in rows["test"]],
        rows["songs"],
        [r["playlist_id"] for r in rows["train"]],
        [r["playlist_id"] for r in rows["test"]],
    )


# --- online: the Cornell yes_complete files ------------------------------------------
def parse_yes_playlists(text: str) -> list[list[str]]:
    """Playlists from a yes_complete ``train.txt``: skip its two metadata lines, split ids.

    Playlists with fewer than two songs are dropped (they hold no co-occurrence).
    """
    lines = text.split("\n")[2:]
    return [line.split() for line in lines if len(line.split()) > 1]


def parse_yes_tag_names(text: str) -> dict[str, str]:
    """``tag_hash.txt`` lines ``"<id>, <name>"`` -> {id: name}."""
    names = {}
    for line in text.splitlines():
        if "," in line:
            tag_id, name = line.split(",", 1)
            names[tag_id.strip()] = name.strip()
    return names


def parse_yes_songs(text: str, tags: str | None = None, tag_names: dict[str, str] | None = None) -> list[dict]:
    """Catalogue rows from ``song_hash.txt`` (``id<TAB>title<TAB>artist`` per line; blank lines skipped).

    ``tags`` is ``tags.txt`` (line i: the tag ids of song i, ``#`` for none); with
    ``tag_names`` a song's genre is its first tag's name, otherwise ``"unknown"``.
    """
    tag_lines = tags.split("\n") if tags is not None else []
    rows = []
    for line in text.split("\n"):
        parts = [p.strip() for p in line.rstrip("\r").split("\t")]
        if not parts[0]:
            continue
        song_id, title, artist = (parts + ["", ""])[:3]  # a missing title or artist stays empty
        genre = "unknown"
        if tag_names and song_id.isdigit() and int(song_id) < len(tag_lines):
            first = tag_lines[int(song_id)].split()
            if first and first[0] != "#":
                genre = tag_names.get(first[0], "unknown")
        rows.append({"song_id": song_id, "title": title, "artist": artist, "genre": genre})
    return rows


def load_yes_playlists(seed: int = 0, test_share: float = YES_TEST_SHARE):
    """The yes_complete playlists as a DatasetDict (train / test / songs), cached after the first download.

    The test split is a seeded random ``test_share`` of the file's playlists; tags
    (for ``genre``) are used when their files can be downloaded too.
    """
    folder = cache_dir() / "yes_complete"
    paths = {name: download_verified(YES_URL + name, folder / name) for name in YES_FILES}
    playlists = parse_yes_playlists(paths["train.txt"].read_text(encoding="utf-8", errors="replace"))
    tags = tag_names = None
    try:
        tag_paths = {name: download_verified(YES_URL + name, folder / name) for name in YES_TAG_FILES}
        tags = tag_paths["tags.txt"].read_text(encoding="utf-8", errors="replace")
        tag_names = parse_yes_tag_names(tag_paths["tag_hash.txt"].read_text(encoding="utf-8", errors="replace"))
    except OSError as error:  # urllib's errors are OSErrors
        say(f"data: no tag files ({error}); genre is 'unknown'")
    songs = parse_yes_songs(paths["song_hash.txt"].read_text(encoding="utf-8", errors="replace"), tags, tag_names)
    order = list(range(len(playlists)))
    random.Random(seed).shuffle(order)
    test_ids = sorted(order[: int(len(order) * test_share)])
    held_out = set(test_ids)
    train_ids = [i for i in range(len(playlists)) if i not in held_out]
    train = [playlists[i] for i in train_ids]
    return _to_dataset_dict(train, [playlists[i] for i in test_ids], songs, train_ids, test_ids)


def load_playlists(profile: str | None = None, seed: int = 0):
    """Load the ``playlists`` set: yes_complete online, the generated files offline."""
    profile = profile or get_profile()
    if profile == "offline":
        data = load_offline_playlists()
        origin = "generated offline stand-in for Cornell's yes_complete radio playlists (fictional songs)"
    else:
        data = load_yes_playlists(seed)
        origin = "Cornell yes_complete (Chen et al., KDD 2012)"
    sizes = ", ".join(f"{k} {len(v)}" for k, v in data.items())
    say(f"data: playlists, {origin}; {sizes}")
    return data
