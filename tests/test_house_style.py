"""The house_style data set of chapter 9b: sizes, the house style itself, scores, no leaks.

``follows_house_style`` is the same checker the chapter defines (and uses to score the model's
answers); keep the two in step.
"""

import json
import re
from pathlib import Path

import pytest

FOLDER = Path(__file__).resolve().parents[1] / "data" / "house_style"

HOUSE_STYLE = re.compile(r"In short: (?P<answer>[^\n]+)\nDetails:\n(?P<bullets>- [^\n]+(?:\n- [^\n]+){1,2})")


def follows_house_style(text: str) -> bool:
    """True for "In short: <one sentence, <= 25 words>" + "Details:" + 2 or 3 "- " bullets, nothing else."""
    match = HOUSE_STYLE.fullmatch(text.strip())
    if match is None:
        return False
    bullets = [line[2:] for line in match["bullets"].splitlines()]
    return len(match["answer"].split()) <= 25 and all(0 < len(b.split()) <= 20 for b in bullets)


def rows(split: str) -> list[dict]:
    with open(FOLDER / f"{split}.jsonl", encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def norm(prompt: str) -> str:
    return " ".join(re.sub(r"[^a-z0-9 ]", " ", prompt.lower()).split())


def test_the_checker_accepts_the_style_and_nothing_else():
    good = "In short: Yes.\nDetails:\n- One point.\n- Another point."
    assert follows_house_style(good)
    assert follows_house_style(good + "\n- A third point.\n")
    assert not follows_house_style("Great question!\n" + good)  # filler opener
    assert not follows_house_style(good.replace("Details:", "More:"))  # broken format
    assert not follows_house_style("In short: Yes.\nDetails:\n- Only one point.")  # too few bullets
    assert not follows_house_style(good + "\n- Three.\n- Four.")  # too many bullets
    assert not follows_house_style(good.replace("Yes.", "word " * 26))  # answer too long
    assert not follows_house_style(good + "\nAnything after the bullets.")


def test_sizes_and_columns():
    assert len(rows("train")) >= 80
    assert len(rows("preferences")) >= 60
    assert len(rows("heldout_prompts")) >= 40
    assert len(rows("heldout_preferences")) >= 24
    assert all(set(r) == {"prompt", "response"} for r in rows("train"))
    pair_keys = {"prompt", "chosen", "rejected", "score_chosen", "score_rejected"}
    assert all(pair_keys <= set(r) for r in rows("preferences") + rows("heldout_preferences"))
    assert all("prompt" in r for r in rows("heldout_prompts"))


def test_every_training_answer_and_every_chosen_answer_is_in_house_style():
    bad = [r["prompt"] for r in rows("train") if not follows_house_style(r["response"])]
    bad += [r["prompt"] for r in rows("preferences") if not follows_house_style(r["chosen"])]
    assert not bad, f"not in house style: {bad}"


def test_rejected_answers_differ_and_most_break_the_style_or_the_facts():
    pairs = rows("preferences")
    assert all(r["chosen"].strip() != r["rejected"].strip() for r in pairs)
    off_style = sum(not follows_house_style(r["rejected"]) for r in pairs)
    assert 0.3 * len(pairs) <= off_style < len(pairs), off_style  # the rest are wrong in content, or ties


@pytest.mark.parametrize("split", ["preferences", "heldout_preferences"])
def test_scores_are_integers_from_1_to_10(split):
    for r in rows(split):
        for key in ("score_chosen", "score_rejected"):
            assert isinstance(r[key], int) and 1 <= r[key] <= 10, (r["prompt"], key, r[key])
        assert r["score_chosen"] >= r["score_rejected"], r["prompt"]


def test_some_pairs_are_there_for_the_filter_to_remove():
    pairs = rows("preferences")
    ties = sum(r["score_chosen"] == r["score_rejected"] for r in pairs)
    low = sum(r["score_chosen"] < 7 and r["score_chosen"] != r["score_rejected"] for r in pairs)
    assert ties >= 3 and low >= 3
    assert 0.1 <= (ties + low) / len(pairs) <= 0.25


@pytest.mark.parametrize("split", ["train", "preferences", "heldout_prompts", "heldout_preferences"])
def test_no_duplicate_prompts(split):
    prompts = [norm(r["prompt"]) for r in rows(split)]
    assert len(prompts) == len(set(prompts)), [p for p in set(prompts) if prompts.count(p) > 1]


STOP_WORDS = set(
    "a an and are at be between can difference do does for from how i in is it me my of on or should the to what whats why with you your".split()
)


def content_words(prompt: str) -> set[str]:
    return {w.removesuffix("s") for w in norm(prompt).split() if w not in STOP_WORDS and len(w) > 1}


def similar(a: str, b: str) -> bool:
    """Same question in other words: at least half of the content words shared."""
    wa, wb = content_words(a), content_words(b)
    return len(wa & wb) >= 0.5 * len(wa | wb)


def test_the_similarity_check_catches_rephrasings():
    assert similar("What's a black hole?", "What is a black hole?")
    assert similar("How many bones does an adult human have?", "How many bones are in the adult human body?")
    assert not similar("Why do we yawn?", "Why do we have seasons?")


def test_no_prompt_is_shared_between_splits():
    mine = {split: [r["prompt"] for r in rows(split)] for split in ("train", "preferences")}
    held = [r["prompt"] for split in ("heldout_prompts", "heldout_preferences") for r in rows(split)]
    clashes = [(a, b) for a in mine["train"] for b in mine["preferences"] if similar(a, b)]
    clashes += [(a, b) for a in mine["train"] + mine["preferences"] for b in held if similar(a, b)]
    assert not clashes, clashes
