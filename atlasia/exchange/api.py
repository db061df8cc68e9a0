"""The REST API (django-ninja), mounted at ``/api/v1/``; OpenAPI at ``/api/v1/openapi.json``, its
documentation page at ``/api/v1/docs``.

Access:
- without a token: read-only, public records only;
- with a token (``Authorization: Bearer atl_…``): the token's service account, member of ONE
  organisation with ONE role, reads what that member may read and writes use cases of its own
  organisation through the registry services (same permission code as the screens, audited);
- an unknown, revoked or expired token is refused (401), never downgraded to anonymous.

Writes never bypass the rules of the screens: the lifecycle status is read-only here (a different
``status`` in a POST/PATCH is a 422; the status moves through ``POST /usecases/{uid}/transitions``, with
the same role, reason and gate checks as the screen); ``GET /usecases/{uid}`` returns an ``ETag`` and a
PATCH or DELETE with ``If-Match`` is refused (412) when the record changed since it was read; a POST with
an ``Idempotency-Key`` header creates at most one record per key (a retry returns the first one); a null
on a field that cannot be empty is a 422 naming the field.

Anything outside the caller's scope is a 404. Errors always look like
``{"error": {"code", "message", "details": [{"field", "message"}]}}``, their messages in the caller's
language (``Accept-Language``, through Django's ``LocaleMiddleware``; French by default). The OpenAPI
description and its documentation page speak that language too: every text of the description (title,
summaries, descriptions of the operations and the fields, tags) is a lazy French text of the catalogue,
written in the request's language when ``/api/v1/openapi.json`` is serialised; django-ninja builds the
description at each request (``get_openapi_schema`` keeps nothing), so no language is cached in it.
Rate limit: ``ATLASIA_API_RATE`` (default 120 requests a minute) per token, or per IP address without a
token; beyond it, 429 with ``Retry-After``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import uuid
from collections.abc import Callable
from decimal import Decimal
from typing import Any, cast

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.translation import get_language, gettext, gettext_lazy, gettext_noop
from ninja import Field, File, Form, NinjaAPI, Query, Schema, Status, UploadedFile
from ninja.errors import AuthenticationError, HttpError, Throttled
from ninja.errors import ValidationError as NinjaValidationError
from ninja.openapi.docs import Swagger
from ninja.security import HttpBearer
from ninja.throttling import SimpleRateThrottle
from pydantic import field_validator

from atlasia.accounts.actor import actor_for
from atlasia.audit.concurrency import etag
from atlasia.core import messages as core_messages
from atlasia.core.permissions import ANONYMOUS, Actor
from atlasia.core.roles import Action
from atlasia.evaluation import refs as evaluation_refs
from atlasia.lifecycle import selectors as lifecycle_selectors
from atlasia.lifecycle import services as lifecycle_services
from atlasia.publication import public
from atlasia.publication.public import PublicRecord
from atlasia.qualification import selectors as qualification_selectors
from atlasia.registry import selectors as registry_selectors
from atlasia.registry import services as registry_services
from atlasia.registry.models import AITechnique, Theme, UseCase

from . import selectors
from .codes import code_lists
from .exchange_format import json_schema
from .services import token_authenticate

# --- principal, auth, throttling ---------------------------------------------------------------------


class Principal:
    """Who calls: a token (its service account, and the typed actor built from it) or nobody."""

    def __init__(self, token: Any = None) -> None:
        self.token = token
        self.user = token.service_user if token else AnonymousUser()
        # The token's actor: its one membership, never an administrator's or a reviewer's rights.
        self.actor: Actor = actor_for(self.user, service_account=True) if token else ANONYMOUS

    def __bool__(self) -> bool:  # ninja needs a truthy auth result, even for the anonymous caller
        return True

    def __str__(self) -> str:
        return f"token:{self.token.pk}" if self.token else "anonymous"


class TokenAuth(HttpBearer):
    """Bearer token required."""

    def authenticate(self, request: HttpRequest, token: str) -> Principal | None:
        found = token_authenticate(token)
        return Principal(found) if found else None


class OptionalTokenAuth(TokenAuth):
    """A token if one is given (and then it must be valid); the anonymous caller otherwise."""

    def __call__(self, request: HttpRequest) -> Principal | None:
        if not request.headers.get(self.header):
            return Principal()
        return super().__call__(request)


class ApiRateThrottle(SimpleRateThrottle):
    """Per token, or per IP address for anonymous callers; the rate is read at each request so that it
    can be changed in settings (``ATLASIA_API_RATE``)."""

    scope = "atlasia-api"

    def __init__(self) -> None:
        super().__init__(rate="120/m")

    def allow_request(self, request: HttpRequest) -> bool:
        self.rate = getattr(settings, "ATLASIA_API_RATE", "120/m")
        self.num_requests, self.duration = self.parse_rate(self.rate)
        return super().allow_request(request)

    def get_cache_key(self, request: HttpRequest) -> str:
        auth = getattr(request, "auth", None)
        ident = str(auth) if auth is not None and auth.token else f"ip:{self.get_ident(request)}"
        return self.cache_format % {"scope": self.scope, "ident": ident}


#: The OpenAPI description's texts: French, read in the request's language when the description is
#: written (django-ninja and pydantic type them ``str``; a lazy text is one until it is serialised).
_ = cast(Callable[[str], str], gettext_lazy)

TAG_USECASES = _("Cas d'usage")
TAG_FOLLOW_UP = _("Qualification, expérimentations, évaluations")
TAG_EXCHANGE = _("Échange")


class ApiDocs(Swagger):
    """Swagger UI from our own static files, in a page that says its language (``<html lang>``): the
    description it shows is fetched with the page's ``Accept-Language``, hence in the same language."""

    template = "exchange/api_docs.html"


