"""Start-up refusals of the production settings: each message names the environment variable to fix.

Pure functions (no Django import beyond the exception), so that ``config/settings/prod.py`` stays a list
of decisions and the refusals are tested one by one (tests/test_production_settings.py).
"""

from __future__ import annotations

import math
import re
import zlib
from collections import Counter

from django.core.exceptions import ImproperlyConfigured

# 40 characters drawn from the 64 of ``secrets.token_urlsafe`` carry 240 bits; a key made of one letter or
# of a repeated word carries almost none. We estimate the key's entropy twice and keep the lower figure:
# from its own characters (Shannon entropy x length, low for few distinct characters) and from its
# compressed size (low for repetitions), and ask for 128 bits, the strength of the sessions' signing key.
MIN_SECRET_LENGTH = 40
MIN_SECRET_BITS = 128
_HOST = re.compile(
    r"^(\.?[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*\.?|\[[0-9a-f:.]+\])$"
)
_GENERATE = 'python -c "import secrets; print(secrets.token_urlsafe(50))"'


def secret_bits(value: str) -> float:
    """Estimated entropy of ``value`` in bits: the lower of length x Shannon entropy of its characters
    and the size of its deflate compression (the 8 bytes of zlib's header and checksum removed)."""
    if not value:
        return 0.0
    counts = Counter(value)
    n = len(value)
    shannon = -sum(c / n * math.log2(c / n) for c in counts.values()) * n
    compressed = (len(zlib.compress(value.encode(), 9)) - len(zlib.compress(b"", 9))) * 8
    return max(0.0, min(shannon, float(compressed)))


def check_secret_key(value: str, *, name: str = "ATLASIA_SECRET_KEY") -> str:
    if not value:
        raise ImproperlyConfigured(
            f"La variable d'environnement {name} est obligatoire en production "
            f"(générez-la avec : {_GENERATE})."
        )
    if len(value) < MIN_SECRET_LENGTH:
        raise ImproperlyConfigured(
            f"{name} est trop courte ({len(value)} caractères) : il en faut au moins {MIN_SECRET_LENGTH} "
            f"(générez-la avec : {_GENERATE})."
        )
    if value.startswith(("dev-only", "test-only")) or secret_bits(value) < MIN_SECRET_BITS:
        raise ImproperlyConfigured(
            f"{name} n'est pas assez aléatoire (environ {secret_bits(value):.0f} bits, il en faut "
            f"{MIN_SECRET_BITS}) : n'utilisez pas un mot, une phrase ou un caractère répété "
            f"(générez-la avec : {_GENERATE})."
        )
    return value


def check_allowed_hosts(raw: str, *, name: str = "ATLASIA_ALLOWED_HOSTS") -> list[str]:
    hosts = [h.strip().lower() for h in raw.split(",") if h.strip()]
    if not hosts:
        raise ImproperlyConfigured(
            f"{name} est obligatoire en production : les noms d'hôte servis, séparés par des virgules "
            f"(par exemple « atlas-ia.exemple.gouv.fr »), reçu « {raw} »."
        )
    for host in hosts:
        if host == "*":
            raise ImproperlyConfigured(
                f"{name} ne doit pas contenir « * » en production : nommez chaque hôte."
            )
        if not _HOST.match(host):
            raise ImproperlyConfigured(
                f"{name} contient « {host} », qui n'est pas un nom d'hôte (sans « https:// », sans "
                "chemin ni port)."
            )
    return hosts
