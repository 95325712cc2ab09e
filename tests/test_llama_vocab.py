"""The real GPT-2, Phi-3 and StarCoder tokenizers built from llama.cpp's test vocabularies.

Fast tests fake the package index (no network): what an unreachable index, a damaged
download or a missing package say, and that only the wanted archive members are kept.
Slow tests build the real folders (one 76 MB download, then cached) and check every
tokenizer against llama.cpp's reference ids.
"""

import hashlib
import importlib.metadata
import io
import json
import tarfile
import urllib.error

import pytest

from llmbook_utils import ChecksumMismatchError, MissingDataError, MissingPackageError, resolve
from llmbook_utils.standins import STANDINS, llama_vocab, smollm2

PREFIX = "llama_cpp_python-9.9.9/vendor/llama.cpp/models/"


def make_sdist(names: dict[str, bytes], links: tuple[str, ...] = ()) -> bytes:
    """A gzipped tar with the given member names and contents (plus symbolic links)."""
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as tar:
        for name, data in names.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
        for name in links:
            info = tarfile.TarInfo(name)
            info.type, info.linkname = tarfile.SYMTYPE, "/etc/passwd"
            tar.addfile(info)
    return buffer.getvalue()


def wanted_members() -> dict[str, bytes]:
    return {
        f"{PREFIX}ggml-vocab-{vocab}{suffix}": f"{vocab}{suffix}".encode()
        for vocab in llama_vocab.VOCABS
        for suffix in llama_vocab.SUFFIXES
    }


class FakeIndex:
    """Stands in for urlopen: the index listing at INDEX_URL, the archive at any other url."""

    def __init__(self, archive: bytes, sha256: str | None = None, listing: bytes | None = None):
        self.archive, self.urls = archive, []
        sha256 = sha256 or hashlib.sha256(archive).hexdigest()
        files = [
            {"filename": "llama_cpp_python-9.9.9.tar.gz", "url": "https://files.example/sdist.tar.gz"}
            | {"hashes": {"sha256": sha256}, "size": len(archive)}
        ]
        self.listing = listing if listing is not None else json.dumps({"files": files}).encode()

    def __call__(self, request, timeout):
        url = request if isinstance(request, str) else request.full_url
        self.urls.append(url)
        return io.BytesIO(self.listing if url == llama_vocab.INDEX_URL else self.archive)


def unreachable(request, timeout):
    raise urllib.error.URLError(OSError(-3, "Temporary failure in name resolution"))


def test_missing_package_says_how_to_install():
    def version_of(name):
        raise importlib.metadata.PackageNotFoundError(name)

    with pytest.raises(MissingPackageError, match=r"llama-cpp-python is not installed.*pip install") as err:
        llama_vocab.installed_version(version_of)
    assert isinstance(err.value, ImportError)


def test_unreachable_index_says_what_happened_and_what_to_do():
    with pytest.raises(MissingDataError) as err:
        llama_vocab.sdist_of("9.9.9", unreachable)
    message = str(err.value)
    assert "Could not reach the Python package index" in message and "name resolution" in message
    assert "run once with network access" in message and "after that they are cached" in message


def test_an_index_without_the_sdist_or_with_a_bad_answer_is_a_clear_error():
    with pytest.raises(MissingDataError, match="lists no source package llama_cpp_python-1.0.0.tar.gz"):
        llama_vocab.sdist_of("1.0.0", FakeIndex(b"x"))
    with pytest.raises(MissingDataError, match="not the index's JSON listing"):
        llama_vocab.sdist_of("9.9.9", FakeIndex(b"x", listing=b"<html>log in</html>"))
    entry = llama_vocab.sdist_of("9.9.9", FakeIndex(b"abc"))
    assert entry == {
        "url": "https://files.example/sdist.tar.gz",
        "sha256": hashlib.sha256(b"abc").hexdigest(),
        "size": 3,
    }


def test_download_checks_the_hash_and_keeps_nothing_damaged(tmp_path):
    target = tmp_path / "sdist.tar.gz"
    good = hashlib.sha256(b"payload").hexdigest()
    assert llama_vocab.download("u", good, target, 7, FakeIndex(b"payload")).read_bytes() == b"payload"
    target.unlink()
    with pytest.raises(ChecksumMismatchError, match=f"the package index lists {good}") as err:
        llama_vocab.download("u", good, target, 7, FakeIndex(b"tampered"))
    assert hashlib.sha256(b"tampered").hexdigest() in str(err.value)
    assert not target.exists()


def test_download_cut_off_is_a_clear_error(tmp_path):
    with pytest.raises(MissingDataError, match="downloading u"):
        llama_vocab.download("u", "0" * 64, tmp_path / "sdist.tar.gz", None, unreachable)
    assert not (tmp_path / "sdist.tar.gz").exists()


