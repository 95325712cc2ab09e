"""The pocket reranker: a cross-encoder trained on the spot, loaded like a hub cross-encoder."""

import pytest

from llmbook_utils import resolve
from llmbook_utils.datafiles import local_files, read_jsonl
from llmbook_utils.standins import pocket_reranker

pytestmark = pytest.mark.slow  # trains (once per cache) and runs a model

BOOK_ID = "cross-encoder/ms-marco-MiniLM-L-6-v2"


def test_resolve_builds_a_cross_encoder_that_prefers_answering_passages(capsys):
    from sentence_transformers import CrossEncoder

    path = resolve(BOOK_ID, profile="offline")
    assert path.endswith(pocket_reranker.FOLDER)
    assert f"stands in for {BOOK_ID}" in capsys.readouterr().out
    model = CrossEncoder(path, device="cpu")
    _, held_out = pocket_reranker.split(read_jsonl(local_files("rerank_pairs")["train"]))
    # on passages kept out of training: a question the passage answers must beat one about another passage
    wins = [
        model.predict([(q, row["passage"]), (held_out[i - 1]["positives"][j], row["passage"])]).argmax() == 0
        for i, row in enumerate(held_out)
        for j, q in enumerate(row["positives"])
    ]
    assert sum(wins) / len(wins) >= 0.8, f"answering questions won only {sum(wins)} of {len(wins)}"


def test_book_and_laptop_use_the_hub_model():
    assert resolve(BOOK_ID, profile="book") == BOOK_ID
    assert resolve(BOOK_ID, profile="laptop") == BOOK_ID
