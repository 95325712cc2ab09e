"""The guards of conftest.py: planted keys must not show in any output, and no cell may leave files next to the chapter."""

import os
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def root_conftest(pytestconfig):
    """The repository's conftest.py as pytest loaded it (tests/conftest.py is another module)."""
    for plugin in pytestconfig.pluginmanager.get_plugins():
        if Path(getattr(plugin, "__file__", "") or "") == ROOT / "conftest.py":
            return plugin
    raise AssertionError("the repository's conftest.py is not loaded")


def test_the_pytest_process_itself_never_holds_the_planted_keys(root_conftest):
    for name, value in root_conftest.PLANTED.items():
        assert os.environ.get(name) != value, name


def test_leaks_are_found_whole_or_in_part(root_conftest):
    planted = {"OPENAI_API_KEY": "sk-llmbook-planted-" + "ab12" * 8}
    value = planted["OPENAI_API_KEY"]
    assert root_conftest.leaked_keys([{"text": f"key is {value}\n"}], planted) == ["OPENAI_API_KEY"]
    assert root_conftest.leaked_keys([{"text": f"...{value[-16:]}"}], planted) == ["OPENAI_API_KEY"]
    assert root_conftest.leaked_keys([{"text": "key found: True"}], planted) == []


def _run_notebook(tmp_path: Path, source: str) -> subprocess.CompletedProcess:
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(source)]
    nbformat.write(nb, tmp_path / "probe.ipynb")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-p",
            "conftest",
            "--nbval-lax",
            "--nbval-current-env",
            "-q",
            "probe.ipynb",
            "-p",
            "no:cacheprovider",
            "--rootdir",
            str(tmp_path),
        ],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.mark.slow
def test_a_cell_that_prints_a_key_fails_and_one_that_checks_it_passes(tmp_path):
    shown = _run_notebook(tmp_path, 'import os\nprint("the key:", os.environ["OPENAI_API_KEY"])')
    assert shown.returncode == 1 and "planted OPENAI_API_KEY" in shown.stdout, shown.stdout[-2000:]
    checked = _run_notebook(tmp_path, 'import os\nprint("key set:", os.environ["OPENAI_API_KEY"].startswith("sk-"))')
    assert checked.returncode == 0, checked.stdout[-2000:]


def test_only_new_entries_count_as_stray(root_conftest):
    assert root_conftest.new_entries({"a.ipynb"}, {"a.ipynb", ".ipynb_checkpoints", "checkpoints"}) == ["checkpoints"]
    assert root_conftest.new_entries({"a.ipynb", "data"}, {"a.ipynb"}) == []


@pytest.mark.slow
def test_a_cell_that_leaves_a_folder_next_to_the_chapter_fails(tmp_path):
    stray = _run_notebook(tmp_path, 'import os\nos.makedirs("checkpoints")')
    assert stray.returncode == 1 and "wrote ['checkpoints']" in stray.stdout, stray.stdout[-2000:]
    elsewhere = _run_notebook(tmp_path, 'import tempfile\nprint(tempfile.mkdtemp(prefix="llmbook-probe-"))')
    assert elsewhere.returncode == 0, elsewhere.stdout[-2000:]
