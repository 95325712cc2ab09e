"""API keys: found, never shown.

``get_api_key("OPENAI_API_KEY")`` looks in the environment, then Colab's secrets
(the key icon in Colab's left bar), then a ``.env`` file in the working folder or a
parent, then asks with ``getpass`` if a person is at the keyboard. The key comes back
as an ``APIKey``: a plain ``str`` for the clients, whose ``repr`` is masked, so an
accidental ``key`` at the end of a cell (or in a traceback or a list) shows
``APIKey('sk-…9f')`` instead of the secret. Don't ``print`` it.
"""

from __future__ import annotations

import getpass
import os
import sys
from collections.abc import Callable

from .errors import MissingAPIKeyError


class APIKey(str):
    """A str whose repr is masked. Pass it to a client like any string."""

    def masked(self) -> str:
        return f"{self[:3]}…{self[-2:]}" if len(self) > 12 else "***"

    def __repr__(self) -> str:
        return f"APIKey('{self.masked()}')"


def _from_colab(name: str) -> str | None:
    try:
        from google.colab import userdata  # type: ignore[import-not-found]
    except ImportError:
        return None
    try:
        return userdata.get(name)
    except Exception:  # SecretNotFoundError, NotebookAccessError (access not granted)
        return None


def _from_dotenv(name: str) -> str | None:
    try:
        from dotenv import dotenv_values, find_dotenv
    except ImportError:
        return None
    path = find_dotenv(usecwd=True)
    return dotenv_values(path).get(name) if path else None


def _interactive() -> bool:
    if os.environ.get("CI"):
        return False
    try:
        from IPython import get_ipython

        shell = get_ipython()
        if shell is not None:
            return shell.__class__.__name__ == "ZMQInteractiveShell" and bool(
                getattr(shell, "kernel", None) and shell.kernel._allow_stdin
            )
    except ImportError:
        pass
    return sys.stdin is not None and sys.stdin.isatty()


def _places(name: str) -> tuple[tuple[str, str, Callable[[], str | None]], ...]:
    """Where a key is looked for, in order: (what the error says, a short name, how to read it)."""
    return (
        (f"the environment variable {name}", "environment", lambda: os.environ.get(name)),
        (f"Colab secrets ({name})", "Colab secrets", lambda: _from_colab(name)),
        (f"a .env file (line {name}=...) in this folder or a parent", ".env file", lambda: _from_dotenv(name)),
    )


def key_source(name: str) -> str | None:
    """Where the key ``name`` would be found ("environment", "Colab secrets", ".env file"), never its value."""
    return next((where for _, where, read in _places(name) if read()), None)


def get_api_key(name: str, *, ask: bool = True) -> APIKey:
    """Find the API key called ``name`` (e.g. ``"OPENAI_API_KEY"``), or raise.

    ``ask=False`` never prompts (used by the client helpers, which fall back to a
    local model instead). Raises ``MissingAPIKeyError`` naming every place it looked.
    """
    looked, value = [], None
    for description, _, read in _places(name):
        looked.append(description)
        value = read()
        if value:
            break
    if not value and ask and _interactive():
        looked.append("a prompt")
        value = getpass.getpass(f"{name} (input hidden; leave empty to skip): ").strip()
    if not value:
        raise MissingAPIKeyError(
            f"No {name} found. Looked in: {'; '.join(looked)}. Set one with "
            f"`export {name}=...` before starting Jupyter, a Colab secret named {name}, "
            f"or a line {name}=... in a .env file (git ignores .env). "
            "Chapters that only need a chat model run without a key on a local model."
        )
    return APIKey(value.strip())
