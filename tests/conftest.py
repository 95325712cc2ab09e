import pytest

from llmbook_utils import profiles


@pytest.fixture(autouse=True)
def _fresh_probe_cache():
    """hub_reachable() caches its answer per process; tests that mock it need a clean slate."""
    profiles.hub_reachable.cache_clear()
    yield
    profiles.hub_reachable.cache_clear()
