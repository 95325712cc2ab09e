"""A small OpenAI-compatible chat server backed by a local transformers model.

``openai_client()`` starts it when there is no API key, so the chapters' calls to
``client.chat.completions.create(...)`` work unchanged on a laptop or in CI. It
implements the part of the API the course uses: ``/v1/chat/completions`` (with
``temperature``, ``top_p``, ``max_tokens``, ``seed``, ``stop``, ``n``,
``presence_penalty``, ``frequency_penalty`` and ``stream``), ``/v1/models`` and
``/health``. Run it by hand with ``python -m llmbook_utils.server --model PATH``.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import torch
from transformers import (
    AutoModelForCausalLM,
    AutoTokenizer,
    LogitsProcessor,
    LogitsProcessorList,
    TextIteratorStreamer,
)


class OpenAIPenalties(LogitsProcessor):
    """OpenAI's presence and frequency penalties over the tokens generated so far.

    logit[t] -= presence * (count[t] > 0) + frequency * count[t]; the prompt's
    tokens do not count, as in the hosted API.
    """

    def __init__(self, prompt_len: int, presence: float, frequency: float) -> None:
        self.prompt_len = prompt_len
        self.presence = presence
        self.frequency = frequency

    def __call__(self, input_ids: torch.LongTensor, scores: torch.FloatTensor) -> torch.FloatTensor:
        generated = input_ids[:, self.prompt_len :]
        if generated.shape[1] == 0:
            return scores
        counts = torch.zeros_like(scores)
        counts.scatter_add_(1, generated, torch.ones_like(generated, dtype=scores.dtype))
        return scores - self.presence * (counts > 0).to(scores.dtype) - self.frequency * counts


class BadRequest(ValueError):
    pass


class ChatBackend:
    """Turns an OpenAI chat request into one ``model.generate`` call."""

    def __init__(self, model_path: str, name: str) -> None:
        self.name = name
        self.tokenizer = AutoTokenizer.from_pretrained(model_path)
        self.model = AutoModelForCausalLM.from_pretrained(model_path, dtype=torch.float32)
        self.model.eval()
        self.lock = threading.Lock()  # one generation at a time: the CPU is the bottleneck anyway

    def prepare(self, body: dict[str, Any]) -> tuple[dict[str, Any], int, list[str]]:
        messages = body.get("messages")
        if not isinstance(messages, list) or not messages:
            raise BadRequest("'messages' must be a non-empty list of {role, content} objects")
        for m in messages:
            if not isinstance(m, dict) or "role" not in m or not isinstance(m.get("content"), str):
                raise BadRequest("each message needs a 'role' and a string 'content'")
        enc = self.tokenizer.apply_chat_template(
            [{"role": m["role"], "content": m["content"]} for m in messages],
            add_generation_prompt=True,
            return_tensors="pt",
            return_dict=True,
        )
        prompt_len = enc["input_ids"].shape[1]
        max_new = int(body.get("max_completion_tokens") or body.get("max_tokens") or 256)
        if max_new < 1:
            raise BadRequest("max_tokens must be at least 1")
        temperature = float(body.get("temperature", 1.0))
        top_p = float(body.get("top_p", 1.0))
        if not 0 <= temperature <= 2:
            raise BadRequest("temperature must be between 0 and 2")
        stop = body.get("stop") or []
        stop = [stop] if isinstance(stop, str) else list(stop)
        kwargs: dict[str, Any] = dict(
            **enc,
            max_new_tokens=max_new,
            pad_token_id=self.tokenizer.eos_token_id,
        )
        if temperature == 0:
            kwargs.update(do_sample=False)
        else:
            kwargs.update(do_sample=True, temperature=temperature, top_p=top_p, top_k=0)
        presence = float(body.get("presence_penalty", 0.0))
        frequency = float(body.get("frequency_penalty", 0.0))
        if presence or frequency:
            kwargs["logits_processor"] = LogitsProcessorList([OpenAIPenalties(prompt_len, presence, frequency)])
        if stop:
            kwargs.update(stop_strings=stop, tokenizer=self.tokenizer)
        return kwargs, prompt_len, stop

    @staticmethod
    def _cut(text: str, stop: list[str]) -> tuple[str, bool]:
        cuts = [text.index(s) for s in stop if s in text]
        return (text[: min(cuts)], True) if cuts else (text, False)

    def complete(self, body: dict[str, Any]) -> dict[str, Any]:
        kwargs, prompt_len, stop = self.prepare(body)
        n = int(body.get("n", 1))
        choices, completion_tokens = [], 0
        with self.lock, torch.no_grad():
            if body.get("seed") is not None:
                torch.manual_seed(int(body["seed"]))
            for i in range(n):
                out = self.model.generate(**kwargs)[0, prompt_len:]
                completion_tokens += len(out)
                hit_eos = len(out) and out[-1].item() == self.tokenizer.eos_token_id
                text, stopped = self._cut(self.tokenizer.decode(out, skip_special_tokens=True), stop)
                finish = "stop" if (hit_eos or stopped) else "length"
                choices.append({"index": i, "message": {"role": "assistant", "content": text}, "finish_reason": finish})
        return {
            "id": f"chatcmpl-{uuid.uuid4().hex[:24]}",
            "object": "chat.completion",
            "created": int(time.time()),
            "model": self.name,
            "choices": choices,
            "usage": {
                "prompt_tokens": prompt_len * n,
                "completion_tokens": completion_tokens,
                "total_tokens": prompt_len * n + completion_tokens,
            },
        }

    def stream(self, body: dict[str, Any]):
        """Yield chat.completion.chunk dicts as tokens are produced."""
        kwargs, _, stop = self.prepare(body)
        streamer = TextIteratorStreamer(self.tokenizer, skip_prompt=True, skip_special_tokens=True)
        cid, created = f"chatcmpl-{uuid.uuid4().hex[:24]}", int(time.time())

        def chunk(delta: dict[str, str], finish: str | None = None) -> dict[str, Any]:
            return {
                "id": cid,
                "object": "chat.completion.chunk",
                "created": created,
                "model": self.name,
                "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
            }

        with self.lock:
            if body.get("seed") is not None:
                torch.manual_seed(int(body["seed"]))
            worker = threading.Thread(target=self._generate_quietly, args=(kwargs, streamer))
            worker.start()
            yield chunk({"role": "assistant", "content": ""})
            sent, stopped = "", False
            for piece in streamer:
                if stopped:
                    continue  # drain the streamer so the worker can finish
                text, stopped = self._cut(sent + piece, stop)
                if len(text) > len(sent):
                    yield chunk({"content": text[len(sent) :]})
                    sent = text
            worker.join()
        yield chunk({}, "stop")

    def _generate_quietly(self, kwargs: dict[str, Any], streamer: TextIteratorStreamer) -> None:
        with torch.no_grad():
            self.model.generate(**kwargs, streamer=streamer)


def make_handler(backend: ChatBackend) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: Any) -> None:  # keep the notebook quiet
            pass

        def _json(self, status: int, payload: dict[str, Any]) -> None:
            data = json.dumps(payload).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def _error(self, status: int, message: str) -> None:
            self._json(status, {"error": {"message": message, "type": "invalid_request_error"}})

        def do_GET(self) -> None:
            if self.path == "/health":
                self._json(200, {"status": "ok", "model": backend.name})
            elif self.path.rstrip("/") == "/v1/models":
                self._json(
                    200, {"object": "list", "data": [{"id": backend.name, "object": "model", "owned_by": "local"}]}
                )
            else:
                self._error(404, f"unknown path {self.path}")

        def do_POST(self) -> None:
            if self.path.rstrip("/") != "/v1/chat/completions":
                self._error(404, f"this local server only serves /v1/chat/completions, not {self.path}")
                return
            try:
                length = int(self.headers.get("Content-Length", 0))
                body = json.loads(self.rfile.read(length) or b"{}")
                if body.get("stream"):
                    self._stream(body)
                else:
                    self._json(200, backend.complete(body))
            except (BadRequest, ValueError, TypeError) as err:
                self._error(400, str(err))

        def _stream(self, body: dict[str, Any]) -> None:
            events = backend.stream(body)
            first = next(events)  # validation errors surface before the headers are sent
            self.send_response(200)
            self.send_header("Content-Type", "text/event-stream")
            self.send_header("Cache-Control", "no-cache")
            self.send_header("Connection", "close")
            self.end_headers()
            self.close_connection = True
            for event in itertools.chain([first], events):
                self.wfile.write(f"data: {json.dumps(event)}\n\n".encode())
                self.wfile.flush()
            self.wfile.write(b"data: [DONE]\n\n")
            self.wfile.flush()

    return Handler


def exit_with_parent(parent: int, interval: float = 2.0) -> None:
    """Stop this process when the one that started it (a notebook kernel) is gone.

    ``parent`` is the pid of the process that launched us. A kernel that is killed
    cannot run its atexit hooks; without this check the server would live on as an
    orphan holding the model in memory.
    """

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(interval)
        os._exit(0)

    threading.Thread(target=watch, daemon=True).start()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", required=True, help="folder of a transformers causal LM with a chat template")
    parser.add_argument("--name", default="local-model", help="model name reported in responses")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--parent-pid", type=int, default=0, help="exit when this process is no longer our parent")
    args = parser.parse_args(argv)
    if args.parent_pid:
        exit_with_parent(args.parent_pid)
    backend = ChatBackend(args.model, args.name)
    server = ThreadingHTTPServer((args.host, args.port), make_handler(backend))
    print(f"serving {args.name} on http://{args.host}:{args.port}/v1", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
