"""Model names: the ids the chapters use, and what stands in for them per profile.

Notebooks load models with plain ``transformers`` / ``sentence-transformers`` calls;
the only helper in a model cell is ``resolve``, which turns the book's hub id into
the id (or local folder) that works in the current profile and says so in one line.
The registry below is the whole mapping; the stand-ins themselves live in
``llmbook_utils.standins``, one module each.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .errors import UnknownModelError
from .log import say
from .profiles import get_profile
from .standins import (
    STANDINS,
    llama_vocab,
    minilm,
    pocket_captioner,
    pocket_clip,
    pocket_reranker,
    pocket_sentiment,
    smollm2,
)


@dataclass(frozen=True)
class ModelEntry:
    """A model a chapter names, with its smaller (laptop) and offline stand-ins."""

    laptop: str  # a hub id
    offline: str  # a key of STANDINS
    note: str = ""


_PHI3_NOTE = "a 135M-parameter chat model is far weaker than a 3.8B one: expect simpler, often wrong answers"
_ENCODER_NOTE = "its 6-layer BERT encoder uses bert-base-uncased's WordPiece vocabulary"
_TOKENIZER_ONLY = "load it with AutoTokenizer: a model class finds no weights there"

REGISTRY: dict[str, ModelEntry] = {
    # generative (decoder-only chat) models
    "microsoft/Phi-3-mini-4k-instruct": ModelEntry(
        "HuggingFaceTB/SmolLM2-360M-Instruct", smollm2.STANDIN.key, _PHI3_NOTE
    ),
    "HuggingFaceTB/SmolLM2-1.7B-Instruct": ModelEntry(
        "HuggingFaceTB/SmolLM2-360M-Instruct", smollm2.STANDIN.key, "same family, 13x fewer parameters"
    ),
    "HuggingFaceTB/SmolLM2-360M-Instruct": ModelEntry(
        "HuggingFaceTB/SmolLM2-360M-Instruct", smollm2.STANDIN.key, "same family, 3x fewer parameters"
    ),
    "HuggingFaceTB/SmolLM2-135M-Instruct": ModelEntry(
        "HuggingFaceTB/SmolLM2-135M-Instruct", smollm2.STANDIN.key, "the same model, 4-bit GGUF weights"
    ),
    "TinyLlama/TinyLlama-1.1B-intermediate-step-1431k-3T": ModelEntry(
        "HuggingFaceTB/SmolLM2-360M",
        smollm2.STANDIN.key,
        "8x fewer parameters, and already instruction-tuned: fine-tuning teaches it a new style, not chat itself",
    ),
    "google/flan-t5-small": ModelEntry(
        "google/flan-t5-small",
        smollm2.STANDIN.key,
        "a decoder-only chat model stands in for an encoder-decoder: use the text-generation pipeline",
    ),
    "google/flan-t5-large": ModelEntry(
        "google/flan-t5-small",
        smollm2.STANDIN.key,
        "a decoder-only chat model stands in for an encoder-decoder: use the text-generation pipeline",
    ),
    # tokenizers only (chapter 2 compares them): real ones, converted from llama.cpp's test vocabularies
    "gpt2": ModelEntry("gpt2", llama_vocab.GPT2.key, _TOKENIZER_ONLY),
    # Offline, "microsoft/Phi-3-mini-4k-instruct" is the SmolLM2 chat model the chapters generate with, so
    # the real Phi-3-mini tokenizer is registered under the 128k-context sibling, whose tokenizer is the
    # 4k model's (the same vocabulary and chat tokens). An id with a suffix such as ":tokenizer" would not
    # do: the book profile passes ids to the hub unchanged.
    "microsoft/Phi-3-mini-128k-instruct": ModelEntry(
        "microsoft/Phi-3-mini-128k-instruct",
        llama_vocab.PHI3.key,
        "Phi-3-mini's 4k and 128k models share it; " + _TOKENIZER_ONLY,
    ),
    "bigcode/starcoder": ModelEntry("bigcode/tiny_starcoder_py", llama_vocab.STARCODER.key, _TOKENIZER_ONLY),
    # encoders and sentence embedders
    "bert-base-uncased": ModelEntry("bert-base-uncased", minilm.STANDIN.key, _ENCODER_NOTE),
    "bert-base-cased": ModelEntry(
        "bert-base-cased", minilm.STANDIN.key, _ENCODER_NOTE + " (uncased: it lower-cases every input)"
    ),
    "microsoft/deberta-base": ModelEntry("microsoft/deberta-v3-xsmall", minilm.STANDIN.key, _ENCODER_NOTE),
    "microsoft/deberta-v3-xsmall": ModelEntry("microsoft/deberta-v3-xsmall", minilm.STANDIN.key, _ENCODER_NOTE),
    "sentence-transformers/all-mpnet-base-v2": ModelEntry(
        "sentence-transformers/all-MiniLM-L6-v2",
        minilm.STANDIN.key,
        "384-d instead of 768-d vectors, 5x faster, a little less accurate",
    ),
    "sentence-transformers/all-MiniLM-L6-v2": ModelEntry(
        "sentence-transformers/all-MiniLM-L6-v2", minilm.STANDIN.key, "the same weights"
    ),
    "thenlper/gte-small": ModelEntry("thenlper/gte-small", minilm.STANDIN.key, "another small 384-d sentence embedder"),
    "BAAI/bge-small-en-v1.5": ModelEntry(
        "BAAI/bge-small-en-v1.5", minilm.STANDIN.key, "another small 384-d sentence embedder"
    ),
    # rerankers (cross-encoders): read a query and a passage together
    "cross-encoder/ms-marco-MiniLM-L-6-v2": ModelEntry(
        "cross-encoder/ms-marco-MiniLM-L-6-v2",
        pocket_reranker.STANDIN.key,
        "trained here on 120 invented passages and their questions instead of half a million MS MARCO searches",
    ),
    # images and text (chapter 8)
    "openai/clip-vit-base-patch32": ModelEntry(
        "openai/clip-vit-base-patch32",
        pocket_clip.STANDIN.key,
        "trained here on 48x48 toy scenes of coloured shapes instead of 400 million web images",
    ),
    "Salesforce/blip2-opt-2.7b": ModelEntry(
        "Salesforce/blip-image-captioning-base",
        pocket_captioner.STANDIN.key,
        "a captioner for toy scenes with a 2-layer decoder and no language model: it cannot answer questions",
    ),
    "Salesforce/blip-image-captioning-base": ModelEntry(
        "Salesforce/blip-image-captioning-base",
        pocket_captioner.STANDIN.key,
        "a captioner for toy scenes, trained here in a minute",
    ),
    # task-specific classifiers
    "cardiffnlp/twitter-roberta-base-sentiment-latest": ModelEntry(
        "cardiffnlp/twitter-roberta-base-sentiment-latest",
        pocket_sentiment.STANDIN.key,
        "trained on 200 posts instead of millions of tweets, with 2 labels instead of 3 (no 'neutral')",
    ),
}


def known_models() -> list[str]:
    """Every hub id that ``resolve`` knows a stand-in for."""
    return sorted(REGISTRY)


def resolve(model_id: str, *, profile: str | None = None) -> str:
    """Return what to pass to ``from_pretrained`` for ``model_id`` in this profile.

    book: the id itself. laptop: a smaller hub model where the registry has one.
    offline: a local folder (a model shipped in a wheel, or trained on the spot).
    A path to an existing local folder is returned unchanged in every profile.
    Says what it chose in one line (quiet it with ``llmbook_utils.quiet()``).
    """
    profile = profile or get_profile()
    if Path(model_id).expanduser().exists():
        return str(Path(model_id).expanduser())
    entry = REGISTRY.get(model_id)
    if profile == "book":
        say(f"book: {model_id} from the model hub")
        return model_id
    if profile == "laptop":
        if entry is None or entry.laptop == model_id:
            say(f"laptop: {model_id} from the model hub")
            return model_id
        say(f"laptop: {entry.laptop} stands in for {model_id} (smaller, CPU-friendly)")
        return entry.laptop
    if entry is None:
        raise UnknownModelError(
            f"Unknown model {model_id!r}: it has no offline stand-in. Known models: {', '.join(known_models())}. "
            "To use any hub model, run with network access and LLMBOOK_PROFILE=laptop or book "
            "(or unset it), or pass the path of a model folder you already have."
        )
    standin = STANDINS[entry.offline]
    path = standin.path()
    why = f"; {entry.note}" if entry.note else ""
    say(f"offline: {standin.description} stands in for {model_id} (no model hub{why})")
    return str(path)
