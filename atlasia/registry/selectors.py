"""Reads of the registry, always scoped to what the user may see.

A record the user may not see is simply absent from these querysets, so views answer 404 for it.
"""

from __future__ import annotations

import functools
import hashlib
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar

from django.core.cache import cache
from django.core.paginator import Paginator
from django.db import connection
from django.db.models import BigIntegerField, BooleanField, Count, DateTimeField, Max, Model, Q, QuerySet
from django.db.models.expressions import RawSQL
from django.db.models.query import ModelIterable
from django.utils.functional import cached_property
from django.utils.translation import get_language

from atlasia.accounts import perms
from atlasia.accounts.actor import ActorLike
from atlasia.accounts.models import ExternalIdentity
from atlasia.audit.models import AuditEntry
from atlasia.core.roles import Action

from .enums import PublicationLevel
from .models import AITechnique, Algorithm, Organisation, Theme, UseCase

M = TypeVar("M", bound=Model)


def usecases_for(actor: ActorLike | None, action: Action) -> QuerySet[UseCase]:
    """Use cases on which the actor may perform ``action`` — the same rule as ``perms.can(actor, action,
    use_case)``: for ``usecase.view``, her organisations' records at any level, her reviewing perimeter's,
    and the records other organisations share with the network (or, signed out, the public)."""
    return perms.scoped(UseCase.objects.all(), actor, action, level="publication_level")


def usecases_to_do(actor: ActorLike | None, action: Action) -> QuerySet[UseCase]:
    """The part of ``usecases_for(actor, action)`` that is the actor's *to-do*: the records of her own
    organisations (every record for a platform administrator). A reviewer team may act across its
    perimeter (the national team scores any record), but the organisation's own members are the ones
    reminded of it: the national team's inbox is not every qualified record of the country."""
    actor = perms.as_actor(actor)
    qs = usecases_for(actor, action)
    return qs if actor.is_platform_admin else qs.filter(organisation_id__in=actor.organisation_ids)


def usecases_visible_to(actor: ActorLike | None) -> QuerySet[UseCase]:
    """Every use case the actor may read (``usecases_for(actor, Action.USECASE_VIEW)``)."""
    return usecases_for(actor, Action.USECASE_VIEW)


def visible_through(queryset: QuerySet[M], actor: ActorLike | None, relation: str) -> QuerySet[M]:
    """The rows of ``queryset`` whose use case ``relation`` (a foreign key to :class:`UseCase`) the
    actor may read: the same rule as :func:`usecases_visible_to`, applied through the relation, so one
    query reads the rows and checks the visibility of the records they name (no ``IN`` subquery)."""
    return perms.scoped(
        queryset,
        actor,
        Action.USECASE_VIEW,
        organisation=f"{relation}__organisation",
        level=f"{relation}__publication_level",
    )


def public_usecases() -> QuerySet[UseCase]:
    return UseCase.objects.filter(publication_level=PublicationLevel.PUBLIC)


def organisations_for(actor: ActorLike | None, action: Action) -> QuerySet[Organisation]:
    """Organisations on which the actor may perform ``action`` (same rule as ``perms.can(actor, action,
    organisation)``)."""
    return perms.scoped(Organisation.objects.all(), actor, action, organisation="")


@dataclass
class UseCaseFilters:
    q: str = ""
    theme: str = ""
    status: str = ""
    organisation: str = ""
    organisation_type: str = ""
    region: str = ""
    technique: str = ""
    publication_level: str = ""
    sort: str = "-updated_at"
    extra: dict[str, str] = field(default_factory=dict)


SORTS: dict[str, tuple[str, ...]] = {
    "-updated_at": ("-updated_at", "-id"),
    "updated_at": ("updated_at", "id"),
    "title": ("title", "id"),
    "-title": ("-title", "-id"),
    "organisation": ("organisation__name", "title", "id"),
    "status": ("status", "title", "id"),
    "-start_date": ("-start_date", "-id"),
}


