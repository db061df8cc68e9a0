"""Running a statement of the search with PostgreSQL settings that last for that statement only."""

from __future__ import annotations

from typing import Any

from django.db import connection, transaction


def fetch_with_settings(settings: list[str], sql: str, params: list[Any] | tuple[Any, ...]) -> list[Any]:
    """Rows of ``sql`` run after the ``SET LOCAL …`` statements ``settings``. Client-side binding
    (Django's default with psycopg 3): the settings and the query go as one message, which PostgreSQL
    runs as one implicit transaction (the settings end with it), in a single round trip; with
    server-side binding, in an explicit transaction. Inside a caller's transaction, they last until it
    ends."""
    if not settings:
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall()
    if connection.settings_dict.get("OPTIONS", {}).get("server_side_binding"):
        with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
            for setting in settings:
                cursor.execute(setting)
            cursor.execute(sql, params)
            return cursor.fetchall()
    with connection.cursor() as cursor:
        cursor.execute("; ".join([*settings, sql]), params)
        while cursor.description is None and cursor.nextset():
            pass  # past the SET statements to the query's rows
        return cursor.fetchall()
