"""Clients for hosted APIs: the hosted service with a key, a local stand-in without one.

``openai_client()`` returns an ``openai.OpenAI``. With ``OPENAI_API_KEY`` it talks to
the hosted API; without one (or offline) it starts the local llama.cpp server
(``llmbook_utils.server``) and points the client at it, so the same
``client.chat.completions.create(...)`` code runs either way.

``cohere_client()`` returns a ``cohere.ClientV2`` with ``COHERE_API_KEY`` and raises
``MissingAPIKeyError`` without one: Cohere's embed and rerank endpoints have local
counterparts in the chapters (sentence-transformers models), but not behind Cohere's
own client, and a fake client would teach the wrong API. Check first with
``api_key_available("COHERE_API_KEY")``.
"""

from __future__ import annotations

from .errors import MissingAPIKeyError
from .keys import get_api_key
from .log import say
from .profiles import get_profile
from .server import MODEL_NAME, start_local_server


def api_key_available(name: str) -> bool:
    """True when a hosted API can be used: not the offline profile, and the key ``name`` is set.

    Never prompts and never shows the key.
    """
    if get_profile() == "offline":
        return False
    try:
        get_api_key(name, ask=False)
    except MissingAPIKeyError:
        return False
    return True


def openai_client(*, max_retries: int = 3, timeout: float = 120.0, http_client=None):
    """An ``openai.OpenAI`` client: hosted with a key, else the local stand-in server.

    ``max_retries`` makes the client retry rate-limit (429) and server errors with
    exponential backoff. ``http_client`` (an ``httpx.Client``) is passed through, for a
    proxy or a test. Says in one line which backend answers.
    """
    from openai import OpenAI

    profile = get_profile()
    if profile != "offline":
        try:
            key = get_api_key("OPENAI_API_KEY", ask=False)
        except MissingAPIKeyError:
            pass
        else:
            say("openai: hosted OpenAI API (key found; calls are billed to your account)")
            return OpenAI(api_key=key, max_retries=max_retries, timeout=timeout, http_client=http_client)
    base_url = start_local_server()
    why = "offline profile" if profile == "offline" else "no OPENAI_API_KEY"
    say(f"openai: local llama.cpp server at {base_url} running {MODEL_NAME} ({why}); any model name works")
    return OpenAI(base_url=base_url, api_key="local-no-key-needed", max_retries=max_retries, timeout=timeout)


def cohere_client(*, timeout: float = 120.0):
    """A ``cohere.ClientV2`` for the hosted Cohere API; ``MissingAPIKeyError`` without a key or offline."""
    if get_profile() == "offline":
        raise MissingAPIKeyError(
            "cohere_client(): the offline profile has no network, so Cohere's hosted API is out of reach. "
            "The chapters use local sentence-transformers models for embedding and reranking instead; "
            'test with llmbook_utils.api_key_available("COHERE_API_KEY") before calling this.'
        )
    key = get_api_key("COHERE_API_KEY", ask=False)
    import cohere

    say("cohere: hosted Cohere API (key found; calls count against your quota)")
    return cohere.ClientV2(api_key=key, timeout=timeout)
