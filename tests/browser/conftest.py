"""Shared by the browser tests: Debian's Chromium, launched once per test (fails when it is missing)."""

from collections.abc import Iterator
from typing import Any

import pytest
from browsing import launched


@pytest.fixture
def browser() -> Iterator[Any]:
    with launched() as chromium:
        yield chromium