def filter_usecases(
    qs: QuerySet[UseCase],
    *,
    theme: str | None = "",
    status: str | None = "",
    organisation: str | None = "",
    organisation_type: str | None = "",
    region: str | None = "",
    technique: str | None = "",
    publication_level: str | None = "",
    organisation_by_name: bool = False,
) -> QuerySet[UseCase]:
    """The list filters shared by the screens, the API and the dashboards (codes, as in the URLs).
    ``organisation`` is a slug; with ``organisation_by_name`` (the screens' text field, an autocomplete
    with JavaScript) it may also be part of the organisation's name."""
    lookups = {
        "theme__code": theme,
        "status": status,
        "organisation__type": organisation_type,
        "organisation__region": region,
        "ai_technique__code": technique,
        "publication_level": publication_level,
    }
    qs = qs.filter(**{key: value for key, value in lookups.items() if value})
    if organisation and organisation_by_name:
        qs = qs.filter(Q(organisation__slug=organisation) | Q(organisation__name__icontains=organisation))
    elif organisation:
        qs = qs.filter(organisation__slug=organisation)
    return qs


# Long texts the list page does not show (read only when a search query asks for excerpts).
LIST_DEFERRED = (
    "summary",
    "problem",
    "expected_benefits",
    "partners_other",
    "sites",
    "target_population",
    "human_oversight",
    "legal_basis_details",
    "proportionality",
    "risks_and_mitigations",
    "data_sources",
    "funding",
    "organisation__description",
)


def usecase_list(
    actor: ActorLike | None, filters: UseCaseFilters, *, page_columns: bool = False
) -> QuerySet[UseCase]:
    """The filtered, sorted list of visible use cases, with what the list page shows fetched in a
    constant number of queries whatever the page size (``page_columns``: without the long texts the
    page does not show, unless a search query needs them for its excerpts). The full-text query
    ``filters.q`` is the search domain's: the list page and the dashboards call
    :func:`atlasia.search.selectors.usecase_list`, which applies it on top of this list (search depends
    on the registry, not the other way round)."""
    qs = filter_usecases(
        usecases_visible_to(actor),
        theme=filters.theme,
        status=filters.status,
        organisation=filters.organisation,
        organisation_type=filters.organisation_type,
        region=filters.region,
        technique=filters.technique,
        publication_level=filters.publication_level,
        organisation_by_name=True,
    )
    order = SORTS.get(filters.sort, SORTS["-updated_at"])
    qs = qs.select_related("organisation", "theme", "ai_technique").order_by(*order)
    if page_columns and not filters.q:
        qs = qs.defer(*LIST_DEFERRED)
    return qs


# What a row of the list page shows, read as plain values: 50 model instances, each with its
# organisation, theme and technique (200 objects, 60 columns decoded), cost more than the rest of the page.
LIST_ROW_COLUMNS = (
    "pk",
    "title",
    "status",
    "publication_level",
    "organisation__name",
    "theme__label_fr",
    "theme__label_en",
    "ai_technique__label_fr",
    "ai_technique__label_en",
)
# The texts a search query's excerpts are taken from (read only when the list is searched).
LIST_ROW_TEXTS = ("summary", "problem", "expected_benefits")


@dataclass(frozen=True, slots=True)
class UseCaseRow:
    """A use case as a row of the list page: its labels in the active language."""

    pk: int
    title: str
    status: str
    publication_level: str
    organisation_name: str
    theme_label: str
    technique_label: str
    summary: str = ""
    problem: str = ""
    expected_benefits: str = ""


def usecase_rows(qs: QuerySet[UseCase], *, texts: bool = False) -> list[UseCaseRow]:
    """The rows of ``qs`` (a page of :func:`usecase_list`, already sliced) in one query: the shown
    columns only, and the texts of the search excerpts when ``texts``."""
    english = (get_language() or "fr").startswith("en")
    columns = LIST_ROW_COLUMNS + (LIST_ROW_TEXTS if texts else ())
    rows = []
    for values in qs.values_list(*columns):
        pk, title, status, level, organisation, theme_fr, theme_en, technique_fr, technique_en = values[:9]
        rows.append(
            UseCaseRow(
                pk,
                title,
                status,
                level,
                organisation,
                (theme_en if english and theme_en else theme_fr) or "",
                (technique_en if english and technique_en else technique_fr) or "",
                *values[9:],
            )
        )
    return rows