#: What each answer of an operation means, in the description (django-ninja writes the English reason
#: phrase, "Unauthorized", whatever the language).
RESPONSE_DESCRIPTIONS = {
    200: _("Réussite"),
    201: _("Créé"),
    204: _("Supprimé (aucun contenu)"),
    401: _("Jeton absent, inconnu, révoqué ou expiré"),
    403: _("Le rôle du jeton ne permet pas cette action"),
    404: _("Introuvable, ou hors de ce que l'appelant peut voir"),
    412: _("La fiche a changé depuis sa lecture (If-Match) : rien n'est écrit"),
    422: _("Données invalides : chaque champ en cause dans details"),
    429: _("Trop de requêtes : réessayer après Retry-After"),
}


class AtlasApi(NinjaAPI):
    def get_openapi_schema(self, **kwargs: Any) -> Any:
        """django-ninja's description, built again at each call (it keeps none: the lazy texts are read
        in the language of the request that asks), with each answer described in that language."""
        schema = super().get_openapi_schema(**kwargs)
        for operations in schema["paths"].values():
            for operation in operations.values():
                for status, response in operation["responses"].items():
                    response["description"] = RESPONSE_DESCRIPTIONS.get(int(status), response["description"])
        _drop_generated_titles(schema)
        return schema


def _generated_title(name: str) -> str:
    """The title pydantic writes for a field or parameter it was given none for: its name in English title
    case (``publication_level`` → "Publication Level")."""
    return name.title().replace("_", " ")


def _drop_generated_titles(node: Any) -> None:
    """Removes the titles pydantic made up from field and parameter names: English words ("Publication
    Level", "Health Data", and "Response" for a list answer) in the French description, and no more
    than the name in the English one.
    Each field keeps its name and its description, which is written in the reader's language; the
    objects' titles (``UseCaseOut``…) are identifiers and stay."""
    if isinstance(node, dict):
        for name, prop in (node.get("properties") or {}).items():
            if isinstance(prop, dict) and prop.get("title") == _generated_title(name):
                del prop["title"]
        for media in (node.get("content") or {}).values():  # a list answer's wrapper: "Response"
            inner = media.get("schema") if isinstance(media, dict) else None
            if isinstance(inner, dict) and inner.get("title") == "Response":
                del inner["title"]
        for parameter in node.get("parameters") or []:
            inner = parameter.get("schema") if isinstance(parameter, dict) else None
            if isinstance(inner, dict) and inner.get("title") == _generated_title(str(parameter.get("name"))):
                del inner["title"]
        for value in node.values():
            _drop_generated_titles(value)
    elif isinstance(node, list):
        for value in node:
            _drop_generated_titles(value)


api = AtlasApi(
    title="Atlas IA — API",
    version="1.0.0",
    description=_(
        "Registre des cas d'usage de l'IA en santé, médico-social et protection sociale. Sans jeton : "
        "lecture des fiches publiques. Avec un jeton d'organisation (`Authorization: Bearer atl_…`) : "
        "lecture de ce que l'organisation peut voir, écriture de ses propres cas d'usage. Langue : "
        "en-tête `Accept-Language` (`fr` par défaut, ou `en`), pour cette description comme pour les "
        'messages d\'erreur. Erreurs : `{"error": {"code", "message", "details": [{"field", "message"}]}}`.'
    ),
    urls_namespace="api_v1",
    auth=OptionalTokenAuth(),
    throttle=[ApiRateThrottle()],
    docs_url="/docs",
    docs=ApiDocs(),
)


# --- errors ------------------------------------------------------------------------------------------


def _reader_locale() -> core_messages.Locale:
    """The core's :class:`~atlasia.core.messages.Locale` for the request's language (``Accept-Language``,
    through Django's ``LocaleMiddleware``, as for every message of the API; French by default)."""
    english = (get_language() or "fr").startswith("en")
    return core_messages.english(gettext) if english else core_messages.FR


def error_response(
    request: HttpRequest, status: int, code: str, message: str, details: list[dict[str, str]] | None = None
) -> HttpResponse:
    return api.create_response(
        request, {"error": {"code": code, "message": message, "details": details or []}}, status=status
    )


