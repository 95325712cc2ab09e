import pytest
import torch

from llmbook_utils import clients, openai_client
from llmbook_utils.server import OpenAIPenalties

SECRET = "fake-test-0123456789abcdefghijklmnopqrstuv"  # not a real key


def test_with_key_uses_the_hosted_api(monkeypatch, capsys):
    monkeypatch.setenv("LLMBOOK_PROFILE", "laptop")
    monkeypatch.setenv("OPENAI_API_KEY", SECRET)
    monkeypatch.setattr(clients, "start_local_server", lambda *a, **k: pytest.fail("started a local server"))
    client = openai_client()
    assert str(client.base_url).startswith("https://api.openai.com")
    assert client.max_retries == 3
    out = capsys.readouterr().out
    assert "hosted OpenAI API" in out and SECRET not in out


def test_without_key_starts_the_local_server(monkeypatch, tmp_path, capsys):
    monkeypatch.setenv("LLMBOOK_PROFILE", "laptop")
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(clients, "get_api_key", _no_key)
    monkeypatch.setattr(clients, "resolve", lambda *a, **k: str(tmp_path))
    started = []
    monkeypatch.setattr(
        clients, "start_local_server", lambda path, name: started.append(path) or "http://127.0.0.1:9/v1"
    )
    client = openai_client()
    assert started == [str(tmp_path)]
    assert str(client.base_url) == "http://127.0.0.1:9/v1/"
    assert "no OPENAI_API_KEY" in capsys.readouterr().out


def test_offline_never_uses_a_key(monkeypatch):
    monkeypatch.setenv("LLMBOOK_PROFILE", "offline")
    monkeypatch.setenv("OPENAI_API_KEY", SECRET)
    monkeypatch.setattr(clients, "resolve", lambda *a, **k: "/nowhere")
    monkeypatch.setattr(clients, "start_local_server", lambda path, name: "http://127.0.0.1:9/v1")
    assert str(openai_client().base_url).startswith("http://127.0.0.1:9")


def test_cohere_without_key_says_so(monkeypatch, tmp_path, capsys):
    monkeypatch.setenv("LLMBOOK_PROFILE", "laptop")
    monkeypatch.setattr(clients, "get_api_key", _no_key)
    assert clients.cohere_client() is None
    assert "No COHERE_API_KEY found" in capsys.readouterr().out


def test_server_that_dies_reports_its_log(monkeypatch, tmp_path):
    model = tmp_path / "not-a-model"
    model.mkdir()
    with pytest.raises(clients.LocalServerError, match="exited with code"):
        clients.start_local_server(str(model), "broken", timeout=60)


def test_penalties_follow_openai_semantics():
    scores = torch.zeros(1, 5)
    ids = torch.tensor([[4, 4, 1, 1, 1, 2]])  # prompt = first two tokens
    out = OpenAIPenalties(prompt_len=2, presence=0.5, frequency=0.25)(ids, scores.clone())
    # token 1 generated 3x, token 2 once, token 4 only in the prompt
    assert out[0].tolist() == pytest.approx([0.0, -1.25, -0.75, 0.0, 0.0])


def test_local_server_end_to_end():
    """The real thing: SmolLM2 behind the OpenAI client, as the chapters use it."""
    client = openai_client()
    messages = [{"role": "user", "content": "What is the capital of France? Answer in one word."}]
    first = client.chat.completions.create(model="gpt-4o-mini", messages=messages, max_tokens=8, temperature=0)
    again = client.chat.completions.create(model="gpt-4o-mini", messages=messages, max_tokens=8, temperature=0)
    text = first.choices[0].message.content
    assert "Paris" in text
    assert again.choices[0].message.content == text  # greedy is deterministic
    assert first.model.startswith("SmolLM2-135M-Instruct")
    assert 0 < first.usage.completion_tokens <= 8

    stream = client.chat.completions.create(model="x", messages=messages, max_tokens=8, temperature=0, stream=True)
    pieces = [c.choices[0].delta.content or "" for c in stream]
    assert "".join(pieces) == text

    stopped = client.chat.completions.create(
        model="x",
        messages=[{"role": "user", "content": "Count from 1 to 10, one number per line."}],
        max_tokens=40,
        temperature=0,
        stop=["4"],
    )
    assert "4" not in stopped.choices[0].message.content and stopped.choices[0].finish_reason == "stop"

    import openai

    with pytest.raises(openai.BadRequestError, match="messages"):
        client.chat.completions.create(model="x", messages=[], max_tokens=5)


def _no_key(name, **kwargs):
    from llmbook_utils import MissingAPIKeyError

    raise MissingAPIKeyError(f"No {name} found. Looked in: the environment.")


def test_server_exits_when_its_parent_dies():
    """A killed kernel can't stop its server; the server notices and stops itself."""
    import subprocess
    import sys
    import time

    import psutil

    child = "import os, sys, time; from llmbook_utils.server import exit_with_parent; exit_with_parent(int(sys.argv[1]), 0.1); time.sleep(60)"
    parent = (
        "import os, subprocess, sys; "
        f"p = subprocess.Popen([sys.executable, '-c', {child!r}, str(os.getpid())], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL); "
        "print(p.pid, flush=True)"
    )
    out = subprocess.run([sys.executable, "-c", parent], capture_output=True, text=True, timeout=60)
    pid = int(out.stdout.strip())
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            if psutil.Process(pid).status() == psutil.STATUS_ZOMBIE:
                break
        except psutil.NoSuchProcess:
            break
        time.sleep(0.2)
    else:
        psutil.Process(pid).kill()
        raise AssertionError("the orphaned server process kept running")