def test_extraction_keeps_only_the_wanted_members(tmp_path):
    members = wanted_members() | {
        f"{PREFIX}ggml-vocab-qwen2.gguf": b"another vocabulary",
        f"{PREFIX}ggml-vocab-gpt-2.gguf.bak": b"a near miss",
        "llama_cpp_python-9.9.9/elsewhere/ggml-vocab-gpt-2.gguf": b"right name, wrong folder",
        "llama_cpp_python-9.9.9/README.md": b"readme",
    }
    archive = tmp_path / "sdist.tar.gz"
    archive.write_bytes(make_sdist(members))
    out = tmp_path / "out"
    out.mkdir()
    kept = llama_vocab.extract_vocabs(archive, out)
    expected = sorted(name.rsplit("/", 1)[1] for name in wanted_members())
    assert kept == expected and sorted(p.name for p in out.iterdir()) == expected
    assert (out / "ggml-vocab-gpt-2.gguf").read_bytes() == b"gpt-2.gguf"  # from the models folder


def test_extraction_skips_links_and_says_what_is_missing(tmp_path):
    members = wanted_members()
    del members[f"{PREFIX}ggml-vocab-phi-3.gguf.out"]
    archive = tmp_path / "sdist.tar.gz"
    archive.write_bytes(make_sdist(members, links=(f"{PREFIX}ggml-vocab-phi-3.gguf.out",)))
    with pytest.raises(MissingDataError, match=r"has no ggml-vocab-phi-3\.gguf\.out under vendor/llama.cpp/models"):
        llama_vocab.extract_vocabs(archive, tmp_path)
    assert not (tmp_path / "ggml-vocab-phi-3.gguf.out").exists()


def test_build_fetches_once_and_leaves_only_the_vocabularies(tmp_path, monkeypatch):
    monkeypatch.setattr(llama_vocab, "installed_version", lambda: "9.9.9")
    index = FakeIndex(make_sdist(wanted_members() | {"llama_cpp_python-9.9.9/setup.py": b""}))
    llama_vocab.build_vocab_files(tmp_path, index)
    assert index.urls == [llama_vocab.INDEX_URL, "https://files.example/sdist.tar.gz"]
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(n.rsplit("/", 1)[1] for n in wanted_members())


def test_the_registry_sends_the_tokenizer_ids_to_these_stand_ins():
    from llmbook_utils.models import REGISTRY

    offline = {REGISTRY[i].offline for i in ("gpt2", "microsoft/Phi-3-mini-128k-instruct", "bigcode/starcoder")}
    assert offline == {s.key for s in llama_vocab.STANDINS} and offline <= set(STANDINS)
    assert set(llama_vocab.VOCAB_OF) == offline


def mismatches(tokenizer, cases):
    return [text for text, ids in cases if tokenizer.encode(text, add_special_tokens=False) != ids]


@pytest.mark.slow
@pytest.mark.parametrize("standin", llama_vocab.STANDINS, ids=lambda s: s.key)
def test_each_tokenizer_reproduces_llama_cpp_reference_ids(standin):
    from transformers import AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(standin.path())
    cases = llama_vocab.reference_cases(llama_vocab.VOCAB_OF[standin.key])
    assert len(cases) > 30 and any(len(ids) > 100 for _, ids in cases)  # the long mixed-script case is there
    assert mismatches(tokenizer, cases) == []


@pytest.mark.slow
def test_the_reference_ids_tell_tokenizers_apart():
    """The check can fail: SmolLM2's byte-level BPE misses GPT-2's ids, and StarCoder's needs our fix."""
    from transformers import AutoTokenizer

    gpt2_cases = llama_vocab.reference_cases("gpt-2")
    smol = AutoTokenizer.from_pretrained(smollm2.STANDIN.path())
    assert len(mismatches(smol, gpt2_cases)) > len(gpt2_cases) // 2
    plain = AutoTokenizer.from_pretrained(llama_vocab.vocab_folder(), gguf_file="ggml-vocab-starcoder.gguf")
    assert mismatches(plain, llama_vocab.reference_cases("starcoder"))  # the GGUF reader's pre-tokenizer alone


@pytest.mark.slow
def test_resolve_gives_the_real_tokenizers_offline(capsys):
    from transformers import AutoTokenizer

    gpt2 = AutoTokenizer.from_pretrained(resolve("gpt2", profile="offline"))
    assert len(gpt2) == 50257 and gpt2.all_special_tokens == ["<|endoftext|>"]
    assert "the real GPT-2 tokenizer" in capsys.readouterr().out
    phi3 = AutoTokenizer.from_pretrained(resolve("microsoft/Phi-3-mini-128k-instruct", profile="offline"))
    assert len(phi3) == 32064 and "<|assistant|>" in phi3.get_vocab()
    starcoder = AutoTokenizer.from_pretrained(resolve("bigcode/starcoder", profile="offline"))
    assert len(starcoder) == 49152 and "<fim_prefix>" in starcoder.get_vocab()
