"""Clients for hosted APIs, with a local stand-in when there is no key.

``openai_client()`` returns an ``openai.OpenAI``. With ``OPENAI_API_KEY`` it talks to
the hosted API; without one (or offline) it starts our small OpenAI-compatible
server (``llmbook_utils.server``) on 127.0.0.1 backed by the local chat model, so the
same ``client.chat.completions.create(...)`` code runs either way.
"""

from __future__ import annotations

import atexit
import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from .errors import LocalServerError, MissingAPIKeyError
from .keys import get_api_key
from .models import resolve
from .profiles import get_profile

LOCAL_CHAT_MODEL = "HuggingFaceTB/SmolLM2-135M-Instruct"
_servers: dict[str, tuple[subprocess.Popen, str]] = {}  # model folder -> (process, base_url)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _healthy(base_url: str) -> bool:
    try:
        with urllib.request.urlopen(base_url.removesuffix("/v1") + "/health", timeout=2) as r:
            return json.load(r).get("status") == "ok"
    except OSError:
        return False


def _stop(proc: subprocess.Popen, log: Path | None = None) -> None:
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
    if log is not None:
        log.unlink(missing_ok=True)  # kept only while the server runs, or when it failed to start


def start_local_server(model_path: str, name: str, *, timeout: float = 180.0) -> str:
    """Start (or reuse) the local chat server for ``model_path``; return its base URL."""
    running = _servers.get(model_path)
    if running and running[0].poll() is None and _healthy(running[1]):
        return running[1]
    port = _free_port()
    base_url = f"http://127.0.0.1:{port}/v1"
    log = Path(model_path).parent / f"server-{port}.log"
    with open(log, "w") as log_file:
        proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "llmbook_utils.server",
                "--model",
                model_path,
                "--name",
                name,
                "--port",
                str(port),
                "--parent-pid",
                str(os.getpid()),
            ],
            stdout=log_file,
            stderr=subprocess.STDOUT,
            env={**os.environ, "TQDM_DISABLE": "1", "OMP_WAIT_POLICY": "PASSIVE"},  # don't spin-wait against the kernel
        )
    atexit.register(_stop, proc, log)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            tail = log.read_text()[-2000:]
            raise LocalServerError(
                f"The local chat server exited with code {proc.returncode}. Its log ({log}) ends:\n{tail}"
            )
        if _healthy(base_url):
            _servers[model_path] = (proc, base_url)
            return base_url
        time.sleep(0.5)
    _stop(proc)  # the log stays, for the message below
    raise LocalServerError(
        f"The local chat server did not answer within {timeout:.0f} s (log: {log}). "
        "The machine may be short of memory; close other notebooks and try again."
    )


def openai_client(*, max_retries: int = 3, timeout: float = 120.0):
    """An ``openai.OpenAI`` client: hosted with a key, else a local stand-in server.

    ``max_retries`` makes the client retry rate-limit (429) and server errors with
    exponential backoff. Prints one line saying which backend answers.
    """
    from openai import OpenAI

    profile = get_profile()
    if profile != "offline":
        try:
            key = get_api_key("OPENAI_API_KEY", ask=False)
            print("openai: hosted OpenAI API (key found; calls are billed to your account)")
            return OpenAI(api_key=key, max_retries=max_retries, timeout=timeout)
        except MissingAPIKeyError:
            pass
    model_path = resolve(LOCAL_CHAT_MODEL, profile="offline", verbose=False)
    base_url = start_local_server(model_path, "SmolLM2-135M-Instruct (local)")
    why = "offline profile" if profile == "offline" else "no OPENAI_API_KEY"
    print(f"openai: local stand-in server at {base_url} running SmolLM2-135M-Instruct ({why}); any model name works")
    return OpenAI(base_url=base_url, api_key="local-no-key-needed", max_retries=max_retries, timeout=timeout)


def cohere_client():
    """A ``cohere.ClientV2`` with a key, or None (after saying so) without one.

    Chapters fall back to a local sentence-transformers model when this is None.
    """
    if get_profile() == "offline":
        print("cohere: offline profile, the hosted API is unreachable; using the local model instead")
        return None
    try:
        key = get_api_key("COHERE_API_KEY", ask=False)
    except MissingAPIKeyError as err:
        print(f"cohere: {err} Using the local model instead.")
        return None
    import cohere

    print("cohere: hosted Cohere API (key found; calls count against your quota)")
    return cohere.ClientV2(api_key=key, timeout=120)
