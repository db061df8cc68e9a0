"""``manage.py exchange_schema``: write docs/exchange/atlasia-exchange-<version>.schema.json."""

from __future__ import annotations

import json
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand

from atlasia.exchange.exchange_format import FORMAT_VERSION, json_schema


class Command(BaseCommand):
    help = "Écrit le schéma JSON du format d'échange (version courante) dans docs/exchange/."

    def handle(self, *args: Any, **options: Any) -> None:
        path = settings.BASE_DIR / "docs" / "exchange" / f"atlasia-exchange-{FORMAT_VERSION}.schema.json"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(json_schema(), ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        self.stdout.write(str(path))
