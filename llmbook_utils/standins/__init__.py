"""Offline stand-ins: one module per model that works with no network.

Each module defines ``STANDIN``, a ``StandIn`` (see ``base``): a folder to load from
(built once into the cache, or located in a wheel) and a one-line description; a module
that serves several models from one shared source (``llama_vocab``) defines ``STANDINS``.
``STANDINS`` maps their keys to them; the registry in ``llmbook_utils.models`` says
which stand-in replaces which hub model. To add one, see CONTRIBUTING.md.
"""

from __future__ import annotations

from . import (
    llama_vocab,
    minilm,
    pocket_captioner,
    pocket_clip,
    pocket_reranker,
    pocket_sentiment,
    smollm2,
    tiktoken_cl100k,
)
from .base import StandIn

STANDINS: dict[str, StandIn] = {
    standin.key: standin
    for standin in (
        *(
            module.STANDIN
            for module in (
                smollm2,
                minilm,
                pocket_sentiment,
                pocket_reranker,
                pocket_clip,
                pocket_captioner,
                tiktoken_cl100k,
            )
        ),
        *llama_vocab.STANDINS,
    )
}

__all__ = ["STANDINS", "StandIn"]
