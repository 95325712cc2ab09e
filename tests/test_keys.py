import sys
import types

import pytest

from llmbook_utils import MissingAPIKeyError, get_api_key, keys

SECRET = "fake-test-0123456789abcdefghijklmnopqrstuv"  # not a real key
_real_from_colab = keys._from_colab  # the fixture below replaces it; the Colab tests restore it


@pytest.fixture
def clean(monkeypatch, tmp_path):
    """No key anywhere: empty env, no Colab, an empty working folder, no terminal."""
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(keys, "_from_colab", lambda name: None)
    monkeypatch.setattr(keys, "_interactive", lambda: False)
    return monkeypatch


def test_environment_first(clean):
    clean.setenv("OPENAI_API_KEY", SECRET)
    assert get_api_key("OPENAI_API_KEY") == SECRET


def test_missing_key_names_every_place(clean):
    with pytest.raises(MissingAPIKeyError) as err:
        get_api_key("OPENAI_API_KEY")
    message = str(err.value)
    assert "No OPENAI_API_KEY found" in message
    for place in ("environment variable", "Colab secrets", ".env file"):
        assert place in message
    assert "export OPENAI_API_KEY=" in message


def test_colab_secrets(clean):
    """google.colab.userdata is mocked: the key comes from Colab's secret store."""
    userdata = types.SimpleNamespace(get=lambda name: SECRET if name == "OPENAI_API_KEY" else None)
    colab = types.ModuleType("google.colab")
    colab.userdata = userdata
    google = types.ModuleType("google")
    google.colab = colab
    clean.setitem(sys.modules, "google", google)
    clean.setitem(sys.modules, "google.colab", colab)
    clean.setattr(keys, "_from_colab", _real_from_colab)
    assert get_api_key("OPENAI_API_KEY") == SECRET


def test_colab_secret_without_access_is_not_a_crash(clean):
    def denied(name):
        raise RuntimeError("NotebookAccessError: grant access in the secrets panel")

    colab = types.ModuleType("google.colab")
    colab.userdata = types.SimpleNamespace(get=denied)
    clean.setitem(sys.modules, "google", types.ModuleType("google"))
    clean.setitem(sys.modules, "google.colab", colab)
    clean.setattr(keys, "_from_colab", _real_from_colab)
    with pytest.raises(MissingAPIKeyError, match="Colab secrets"):
        get_api_key("OPENAI_API_KEY")


def test_dotenv_file(clean, tmp_path):
    (tmp_path / ".env").write_text(f"OTHER=1\nOPENAI_API_KEY={SECRET}\n")
    assert get_api_key("OPENAI_API_KEY") == SECRET


def test_prompt_when_interactive(clean):
    clean.setattr(keys, "_interactive", lambda: True)
    clean.setattr(keys.getpass, "getpass", lambda prompt: f"  {SECRET}  ")
    assert get_api_key("OPENAI_API_KEY") == SECRET


def test_no_prompt_when_asked_not_to(clean):
    clean.setattr(keys, "_interactive", lambda: True)

    def must_not_prompt(prompt):
        raise AssertionError("prompted although ask=False")

    clean.setattr(keys.getpass, "getpass", must_not_prompt)
    with pytest.raises(MissingAPIKeyError):
        get_api_key("OPENAI_API_KEY", ask=False)


def test_ci_is_never_interactive(monkeypatch):
    monkeypatch.setenv("CI", "true")
    assert keys._interactive() is False


def test_key_never_shown(clean, capsys):
    clean.setenv("OPENAI_API_KEY", SECRET)
    key = get_api_key("OPENAI_API_KEY")
    shown = [repr(key), repr([key]), f"{key!r}", repr({"key": key})]
    out = capsys.readouterr()
    for text in [*shown, out.out, out.err]:
        assert SECRET not in text
    assert repr(key) == "APIKey('fak…uv')"
    assert key == SECRET and isinstance(key, str)  # still usable by clients


def test_short_key_fully_masked():
    assert repr(keys.APIKey("abc123")) == "APIKey('***')"
