"""The pocket captioner: a small text decoder that describes an image, trained here in under a minute.

BLIP-2 (the book's captioner) bridges a frozen image encoder and a frozen language
model with a small trained module. The offline stand-in keeps that shape at toy scale:
the pocket CLIP's image tower, frozen, turns a picture into five vectors (its pooled
embedding and its 2 x 2 feature grid); a linear bridge maps them to the decoder's
width; a two-layer transformer decoder with cross-attention to those vectors writes
the caption word by word. It learns one plain wording ("a large striped red
circle and a small blue star") from scenes that ``llmbook_utils.shapes`` draws.

Like the pocket CLIP it is a transformers model with a registered ``model_type``:
``AutoModelForImageTextToText.from_pretrained(folder)``, ``AutoProcessor``,
``model.generate(**inputs)`` and ``processor.batch_decode(...)`` work as with BLIP.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

from ..log import say, transformers_quiet
from . import pocket_clip
from .base import StandIn, train_shuffled

FOLDER = "pocket-captioner-v1"  # bump the suffix when the recipe changes, so caches rebuild
MODEL_TYPE = "llmbook-pocket-captioner"

SEED = 1
N_IMAGES = 8_000
EPOCHS = 4
BATCH_SIZE = 128
LEARNING_RATE = 2e-3
SPECIAL = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]


def vocabulary() -> list[str]:
    """Every word the plain captions use, after the special tokens (the decoder's whole vocabulary)."""
    from ..shapes import COLOURS, SHAPES, SIZES

    return SPECIAL + ["a", "and", *SIZES, "striped", "outlined", *COLOURS, *SHAPES]


@functools.cache
def model_classes() -> tuple[Any, Any]:
    """Define (once) and register the captioner's config and model classes with transformers' Auto classes."""
    import torch
    from torch import nn
    from transformers import (
        AutoConfig,
        AutoModelForImageTextToText,
        BertConfig,
        BertLMHeadModel,
        PretrainedConfig,
        PreTrainedModel,
        ResNetConfig,
        ResNetModel,
    )

    class PocketCaptionerConfig(PretrainedConfig):
        model_type = MODEL_TYPE
        sub_configs = {"vision_config": ResNetConfig, "decoder_config": BertConfig}

        def __init__(self, vision_config=None, decoder_config=None, **kwargs):
            super().__init__(**kwargs)
            if isinstance(vision_config, dict):
                vision_config = ResNetConfig(**vision_config)
            if isinstance(decoder_config, dict):
                decoder_config = BertConfig(**decoder_config)
            self.vision_config = vision_config or ResNetConfig()
            self.decoder_config = decoder_config or BertConfig(is_decoder=True, add_cross_attention=True)

    class PocketCaptionerModel(PreTrainedModel):
        """Frozen image tower -> linear bridge -> small decoder with cross-attention."""

        config_class = PocketCaptionerConfig
        base_model_prefix = "pocket_captioner"
        main_input_name = "pixel_values"

        def __init__(self, config: PocketCaptionerConfig):
            super().__init__(config)
            self.vision_model = ResNetModel(config.vision_config)
            self.bridge = nn.Linear(config.vision_config.hidden_sizes[-1], config.decoder_config.hidden_size)
            self.decoder = BertLMHeadModel(config.decoder_config)
            self.post_init()

        def image_vectors(self, pixel_values):
            """(batch, 5, width): the pooled image embedding followed by the 2 x 2 feature grid."""
            out = self.vision_model(pixel_values=pixel_values)
            grid = out.last_hidden_state.flatten(2).transpose(1, 2)
            return torch.cat([out.pooler_output.flatten(1)[:, None], grid], dim=1)

        def forward(self, pixel_values=None, input_ids=None, attention_mask=None, labels=None, image_vectors=None,
                    **kwargs):  # fmt: skip
            memory = self.bridge(self.image_vectors(pixel_values) if image_vectors is None else image_vectors)
            return self.decoder(
                input_ids=input_ids, attention_mask=attention_mask, encoder_hidden_states=memory, labels=labels
            )

        @torch.no_grad()
        def generate(self, pixel_values=None, max_new_tokens: int = 24, **kwargs):
            """Greedy decoding: start from [CLS], add the likeliest next word until [SEP]."""
            memory = self.bridge(self.image_vectors(pixel_values))
            start, stop, pad = (self.config.decoder_config.bos_token_id, self.config.decoder_config.eos_token_id,
                                self.config.decoder_config.pad_token_id)  # fmt: skip
            ids = torch.full((memory.shape[0], 1), start, dtype=torch.long, device=memory.device)
            done = torch.zeros(memory.shape[0], dtype=torch.bool, device=memory.device)
            for _ in range(max_new_tokens):
                logits = self.decoder(input_ids=ids, encoder_hidden_states=memory).logits[:, -1]
                token = torch.where(done, torch.full_like(done, pad, dtype=torch.long), logits.argmax(-1))
                ids = torch.cat([ids, token[:, None]], dim=1)
                done |= token == stop
                if done.all():
                    break
            return ids

    AutoConfig.register(MODEL_TYPE, PocketCaptionerConfig, exist_ok=True)
    AutoModelForImageTextToText.register(PocketCaptionerConfig, PocketCaptionerModel, exist_ok=True)
    return PocketCaptionerConfig, PocketCaptionerModel


def build(folder: Path) -> None:
    """Train the decoder (and bridge) on plain captions of generated scenes; the image tower stays frozen."""
    import random

    import torch
    from transformers import AutoModel, BertConfig, BertTokenizerFast, VisionTextDualEncoderProcessor, set_seed

    from ..shapes import draw, plain_caption, random_scene

    clip_folder = pocket_clip.STANDIN.path()
    say(f"One-time set-up: training the pocket captioner on {N_IMAGES:,} generated scenes (seeded; about a minute)...")
    set_seed(SEED)
    tokenizer = BertTokenizerFast(vocab={word: i for i, word in enumerate(vocabulary())}, do_lower_case=True)
    with transformers_quiet():
        clip = AutoModel.from_pretrained(clip_folder)
    decoder_config = BertConfig(
        vocab_size=len(vocabulary()), hidden_size=128, num_hidden_layers=2, num_attention_heads=4,
        intermediate_size=256, max_position_embeddings=32, is_decoder=True, add_cross_attention=True,
        pad_token_id=tokenizer.pad_token_id, bos_token_id=tokenizer.cls_token_id, eos_token_id=tokenizer.sep_token_id,
        loss_type="ForCausalLM",
    )  # fmt: skip
    config_class, model_class = model_classes()
    model = model_class(config_class(vision_config=clip.config.vision_config, decoder_config=decoder_config))
    model.vision_model.load_state_dict(clip.vision_model.state_dict())
    model.vision_model.requires_grad_(False)
    model.vision_model.eval()

    rng = random.Random(SEED)
    scenes = [random_scene(rng) for _ in range(N_IMAGES)]
    processor = pocket_clip.image_processor()
    pixels = processor(images=[draw(s, rng) for s in scenes], return_tensors="pt")["pixel_values"]
    with torch.no_grad():  # the frozen tower's vectors never change: compute them once
        vectors = torch.cat([model.image_vectors(pixels[i : i + 512]) for i in range(0, N_IMAGES, 512)])
    text = tokenizer([plain_caption(s) for s in scenes], padding=True, return_tensors="pt")
    labels = text["input_ids"].masked_fill(text["attention_mask"] == 0, -100)

    def loss_of(batch):
        return model(
            input_ids=text["input_ids"][batch], attention_mask=text["attention_mask"][batch],
            labels=labels[batch], image_vectors=vectors[batch],
        ).loss  # fmt: skip

    model.decoder.train()
    with transformers_quiet():
        last_loss = train_shuffled(
            loss_of, [p for p in model.parameters() if p.requires_grad], n_examples=N_IMAGES, batch_size=BATCH_SIZE,
            epochs=EPOCHS, learning_rate=LEARNING_RATE, weight_decay=0.01, seed=SEED, desc="pocket captioner",
        )  # fmt: skip
    model.eval()
    say(f"  pocket captioner trained: final batch loss {last_loss:.3f}")
    with transformers_quiet():
        model.save_pretrained(folder)
    VisionTextDualEncoderProcessor(image_processor=processor, tokenizer=tokenizer).save_pretrained(folder)


def _register() -> None:
    model_classes()


STANDIN = StandIn(
    key="pocket-captioner",
    description="the pocket captioner (the pocket CLIP's image tower, frozen, and a 2-layer decoder trained here)",
    folder=FOLDER,
    build=build,
    register=_register,
)
