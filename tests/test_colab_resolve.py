"""Colab: the install cell's packages resolve against Colab's preinstalled stack without moving it.

pip resolves requirements-colab.txt plus every chapter's ``colab_pip`` extras for Colab's
Python and platform (``--dry-run``, nothing is installed). Colab's own packages, listed with
their date in tests/colab_preinstalled.txt, enter as stub wheels with a ``+colab`` local
version and no dependencies: they count as installed, exactly at Colab's version, so a pin
that needs a different torch or numpy makes the resolution fail and this test with it.
Needs the package index (as ``make setup`` does); about half a minute.
"""

import json
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import nbformat
import pytest
from test_repo import pins  # the one parser of exact-pin files

ROOT = Path(__file__).resolve().parents[1]
PREINSTALLED = ROOT / "tests" / "colab_preinstalled.txt"
# Published as source only: pip can't resolve them for another platform without building
# them. On Colab they build from source (llama-cpp-python compiles, seqeval is pure Python).
SOURCE_ONLY = {"llama-cpp-python", "seqeval"}
PLATFORMS = [f"manylinux_2_{minor}_x86_64" for minor in (35, 34, 31, 28, 27, 24, 17)]
PLATFORMS += ["manylinux2014_x86_64", "manylinux2010_x86_64", "manylinux1_x86_64", "linux_x86_64", "any"]


def preinstalled() -> tuple[str, dict[str, str]]:
    """Colab's Python version, and its packages (lower-case name -> version)."""
    colab = pins(PREINSTALLED)
    return colab.pop("python"), colab


def chapter_extras() -> list[str]:
    extras = set()
    for chapter in sorted((ROOT / "chapters").glob("*.ipynb")):
        extras.update(nbformat.read(chapter, as_version=4).metadata.get("llmbook", {}).get("colab_pip", []))
    return sorted(extras)


def stub_wheel(folder: Path, name: str, version: str) -> None:
    """A wheel with only metadata: ``name`` at ``version``, no dependencies (they are met on Colab)."""
    dist = re.sub(r"[-.]+", "_", name)
    info = f"{dist}-{version}.dist-info"
    with zipfile.ZipFile(folder / f"{dist}-{version}-py3-none-any.whl", "w") as whl:
        whl.writestr(f"{info}/METADATA", f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n")
        whl.writestr(
            f"{info}/WHEEL", "Wheel-Version: 1.0\nGenerator: llmbook\nRoot-Is-Purelib: true\nTag: py3-none-any\n"
        )
        whl.writestr(f"{info}/RECORD", "")


def test_the_preinstalled_list_is_dated_and_leaves_our_pins_out():
    text = PREINSTALLED.read_text()
    assert re.search(r"commit \w+ of 20\d\d-\d\d-\d\d", text), "say which snapshot of Colab this is"
    python, colab = preinstalled()
    assert re.fullmatch(r"3\.\d+", python) and {"torch", "numpy"} <= set(colab)
    assert not set(pins(ROOT / "requirements-colab.txt")) & set(colab), (
        "requirements-colab.txt pins a package Colab provides"
    )


def test_every_source_only_exception_is_still_used():
    names = {re.split(r"[\[=]", spec)[0].lower() for spec in chapter_extras()}
    assert SOURCE_ONLY <= names, f"no chapter installs {SOURCE_ONLY - names} any more: drop it from SOURCE_ONLY"


@pytest.mark.slow
def test_colab_install_cell_resolves_against_colabs_stack(tmp_path):
    python, colab = preinstalled()
    stubs = tmp_path / "stubs"
    stubs.mkdir()
    constraints = tmp_path / "constraints.txt"
    for name, version in colab.items():
        stub_wheel(stubs, name, f"{version}+colab")
    constraints.write_text("".join(f"{name}=={version}+colab\n" for name, version in colab.items()))
    extras = [spec for spec in chapter_extras() if re.split(r"[\[=]", spec)[0].lower() not in SOURCE_ONLY]
    report = tmp_path / "report.json"
    tag = "cp" + python.replace(".", "")
    command = [sys.executable, "-m", "pip", "install", "--dry-run", "--target", str(tmp_path / "t")]
    command += ["--python-version", python, "--implementation", "cp", "--abi", tag, "--abi", "abi3", "--abi", "none"]
    command += [arg for platform in PLATFORMS for arg in ("--platform", platform)]
    command += ["--only-binary=:all:", "--find-links", str(stubs), "-c", str(constraints)]
    command += ["-r", str(ROOT / "requirements-colab.txt"), *extras, "--report", str(report)]
    done = subprocess.run(command, capture_output=True, text=True, timeout=600)
    output = (done.stdout + done.stderr).splitlines()
    why = [line for line in output if "ERROR" in line or "depends on" in line or "requested" in line]
    errors = "\n".join(line for line in why if "is ignored" not in line)
    assert done.returncode == 0, f"Colab's install cell would not resolve against Colab's stack:\n{errors[-3000:]}"
    installed = {
        item["metadata"]["name"].lower(): item["metadata"]["version"]
        for item in json.loads(report.read_text())["install"]
    }
    for name, version in colab.items():
        got = installed.get(name.lower())
        assert got in (None, f"{version}+colab"), f"{name} would move from Colab's {version} to {got}"
    assert installed["transformers"] == pins(ROOT / "requirements-colab.txt")["transformers"]
