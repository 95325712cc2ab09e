"""Toy scenes for chapter 8: flat shapes drawn with PIL, and captions that describe them.

A scene is one to three things, each with a colour, a shape, a size, a texture and a
place. ``draw`` renders it; ``describe`` writes a caption in one of many wordings (the
training text of the offline CLIP); ``plain_caption`` writes the one fixed wording the
offline captioner learns to produce. Everything is seeded by the ``random.Random`` you
pass, so the same seed gives the same images and captions on every machine.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass

import numpy as np
from PIL import Image, ImageDraw

COLOURS: dict[str, tuple[int, int, int]] = {
    "red": (214, 39, 40),
    "orange": (245, 133, 24),
    "yellow": (232, 200, 25),
    "green": (44, 160, 44),
    "blue": (31, 95, 214),
    "purple": (140, 70, 180),
}
SHAPES: tuple[str, ...] = ("circle", "square", "triangle", "star", "cross")
TEXTURES: tuple[str, ...] = ("solid", "striped", "outline")
SIZES: dict[str, tuple[int, int]] = {"small": (11, 15), "large": (20, 27)}  # width in pixels at 48 px
IMAGE_SIZE = 48


@dataclass(frozen=True)
class Thing:
    """One shape in a scene; ``x``, ``y`` are its centre in pixels of a 48 x 48 image."""

    colour: str
    shape: str
    size: str
    texture: str
    x: float
    y: float
    width: float


@dataclass(frozen=True)
class Scene:
    """What an image shows, left to right."""

    things: tuple[Thing, ...]


def _outline(shape: str, cx: float, cy: float, w: float) -> list[tuple[float, float]] | None:
    """Polygon points of a shape (None for the circle, which PIL draws as an ellipse)."""
    r = w / 2
    if shape == "circle":
        return None
    if shape == "square":
        s = r * 0.88
        return [(cx - s, cy - s), (cx + s, cy - s), (cx + s, cy + s), (cx - s, cy + s)]
    if shape == "triangle":
        return [(cx, cy - r), (cx + r, cy + r * 0.8), (cx - r, cy + r * 0.8)]
    if shape == "star":
        points = []
        for k in range(10):
            radius = r if k % 2 == 0 else r * 0.45
            angle = -math.pi / 2 + k * math.pi / 5
            points.append((cx + radius * math.cos(angle), cy + radius * math.sin(angle)))
        return points
    if shape == "cross":
        a = r * 0.34
        return [
            (cx - a, cy - r), (cx + a, cy - r), (cx + a, cy - a), (cx + r, cy - a), (cx + r, cy + a), (cx + a, cy + a),
            (cx + a, cy + r), (cx - a, cy + r), (cx - a, cy + a), (cx - r, cy + a), (cx - r, cy - a), (cx - a, cy - a),
        ]  # fmt: skip
    raise ValueError(f"unknown shape {shape!r}; known: {', '.join(SHAPES)}")


def _mask(thing: Thing, size: int) -> np.ndarray:
    mask = Image.new("L", (size, size), 0)
    pen = ImageDraw.Draw(mask)
    points = _outline(thing.shape, thing.x, thing.y, thing.width)
    fill, width = (None, 2) if thing.texture == "outline" else (255, 0)
    if points is None:
        r = thing.width / 2
        box = (thing.x - r, thing.y - r, thing.x + r, thing.y + r)
        pen.ellipse(box, fill=fill, outline=255, width=width or 1)
    else:
        pen.polygon(points, fill=fill, outline=255, width=width or 1)
    return np.asarray(mask) > 0


def draw(scene: Scene, rng: random.Random | None = None, size: int = IMAGE_SIZE) -> Image.Image:
    """Render a scene as an RGB image on a light, slightly noisy background."""
    rng = rng or random.Random(0)
    noise = np.random.default_rng(rng.randrange(2**32))
    base = np.array([rng.randint(228, 250) for _ in range(3)], dtype=np.float32)
    canvas = base + noise.normal(0, 3.0, (size, size, 3)).astype(np.float32)
    rows = np.arange(size)[:, None] + np.zeros((1, size))
    for thing in scene.things:
        mask = _mask(thing, size)
        colour = np.array(COLOURS[thing.colour], dtype=np.float32)
        if thing.texture == "striped":
            stripes = (rows // 3) % 2 == 0
            canvas[mask & stripes] = colour
            canvas[mask & ~stripes] = 250.0
        else:
            canvas[mask] = colour
    return Image.fromarray(np.clip(canvas, 0, 255).astype(np.uint8), "RGB")


def _thing(rng: random.Random, x_range, colour=None, shape=None, size=None, texture=None) -> Thing:
    """A random thing that fits inside the columns ``x_range`` (pixels) of the image."""
    size = size or rng.choice(list(SIZES))
    width = min(rng.uniform(*SIZES[size]), x_range[1] - x_range[0] - 2)
    half = width / 2 + 1
    lo, hi = x_range[0] + half, x_range[1] - half
    return Thing(
        colour=colour or rng.choice(list(COLOURS)),
        shape=shape or rng.choice(SHAPES),
        size=size,
        texture=texture or rng.choices(TEXTURES, weights=(0.6, 0.0 if size == "small" else 0.25, 0.2))[0],
        x=rng.uniform(lo, max(lo, hi)),
        y=rng.uniform(half, IMAGE_SIZE - half),
        width=width,
    )


def random_scene(
    rng: random.Random,
    n_things: int | None = None,
    colour: str | None = None,
    shape: str | None = None,
) -> Scene:
    """A random scene of 1-3 things (mostly one); ``colour``/``shape`` fix the first thing's."""
    n = n_things or rng.choices((1, 2, 3), weights=(0.6, 0.25, 0.15))[0]
    if n == 1:
        return Scene((_thing(rng, (0, IMAGE_SIZE), colour, shape),))
    if n == 2:  # one on each side, so that "left of" means something; never two identical things
        left = _thing(rng, (0, 23), colour, shape)
        while True:
            right = _thing(rng, (25, IMAGE_SIZE))
            if (right.colour, right.shape) != (left.colour, left.shape):
                return Scene((left, right))
    things: list[Thing] = []
    for column in range(3):  # three small things in three columns
        while True:
            t = _thing(rng, (column * 16, column * 16 + 16), colour if column == 0 else None,
                       shape if column == 0 else None, size="small")  # fmt: skip
            if all((t.colour, t.shape) != (o.colour, o.shape) for o in things):
                things.append(t)
                break
    return Scene(tuple(things))


