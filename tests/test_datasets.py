import json
import re
from collections import Counter

import pytest

from llmbook_utils import MissingDataError, load_dataset
from llmbook_utils import datasets as ds


def norm(text):
    return re.sub(r"\W+", " ", text.lower()).strip()


def rows(name, split):
    return [json.loads(line) for line in ds.local_files(name)[split].read_text().splitlines()]


@pytest.mark.parametrize(
    ("name", "sizes"),
    [
        ("rotten_tomatoes", {"train": 1214, "validation": 162, "test": 244}),
        ("product_posts", {"train": 200, "test": 60}),
    ],
)
def test_offline_sets_are_balanced_unique_and_disjoint(name, sizes):
    seen = {}
    for split, size in sizes.items():
        data = rows(name, split)
        assert len(data) == size
        labels = Counter(r["label"] for r in data)
        assert labels == {0: size // 2, 1: size // 2}, (split, labels)
        for r in data:
            assert isinstance(r["text"], str) and len(r["text"].split()) >= 2
            key = norm(r["text"])
            assert key not in seen, f"duplicate text in {split} and {seen.get(key)}: {r['text']!r}"
            seen[key] = split


def test_reviews_vary_in_length():
    lengths = sorted(
        len(r["text"].split()) for s in ("train", "validation", "test") for r in rows("rotten_tomatoes", s)
    )
    assert len(lengths) >= 600
    assert lengths[len(lengths) // 10] <= 10 and lengths[-len(lengths) // 10] >= 30


def test_load_dataset_offline_matches_the_hub_columns(capsys):
    data = load_dataset("rotten_tomatoes", profile="offline")
    assert set(data) == {"train", "validation", "test"}
    assert data["train"].column_names == ["text", "label"]
    assert "offline stand-in for cornell-movie-review-data/rotten_tomatoes" in capsys.readouterr().out


def test_unknown_data_set():
    with pytest.raises(MissingDataError, match="Unknown data set 'imdb'. Available: .*rotten_tomatoes"):
        load_dataset("imdb", profile="offline")


def test_missing_data_file_says_what_to_do(monkeypatch, tmp_path):
    monkeypatch.setenv("LLMBOOK_DATA", str(tmp_path))
    with pytest.raises(MissingDataError) as err:
        load_dataset("rotten_tomatoes", profile="offline")
    message = str(err.value)
    assert str(tmp_path / "rotten_tomatoes" / "train.jsonl") in message
    assert "LLMBOOK_DATA" in message