#: The relations the record page lists (categories, partners, contacts, sources, attachments).
DETAIL_RELATIONS = ("data_categories", "partner_organisations", "contacts", "sources", "attachments")


@functools.cache
def _rows_exist_sql(table: str, column: str) -> str:
    qn = connection.ops.quote_name
    outer = f"{qn(UseCase._meta.db_table)}.{qn(UseCase._meta.pk.column)}"  # type: ignore[union-attr]
    return f"EXISTS (SELECT 1 FROM {qn(table)} WHERE {qn(table)}.{qn(column)} = {outer})"  # noqa: S608 - model names


def rows_exist(model: type[Model], field: str = "use_case") -> RawSQL:
    """True when ``model`` has rows whose ``field`` (a foreign key to the use case) is the use case of
    the query this annotates (a query on :class:`UseCase`). The same ``EXISTS`` as
    ``Exists(model.objects.filter(field=OuterRef("pk")))``, written once per process: the ORM takes
    about as long to compile an ``Exists`` as to run the small query it replaces."""
    return RawSQL(  # noqa: S611 - table and column names of our models, quoted; no value
        _rows_exist_sql(model._meta.db_table, model._meta.get_field(field).column),  # type: ignore[union-attr]
        (),
        output_field=BooleanField(),
    )


def _has_rows(relation: str) -> RawSQL:
    field = UseCase._meta.get_field(relation)
    if field.many_to_many:
        return rows_exist(field.remote_field.through, field.m2m_field_name())  # type: ignore[union-attr]
    return rows_exist(field.related_model, field.field.name)  # type: ignore[arg-type,union-attr]


@dataclass(frozen=True)
class PackedFlags:
    """Boolean facts of the record (``EXISTS``, …) packed into one integer column of its query, bit ``i``
    for ``names[i]``, each set back on the record as an attribute of that name. The ORM spent as long
    compiling twenty annotations, one by one, at every request, as the database spent running them:
    packed, they are compiled once (:func:`pack_flags`) and the query carries one opaque column."""

    names: tuple[str, ...]
    sql: str
    params: tuple[Any, ...]


def pack_flags(flags: Mapping[str, Any]) -> PackedFlags:
    """``flags`` (attribute name → boolean expression on the use case, reading the record's own columns
    only: ``OuterRef`` in an ``Exists``, or :func:`rows_exist`), compiled into the SQL of one integer."""
    if len(flags) > 62:
        raise RuntimeError("at most 62 flags fit in one BIGINT")
    query = UseCase.objects.annotate(**flags).query
    compiler = query.get_compiler(connection=connection)
    parts: list[str] = []
    params: list[Any] = []
    for bit, name in enumerate(flags):
        sql, sql_params = compiler.compile(query.annotations[name])
        parts.append(f"CASE WHEN {sql} THEN {1 << bit} ELSE 0 END")
        params.extend(sql_params)
    if {alias for alias, count in query.alias_refcount.items() if count} - {UseCase._meta.db_table}:
        raise RuntimeError("a packed flag may read the record's own columns only (no join)")
    return PackedFlags(tuple(flags), " + ".join(parts) or "0", tuple(params))


@functools.cache
def _unpacking(names: tuple[str, ...]) -> type[ModelIterable[UseCase]]:
    class Unpacking(ModelIterable[UseCase]):
        def __iter__(self) -> Iterator[UseCase]:
            for record in super().__iter__():
                packed = record.__dict__.pop("packed_flags")
                for bit, name in enumerate(names):
                    setattr(record, name, bool(packed >> bit & 1))
                yield record

    return Unpacking


@functools.cache
def _relation_flags() -> dict[str, RawSQL]:
    return {f"has_rows_{r}": _has_rows(r) for r in DETAIL_RELATIONS}


