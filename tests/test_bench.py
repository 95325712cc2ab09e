"""The measuring scripts (scripts/bench.py, scripts/browser_check.py): their logic, without running chapters."""

import ast
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))
import bench  # noqa: E402
import browser_check  # noqa: E402

CHAPTERS = sorted((ROOT / "chapters").glob("[0-9][0-9]*_*.ipynb"))


def test_every_chapter_has_exactly_one_headline():
    for chapter in CHAPTERS:
        assert bench.headline_expression(chapter.name), f"no headline for {chapter.name} in bench.HEADLINES"
    assert bench.headline_expression("07b_chains_memory_agents.ipynb") != bench.headline_expression(
        "07_text_generation.ipynb"
    )


@pytest.mark.parametrize("chapter", CHAPTERS, ids=lambda p: p.name)
def test_headline_names_exist_in_the_chapter(chapter):
    """A renamed variable would turn the benchmark's headline into n/a: catch it here instead."""
    expression = bench.headline_expression(chapter.name)
    wanted = {n.id for n in ast.walk(ast.parse(expression, mode="eval")) if isinstance(n, ast.Name)}
    wanted -= set(dir(__builtins__)) | {"len", "max", "min", "sum"}
    assigned = set()
    for cell in nbformat.read(chapter, as_version=4).cells:
        if cell.cell_type != "code":
            continue
        source = "\n".join(line for line in cell.source.splitlines() if not line.lstrip().startswith(("!", "%")))
        for node in ast.walk(ast.parse(source)):
            if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
                assigned.add(node.id)
            elif isinstance(node, ast.FunctionDef | ast.ClassDef):
                assigned.add(node.name)
            elif isinstance(node, ast.alias):
                assigned.add((node.asname or node.name).split(".")[0])
    assert wanted <= assigned, f"{chapter.name}: the headline reads {sorted(wanted - assigned)}, which no cell assigns"


def test_tree_memory_counts_children():
    child = subprocess.Popen([sys.executable, "-c", "x = bytearray(200 * 2**20); import time; time.sleep(3)"])
    try:
        with bench.TreeMemory(child.pid, every=0.05) as memory:
            time.sleep(1.5)
        assert memory.peak > 150 * 2**20
    finally:
        child.kill()


def machine_info(commit: str = "c", date: str = "d") -> dict:
    """What bench.machine() returns, for a made-up machine."""
    keys = dict(cpu="cpu", cores=2, ram_gib=24, gpu=None, python="3.11", torch="2", load_average=[1.0, 1.0, 1.0])
    return {"date": date, "commit": commit, **keys}


def test_markdown_reports_failures_and_the_unmeasured_gpu_column():
    info = machine_info()
    rows = [
        {"chapter": "01_a.ipynb", "ok": True, "error": None, "headline": "F1 0.8", "wall_s": 60, "peak_rss_gib": 1.5},
        {
            "chapter": "02_b.ipynb",
            "ok": False,
            "error": "ValueError: x",
            "headline": "n/a",
            "wall_s": 5,
            "peak_rss_gib": 0.2,
        },
    ]
    text = bench.write_markdown(info, rows, None, {})
    assert "| 01_a.ipynb | 1.0 min | 1.5 GiB | F1 0.8 | 0/0 | unmeasured |" in text
    assert "**failed:** ValueError: x" in text and "GPU column is unmeasured" in text


def test_browser_check_starts_lab_like_a_careful_learner():
    assert browser_check.USER_SETTINGS["@jupyterlab/docmanager-extension/plugin.jupyterlab-settings"] == {
        "autosave": False
    }
    assert "--disable-background-networking" in browser_check.CHROMIUM_ARGS
    rows = [
        {
            "chapter": "01_a.ipynb",
            "save_changes_file": True,
            "wall_s": 30,
            "cells": 9,
            "errors": 1,
            "images": 2,
            "unrun": 0,
        }
        | {"screenshot": "01_a.png"},
        {"chapter": "02_b.ipynb", "failure": "TimeoutError: x"},
    ]
    text = browser_check.write_markdown(rows, "now")
    assert "| 01_a.ipynb | **yes** | 0.5 min | 9 | 1 | 2 | 0 | [01_a.png](01_a.png) |" in text
    assert "**failed:** TimeoutError: x" in text


def test_output_text_compares_what_a_reader_sees():
    stream = nbformat.v4.new_output("stream", name="stdout", text="a\n")
    result = nbformat.v4.new_output("execute_result", data={"text/plain": "1", "text/html": "<b>1</b>"})
    assert bench.output_text([stream, result]) == "a\n1"
    assert bench.output_text([stream]) != bench.output_text([result])


def test_the_benchmark_uses_the_test_environment_of_the_makefile():
    env = bench.makefile_test_env()
    assert env["LLMBOOK_PROFILE"] == "offline" and env["HF_HUB_OFFLINE"] == "1" and env["OMP_WAIT_POLICY"] == "PASSIVE"
    makefile = (ROOT / "Makefile").read_text()
    assert all(f"{name}={value}" in makefile for name, value in env.items())


def test_a_partial_run_updates_its_rows_and_keeps_the_others():
    old = [{"chapter": "01_a.ipynb", "wall_s": 60}, {"chapter": "02_b.ipynb", "wall_s": 70}]
    merged = bench.merge_rows(old, [{"chapter": "02_b.ipynb", "wall_s": 5}], {"commit": "new", "date": "today"})
    assert merged == [
        {"chapter": "01_a.ipynb", "wall_s": 60},
        {"chapter": "02_b.ipynb", "wall_s": 5, "commit": "new", "date": "today"},
    ]
    info = machine_info(commit="new", date="today")
    rows = [
        {
            "chapter": "01_a.ipynb",
            "ok": True,
            "headline": "x",
            "wall_s": 60,
            "peak_rss_gib": 1,
            "commit": "old",
            "date": "d0",
        },
        {
            "chapter": "02_b.ipynb",
            "ok": True,
            "headline": "y",
            "wall_s": 5,
            "peak_rss_gib": 1,
            "commit": "new",
            "date": "today",
        },
    ]
    text = bench.write_markdown(info, rows, None, {})
    assert "| 01_a.ipynb (earlier run: d0, `old`) |" in text and "| 02_b.ipynb |" in text


def test_speed_is_compared_at_equal_thread_counts():
    runs = [
        {"backend": "transformers", "threads": 1, "ttft_s": 0.1, "total_s": 4.0, "tokens": 64},
        {"backend": "transformers", "threads": 2, "ttft_s": 0.1, "total_s": 2.0, "tokens": 64},
        {"backend": "llama.cpp", "threads": 1, "ttft_s": 0.05, "total_s": 1.0, "tokens": 64},
        {"backend": "llama.cpp", "threads": 2, "ttft_s": 0.05, "total_s": 4.0, "tokens": 64},
    ]
    speed = bench.summarise_speed(runs)
    assert speed["ratio_by_threads"] == {1: 4.0, 2: 0.5}  # slower with 2 threads: reported, not hidden
    assert speed["ratio_best"] == 2.0  # llama.cpp's best (1 thread) against transformers' best (2 threads)
    info = machine_info()
    text = bench.write_markdown(info, [], speed, {})
    assert "| llama.cpp | 2 | 50 ms | 62.7 ms | 16.0 |" in text
    assert "4.0x with 1 thread, 0.5x with 2 threads; best against best: 2.0x" in text
