import threading

from llmbook_utils.cache import MANIFEST, build_once, cache_dir, check_folder


def test_cache_dir_follows_env(monkeypatch, tmp_path):
    monkeypatch.setenv("LLMBOOK_CACHE", str(tmp_path / "c"))
    assert cache_dir() == tmp_path / "c" and cache_dir().is_dir()


def test_build_once_builds_once_even_in_parallel(monkeypatch, tmp_path):
    monkeypatch.setenv("LLMBOOK_CACHE", str(tmp_path))
    calls = []

    def build(folder):
        calls.append(folder)
        (folder / "weights.bin").write_bytes(b"x" * 1000)

    threads = [threading.Thread(target=build_once, args=("m", build)) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(calls) == 1
    assert (tmp_path / "m" / "weights.bin").stat().st_size == 1000
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".m-")] == []


def test_failed_build_leaves_nothing_behind(monkeypatch, tmp_path):
    monkeypatch.setenv("LLMBOOK_CACHE", str(tmp_path))

    def broken(folder):
        (folder / "half").write_text("partial")
        raise RuntimeError("disk full")

    try:
        build_once("m", broken)
    except RuntimeError:
        pass
    assert not (tmp_path / "m").exists()
    assert [p.name for p in tmp_path.iterdir() if p.is_dir()] == []


def test_a_damaged_folder_is_rebuilt_with_one_line(monkeypatch, tmp_path, capsys):
    """A truncated weights file (a killed build, a full disk) is noticed and rebuilt, not loaded."""
    monkeypatch.setenv("LLMBOOK_CACHE", str(tmp_path))
    builds = []

    def build(folder):
        builds.append(folder)
        (folder / "weights.bin").write_bytes(b"x" * 1000)

    path = build_once("m", build)
    assert check_folder(path) is None
    (path / "weights.bin").write_bytes(b"x" * 10)  # truncated
    assert "weights.bin has 10 bytes instead of 1,000" in check_folder(path)
    capsys.readouterr()
    assert build_once("m", build) == path and len(builds) == 2
    assert (path / "weights.bin").stat().st_size == 1000
    out = capsys.readouterr().out.strip().splitlines()
    assert len(out) == 1 and "is damaged" in out[0] and "rebuilding" in out[0]


def test_a_folder_without_manifest_is_rebuilt(monkeypatch, tmp_path):
    """What a build killed before its manifest leaves behind (or an older cache) counts as unfinished."""
    monkeypatch.setenv("LLMBOOK_CACHE", str(tmp_path))
    (tmp_path / "m").mkdir()
    (tmp_path / "m" / "half.bin").write_bytes(b"partial")
    path = build_once("m", lambda folder: (folder / "whole.bin").write_bytes(b"ok"))
    assert sorted(p.name for p in path.iterdir()) == [MANIFEST, "whole.bin"]


def test_missing_file_is_noticed(monkeypatch, tmp_path):
    monkeypatch.setenv("LLMBOOK_CACHE", str(tmp_path))
    path = build_once("m", lambda folder: (folder / "a.bin").write_bytes(b"ok"))
    (path / "a.bin").unlink()
    assert check_folder(path) == "a.bin is missing"


def test_read_only_cache_says_what_to_do(monkeypatch, tmp_path):
    import os

    import pytest

    from llmbook_utils import LLMBookError

    locked = tmp_path / "locked"
    locked.mkdir()
    monkeypatch.setenv("LLMBOOK_CACHE", str(locked))
    monkeypatch.setattr(os, "access", lambda path, mode: False)
    with pytest.raises(LLMBookError, match="read-only. Point LLMBOOK_CACHE"):
        cache_dir()