def detail_flags(flags: Mapping[str, Any]) -> PackedFlags:
    """The record page's flags packed for :func:`usecase_detail_queryset`: its relations' (one
    ``has_rows_<relation>`` each) and ``flags``. Compile once, reuse while ``flags`` hold."""
    return pack_flags({**_relation_flags(), **flags})


def usecase_detail_queryset(
    actor: ActorLike | None, flags: Mapping[str, Any] | PackedFlags | None = None
) -> QuerySet[UseCase]:
    """The record page's use case with its organisation (each join costs PostgreSQL planning time:
    2.7 ms with seven, 0.7 ms with four; the theme, technique and algorithm are shown only by the
    cached parts of the page, read when one is rendered afresh), one ``has_rows_<relation>`` flag per
    listed relation plus the panels' ``flags`` (``EXISTS`` in the same query; :class:`PackedFlags`
    from :func:`detail_flags`: the same flags in one column), and what :func:`usecase_content_key`
    needs: the id of its latest audit row, its algorithm's last save. Then :func:`detail_relations`."""
    qs = usecases_visible_to(actor).select_related("organisation")
    if isinstance(flags, PackedFlags):
        qs = qs.annotate(packed_flags=RawSQL(flags.sql, flags.params, output_field=BigIntegerField()))  # noqa: S611 - compiled by pack_flags
        qs._iterable_class = _unpacking(flags.names)
    else:
        qs = qs.annotate(**_relation_flags(), **(flags or {}))
    return qs.annotate(last_audit_id=_last_audit_id(), algorithm_updated_at=_algorithm_updated_at())


def _of_record(
    table: str, match: str, record_column: str, value: str, field: Any, *, max_: bool = False
) -> RawSQL:
    """``(SELECT [MAX](table.value) FROM table WHERE table.match = <the record's record_column>)`` in the
    record's query (table and column names of our models, quoted; no value)."""
    qn = connection.ops.quote_name
    selected = f"{qn(table)}.{qn(value)}"
    if max_:
        selected = f"MAX({selected})"
    outer = f"{qn(UseCase._meta.db_table)}.{qn(record_column)}"
    sql = f"(SELECT {selected} FROM {qn(table)} WHERE {qn(table)}.{qn(match)} = {outer})"  # noqa: S608
    return RawSQL(sql, (), output_field=field)  # noqa: S611


def _algorithm_updated_at() -> RawSQL:
    """The last save of the record's algorithm."""
    return _of_record(Algorithm._meta.db_table, "id", "algorithm_id", "updated_at", DateTimeField())


def _last_audit_id() -> RawSQL:
    """The id of the record's latest audit row (an index-only read of ``(use_case_id, id)``)."""
    return _of_record(AuditEntry._meta.db_table, "use_case_id", "id", "id", BigIntegerField(), max_=True)


def usecase_content_key(use_case: UseCase) -> str:
    """What the cached parts of the record page (its text, data, dates, contacts, sources) are rendered
    from, besides the language and the reference lists (``www/fragments.py``): the record's last save
    and its latest audit row. Every write of the record or of its contacts, sources, categories and
    partners goes through a service that saves it or writes an audit row of the record in the same
    transaction, so a changed record has a new key before anyone can read the change; its algorithm is
    another row, in the key by its own last save."""
    if hasattr(use_case, "last_audit_id"):  # read by the record's query (None: no audit row)
        last_audit = use_case.last_audit_id
    else:
        last_audit = AuditEntry.objects.filter(use_case_id=use_case.pk).order_by().aggregate(m=Max("id"))["m"]
    if not use_case.algorithm_id:
        algorithm_saved = None
    elif hasattr(use_case, "algorithm_updated_at"):
        algorithm_saved = use_case.algorithm_updated_at
    else:
        algorithm_saved = use_case.algorithm.updated_at  # type: ignore[union-attr]
    return ".".join(
        str(part)
        for part in (
            use_case.pk,
            use_case.updated_at.timestamp(),
            last_audit,
            use_case.algorithm_id,
            algorithm_saved,
        )
    )