PYDANTIC_MESSAGES = {
    "missing": gettext_noop("Ce champ est obligatoire."),
    "string_too_long": gettext_noop("Texte trop long."),
    "string_type": gettext_noop("Un texte est attendu."),
    "int_parsing": gettext_noop("Un nombre entier est attendu."),
    "int_type": gettext_noop("Un nombre entier est attendu."),
    "bool_parsing": gettext_noop("Une valeur vrai/faux est attendue."),
    "bool_type": gettext_noop("Une valeur vrai/faux est attendue."),
    "date_from_datetime_parsing": gettext_noop("Une date AAAA-MM-JJ est attendue."),
    "date_parsing": gettext_noop("Une date AAAA-MM-JJ est attendue."),
    "date_type": gettext_noop("Une date AAAA-MM-JJ est attendue."),
    "datetime_parsing": gettext_noop("Une date et heure ISO 8601 est attendue."),
    "datetime_from_date_parsing": gettext_noop("Une date et heure ISO 8601 est attendue."),
    "decimal_parsing": gettext_noop("Un nombre décimal est attendu."),
    "uuid_parsing": gettext_noop("Un identifiant UUID est attendu."),
    "greater_than_equal": gettext_noop("Valeur trop petite."),
    "less_than_equal": gettext_noop("Valeur trop grande."),
    "extra_forbidden": gettext_noop("Champ inconnu."),
    "list_type": gettext_noop("Une liste est attendue."),
    "json_invalid": gettext_noop("Le corps de la requête n'est pas un JSON valide."),
    "model_attributes_type": gettext_noop("Un objet JSON est attendu."),
    "dict_type": gettext_noop("Un objet JSON est attendu."),
    "value_error": gettext_noop("Valeur invalide (caractère NUL interdit)."),
}


def _pydantic_details(errors: list[dict[str, Any]]) -> list[dict[str, str]]:
    details = []
    for err in errors:
        loc = [str(p) for p in err.get("loc", ()) if p not in ("body", "query", "path", "payload")]
        known = PYDANTIC_MESSAGES.get(err.get("type", ""))
        if known is None:
            message = gettext("Valeur invalide (%(detail)s).") % {"detail": err.get("msg", "")}
        else:
            message = gettext(known)
        if err.get("type") in ("string_too_long", "greater_than_equal", "less_than_equal"):
            ctx = err.get("ctx") or {}
            limit = ctx.get("max_length", ctx.get("ge", ctx.get("le", "")))
            message = gettext("%(message)s (limite : %(limit)s).") % {"message": message[:-1], "limit": limit}
        details.append({"field": ".".join(loc), "message": message})
    return details


