import json

import pytest

from llmbook_utils import MissingAPIKeyError, api_key_available, clients, cohere_client, openai_client, server
from llmbook_utils.server import OpenAIRequestShim, translate_request
from llmbook_utils.standins import smollm2

SECRET = "fake-test-0123456789abcdefghijklmnopqrstuv"  # not a real key


def _no_key(name, **kwargs):
    raise MissingAPIKeyError(f"No {name} found. Looked in: the environment.")


def test_with_key_uses_the_hosted_api(monkeypatch, capsys):
    monkeypatch.setenv("LLMBOOK_PROFILE", "laptop")
    monkeypatch.setenv("OPENAI_API_KEY", SECRET)
    monkeypatch.setattr(clients, "start_local_server", lambda *a, **k: pytest.fail("started a local server"))
    client = openai_client()
    assert str(client.base_url).startswith("https://api.openai.com")
    assert client.max_retries == 3
    out = capsys.readouterr().out
    assert "hosted OpenAI API" in out and SECRET not in out


def test_without_key_starts_the_local_server(monkeypatch, capsys):
    monkeypatch.setenv("LLMBOOK_PROFILE", "laptop")
    monkeypatch.setattr(clients, "get_api_key", _no_key)
    monkeypatch.setattr(clients, "start_local_server", lambda: "http://127.0.0.1:9/v1")
    client = openai_client()
    assert str(client.base_url) == "http://127.0.0.1:9/v1/"
    assert "no OPENAI_API_KEY" in capsys.readouterr().out


def test_offline_never_uses_a_key(monkeypatch):
    monkeypatch.setenv("LLMBOOK_PROFILE", "offline")
    monkeypatch.setenv("OPENAI_API_KEY", SECRET)
    monkeypatch.setattr(clients, "start_local_server", lambda: "http://127.0.0.1:9/v1")
    assert str(openai_client().base_url).startswith("http://127.0.0.1:9")


def test_cohere_without_key_raises_a_clear_error(monkeypatch):
    monkeypatch.setenv("LLMBOOK_PROFILE", "laptop")
    monkeypatch.setattr(clients, "get_api_key", lambda name, **k: _no_key(name))
    assert api_key_available("COHERE_API_KEY") is False
    with pytest.raises(MissingAPIKeyError, match="No COHERE_API_KEY found"):
        cohere_client()


def test_cohere_offline_says_why_even_with_a_key(monkeypatch):
    monkeypatch.setenv("LLMBOOK_PROFILE", "offline")
    monkeypatch.setenv("COHERE_API_KEY", SECRET)
    assert api_key_available("COHERE_API_KEY") is False
    with pytest.raises(MissingAPIKeyError, match="offline profile") as err:
        cohere_client()
    assert SECRET not in str(err.value)


def test_cohere_with_key(monkeypatch, capsys):
    monkeypatch.setenv("LLMBOOK_PROFILE", "laptop")
    monkeypatch.setenv("COHERE_API_KEY", SECRET)
    assert api_key_available("COHERE_API_KEY") is True
    co = cohere_client()
    assert type(co).__name__ == "ClientV2"
    out = capsys.readouterr().out
    assert "hosted Cohere API" in out and SECRET not in out


# --- the request shim in front of llama.cpp's server ---------------------------------
def test_json_schema_is_rewritten_for_llama_cpp():
    schema = {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]}
    body = {
        "model": "gpt-4o-mini",
        "messages": [{"role": "user", "content": "hi"}],
        "response_format": {"type": "json_schema", "json_schema": {"name": "place", "schema": schema, "strict": True}},
        "max_completion_tokens": 20,
        "temperature": 0,
    }
    out = translate_request(body)
    assert out["response_format"] == {"type": "json_object", "schema": schema}
    assert out["max_tokens"] == 20 and "max_completion_tokens" not in out
    assert out["repeat_penalty"] == 1.0 and out["top_k"] == 0 and out["min_p"] == 0.0
    assert out["model"] == server.MODEL_NAME and out["temperature"] == 0
    assert body["response_format"]["type"] == "json_schema", "the caller's dict must not change"
    assert out["messages"][0] == {"role": "system", "content": smollm2.DEFAULT_SYSTEM}
    assert out["messages"][1:] == body["messages"]
    with_system = translate_request({"messages": [{"role": "system", "content": "Be brief."}, *body["messages"]]})
    assert with_system["messages"][0]["content"] == "Be brief."


def test_default_system_prompt_is_the_models_own():
    """The system line the server adds is the one SmolLM2's chat template (inside the GGUF) adds."""
    from gguf import GGUFReader

    field = GGUFReader(str(smollm2.gguf_path())).fields["tokenizer.chat_template"]
    template = bytes(field.parts[field.data[0]]).decode()
    assert smollm2.DEFAULT_SYSTEM in template and "messages[0]['role'] != 'system'" in template