class DetailRelations(dict[str, list[Any]]):
    """The rows of the listed relations, ``{relation: [rows]}``, each read when the page first asks for
    it (a part of the page served from the cache reads none): one plain query per relation in which
    the record has rows, none for the others (most records have no attachment, no partner…). Plain
    lists rather than ``prefetch_related``: its machinery costs more than the small queries, and as
    much again for a relation known to be empty."""

    def __init__(self, use_case: UseCase) -> None:
        super().__init__()
        self.use_case = use_case

    def __missing__(self, relation: str) -> list[Any]:
        if relation not in DETAIL_RELATIONS:
            raise KeyError(relation)
        use_case = self.use_case
        rows = (
            list(getattr(use_case, relation).all())
            if getattr(use_case, f"has_rows_{relation}", True) is not False
            else []
        )
        self[relation] = rows
        return rows


def detail_relations(use_case: UseCase) -> DetailRelations:
    """The listed relations of ``use_case``, read on demand (:class:`DetailRelations`)."""
    return DetailRelations(use_case)


def home_counts(actor: ActorLike | None) -> dict[str, Any]:
    """Figures for the home dashboard, over what the actor may see."""
    qs = usecases_visible_to(actor)
    by_status = dict(qs.order_by().values_list("status").annotate(n=Count("id")).values_list("status", "n"))
    by_level = dict(
        qs.order_by()
        .values_list("publication_level")
        .annotate(n=Count("id"))
        .values_list("publication_level", "n")
    )
    by_theme = list(
        qs.order_by()
        .values("theme__code", "theme__label_fr", "theme__label_en")
        .annotate(n=Count("id"))
        .order_by("-n", "theme__label_fr")
    )
    mine = qs.filter(organisation_id__in=perms.member_organisation_ids(actor)).count()
    return {
        "total": sum(by_status.values()),
        "mine": mine,
        "by_status": by_status,
        "by_level": by_level,
        "by_theme": by_theme,
        "organisations": qs.order_by().values("organisation_id").distinct().count(),
    }


# --- cached reference lists and capped counts (pages at national scale) ----------------------------------

REFERENCE_CACHE_SECONDS = 300  # a backstop: every change of a reference item drops the cache (apps.py)
REFERENCE_MODELS: dict[str, Any] = {"theme": Theme, "technique": AITechnique}


def _reference_key(kind: str) -> str:
    return f"registry:reference:{kind}"


def reference_items(kind: str) -> list[tuple[str, str, str]]:
    """``(code, label_fr, label_en)`` of a reference table ("theme", "technique"), in display order,
    from the cache: the filter forms of every list page read them on each request."""
    items = cache.get(_reference_key(kind))
    if items is None:
        items = list(
            REFERENCE_MODELS[kind]
            .objects.order_by("position", "label_fr")
            .values_list("code", "label_fr", "label_en")
        )
        cache.set(_reference_key(kind), items, REFERENCE_CACHE_SECONDS)
    return items


def reference_choices(kind: str) -> list[tuple[str, str]]:
    """Choices of a reference table, labelled in the active language (English label when filled in)."""
    english = (get_language() or "fr").startswith("en")
    return [
        (code, (label_en if english and label_en else label_fr))
        for code, label_fr, label_en in reference_items(kind)
    ]


REFERENCE_VERSION_KEY = "registry:reference:version"


def reference_version() -> str:
    """A token that changes whenever a reference item changes: part of the key of every cached page
    fragment that shows reference labels or filter choices (the filter forms). A fresh token (not a
    counter) when the cache lost it, so a fragment cached under an older token is never taken back."""
    version = cache.get(REFERENCE_VERSION_KEY)
    if version is None:
        cache.add(REFERENCE_VERSION_KEY, f"{time.time_ns():x}", None)
        version = cache.get(REFERENCE_VERSION_KEY) or "0"
    return str(version)


def reference_cache_clear(*args: Any, **kwargs: Any) -> None:
    """Drop the cached reference lists and the fragments showing them (connected to the save/delete
    signals of the reference tables)."""
    cache.delete_many([_reference_key(kind) for kind in REFERENCE_MODELS])
    cache.set(REFERENCE_VERSION_KEY, f"{time.time_ns():x}", None)


