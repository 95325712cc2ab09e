"""The pocket sentiment model: built from scratch into a temporary cache, then used like a hub model."""

import json

import pytest

from llmbook_utils import resolve
from llmbook_utils.datafiles import local_files
from llmbook_utils.standins import pocket_sentiment as pocket

pytestmark = pytest.mark.slow  # builds (trains) the model

BOOK_ID = "cardiffnlp/twitter-roberta-base-sentiment-latest"


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """Build the model once for this module, into an empty cache (so the build itself is tested)."""
    with pytest.MonkeyPatch.context() as mp:
        cache = tmp_path_factory.mktemp("llmbook-cache")
        mp.setenv("LLMBOOK_CACHE", str(cache))
        yield cache, pocket.sentiment_model_path()


def test_builds_a_transformers_folder_that_classifies_posts(built):
    from transformers import pipeline

    cache, path = built
    assert path == cache / pocket.SENTIMENT_FOLDER
    assert (path / "config.json").is_file() and (path / "tokenizer.json").is_file()

    classifier = pipeline("sentiment-analysis", model=str(path), device="cpu")
    assert classifier.model.config.id2label == {0: "negative", 1: "positive"}
    rows = [json.loads(line) for line in local_files("product_posts")["test"].read_text().splitlines()]
    outputs = classifier([r["text"] for r in rows], batch_size=16)
    predicted = [classifier.model.config.label2id[o["label"]] for o in outputs]
    accuracy = sum(p == r["label"] for p, r in zip(predicted, rows, strict=True)) / len(rows)
    assert accuracy >= 0.8, f"pocket sentiment model: accuracy {accuracy:.3f} on product_posts test"


def test_second_call_reuses_the_cached_folder(built, capsys):
    cache, path = built
    stamp = (path / "model.safetensors").stat().st_mtime_ns
    assert pocket.sentiment_model_path() == path
    assert (path / "model.safetensors").stat().st_mtime_ns == stamp
    assert "One-time set-up" not in capsys.readouterr().out


def test_resolve_offline_returns_the_pocket_folder(built, capsys):
    cache, path = built
    assert resolve(BOOK_ID, profile="offline") == str(path)
    out = capsys.readouterr().out
    assert out.startswith("offline: pocket-sentiment")
    assert f"stands in for {BOOK_ID}" in out


def test_book_and_laptop_use_the_hub_model():
    assert resolve(BOOK_ID, profile="book") == BOOK_ID
    assert resolve(BOOK_ID, profile="laptop") == BOOK_ID
