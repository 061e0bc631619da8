"""Test settings: XLA flags as the CLI sets them, no network, a private data cache, and the
offline mirror only if given (a test that needs a real data set skips without it)."""

from __future__ import annotations

from shared.xla import configure

configure()  # before any test imports JAX: XLA reads its flags once

import os  # noqa: E402  (after the XLA flags)

import pytest  # noqa: E402  (after the XLA flags)


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "needs_data(*names): the real data sets a test loads "
        "(shared.datasets.needs names); skipped without HYPE_DATA_MIRROR",
    )


@pytest.fixture(autouse=True)
def environment_restored():
    """Whatever a test's commands set in the environment (the CLI and the bench configure JAX
    through it) is undone after it, so no test sees another's settings in the same worker."""
    saved = dict(os.environ)
    yield
    os.environ.clear()
    os.environ.update(saved)


@pytest.fixture(autouse=True)
def private_cache(tmp_path_factory, monkeypatch):
    """Every test gets its own empty data cache unless it asks for the shared one."""
    monkeypatch.setenv("HYPE_DATA_DIR", str(tmp_path_factory.mktemp("cache")))


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Tests never download: a test marked ``needs_data`` runs only with the offline mirror
    (marked at collection, so a module's expensive fixtures are not even set up)."""
    if os.environ.get("HYPE_DATA_MIRROR"):
        return
    for item in items:
        marker = item.get_closest_marker("needs_data")
        if marker is not None:
            item.add_marker(
                pytest.mark.skip(
                    reason=(
                        f"needs the real {', '.join(marker.args)} data: "
                        "set HYPE_DATA_MIRROR (tests never download)"
                    )
                )
            )


class StopAfter:
    """A budget with ``shared.jobs.Budget``'s interface that allows ``epochs`` more epochs (a
    job asks before each one), then stops the run, as ``--stop-after`` does at its time."""

    def __init__(self, epochs: int) -> None:
        self.left = epochs

    def allows(self, seconds: float) -> bool:
        self.left -= 1
        return self.left >= 0

    @property
    def over(self) -> bool:
        return self.left < 0


@pytest.fixture
def stop_after() -> type[StopAfter]:
    return StopAfter
