"""Every chapter runs with planted API keys, and no cell may show them.

``make test`` executes the chapters with nbval. Before a chapter's kernel starts, fake
``OPENAI_API_KEY`` and ``COHERE_API_KEY`` values (fresh each session) are put into the
environment the kernel inherits; the pytest process gets its own environment back at once,
so tests/ never sees them. After every cell, its outputs are searched for the planted values
(and for their secret halves): a cell that prints a key fails, whatever else it does.
A cell also fails if it leaves a new file or folder next to the chapters (a trainer's
default output folder, say): a learner's checkout should stay as it was cloned.
The tests profile is offline, so the keys are never sent anywhere.
"""

from __future__ import annotations

import json
import os
import secrets

import pytest

PLANTED = {
    "OPENAI_API_KEY": "sk-llmbook-planted-" + secrets.token_hex(16),
    "COHERE_API_KEY": "llmbook-planted-cohere-" + secrets.token_hex(16),
}


def leaked_keys(outputs: object, planted: dict[str, str] = PLANTED) -> list[str]:
    """Names of the planted keys whose value, or the random second half of it, appears in ``outputs``."""
    text = json.dumps(outputs, default=str)
    return [name for name, value in planted.items() if value[-16:] in text]  # the whole value contains it too


def _is_notebook_cell(item: pytest.Item) -> bool:
    return type(item).__name__ == "IPyNbCell"


@pytest.hookimpl(wrapper=True)
def pytest_runtest_setup(item: pytest.Item):
    """The first cell's setup starts the kernel: let it start with the planted keys, then restore."""
    if not (_is_notebook_cell(item) and getattr(item.parent, "kernel", None) is None):
        return (yield)
    saved = {name: os.environ.get(name) for name in PLANTED}
    os.environ.update(PLANTED)
    try:
        return (yield)
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def new_entries(before: set[str], after: set[str]) -> list[str]:
    """What a cell left next to the chapters (Lab's own .ipynb_checkpoints aside)."""
    return sorted(after - before - {".ipynb_checkpoints"})


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item):
    if not _is_notebook_cell(item):
        return (yield)
    folder = item.path.parent
    before = set(os.listdir(folder))
    result = yield
    leaked = leaked_keys(getattr(item, "test_outputs", None) or [])
    assert not leaked, f"this cell's output shows the planted {', '.join(leaked)}: never print a key"
    stray = new_entries(before, set(os.listdir(folder)))
    assert not stray, (
        f"this cell wrote {stray} into {folder.name}/, where every learner would find it: "
        "give the library an output folder under /tmp (training arguments default to the current folder)"
    )
    return result
