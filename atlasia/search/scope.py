"""What a scan over the search tables may narrow itself to without joining the registry.

The document and embedding rows carry a copy of their record's organisation and publication level
(``scope_organisation``, ``scope_level``, kept in step by ``services``). A :class:`Scope` is a condition
on those copies holding *at least* every record the reader may see (built from her grant by the
selectors): a member's scan filters on the row it already reads instead of joining 100,000 registry
rows. It never decides what is shown: the few rows a scan keeps are always checked against the real
visibility queryset, so a stale copy can only hide a record until its next save, never reveal one.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
from django.db.models import QuerySet


@dataclass(frozen=True)
class Scope:
    everything: bool = False  # every record (a national reader)
    organisation_ids: frozenset[int] = field(default_factory=frozenset)  # or those of these organisations
    publication_levels: frozenset[str] = field(default_factory=frozenset)  # or those published so
    except_organisation: int | None = None  # and never those of this organisation

    def sql(self, alias: str) -> tuple[str, list[Any]]:
        """``(condition, params)`` on the ``scope_*`` columns of the table aliased ``alias``."""
        parts: list[str] = []
        params: list[Any] = []
        if not self.everything:
            either: list[str] = []
            if self.organisation_ids:
                either.append(f"{alias}.scope_organisation = ANY(%s)")
                params.append(sorted(self.organisation_ids))
            if self.publication_levels:
                either.append(f"{alias}.scope_level = ANY(%s)")
                params.append(sorted(self.publication_levels))
            parts.append("(" + " OR ".join(either) + ")" if either else "FALSE")
        if self.except_organisation is not None:
            parts.append(f"{alias}.scope_organisation <> %s")
            params.append(self.except_organisation)
        return (" AND ".join(parts) or "TRUE"), params

    def holds(self, organisations: Any, levels: Any) -> Any:
        """The same condition in NumPy over arrays of copies (organisation -1 where unknown, as SQL's
        NULL matches neither ``= ANY`` nor ``<>``): a boolean mask."""
        organisations = np.asarray(organisations, dtype=np.int64)
        mask = np.ones(len(organisations), dtype=bool)
        if not self.everything:
            mask = np.isin(organisations, sorted(self.organisation_ids)) | np.isin(
                np.asarray(levels, dtype=object), sorted(self.publication_levels)
            )
        if self.except_organisation is not None:
            mask &= (organisations >= 0) & (organisations != self.except_organisation)
        return mask


def sees_everything(visible: QuerySet[Any]) -> bool:
    """True for the unfiltered queryset of every record (``usecases_visible_to`` of a national reader):
    nothing to filter, nothing to check."""
    query = visible.query
    return (
        not query.where
        and query.low_mark == 0
        and query.high_mark is None
        and not query.combinator
        and not query.distinct
        and visible.model._meta.label == "registry.UseCase"
    )
