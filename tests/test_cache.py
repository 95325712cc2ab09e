import threading

from llmbook_utils.cache import build_once, cache_dir


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