def test_tool_results_reach_the_prompt():
    messages = [
        {"role": "user", "content": "What is 2 plus 3?"},
        {
            "role": "assistant",
            "content": None,
            "tool_calls": [
                {"id": "call_1", "type": "function", "function": {"name": "add", "arguments": '{"a": 2, "b": 3}'}}
            ],
        },
        {"role": "tool", "tool_call_id": "call_1", "content": "5"},
    ]
    out = translate_request({"messages": messages})["messages"]
    assert [m["role"] for m in out] == ["system", "user", "assistant", "user"]
    assert out[-1]["content"] == "Result of add: 5"
    assert out[2]["tool_calls"][0]["function"]["name"] == "add"
    assert out[2]["content"] == ""  # llama.cpp refuses a null assistant content


def test_explicit_settings_and_other_formats_pass_through():
    body = {"messages": [], "response_format": {"type": "json_object"}, "max_tokens": 5, "repeat_penalty": 1.3}
    out = translate_request(body)
    assert out["response_format"] == {"type": "json_object"}
    assert out["max_tokens"] == 5 and out["repeat_penalty"] == 1.3


def test_shim_rewrites_only_chat_completion_posts():
    import asyncio

    seen = []

    async def app(scope, receive, send):
        message = await receive()
        seen.append((scope["path"], dict(scope["headers"]).get(b"content-length"), message["body"]))

    shim = OpenAIRequestShim(app, "local")
    payload = json.dumps({"model": "x", "max_completion_tokens": 3}).encode()

    def call(path):
        parts = [payload[:10], payload[10:]]  # a body that arrives in two pieces

        async def receive():
            piece = parts.pop(0)
            return {"type": "http.request", "body": piece, "more_body": bool(parts)}

        scope = {"type": "http", "method": "POST", "path": path, "headers": [(b"content-length", b"999")]}
        asyncio.run(shim(scope, receive, None))

    call("/v1/chat/completions")
    path, length, body = seen[-1]
    assert json.loads(body)["max_tokens"] == 3 and json.loads(body)["model"] == "local"
    assert length == str(len(body)).encode()
    call("/v1/completions")
    assert seen[-1][2] == payload[:10]  # passed through untouched (the app reads it piece by piece)


def test_port_in_use_is_reported(monkeypatch):
    import socket

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        with pytest.raises(server.LocalServerError, match=f"Port {port} on 127.0.0.1 is already in use"):
            server.start_local_server(port=port)


@pytest.mark.slow
def test_server_that_dies_reports_its_log(tmp_path):
    broken = tmp_path / "not-a-model.gguf"
    broken.write_bytes(b"this is not a GGUF file")
    with pytest.raises(server.LocalServerError, match="exited with code"):
        server.start_local_server(str(broken), timeout=60)


@pytest.mark.slow
def test_local_server_end_to_end():
    """The real thing: llama.cpp serving SmolLM2 behind the OpenAI client, as the chapters use it."""
    client = openai_client()
    messages = [{"role": "user", "content": "What is the capital of France? Answer in one word."}]
    first = client.chat.completions.create(model="gpt-4o-mini", messages=messages, max_tokens=8, temperature=0)
    again = client.chat.completions.create(model="gpt-4o-mini", messages=messages, max_tokens=8, temperature=0)
    text = first.choices[0].message.content
    assert "Paris" in text
    assert again.choices[0].message.content == text  # greedy is deterministic
    assert first.model == server.MODEL_NAME
    assert 0 < first.usage.completion_tokens <= 8

    stream = client.chat.completions.create(model="x", messages=messages, max_tokens=8, temperature=0, stream=True)
    pieces = [c.choices[0].delta.content or "" for c in stream if c.choices]
    assert "".join(pieces) == text

    stopped = client.chat.completions.create(
        model="x",
        messages=[{"role": "user", "content": "Count from 1 to 10, one number per line."}],
        max_completion_tokens=40,
        temperature=0,
        stop=["4"],
    )
    assert "4" not in stopped.choices[0].message.content and stopped.choices[0].finish_reason == "stop"
    assert "3" in stopped.choices[0].message.content