def organisation_suggestions(query: str, *, limit: int = 10) -> list[Organisation]:
    """Organisations whose name holds ``query`` (the list page's autocomplete), names first that start
    with it. Organisation names are public (the organisations page lists them all)."""
    query = " ".join(query.split())[:100]
    if len(query) < 2:
        return []
    qs = Organisation.objects.filter(name__icontains=query).only("slug", "name")
    starts = list(qs.filter(name__istartswith=query).order_by("name")[:limit])
    if len(starts) < limit:
        seen = {o.pk for o in starts}
        starts += [
            o for o in qs.exclude(name__istartswith=query).order_by("name")[:limit] if o.pk not in seen
        ][: limit - len(starts)]
    return starts


class CappedPaginator(Paginator):  # type: ignore[type-arg]
    """A paginator whose count stops at ``cap``: counting 100,000 visible records on every list request
    costs more than the page itself, and "plus de 10 000" says as much to a reader. ``capped`` tells the
    template to say so; pages beyond the cap are not offered (filters narrow the list)."""

    cap = 10_000
    # A count over the cap is kept this long (the same list, for whoever sees the same records: the key
    # is the counting query itself): "plus de 10 000" stays true for a minute, and reading 10,001
    # entries of an index on every page of a member's list cost as much as the rest of the page.
    capped_seconds = 60

    @cached_property
    def count(self) -> int:
        # Counted without the page's ordering: the order does not change how many rows there are, and
        # ``ORDER BY … LIMIT`` in the counting subquery made PostgreSQL sort every matching row (or walk
        # the sort's index row by row) instead of reading the filter's index alone (issue 18).
        rows = self.object_list.order_by()  # type: ignore[attr-defined]
        sql, params = rows.values("pk").query.sql_with_params()
        digest = hashlib.sha1(repr((sql, params, self.cap)).encode(), usedforsecurity=False).hexdigest()
        key = f"registry:capped-count:{digest}"
        cached = cache.get(key)
        if cached is not None:
            return int(cached)
        count = int(rows[: self.cap + 1].count())
        if count > self.cap:
            cache.set(key, count, self.capped_seconds)
        return count

    @property
    def capped(self) -> bool:
        return self.count > self.cap


@dataclass(frozen=True)
class OrganisationRef:
    """An organisation as other domains see it (accounts proposes one from a ProConnect SIRET)."""

    pk: int
    name: str
    slug: str
    siren: str


def organisations_with_siren(siren: str) -> list[OrganisationRef]:
    """The organisations registered under ``siren`` (9 digits; a SIRET's first 9 digits), by name."""
    if len(siren) != 9 or not siren.isdigit():
        return []
    return [
        OrganisationRef(pk=pk, name=name, slug=slug, siren=siren)
        for pk, name, slug in Organisation.objects.filter(siren=siren)
        .order_by("name")
        .values_list("pk", "name", "slug")
    ]


# --- ProConnect identities and the organisations their SIRET proposes --------------------------------


@dataclass(frozen=True)
class ProConnectIdentityView:
    email: str
    siret: str
    idp_id: str
    last_acr: str
    last_login_at: Any
    proposed_organisations: tuple[OrganisationRef, ...]


def proconnect_identities(user: Any) -> list[ProConnectIdentityView]:
    """The user's ProConnect identities, each with the organisations registered under its SIRET's SIREN."""
    return [
        ProConnectIdentityView(
            email=identity.email,
            siret=identity.siret,
            idp_id=identity.idp_id,
            last_acr=identity.last_acr,
            last_login_at=identity.last_login_at,
            proposed_organisations=tuple(organisations_with_siren(identity.siren)),
        )
        for identity in ExternalIdentity.objects.filter(user=user).order_by("-last_login_at")
    ]


def proposed_organisations(user: Any) -> list[OrganisationRef]:
    """Organisations proposed by the SIRET of the user's ProConnect identities (no duplicates)."""
    seen: dict[int, OrganisationRef] = {}
    for identity in proconnect_identities(user):
        for organisation in identity.proposed_organisations:
            seen.setdefault(organisation.pk, organisation)
    return list(seen.values())
