import socket

import pytest

from llmbook_utils import InvalidProfileError, get_profile, profiles
from llmbook_utils.device import GPUInfo


@pytest.fixture
def auto(monkeypatch):
    monkeypatch.delenv("LLMBOOK_PROFILE", raising=False)
    monkeypatch.delenv("HF_HUB_OFFLINE", raising=False)
    return monkeypatch


def online(monkeypatch):
    monkeypatch.setattr(profiles, "hub_reachable", lambda: True)


@pytest.mark.parametrize("value", ["book", "laptop", "offline", " Laptop "])
def test_explicit_profile(monkeypatch, value):
    monkeypatch.setenv("LLMBOOK_PROFILE", value)
    assert get_profile() == value.strip().lower()


def test_bad_profile_lists_valid_ones(monkeypatch):
    monkeypatch.setenv("LLMBOOK_PROFILE", "colab")
    with pytest.raises(InvalidProfileError) as err:
        get_profile()
    message = str(err.value)
    assert "'colab'" in message
    for valid in ("book", "laptop", "offline"):
        assert valid in message


def test_no_network_means_offline(auto):
    def refuse(*args, **kwargs):
        raise OSError("Network is unreachable")

    auto.setattr(socket, "create_connection", refuse)
    assert get_profile() == "offline"


def test_hf_hub_offline_skips_the_probe(auto):
    auto.setenv("HF_HUB_OFFLINE", "1")

    def must_not_connect(*args, **kwargs):
        raise AssertionError("probed the network although HF_HUB_OFFLINE=1")

    auto.setattr(socket, "create_connection", must_not_connect)
    assert profiles.hub_reachable() is False
    assert get_profile() == "offline"


def test_probe_uses_a_short_timeout_and_caches(auto):
    calls = []

    class Conn:
        def __enter__(self):
            return self

        def __exit__(self, *exc):
            return False

    def fake_connect(address, timeout):
        calls.append((address, timeout))
        return Conn()

    auto.setattr(socket, "create_connection", fake_connect)
    assert profiles.hub_reachable() is True
    assert profiles.hub_reachable() is True
    assert len(calls) == 1
    assert calls[0][1] <= 3


def test_online_with_big_gpu_is_book(auto):
    online(auto)
    auto.setattr(profiles, "gpu_info", lambda: GPUInfo("Tesla T4", 14.6, 14.4))
    assert get_profile() == "book"


def test_online_with_small_gpu_is_laptop(auto):
    online(auto)
    auto.setattr(profiles, "gpu_info", lambda: GPUInfo("GeForce GTX 1650", 3.8, 3.5))
    assert get_profile() == "laptop"


def test_online_cpu_is_laptop(auto):
    online(auto)
    auto.setattr(profiles, "gpu_info", lambda: None)
    assert get_profile() == "laptop"
