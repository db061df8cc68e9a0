"""The command line chooses its language from the environment (LANGUAGE, LC_ALL, LC_MESSAGES, LANG): the
core's tests run with a neutral one (French, the default), whatever the developer's shell says, and the
subprocesses they start inherit it."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _neutral_language(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("LANGUAGE", "LC_ALL", "LC_MESSAGES"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("LANG", "C.UTF-8")
