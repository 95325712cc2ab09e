import os
import random

import numpy as np
import torch

import llmbook_utils


def test_setup_offline_banner_seed_and_env(monkeypatch, capsys, tmp_path):
    monkeypatch.setenv("LLMBOOK_PROFILE", "offline")
    monkeypatch.setenv("LLMBOOK_CACHE", str(tmp_path))
    for name in ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE", "HF_DATASETS_OFFLINE", "TIKTOKEN_CACHE_DIR"):
        monkeypatch.delenv(name, raising=False)
    info = llmbook_utils.setup(seed=7)
    a = (random.random(), np.random.rand(), torch.rand(1).item())
    llmbook_utils.setup(seed=7)
    b = (random.random(), np.random.rand(), torch.rand(1).item())
    assert a == b
    assert info.profile == "offline" and info.offline and info.seed == 7
    assert info.device == "cpu" and info.gpu is None
    assert os.environ["HF_HUB_OFFLINE"] == "1"
    assert os.environ["TIKTOKEN_CACHE_DIR"] == str(tmp_path / "tiktoken-cl100k")
    out = capsys.readouterr().out
    assert "profile offline (set by LLMBOOK_PROFILE; no network: local models only)" in out
    assert f"torch {torch.__version__}" in out and "seed 7" in out


def test_banner_shows_the_gpu(monkeypatch):
    from llmbook_utils.device import GPUInfo
    from llmbook_utils.session import SetupInfo, banner

    info = SetupInfo("book", "cuda", GPUInfo("Tesla T4", 14.7, 14.5), False, 42, "3.12.1", "2.13.0", "5.24.0")
    assert "device cuda: Tesla T4 (14.5 of 14.7 GiB free)" in banner(info)


def test_setup_hides_only_the_checkpoint_bookkeeping_bars(monkeypatch):
    from transformers.utils import logging as hf_logging

    from llmbook_utils import log

    monkeypatch.setenv("LLMBOOK_PROFILE", "offline")
    previous = hf_logging.set_tqdm_hook(None)
    try:
        llmbook_utils.setup()
        hook = hf_logging.set_tqdm_hook(None)  # hands back the hook setup() installed
        assert hook is log._hide_bookkeeping_bars
        made = []

        def factory(*args, **kwargs):
            made.append(kwargs)

        hook(factory, (range(3),), {"desc": "Loading weights"})
        hook(factory, (range(3),), {"desc": "Training"})
        assert made[0]["disable"] is True and "disable" not in made[1]
    finally:
        hf_logging.set_tqdm_hook(previous)
