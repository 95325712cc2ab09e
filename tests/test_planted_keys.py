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


GUARDS = {  # guard -> (a cell it must fail, what the failure says, a similar cell it must let pass)
    "planted key": (
        'import os\nprint("the key:", os.environ["OPENAI_API_KEY"])',
        "planted OPENAI_API_KEY",
        'import os\nprint("key set:", os.environ["OPENAI_API_KEY"].startswith("sk-"))',
    ),
    "stray folder": (
        'import os\nos.makedirs("checkpoints")',
        "wrote ['checkpoints']",
        'import tempfile\nprint(tempfile.mkdtemp(prefix="llmbook-probe-"))',
    ),
}


@pytest.mark.slow
@pytest.mark.parametrize("guard", GUARDS)
def test_a_guarded_cell_fails_and_its_harmless_twin_passes(tmp_path, guard):
    bad, message, good = GUARDS[guard]
    failed = _run_notebook(tmp_path, bad)
    assert failed.returncode == 1 and message in failed.stdout, failed.stdout[-2000:]
    passed = _run_notebook(tmp_path, good)
    assert passed.returncode == 0, passed.stdout[-2000:]


def test_only_new_entries_count_as_stray(root_conftest):
    assert root_conftest.new_entries({"a.ipynb"}, {"a.ipynb", ".ipynb_checkpoints", "checkpoints"}) == ["checkpoints"]
    assert root_conftest.new_entries({"a.ipynb", "data"}, {"a.ipynb"}) == []
