"""Chapter 8's pieces: the toy scenes, the held-out caption wordings, and the two pocket model classes.

The models are built here with tiny configs (no training), so these tests are fast; the
trained stand-ins are exercised by the chapter itself.
"""

import random

import numpy as np
import pytest
import torch

from llmbook_utils import load_dataset, resolve, shapes
from llmbook_utils.standins import pocket_captioner, pocket_clip


def test_scenes_are_seeded_and_drawn_where_they_say():
    a = shapes.dataset(20, seed=5)
    b = shapes.dataset(20, seed=5)
    assert a[0] == b[0] and a[2] == b[2]
    assert all(np.array_equal(np.asarray(x), np.asarray(y)) for x, y in zip(a[1], b[1]))
    assert shapes.dataset(20, seed=6)[2] != a[2]
    rng = random.Random(0)
    scene = shapes.pair(("red", "circle"), ("blue", "square"), rng)
    image = np.asarray(shapes.draw(scene, rng)).astype(int)
    red = (image[..., 0] > 180) & (image[..., 1] < 80) & (image[..., 2] < 80)
    blue = (image[..., 2] > 180) & (image[..., 0] < 80)
    assert red.any() and blue.any()
    assert np.nonzero(red)[1].mean() < 24 < np.nonzero(blue)[1].mean()  # red on the left, blue on the right


def test_things_fit_in_the_image_and_never_repeat_in_a_scene():
    rng = random.Random(1)
    for _ in range(500):
        scene = shapes.random_scene(rng)
        pairs = [(t.colour, t.shape) for t in scene.things]
        assert len(set(pairs)) == len(pairs)
        for t in scene.things:
            assert t.width / 2 <= t.x <= shapes.IMAGE_SIZE - t.width / 2
            assert t.width / 2 <= t.y <= shapes.IMAGE_SIZE - t.width / 2


def test_captions_name_every_thing():
    rng = random.Random(2)
    for _ in range(300):
        scene = shapes.random_scene(rng)
        text = shapes.describe(scene, rng)
        plain = shapes.plain_caption(scene)
        for t in scene.things:
            assert t.colour in text and t.shape in text, text
            assert f"{t.colour} {t.shape}" in plain
    assert shapes.plain_caption(shapes.single("red", "star", rng, size="large", texture="striped")) == (
        "a large striped red star"
    )


def test_unknown_shape_is_refused():
    with pytest.raises(ValueError, match="unknown shape"):
        shapes.draw(shapes.Scene((shapes.Thing("red", "hexagon", "large", "solid", 24, 24, 20),)))


def test_heldout_wordings_are_usable_and_independent():
    data = load_dataset("shape_captions")
    templates = data["templates"]["template"]
    assert len(templates) >= 20 and len(set(templates)) == len(templates)
    for t in templates:
        assert t.count("{colour}") == 1 and t.count("{shape}") == 1, t
    for row in data["synonyms"]:
        assert row["word"] not in shapes.COLOURS and row["word"] not in shapes.SHAPES
        assert row["base"] in (shapes.COLOURS if row["kind"] == "colour" else shapes.SHAPES)
    for row in data["compositions"]:
        assert row["left_colour"] != row["right_colour"] and row["left_shape"] != row["right_shape"]
        assert all(row[k] in row["caption"] for k in ("left_colour", "left_shape", "right_colour", "right_shape"))


def tiny_clip():
    from transformers import BertConfig, ResNetConfig

    config_class, model_class = pocket_clip.model_classes()
    vision = ResNetConfig(embedding_size=8, hidden_sizes=[8, 8, 8, 16], depths=[1, 1, 1, 1], layer_type="basic")
    text = BertConfig(vocab_size=50, hidden_size=16, num_hidden_layers=1, num_attention_heads=2, intermediate_size=32)
    torch.manual_seed(0)
    return model_class(config_class(vision_config=vision, text_config=text, projection_dim=12))


def test_pocket_clip_loads_with_automodel_and_answers_clips_calls(tmp_path):
    from transformers import AutoModel

    tiny_clip().save_pretrained(tmp_path)
    model = AutoModel.from_pretrained(tmp_path).eval()
    assert model.config.model_type == pocket_clip.MODEL_TYPE
    pixels, ids = torch.randn(3, 3, 48, 48), torch.randint(5, 50, (4, 7))
    with torch.no_grad():
        image = model.get_image_features(pixel_values=pixels).pooler_output
        text = model.get_text_features(input_ids=ids).pooler_output
        out = model(input_ids=ids, pixel_values=pixels)
    assert image.shape == (3, 12) and text.shape == (4, 12)
    assert out.logits_per_image.shape == (3, 4) and torch.allclose(out.logits_per_image, out.logits_per_text.T)


def test_contrastive_loss_rewards_matching_pairs_and_shares_credit_for_equal_captions():
    torch.manual_seed(0)
    vectors = torch.randn(6, 8)
    ids = torch.arange(6)
    matched = pocket_clip.contrastive_loss(vectors, vectors, torch.tensor(20.0), ids)
    shuffled = pocket_clip.contrastive_loss(vectors, vectors[torch.randperm(6)], torch.tensor(20.0), ids)
    assert matched < 0.05 < shuffled
    # two images with the same caption string: neither is a wrong answer for the other
    twins = torch.tensor([0, 0, 1, 2, 3, 4])
    same = vectors.clone()
    same[1] = same[0]
    assert pocket_clip.contrastive_loss(same, same, torch.tensor(20.0), twins) < pocket_clip.contrastive_loss(
        same, same, torch.tensor(20.0), ids
    )


def test_pocket_captioner_generates_from_its_vocabulary_and_stops(tmp_path):
    from transformers import AutoModelForImageTextToText, BertConfig, ResNetConfig

    config_class, model_class = pocket_captioner.model_classes()
    vocab = pocket_captioner.vocabulary()
    decoder = BertConfig(
        vocab_size=len(vocab), hidden_size=16, num_hidden_layers=1, num_attention_heads=2, intermediate_size=32,
        is_decoder=True, add_cross_attention=True, pad_token_id=0, bos_token_id=2, eos_token_id=3,
    )  # fmt: skip
    vision = ResNetConfig(embedding_size=8, hidden_sizes=[8, 8, 8, 16], depths=[1, 1, 1, 1], layer_type="basic")
    torch.manual_seed(0)
    model_class(config_class(vision_config=vision, decoder_config=decoder)).save_pretrained(tmp_path)
    model = AutoModelForImageTextToText.from_pretrained(tmp_path).eval()
    ids = model.generate(pixel_values=torch.randn(2, 3, 48, 48), max_new_tokens=5)
    assert ids.shape[0] == 2 and 2 <= ids.shape[1] <= 6
    assert (ids[:, 0] == 2).all() and int(ids.max()) < len(vocab)
    assert len(set(vocab)) == len(vocab) and vocab[:5] == pocket_captioner.SPECIAL


def test_book_and_laptop_profiles_use_hub_models():
    assert resolve("openai/clip-vit-base-patch32", profile="book") == "openai/clip-vit-base-patch32"
    assert resolve("openai/clip-vit-base-patch32", profile="laptop") == "openai/clip-vit-base-patch32"
    assert resolve("Salesforce/blip2-opt-2.7b", profile="book") == "Salesforce/blip2-opt-2.7b"
    assert resolve("Salesforce/blip2-opt-2.7b", profile="laptop") == "Salesforce/blip-image-captioning-base"