def single(colour: str, shape: str, rng: random.Random, **fixed) -> Scene:
    """A one-thing scene with the given colour and shape (size, texture, place at random unless fixed)."""
    return Scene((_thing(rng, (0, IMAGE_SIZE), colour, shape, fixed.get("size"), fixed.get("texture")),))


def pair(left: tuple[str, str], right: tuple[str, str], rng: random.Random) -> Scene:
    """Two things side by side: ``left`` = (colour, shape) on the left, ``right`` on the right."""
    return Scene((_thing(rng, (0, 23), *left, size="large"), _thing(rng, (25, IMAGE_SIZE), *right, size="large")))


def _where(thing: Thing) -> str:
    horizontal = "left" if thing.x < 18 else "right" if thing.x > 30 else ""
    vertical = "top" if thing.y < 17 else "bottom" if thing.y > 31 else ""
    if horizontal and vertical:
        return f"in the {vertical} {horizontal} corner"
    if horizontal:
        return f"on the {horizontal}"
    if vertical:
        return f"at the {vertical}"
    return "in the middle"


_TEXTURE_WORDS = {"solid": ("", "", "solid", "filled"), "striped": ("striped",), "outline": ("outlined", "hollow")}
_OPENERS = ("", "", "", "a photo of ", "an image of ", "a picture of ", "there is ", "this shows ", "a drawing of ")


def _noun_phrase(thing: Thing, rng: random.Random, details: bool) -> str:
    words = []
    if details and rng.random() < 0.5:
        words.append(thing.size)
    if details and rng.random() < 0.6:
        words.append(rng.choice(_TEXTURE_WORDS[thing.texture]))
    words += [thing.colour, thing.shape]
    text = " ".join(w for w in words if w)
    if rng.random() < 0.15:
        text = f"{thing.shape} in {thing.colour}" if rng.random() < 0.5 else f"{thing.shape} that is {thing.colour}"
    return ("an " if text[0] in "aeiou" else "a ") + text


def describe(scene: Scene, rng: random.Random) -> str:
    """One caption of the scene, in a wording picked at random (the training captions)."""
    opener = rng.choice(_OPENERS)
    things = scene.things
    if len(things) == 1:
        thing = things[0]
        text = _noun_phrase(thing, rng, details=True)
        if rng.random() < 0.4:
            text += " " + _where(thing)
        if rng.random() < 0.1:
            text = f"{thing.colour} {thing.shape}"  # a bare label, as in a list of icons
            opener = ""
    elif len(things) == 2:
        left, right = (_noun_phrase(t, rng, details=False) for t in things)
        text = rng.choice(
            (f"{left} and {right}", f"{left} to the left of {right}", f"{right} to the right of {left}",
             f"{left} next to {right}", f"{left} on the left and {right} on the right")
        )  # fmt: skip
    else:
        phrases = [_noun_phrase(t, rng, details=False) for t in things]
        if rng.random() < 0.5:
            rng.shuffle(phrases)
        text = f"{phrases[0]}, {phrases[1]} and {phrases[2]}"
        if rng.random() < 0.3:
            text = "three shapes: " + text
    return (opener + text).strip()


def plain_caption(scene: Scene) -> str:
    """The one fixed wording the offline captioner is trained to write, e.g. 'a large striped red circle'."""
    parts = []
    for thing in scene.things:
        texture = "" if thing.texture == "solid" else ("striped " if thing.texture == "striped" else "outlined ")
        parts.append(f"a {thing.size} {texture}{thing.colour} {thing.shape}")
    return " and ".join(parts)


def dataset(n: int, seed: int) -> tuple[list[Scene], list[Image.Image], list[str]]:
    """``n`` random scenes, their images and one random caption each, from ``seed``."""
    rng = random.Random(seed)
    scenes = [random_scene(rng) for _ in range(n)]
    images = [draw(s, rng) for s in scenes]
    captions = [describe(s, rng) for s in scenes]
    return scenes, images, captions
