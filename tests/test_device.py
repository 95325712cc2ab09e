import pytest
import torch

from llmbook_utils import InsufficientVRAMError, check_vram, get_device, gpu_info
from llmbook_utils.device import GIB


def fake_gpu(monkeypatch, name="Tesla T4", total=15.0, free=14.5):
    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
    monkeypatch.setattr(torch.cuda, "get_device_name", lambda i=0: name)
    monkeypatch.setattr(torch.cuda, "mem_get_info", lambda i=0: (int(free * GIB), int(total * GIB)))


def test_cuda_first(monkeypatch):
    fake_gpu(monkeypatch)
    monkeypatch.setattr(torch.backends.mps, "is_available", lambda: True)
    assert get_device() == "cuda"


def test_mps_second(monkeypatch):
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    monkeypatch.setattr(torch.backends.mps, "is_available", lambda: True)
    assert get_device() == "mps"


def test_cpu_last(monkeypatch):
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    monkeypatch.setattr(torch.backends.mps, "is_available", lambda: False)
    assert get_device() == "cpu"
    assert gpu_info() is None


def test_gpu_info_reads_memory(monkeypatch):
    fake_gpu(monkeypatch, total=15.0, free=12.0)
    info = gpu_info()
    assert info.name == "Tesla T4"
    assert info.total_gb == pytest.approx(15.0)
    assert info.free_gb == pytest.approx(12.0)
    assert "12.0 of 15.0 GiB free" in str(info)


def test_no_gpu_warns_and_explains(monkeypatch):
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    with pytest.warns(UserWarning, match="No CUDA GPU found.*Phi-3.*CPU.*LLMBOOK_PROFILE=laptop"):
        check_vram(8, "Phi-3-mini")


def test_too_little_vram_raises_with_advice(monkeypatch):
    fake_gpu(monkeypatch, name="GeForce GTX 1650", total=4.0, free=3.2)
    with pytest.raises(InsufficientVRAMError) as err:
        check_vram(7.6, "Phi-3-mini in fp16")
    message = str(err.value)
    assert "Phi-3-mini in fp16 needs about 7.6 GiB" in message
    assert "GeForce GTX 1650 has only 3.2 of 4.0 GiB free" in message
    assert "quantised" in message and "LLMBOOK_PROFILE=laptop" in message


def test_too_little_vram_can_only_warn(monkeypatch):
    fake_gpu(monkeypatch, total=4.0, free=3.2)
    with pytest.warns(UserWarning, match="needs about 7.6 GiB"):
        check_vram(7.6, "Phi-3-mini", strict=False)


def test_enough_vram_is_silent(monkeypatch, recwarn):
    fake_gpu(monkeypatch, total=15.0, free=14.0)
    check_vram(7.6, "Phi-3-mini")
    assert len(recwarn) == 0


def test_needed_must_be_positive():
    with pytest.raises(ValueError, match="positive"):
        check_vram(0, "nothing")
