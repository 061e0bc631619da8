"""Test settings: no network, a private data cache, the offline mirror only if given."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def private_cache(tmp_path_factory, monkeypatch):
    """Every test gets its own empty data cache unless it asks for the shared one."""
    monkeypatch.setenv("HYPE_DATA_DIR", str(tmp_path_factory.mktemp("cache")))
