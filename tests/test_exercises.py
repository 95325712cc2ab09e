"""Every exercise in every chapter comes with a folded solution (or a folded hint).

The Exercises section runs from the markdown heading ``## Exercises`` to the next ``#``/``##``
heading, across markdown cells. Each exercise is a numbered item that starts with a bold
title (``N. **Title.** text``); it must be followed, before the next exercise or the end of
the section, by a ``<details>`` block with a ``<summary>`` and a closing ``</details>``.
Lines inside fenced code blocks are ignored when looking for headings and exercises.
"""

import re
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
CHAPTERS = sorted((ROOT / "chapters").glob("[0-9][0-9]*_*.ipynb"))

EXERCISES_HEADING = re.compile(r"^##\s+Exercises\b")
NEXT_HEADING = re.compile(r"^#{1,2}\s+\S")  # a level-1 or level-2 heading ends the section
EXERCISE = re.compile(r"^(\d+)\. \*\*")
FENCE = re.compile(r"^\s*(```|~~~)")


def markdown_lines(path: Path) -> list[tuple[str, bool]]:
    """All markdown lines of a notebook, in order, each with whether it sits inside a code fence."""
    nb = nbformat.read(path, as_version=4)
    lines = []
    for cell in nb.cells:
        if cell.cell_type != "markdown":
            continue
        in_fence = False  # a fence never spans two cells
        for line in cell.source.splitlines():
            if FENCE.match(line):
                lines.append((line, True))
                in_fence = not in_fence
            else:
                lines.append((line, in_fence))
    return lines


def exercises_section(path: Path) -> list[tuple[str, bool]] | None:
    """The lines after the ``## Exercises`` heading up to the next heading; None without one."""
    lines = markdown_lines(path)
    start = next((i for i, (line, fenced) in enumerate(lines) if not fenced and EXERCISES_HEADING.match(line)), None)
    if start is None:
        return None
    section = []
    for line, fenced in lines[start + 1 :]:
        if not fenced and NEXT_HEADING.match(line):
            break
        section.append((line, fenced))
    return section


def split_exercises(section: list[tuple[str, bool]]) -> list[tuple[str, list[str]]]:
    """(number, lines from its item to the next item or the section's end) for every exercise."""
    found: list[tuple[str, list[str]]] = []
    for line, fenced in section:
        match = None if fenced else EXERCISE.match(line)
        if match:
            found.append((match[1], [line]))
        elif found:
            found[-1][1].append("```" if fenced else line)  # fenced code counts as content, never as a tag
    return found


def solution_problem(lines: list[str]) -> str | None:
    """None if the exercise's lines hold a complete <details> block, else what is wrong, in words."""
    text = "\n".join(lines[1:])  # the block must come after the exercise's own line
    opening = re.search(r"<details>", text)
    if opening is None:
        return "no <details> block after it"
    summary = re.search(r"<summary>(.*?)</summary>", text[opening.end() :], flags=re.S)
    if summary is None:
        return "its <details> block has no <summary>...</summary>"
    if not summary[1].strip():
        return "its <summary> is empty"
    rest = text[opening.end() + summary.end() :]
    closing = rest.find("</details>")
    if closing == -1:
        return "its <details> block is never closed with </details>"
    if not rest[:closing].strip():
        return "its <details> block is empty (no solution or hint inside)"
    return None


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.name)
def test_every_exercise_has_a_folded_solution(path):
    section = exercises_section(path)
    assert section is not None, f"{path.name}: no '## Exercises' heading in a markdown cell"
    exercises = split_exercises(section)
    assert len(exercises) >= 3, (
        f"{path.name}: found {len(exercises)} exercises in the Exercises section, need at least 3 "
        "(each a numbered item starting with a bold title: `1. **Title.** ...`)"
    )
    problems = [
        f"{path.name}, exercise {number}: {problem}"
        for number, lines in exercises
        if (problem := solution_problem(lines)) is not None
    ]
    assert not problems, "\n".join(problems)


def test_the_checker_catches_a_missing_solution():
    good = ["1. **A.** Do it.", "", "<details><summary>Solution</summary>", "", "Text.", "</details>"]
    assert solution_problem(good) is None
    assert solution_problem(["1. **A.** Do it.", "", "Some text."]) == "no <details> block after it"
    assert "never closed" in solution_problem(good[:-1])
    assert "no <summary>" in solution_problem(["1. **A.**", "<details>", "Text.", "</details>"])
    assert "empty" in solution_problem(["1. **A.**", "<details><summary>Solution</summary>", "</details>"])
    section = [(line, False) for line in ["1. **A.** x", *good[1:], "2. **B.** y", "Text."]]
    assert [number for number, _ in split_exercises(section)] == ["1", "2"]
    assert solution_problem(split_exercises(section)[1][1]) == "no <details> block after it"