@pytest.mark.slow
def test_local_server_json_schema_and_tool_calls():
    """Sent exactly as the hosted API takes them, so chapter code is the same with a key."""
    client = openai_client()
    schema = {
        "type": "object",
        "properties": {"city": {"type": "string"}, "country": {"type": "string"}},
        "required": ["city", "country"],
    }
    reply = client.chat.completions.create(
        model="gpt-4o-mini",
        messages=[{"role": "user", "content": "Name the capital of Italy and its country as JSON."}],
        response_format={"type": "json_schema", "json_schema": {"name": "capital", "schema": schema, "strict": True}},
        max_tokens=60,
        temperature=0,
    )
    data = json.loads(reply.choices[0].message.content)
    assert set(data) == {"city", "country"} and all(isinstance(v, str) for v in data.values())

    tools = [
        {
            "type": "function",
            "function": {
                "name": "add",
                "description": "Add two integers.",
                "parameters": {
                    "type": "object",
                    "properties": {"a": {"type": "integer"}, "b": {"type": "integer"}},
                    "required": ["a", "b"],
                },
            },
        }
    ]
    for choice in ({"type": "function", "function": {"name": "add"}}, "auto"):
        call = client.chat.completions.create(
            model="gpt-4o-mini",
            messages=[{"role": "user", "content": "What is 2 plus 3? Use the add tool."}],
            tools=tools,
            tool_choice=choice,
            max_tokens=60,
            temperature=0,
        )
        tool_calls = call.choices[0].message.tool_calls
        assert tool_calls, f"no tool call for tool_choice={choice!r}: {call.choices[0].message.content!r}"
        assert tool_calls[0].function.name == "add"
        arguments = json.loads(tool_calls[0].function.arguments)
        assert set(arguments) == {"a", "b"} and all(isinstance(v, int) for v in arguments.values())


@pytest.mark.slow
def test_bad_request_is_a_clear_client_error():
    import openai

    client = openai_client()
    with pytest.raises(openai.APIStatusError):
        client.chat.completions.create(model="x", messages="not a list", max_tokens=5)


def test_server_exits_when_its_parent_dies(tmp_path):
    """A killed kernel can't stop its server; the server notices, removes its log and stops itself."""
    import subprocess
    import sys
    import time

    import psutil

    log = tmp_path / "server.log"
    log.write_text("started")
    child = (
        "import sys, time; from pathlib import Path; from llmbook_utils.server import exit_with_parent; "
        "exit_with_parent(int(sys.argv[1]), 0.1, Path(sys.argv[2])); time.sleep(60)"
    )
    parent = (
        "import os, subprocess, sys; "
        f"p = subprocess.Popen([sys.executable, '-c', {child!r}, str(os.getpid()), {str(log)!r}], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL); "
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
    assert not log.exists(), "the orphaned server left its log behind"


@pytest.mark.slow
def test_killing_the_kernels_process_group_leaves_no_server_and_no_log(tmp_path):
    """Jupyter kills a kernel's whole process group; the server must still clean up after itself."""
    import os
    import signal
    import subprocess
    import sys
    import time

    import psutil

    env = {**os.environ, "LLMBOOK_PROFILE": "offline", "LLMBOOK_CACHE": str(tmp_path)}
    kernel = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import time; from llmbook_utils import server; print(server.start_local_server(), flush=True); time.sleep(60)",
        ],
        stdout=subprocess.PIPE,
        text=True,
        start_new_session=True,
        env=env,
    )
    port = int(kernel.stdout.readline().strip().rsplit(":", 1)[1].split("/")[0])
    assert (tmp_path / f"server-{port}.log").exists()
    servers = [p for p in psutil.Process(kernel.pid).children() if "llmbook_utils.server" in " ".join(p.cmdline())]
    assert len(servers) == 1
    os.killpg(kernel.pid, signal.SIGKILL)
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and (servers[0].is_running() and servers[0].status() != psutil.STATUS_ZOMBIE):
        time.sleep(0.2)
    assert not servers[0].is_running() or servers[0].status() == psutil.STATUS_ZOMBIE, "the server outlived its kernel"
    assert not (tmp_path / f"server-{port}.log").exists(), "the server left its log behind"


def test_server_that_crashes_on_its_first_request_says_how_to_rebuild(monkeypatch, tmp_path):
    """A llama.cpp build with CPU instructions the OS does not enable starts fine, then dies generating."""
    import subprocess
    import sys

    fake = tmp_path / "fake_server.py"
    fake.write_text(
        "import http.server, json, os, sys\n"
        "class H(http.server.BaseHTTPRequestHandler):\n"
        "    def do_GET(self):\n"
        "        body = json.dumps({'data': [{'id': 'local'}]}).encode()\n"
        "        self.send_response(200); self.send_header('Content-Length', str(len(body))); self.end_headers()\n"
        "        self.wfile.write(body)\n"
        "    def do_POST(self):\n"
        "        os._exit(139)  # what a general protection fault looks like from outside\n"
        "    def log_message(self, *args):\n"
        "        pass\n"
        "http.server.HTTPServer(('127.0.0.1', int(sys.argv[1])), H).serve_forever()\n"
    )
    real_popen = subprocess.Popen

    def popen(command, **kwargs):
        port = command[command.index("--port") + 1]
        return real_popen([sys.executable, str(fake), port], **kwargs)

    monkeypatch.setenv("LLMBOOK_CACHE", str(tmp_path))
    monkeypatch.setattr(server.subprocess, "Popen", popen)
    with pytest.raises(server.LocalServerError, match="crashed on its first request") as caught:
        server.start_local_server(str(tmp_path / "model.gguf"), timeout=30)
    assert "GGML_NATIVE=OFF" in str(caught.value) and "exit code 139" in str(caught.value)
