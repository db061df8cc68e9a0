"""Debian's Chromium under Playwright, for every browser test (fails when it is missing)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
]


@contextmanager
def launched() -> Iterator[Any]:
    """The browser, open for the ``with`` block.

    Playwright's sync API runs an event loop: Django must allow ORM calls from the test, and the queries a
    test makes meanwhile get database connections of their own (Django keys connections by context). They
    are closed here, in that context, when the browser is: left open, one of them held the test database
    and PostgreSQL refused to drop it at the end of the run ("being accessed by other users")."""
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from django.db import connections
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            yield browser
        finally:
            browser.close()
            connections.close_all()
