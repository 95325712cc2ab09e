"""Faults a learner meets, each with a clear message — the ones not covered next to their modules.

Elsewhere: a missing key (test_keys), an empty or bad profile (test_profiles), too little
VRAM (test_device), an unknown model id (test_models), a missing or malformed data file
(test_datasets), a damaged or read-only cache (test_cache), the local server's port taken
and a server that dies (test_clients), no route to the model hub (test_profiles). Here: a
hosted API that refuses the key, rate-limits, or cannot be reached, an empty key, and a
kernel killed while a model was being built.
"""

import os
import signal
import subprocess
import sys
import textwrap
import time

import httpx
import openai
import pytest

from llmbook_utils import MissingAPIKeyError, get_api_key, openai_client
from llmbook_utils.cache import build_once, check_folder

FAKE_KEY = "sk-fake-" + "x7" * 20  # planted: must never be echoed


def _hosted(monkeypatch, handler, max_retries=2):
    monkeypatch.setenv("LLMBOOK_PROFILE", "laptop")
    monkeypatch.setenv("OPENAI_API_KEY", FAKE_KEY)
    return openai_client(max_retries=max_retries, http_client=httpx.Client(transport=httpx.MockTransport(handler)))


def _ask(client):
    return client.chat.completions.create(model="gpt-4o-mini", messages=[{"role": "user", "content": "hi"}])


def test_a_wrong_key_is_a_clear_401_that_does_not_echo_the_key(monkeypatch):
    def handler(request):
        assert request.headers["authorization"] == f"Bearer {FAKE_KEY}"
        body = {
            "error": {
                "message": "Incorrect API key provided.",
                "type": "invalid_request_error",
                "code": "invalid_api_key",
            }
        }
        return httpx.Response(401, json=body)

    with pytest.raises(openai.AuthenticationError) as caught:
        _ask(_hosted(monkeypatch, handler))
    message = str(caught.value)
    assert "401" in message and "Incorrect API key" in message
    assert FAKE_KEY not in message and FAKE_KEY[8:20] not in message


def test_a_rate_limit_is_retried_then_reported(monkeypatch):
    calls = []

    def handler(request):
        calls.append(time.monotonic())
        return httpx.Response(429, headers={"retry-after": "0"}, json={"error": {"message": "Rate limit reached"}})

    with pytest.raises(openai.RateLimitError, match="Rate limit reached"):
        _ask(_hosted(monkeypatch, handler, max_retries=2))
    assert len(calls) == 3  # the first try and two retries


def test_a_rate_limit_that_clears_is_invisible(monkeypatch):
    answers = iter([httpx.Response(429, headers={"retry-after": "0"}, json={"error": {"message": "slow down"}})])
    ok = {
        "id": "x", "object": "chat.completion", "created": 0, "model": "gpt-4o-mini",
        "choices": [{"index": 0, "finish_reason": "stop", "message": {"role": "assistant", "content": "hello"}}],
    }  # fmt: skip
    reply = _ask(_hosted(monkeypatch, lambda request: next(answers, httpx.Response(200, json=ok))))
    assert reply.choices[0].message.content == "hello"


def test_no_network_to_the_hosted_api_is_a_connection_error(monkeypatch):
    def handler(request):
        raise httpx.ConnectError("network is unreachable", request=request)

    with pytest.raises(openai.APIConnectionError, match="Connection error"):
        _ask(_hosted(monkeypatch, handler, max_retries=0))


def test_an_empty_key_counts_as_missing(monkeypatch, tmp_path):
    monkeypatch.setenv("OPENAI_API_KEY", "")
    monkeypatch.chdir(tmp_path)
    with pytest.raises(MissingAPIKeyError, match="No OPENAI_API_KEY found"):
        get_api_key("OPENAI_API_KEY", ask=False)


def test_a_build_killed_half_way_is_finished_by_the_next_run(monkeypatch, tmp_path):
    """Like a kernel killed while training a stand-in: the next run builds it cleanly."""
    monkeypatch.setenv("LLMBOOK_CACHE", str(tmp_path))
    script = textwrap.dedent(
        """
        import time
        from pathlib import Path
        from llmbook_utils.cache import build_once

        def slow(folder: Path) -> None:
            (folder / "half.bin").write_bytes(b"x" * 1000)
            Path(folder.parent / "started").touch()
            time.sleep(60)

        build_once("model-v1", slow)
        """
    )
    child = subprocess.Popen([sys.executable, "-c", script], env={**os.environ, "LLMBOOK_CACHE": str(tmp_path)})
    try:
        for _ in range(300):
            if (tmp_path / "started").exists():
                break
            time.sleep(0.1)
        assert (tmp_path / "started").exists(), "the child never started building"
        os.kill(child.pid, signal.SIGKILL)
        child.wait(timeout=10)
    finally:
        if child.poll() is None:
            child.kill()
    assert check_folder(tmp_path / "model-v1") == "missing"  # the half-built copy never became the model

    def quick(folder):
        (folder / "weights.bin").write_bytes(b"y" * 10)

    path = build_once("model-v1", quick)  # the dead process's lock is released by the OS
    assert check_folder(path) is None and (path / "weights.bin").read_bytes() == b"y" * 10
