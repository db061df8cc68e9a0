"""Rows that data migrations seed (the charters and the national weight profile), seeded again after
something emptied every table (a transactional test's flush, a module fixture's ``flush``)."""

from __future__ import annotations

import importlib


def seed_migration_rows() -> None:
    """The migration's own function (idempotent)."""
    from django.apps import apps

    importlib.import_module("atlasia.lifecycle.migrations.0002_seed_charters_and_national_profile").seed(
        apps, None
    )