@api.exception_handler(NinjaValidationError)
def _on_validation(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    return error_response(
        request,
        422,
        "validation_error",
        gettext("Les données envoyées ne sont pas valides."),
        _pydantic_details(exc.errors),
    )


@api.exception_handler(DjangoValidationError)
def _on_django_validation(request: HttpRequest, exc: DjangoValidationError) -> HttpResponse:
    if hasattr(exc, "error_dict"):
        details = [{"field": k, "message": " ".join(v)} for k, v in exc.message_dict.items()]
    else:
        details = [{"field": "", "message": m} for m in exc.messages]
    return error_response(
        request, 422, "validation_error", gettext("Les données envoyées ne sont pas valides."), details
    )


@api.exception_handler(AuthenticationError)
def _on_auth(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    response = error_response(
        request, 401, "unauthorized", gettext("Jeton d'API absent, inconnu, révoqué ou expiré.")
    )
    response["WWW-Authenticate"] = "Bearer"
    return response


@api.exception_handler(Throttled)
def _on_throttled(request: HttpRequest, exc: Throttled) -> HttpResponse:
    return error_response(
        request, 429, "rate_limited", gettext("Trop de requêtes : réessayez dans quelques secondes.")
    )


@api.exception_handler(Http404)
def _on_404(request: HttpRequest, exc: Http404) -> HttpResponse:
    return error_response(request, 404, "not_found", gettext("Ressource introuvable."))


@api.exception_handler(PermissionDenied)
def _on_403(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return error_response(request, 403, "forbidden", str(exc) or gettext("Action non autorisée."))


@api.exception_handler(HttpError)
def _on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    return error_response(request, exc.status_code, "error", str(exc))


# --- schemas -----------------------------------------------------------------------------------------


class CleanSchema(Schema):
    """Refuses NUL characters, which PostgreSQL cannot store or compare (found by schemathesis)."""

    @field_validator("*", mode="before")
    @classmethod
    def _no_nul(cls, value: Any) -> Any:
        texts = value if isinstance(value, list) else [value]
        if any(isinstance(t, str) and "\x00" in t for t in texts):
            raise ValueError(gettext("caractère NUL interdit"))
        return value


class ErrorDetail(Schema):
    field: str
    message: str


class ErrorBody(Schema):
    code: str
    message: str
    details: list[ErrorDetail]


class ErrorOut(Schema):
    error: ErrorBody


class OrganisationOut(Schema):
    name: str
    slug: str
    type: str
    region: str


class UseCaseOut(Schema):
    uid: uuid.UUID
    title: str
    summary: str
    problem: str
    expected_benefits: str
    theme: str
    ai_technique: str
    status: str
    publication_level: str
    organisation: OrganisationOut
    provider_type: str
    provider_name: str
    hosting: str
    personal_data: bool
    health_data: bool
    start_date: dt.date | None
    end_date: dt.date | None
    cost_eur: Decimal | None
    tags: list[str]
    team: str
    senior_responsible_owner: str
    legal_basis_details: str
    proportionality: str
    risks_and_mitigations: str
    created_at: dt.datetime
    updated_at: dt.datetime


class UseCasePage(Schema):
    count: int = Field(description=_("Nombre total de fiches correspondant aux filtres"))
    limit: int
    offset: int
    results: list[UseCaseOut]


class UseCaseFilters(CleanSchema):
    theme: str = Field("", description=_("Code du thème"))
    status: str = Field("", description=_("Code de l'étape du cycle de vie (idea, framing, qualified…)"))
    organisation: str = Field("", description=_("Identifiant court (slug) de l'organisation"))
    region: str = Field("", description=_("Code INSEE de la région de l'organisation"))
    technique: str = Field("", description=_("Code de la technique d'IA"))
    publication_level: str = Field("", description=_("Niveau de publication (internal, network, public)"))
    updated_since: dt.datetime | None = Field(
        None, description=_("Seulement les fiches modifiées depuis cette date et heure (ISO 8601)")
    )
    q: str = Field("", max_length=200, description=_("Texte cherché dans le titre"))
    limit: int = Field(50, ge=1, le=500, description=_("Nombre de fiches par page"))
    offset: int = Field(0, ge=0, le=10_000_000, description=_("Nombre de fiches à sauter"))


STATUS_READ_ONLY = _(
    "Lecture seule : l'étape avance par POST /usecases/{uid}/transitions (verrous du cycle de vie "
    "vérifiés). Une autre valeur que l'étape actuelle est refusée (422)."
)


class UseCaseIn(CleanSchema):
    title: str = Field(max_length=200, min_length=1)
    summary: str = Field(min_length=1)
    theme: str = Field(description=_("Code du thème, ou son libellé français ou anglais"))
    ai_technique: str = Field(description=_("Code de la technique d'IA, ou son libellé"))
    status: str | None = Field(None, description=STATUS_READ_ONLY)
    publication_level: str | None = None
    problem: str = ""
    expected_benefits: str = ""
    provider_type: str | None = None
    provider_name: str = Field("", max_length=200)
    hosting: str = ""
    personal_data: bool = False
    health_data: bool = False
    start_date: dt.date | None = None
    end_date: dt.date | None = None
    cost_eur: Decimal | None = Field(None, max_digits=14, decimal_places=2)
    tags: list[str] = Field(default_factory=list)
    target_population: str = ""


class UseCasePatch(CleanSchema):
    title: str | None = Field(None, max_length=200, min_length=1)
    summary: str | None = Field(None, min_length=1)
    theme: str | None = None
    ai_technique: str | None = None
    status: str | None = Field(None, description=STATUS_READ_ONLY)
    publication_level: str | None = None
    problem: str | None = None
    expected_benefits: str | None = None
    provider_type: str | None = None
    provider_name: str | None = Field(None, max_length=200)
    hosting: str | None = None
    personal_data: bool | None = None
    health_data: bool | None = None
    start_date: dt.date | None = None
    end_date: dt.date | None = None
    cost_eur: Decimal | None = Field(None, max_digits=14, decimal_places=2)
    tags: list[str] | None = None
    target_population: str | None = None


def _out(uc: UseCase) -> dict[str, Any]:
    return {
        **{
            f: getattr(uc, f)
            for f in UseCaseOut.model_fields
            if f not in ("theme", "ai_technique", "organisation")
        },
        "theme": uc.theme.code,
        "ai_technique": uc.ai_technique.code,
        "tags": list(uc.tags or []),
        "organisation": {
            "name": uc.organisation.name,
            "slug": uc.organisation.slug,
            "type": uc.organisation.type,
            "region": uc.organisation.region,
        },
    }


def _public_out(rec: PublicRecord) -> dict[str, Any]:
    """The same fields as :func:`_out`, read from the one definition of a public record: an anonymous
    caller sees exactly what the public page and the open-data exports show."""
    org = rec.organisation
    return {
        "uid": rec.uid,
        "title": rec.title,
        "summary": rec.summary,
        "problem": rec.problem,
        "expected_benefits": rec.expected_benefits,
        "theme": rec.theme_code,
        "ai_technique": rec.ai_technique_code,
        "status": rec.status,
        "publication_level": "public",
        "organisation": {"name": org.name, "slug": org.slug, "type": org.type, "region": org.region},
        "provider_type": rec.provider_type,
        "provider_name": rec.provider_name,
        "hosting": rec.hosting,
        "personal_data": rec.personal_data,
        "health_data": rec.health_data,
        "start_date": rec.start_date,
        "end_date": rec.end_date,
        "cost_eur": rec.cost_eur,
        "tags": list(rec.tags),
        "team": rec.team,
        "senior_responsible_owner": rec.senior_responsible_owner,
        "legal_basis_details": rec.legal_basis_details,
        "proportionality": rec.proportionality,
        "risks_and_mitigations": rec.risks_and_mitigations,
        "created_at": rec.created_at,
        "updated_at": rec.updated_at,
    }


def _is_anonymous(request: HttpRequest) -> bool:
    return request.auth.token is None  # type: ignore[attr-defined]


def _outs(request: HttpRequest, use_cases: list[UseCase]) -> list[dict[str, Any]]:
    if _is_anonymous(request):
        by_uid = {r.uid: r for r in public.public_records(use_cases)}
        return [_public_out(by_uid[uc.uid]) for uc in use_cases if uc.uid in by_uid]
    return [_out(uc) for uc in use_cases]


def _utc(value: dt.datetime, field_name: str) -> dt.datetime:
    # PostgreSQL refuses odd offsets (found by schemathesis): compare in UTC.
    try:
        return value.astimezone(dt.UTC) if value.tzinfo else value.replace(tzinfo=dt.UTC)
    except (OverflowError, ValueError):
        raise DjangoValidationError({field_name: gettext("Date hors des limites acceptées.")}) from None


def _user(request: HttpRequest) -> Any:
    """The token's service account: the user the services audit."""
    return request.auth.user  # type: ignore[attr-defined]


def _actor(request: HttpRequest) -> Actor:
    """Who calls, for the permission API (the same rule as the screens)."""
    actor: Actor = request.auth.actor  # type: ignore[attr-defined]
    return actor


def _visible(request: HttpRequest) -> Any:
    return registry_selectors.usecases_visible_to(_actor(request)).select_related(
        "organisation", "theme", "ai_technique"
    )


def _get_visible(request: HttpRequest, uid: uuid.UUID) -> UseCase:
    uc = _visible(request).filter(uid=uid).first()
    if uc is None:
        raise Http404
    return uc


CODED = ("status", "publication_level", "provider_type", "hosting")


def _service_data(payload: dict[str, Any]) -> dict[str, Any]:
    """Codes (or French/English labels) → values the services take; unknown codes → 422 in French."""
    codes = code_lists()
    data: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for name, value in payload.items():
        if name in ("theme", "ai_technique"):
            code = codes[name].get(_norm(value))
            model = Theme if name == "theme" else AITechnique
            obj = model.objects.filter(code=code).first() if code else None
            if obj is None:
                errors[name] = gettext(
                    "« %(value)s » ne fait pas partie de la liste des valeurs possibles."
                ) % {"value": value}
            else:
                data[name] = obj
        elif name in CODED and value not in (None, ""):
            code = codes[name].get(_norm(value))
            if code is None:
                errors[name] = gettext(
                    "« %(value)s » ne fait pas partie de la liste des valeurs possibles."
                ) % {"value": value}
            else:
                data[name] = code
        elif name in CODED:
            if name == "hosting":
                data[name] = ""
        else:
            data[name] = value
    if errors:
        raise DjangoValidationError(errors)
    return data


#: Fields of the PATCH body where null means "clear" or "leave as is"; any other null is refused (422).
NULLABLE = frozenset(
    {"start_date", "end_date", "cost_eur", "publication_level", "provider_type", "hosting", "status"}
)
CLEARABLE_TEXTS = frozenset({"problem", "expected_benefits", "provider_name", "target_population"})


def _refuse_nulls(sent: dict[str, Any]) -> None:
    """A null on a field that cannot be empty is a 422 naming each field, never a database error."""
    errors = {}
    for name, value in sent.items():
        if value is not None or name in NULLABLE:
            continue
        if name in CLEARABLE_TEXTS:
            errors[name] = gettext('null n\'est pas accepté : envoyez "" (texte vide) pour effacer ce champ.')
        elif name == "tags":
            errors[name] = gettext(
                "null n'est pas accepté : envoyez [] (liste vide) pour retirer les mots-clés."
            )
        else:
            errors[name] = gettext("null n'est pas accepté : ce champ doit avoir une valeur.")
    if errors:
        raise DjangoValidationError(errors)


def _norm(value: Any) -> str:
    from atlasia.core.spreadsheet import normalise_header

    return normalise_header(value)


# --- endpoints: use cases ----------------------------------------------------------------------------

ERRORS = {401: ErrorOut, 404: ErrorOut, 422: ErrorOut, 429: ErrorOut}


@api.get(
    "/usecases",
    response={200: UseCasePage, **ERRORS},
    url_name="api_v1_usecase_list",
    tags=[TAG_USECASES],
    summary=_("Lister les cas d'usage"),
    description=_("Les cas d'usage visibles par l'appelant (publics sans jeton), filtrés et paginés."),
)
def list_usecases(request: HttpRequest, filters: Query[UseCaseFilters]) -> dict[str, Any]:
    qs = registry_selectors.filter_usecases(
        _visible(request),
        theme=filters.theme,
        status=filters.status,
        organisation=filters.organisation,
        region=filters.region,
        technique=filters.technique,
        publication_level=filters.publication_level,
    )
    if filters.updated_since:
        qs = qs.filter(updated_at__gte=_utc(filters.updated_since, "updated_since"))
    if filters.q:
        qs = qs.filter(title__icontains=filters.q)
    qs = qs.order_by("-updated_at", "-id")
    return {
        "count": qs.count(),
        "limit": filters.limit,
        "offset": filters.offset,
        "results": _outs(request, list(qs[filters.offset : filters.offset + filters.limit])),
    }


@api.get(
    "/usecases/{uid}",
    response={200: UseCaseOut, **ERRORS},
    url_name="api_v1_usecase_detail",
    tags=[TAG_USECASES],
    summary=_("Lire un cas d'usage"),
    description=_(
        "Une fiche, si l'appelant peut la voir (404 sinon). Sans jeton : les champs publics seulement. "
        "L'en-tête `ETag` identifie sa version : le renvoyer dans `If-Match` d'un PATCH ou d'un DELETE "
        "refuse l'écriture (412) si la fiche a changé entre-temps."
    ),
)
def get_usecase(request: HttpRequest, uid: uuid.UUID, response: HttpResponse) -> dict[str, Any]:
    uc = _get_visible(request, uid)
    response["ETag"] = etag(registry_services.usecase_state(uc))
    return _outs(request, [uc])[0]


def _check_if_match(request: HttpRequest, use_case: UseCase) -> None:
    """Optimistic concurrency over HTTP (RFC 9110 §13.1.1): with ``If-Match``, the write applies only
    to the version the client read; otherwise 412 and nothing is written. Call under the row lock."""
    header = request.headers.get("If-Match")
    if not header:
        return
    current = etag(registry_services.usecase_state(use_case))
    wanted = {t.strip().removeprefix("W/") for t in header.split(",")}
    if "*" not in wanted and current not in wanted:
        raise HttpError(
            412,
            gettext(
                "La fiche a été modifiée depuis votre lecture (en-tête If-Match "
                "périmé) : rien n'a été enregistré. Relisez-la (GET, ETag actuel : "
                "%(current)s) puis renvoyez vos modifications."
            )
            % {"current": current},
        )


WRITE_ERRORS = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 412: ErrorOut, 422: ErrorOut, 429: ErrorOut}


@api.post(
    "/usecases",
    response={201: UseCaseOut, **WRITE_ERRORS},
    auth=TokenAuth(),
    url_name="api_v1_usecase_create",
    tags=[TAG_USECASES],
    summary=_("Créer un cas d'usage"),
    description=_(
        "Crée un cas d'usage dans l'organisation du jeton (rôle autorisé à créer). Avec un en-tête "
        "`Idempotency-Key` (1 à 64 caractères), une nouvelle tentative rend la fiche déjà créée au lieu "
        "d'un doublon."
    ),
)
def create_usecase(request: HttpRequest, payload: UseCaseIn) -> Status[dict[str, Any]]:
    token = request.auth.token  # type: ignore[attr-defined]
    data = _service_data(payload.model_dump(exclude_none=True))
    # Idempotency-Key (IETF draft-ietf-httpapi-idempotency-key-header): a retried POST with the same
    # key answers with the record the first one created, instead of a duplicate.
    key = request.headers.get("Idempotency-Key") or None
    if key is not None and not (1 <= len(key) <= 64):
        raise DjangoValidationError(
            {"Idempotency-Key": gettext("La clé d'idempotence fait 1 à 64 caractères.")}
        )
    uc = registry_services.usecase_create(
        actor=token.service_user,
        organisation=token.organisation,
        data=data,
        submission=hashlib.sha256(f"api:{token.pk}:{key}".encode()).hexdigest() if key else None,
    )
    uc = UseCase.objects.select_related("organisation", "theme", "ai_technique").get(pk=uc.pk)
    return Status(201, _out(uc))


def _editable(request: HttpRequest, uid: uuid.UUID, action: Action) -> UseCase:
    """A record of the token's organisation on which its role allows ``action``: 404 outside the
    organisation (even for a record the token may read), 403 inside it when the role does not allow it."""
    actor = _actor(request)
    uc = registry_selectors.usecases_for(actor, action).select_related("organisation").filter(uid=uid).first()
    if uc is None:
        if UseCase.objects.filter(uid=uid, organisation_id__in=actor.organisation_ids).exists():
            raise PermissionDenied(gettext("Le rôle du jeton ne permet pas cette action sur cette fiche."))
        raise Http404
    return uc


@api.patch(
    "/usecases/{uid}",
    response={200: UseCaseOut, **WRITE_ERRORS},
    auth=TokenAuth(),
    url_name="api_v1_usecase_update",
    tags=[TAG_USECASES],
    summary=_("Modifier un cas d'usage"),
    description=_(
        "Modifie les champs fournis d'un cas d'usage de l'organisation du jeton. Avec `If-Match` (l'ETag "
        "lu), refuse (412) si la fiche a changé depuis."
    ),
)
def update_usecase(
    request: HttpRequest, uid: uuid.UUID, payload: UseCasePatch, response: HttpResponse
) -> dict[str, Any]:
    uc = _editable(request, uid, Action.USECASE_EDIT)
    sent = payload.model_dump(exclude_unset=True)
    _refuse_nulls(sent)
    data = _service_data(sent)
    with transaction.atomic():
        locked = UseCase.objects.select_for_update().get(pk=uc.pk)
        _check_if_match(request, locked)
        registry_services.usecase_update(actor=_user(request), use_case=locked, data=data)
    fresh = UseCase.objects.select_related("organisation", "theme", "ai_technique").get(pk=uc.pk)
    response["ETag"] = etag(registry_services.usecase_state(fresh))
    return _out(fresh)


@api.delete(
    "/usecases/{uid}",
    response={204: None, **WRITE_ERRORS},
    auth=TokenAuth(),
    url_name="api_v1_usecase_delete",
    tags=[TAG_USECASES],
    summary=_("Supprimer un cas d'usage"),
    description=_(
        "Supprime un cas d'usage de l'organisation du jeton (rôle autorisé à supprimer). Avec `If-Match` "
        "(l'ETag lu), refuse (412) si la fiche a changé depuis."
    ),
)
def delete_usecase(request: HttpRequest, uid: uuid.UUID) -> Status[None]:
    uc = _editable(request, uid, Action.USECASE_DELETE)
    with transaction.atomic():
        locked = UseCase.objects.select_for_update().select_related("organisation").get(pk=uc.pk)
        _check_if_match(request, locked)
        registry_services.usecase_delete(actor=_user(request), use_case=locked)
    return Status(204, None)


class TransitionIn(CleanSchema):
    transition: str = Field(
        description=_(
            "Nom de la transition (submit, qualify, prioritise, start_experiment, evaluate, deploy, "
            "generalise, suspend, resume, abandon, retire…), voir docs/lifecycle.md"
        ),
        max_length=40,
    )
    reason: str = Field("", description=_("Motif (obligatoire pour les retours en arrière et les arrêts)"))


class TransitionOut(Schema):
    transition: str
    from_status: str
    to_status: str
    reason: str
    at: dt.datetime


@api.post(
    "/usecases/{uid}/transitions",
    response={201: TransitionOut, **WRITE_ERRORS},
    auth=TokenAuth(),
    url_name="api_v1_usecase_transition",
    tags=[TAG_USECASES],
    summary=_("Changer l'étape d'un cas d'usage"),
    description=_(
        "Fait avancer (ou reculer) l'étape d'un cas d'usage par une transition du cycle de vie : le rôle "
        "du jeton, le motif et les verrous (AIPD, qualification, évaluation…) sont vérifiés ; un refus "
        "répond 422 avec chaque raison."
    ),
)
def transition_usecase(request: HttpRequest, uid: uuid.UUID, payload: TransitionIn) -> Status[dict[str, Any]]:
    uc = _get_visible(request, uid)
    if uc.organisation_id not in _actor(request).organisation_ids:  # readable, not its own: absent
        raise Http404
    log = lifecycle_services.usecase_transition(
        actor=_user(request), use_case=uc, transition=payload.transition, reason=payload.reason
    )
    return Status(
        201,
        {
            "transition": log.transition,
            "from_status": log.from_status,
            "to_status": log.to_status,
            "reason": log.reason,
            "at": log.at,
        },
    )


# --- endpoints: qualification, experiments, evaluations (when those apps are installed) ---------------


class QualificationOut(Schema):
    version: int
    law_version: str
    category: str
    completed_at: dt.datetime
    result: dict[str, Any]


class ExperimentOut(Schema):
    title: str
    objective: str
    start_date: dt.date | None
    end_date: dt.date | None
    results_summary: str
    what_worked: str
    what_did_not: str
    replication_conditions: str
    decision: str
    decision_rationale: str


class EvaluationOut(Schema):
    id: int
    created_at: dt.datetime | None = None
    summary: dict[str, Any] = Field(default_factory=dict)


@api.get(
    "/usecases/{uid}/qualifications",
    response={200: list[QualificationOut], **ERRORS},
    url_name="api_v1_usecase_qualifications",
    tags=[TAG_FOLLOW_UP],
    summary=_("Qualifications d'un cas d'usage"),
    description=_(
        "Les qualifications (AI Act, RGPD) successives d'une fiche visible ; sans jeton, la catégorie "
        "seulement, comme sur la page publique."
    ),
)
def list_qualifications(request: HttpRequest, uid: uuid.UUID) -> list[dict[str, Any]]:
    uc = _get_visible(request, uid)
    if _is_anonymous(request):
        # The public part only: the category, as on the public page (not the answers nor the result).
        rec = public.public_record(uc.uid)
        q = rec.qualification if rec else None
        if q is None:
            return []
        return [
            {
                "version": q.version,
                "law_version": q.law_version,
                "category": q.category,
                "completed_at": q.completed_at,
                "result": {},
            }
        ]
    return [
        {
            "version": q.version,
            "law_version": q.law_version,
            "category": q.category,
            "completed_at": q.completed_at,
            "result": q.result,
        }
        for q in qualification_selectors.refs_of(uc)
    ]


@api.get(
    "/usecases/{uid}/experiments",
    response={200: list[ExperimentOut], **ERRORS},
    url_name="api_v1_usecase_experiments",
    tags=[TAG_FOLLOW_UP],
    summary=_("Expérimentations d'un cas d'usage"),
    description=_(
        "Les expérimentations d'une fiche visible, avec leurs enseignements et leur décision (avec un "
        "jeton : elles ne font pas partie des champs publics d'une fiche)."
    ),
)
def list_experiments(request: HttpRequest, uid: uuid.UUID) -> list[Any]:
    if _is_anonymous(request):
        raise Http404
    uc = _get_visible(request, uid)
    return list(lifecycle_selectors.experiments_of(uc))


@api.get(
    "/usecases/{uid}/evaluations",
    response={200: list[EvaluationOut], **ERRORS},
    url_name="api_v1_usecase_evaluations",
    tags=[TAG_FOLLOW_UP],
    summary=_("Évaluations de modèle d'un cas d'usage"),
    description=_(
        "Les évaluations de modèle d'une fiche visible (avec un jeton : elles ne font pas partie des "
        "champs publics d'une fiche) : version, état et fichier évalué de chacune."
    ),
)
def list_evaluations(request: HttpRequest, uid: uuid.UUID) -> list[dict[str, Any]]:
    if _is_anonymous(request):
        raise Http404
    uc = _get_visible(request, uid)
    return [
        {
            "id": run.id,
            "created_at": run.created_at,
            "summary": {"version": run.version, "status": run.status, "file_name": run.file_name},
        }
        for run in evaluation_refs.runs_of(uc.pk)
    ]


class MonitoringBatchOut(Schema):
    number: int
    label: str
    n_rows: int
    summary: dict[str, Any]
    alerts: list[dict[str, Any]]
    url: str


@api.post(
    "/usecases/{uid}/monitoring/batches",
    response={201: MonitoringBatchOut, **WRITE_ERRORS},
    auth=TokenAuth(),
    url_name="api_v1_monitoring_batch",
    tags=[TAG_FOLLOW_UP],
    summary=_("Envoyer un lot au suivi après déploiement"),
    description=_(
        "Envoie un lot de prédictions au suivi après déploiement d'une fiche de l'organisation du jeton : "
        "le lot est évalué par rapport au lot de référence (mêmes colonnes et mêmes valeurs de groupe) et "
        "la réponse donne ses indicateurs et les alertes levées. Un lot refusé (colonnes, groupes, lot "
        "vide, une seule classe) n'est pas enregistré : erreur 422 qui nomme la colonne ou la raison."
    ),
)
def push_monitoring_batch(
    request: HttpRequest, uid: uuid.UUID, file: File[UploadedFile], label: Form[str] = ""
) -> Any:
    from atlasia.core.evaluation.io import EvaluationInputError
    from atlasia.evaluation import monitoring as monitoring_services
    from atlasia.evaluation import selectors as evaluation_selectors
    from atlasia.evaluation.models import BatchSource
    from atlasia.evaluation.services import Upload

    uc = _editable(request, uid, Action.EVALUATION_RUN)
    series = evaluation_selectors.series_of(uc)
    if series is None:
        return error_response(
            request,
            422,
            "validation_error",
            gettext(
                "Ce cas d'usage n'a pas de suivi après déploiement : commencez-le sur la page du cas "
                "d'usage avec un lot de référence."
            ),
        )
    try:
        batch = monitoring_services.batch_add(
            actor=_user(request),
            series=series,
            upload=Upload(file.name or "lot.csv", file.size or 0, file.file),  # type: ignore[arg-type]
            label=label,
            source=BatchSource.API,
        )
    except EvaluationInputError as error:
        # the engine's refusal (a code and its parameters: the column, the value) in the caller's language
        message = error.text.render(_reader_locale()) if error.text is not None else error.message
        return error_response(
            request, 422, "validation_error", message, [{"field": error.column or "file", "message": message}]
        )
    return Status(
        201,
        {
            "number": batch.number,
            "label": batch.label,
            "n_rows": batch.n_rows,
            "summary": batch.summary,
            "alerts": batch.alerts,
            "url": request.build_absolute_uri(reverse("evaluation_monitoring", args=[uc.pk])),
        },
    )


# --- endpoints: exchange between instances -----------------------------------------------------------


@api.get(
    "/exchange/schema",
    response=dict[str, Any],
    url_name="api_v1_exchange_schema",
    tags=[TAG_EXCHANGE],
    summary=_("Schéma du format d'échange"),
    description=_("Le schéma JSON du format d'échange, version 1.1."),
)
def exchange_schema(request: HttpRequest) -> dict[str, Any]:
    return json_schema()


class ExchangePage(CleanSchema):
    limit: int = Field(100, ge=1, le=500, description=_("Nombre de fiches par page"))
    offset: int = Field(0, ge=0, le=10_000_000, description=_("Nombre de fiches à sauter"))


@api.get(
    "/exchange/records",
    response={200: dict[str, Any], **ERRORS},
    url_name="api_v1_exchange_records",
    tags=[TAG_EXCHANGE],
    summary=_("Fiches partagées au format d'échange"),
    description=_(
        "Ce que cette instance partage, au format d'échange 1.1 : les fiches publiques ; avec un jeton "
        "d'instance, aussi les fiches partagées avec le réseau. Les fiches reçues d'autres instances ne "
        "sont pas retransmises."
    ),
)
def exchange_records(request: HttpRequest, page: Query[ExchangePage]) -> dict[str, Any]:
    from pydantic import TypeAdapter

    from .exchange_format import ExDocument

    with_token = request.auth.token is not None  # type: ignore[attr-defined]
    document = selectors.exchange_document(with_token=with_token, limit=page.limit, offset=page.offset)
    return TypeAdapter(ExDocument).dump_python(ExDocument.model_validate(document), mode="json")


def _mark_public(patterns: list[Any]) -> list[Any]:
    # Every API view answers without a session: access is decided by the token (or its absence).
    from django.urls import URLPattern, URLResolver

    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            _mark_public(pattern.url_patterns)
        elif isinstance(pattern, URLPattern):
            pattern.callback.login_required = False  # type: ignore[attr-defined]
    return patterns


_original_get_urls = api._get_urls


def _get_public_urls() -> list[Any]:
    return _mark_public(_original_get_urls())


api._get_urls = _get_public_urls  # type: ignore[method-assign]
