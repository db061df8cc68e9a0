"""Search fixtures: records with French text, and the embedding model loaded once per session."""

from __future__ import annotations

from typing import Any

import pytest


@pytest.fixture(scope="session")
def e5_model() -> Any:
    from atlasia.search import embeddings

    return embeddings.get_model()  # mmap'd 4-bit weights: loaded once for the whole session
