"""Optimistic concurrency for edits, and one-time keys for creates.

**Stale edits.** An edit form (or an API client) carries a *version token*: the signed state of what
it was built from (the record's fields, and its contacts for a use case). The service, holding the
row lock, compares that state with the stored one; if someone saved in between, it refuses with
:class:`StaleEdit`, whose French message lists each field that changed and its new value. Nothing is
written, and the screen shows the user's own input again with a fresh token, so nothing typed is lost.

The token carries the state itself rather than a version number, so that a change made by any
channel (another form, the API, an import, a lifecycle transition that only touches ``status``) is
noticed without every writer having to bump a counter, and so that the message can say *what*
changed. It is signed (``SECRET_KEY``) and compressed; automatic timestamps are left out.

**Idempotent creates.** A create form carries a random one-time key (:func:`new_submission_key`);
the create service claims it (:func:`claim_submission`) in its transaction, under a unique
constraint. A second submit of the same form (double click, reload, a retry after a timeout) finds
the key taken and gets the record the first one created, instead of a duplicate.
"""

from __future__ import annotations

import datetime as dt
import decimal
import hashlib
import json
import uuid
from collections.abc import Callable, Iterable, Mapping
from typing import Any, TypeVar

from django.core import signing
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import IntegrityError, models, transaction
from django.utils.translation import gettext

SALT = "atlasia.edit-state.v1"
ModelT = TypeVar("ModelT", bound=models.Model)


def _plain(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if hasattr(value, "name"):  # FieldFile
        return value.name or ""
    return str(value)


def record_state(obj: models.Model, *, exclude: Iterable[str] = ()) -> dict[str, Any]:
    """The comparable state of ``obj``: concrete fields by their stored value (foreign keys as ids),
    many-to-many as sorted ids; automatic timestamps left out."""
    skip = set(exclude)
    state: dict[str, Any] = {}
    for f in obj._meta.concrete_fields:
        if f.name in skip or getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
            continue
        state[f.name] = _plain(getattr(obj, f.attname))
    if obj.pk:
        for m2m in obj._meta.many_to_many:
            if m2m.name not in skip:
                state[m2m.name] = sorted(getattr(obj, m2m.name).values_list("pk", flat=True))
    return state


def version_token(state: Mapping[str, Any]) -> str:
    return signing.Signer(salt=SALT).sign_object(_plain(dict(state)), compress=True)


def etag(state: Mapping[str, Any]) -> str:
    """A short strong validator of ``state`` for HTTP (``ETag`` / ``If-Match``)."""
    raw = json.dumps(_plain(dict(state)), sort_keys=True, ensure_ascii=False).encode()
    return '"' + hashlib.sha256(raw).hexdigest()[:32] + '"'


class StaleEdit(ValidationError):
    """The record changed since the form was opened: the save is refused, ``changes`` says how."""

    def __init__(
        self, changes: list[tuple[str, Any, Any]], raw: list[tuple[str, Any, Any]] | None = None
    ) -> None:
        self.changes = changes
        #: (field name, value the form was built from, stored value now), as stored (ids for relations)
        self.raw = raw or []
        lines = "; ".join(f"{label} : {_pair(old, new)}" for label, old, new in changes)
        super().__init__(
            "Quelqu'un a enregistré cette fiche pendant que vous la modifiiez : rien n'a été "
            f"enregistré. Ce qui a changé entre-temps : {lines or 'la fiche'}. Vos saisies sont "
            "affichées ci-dessous : vérifiez-les, puis enregistrez à nouveau pour les appliquer.",
            code="stale",
        )


def _pair(old: Any, new: Any) -> str:
    """« old » → « new », long texts cut around where they differ so that the change shows."""
    if isinstance(old, str) and isinstance(new, str) and max(len(old), len(new)) > 80:
        start = 0
        while start < min(len(old), len(new)) and old[start] == new[start]:
            start += 1
        start = max(0, start - 30)
        cut = ("…" if start else "", start)
        return f"« {cut[0]}{_shown(old[cut[1] :])} » → « {cut[0]}{_shown(new[cut[1] :])} »"
    return f"« {_shown(old)} » → « {_shown(new)} »"


def _shown(value: Any) -> str:
    if value in (None, "", []):
        return "(vide)"
    if value is True:
        return "oui"
    if value is False:
        return "non"
    if isinstance(value, list):
        return ", ".join(_shown(v) for v in value)
    text = str(value)
    return text if len(text) <= 80 else text[:77] + "…"


def _label(model: type[models.Model] | None, name: str) -> str:
    if model is not None:
        try:
            field = model._meta.get_field(name)
        except FieldDoesNotExist:  # a key that is not a field
            return name
        return str(getattr(field, "verbose_name", name))
    return name


def _display(model: type[models.Model] | None, name: str, value: Any) -> Any:
    """An id of a foreign key shown as the related object's name."""
    if model is None or value in (None, "", []):
        return value
    try:
        field = model._meta.get_field(name)
    except FieldDoesNotExist:  # a key that is not a field
        return value
    if not isinstance(field, models.ForeignKey | models.ManyToManyField):
        return value
    related = field.related_model
    if isinstance(related, str):  # an unresolved lazy reference ("self"): show the id
        return value
    ids = value if isinstance(value, list) else [value]
    names = {o.pk: str(o) for o in related._default_manager.filter(pk__in=ids)}
    shown = [names.get(i, i) for i in ids]
    return shown if isinstance(value, list) else shown[0]


def check_version(
    token: str | None, current: Mapping[str, Any], *, model: type[models.Model] | None = None
) -> None:
    """Refuse (:class:`StaleEdit`) when ``token`` was issued for another state than ``current``.

    ``token=None`` skips the check (callers that do not take part, e.g. the system); a token that was
    tampered with or cannot be read is refused with a message asking to reload the page."""
    if token is None:
        return
    try:
        base = signing.Signer(salt=SALT).unsign_object(token)
    except signing.BadSignature:
        raise ValidationError(
            gettext(
                "Le jeton de version du formulaire est illisible : rechargez la page, "
                "puis refaites vos modifications."
            ),
            code="bad_version",
        ) from None
    now = _plain(dict(current))
    changes: list[tuple[str, Any, Any]] = []
    raw: list[tuple[str, Any, Any]] = []
    for key in dict.fromkeys([*base, *now]):
        old, new = base.get(key), now.get(key)
        if old == new:
            continue
        raw.append((key, old, new))
        label = _label(model, key)
        if isinstance(old, dict) and isinstance(new, dict):
            # A structured field (a scorecard, weights): name the entries that changed.
            changes.extend((f"{label} — {path}", a, b) for path, a, b in _nested_changes(old, new))
        else:
            changes.append((label, _display(model, key, old), _display(model, key, new)))
    if changes:
        raise StaleEdit(changes, raw)


def _nested_changes(old: Any, new: Any, prefix: str = "") -> list[tuple[str, Any, Any]]:
    if isinstance(old, dict) and isinstance(new, dict):
        out = []
        for key in dict.fromkeys([*old, *new]):
            if old.get(key) != new.get(key):
                out.extend(_nested_changes(old.get(key), new.get(key), f"{prefix}{key} "))
        return out
    return [(prefix.strip(), old, new)]


# --- one-time keys for creates --------------------------------------------------------------------


def new_submission_key() -> str:
    return uuid.uuid4().hex


def claim_submission(*, key: str | None, actor: Any, model: type[ModelT]) -> ModelT | None:
    """Claim the one-time ``key`` of a create form inside the create's transaction.

    Returns None when the key is new (go on and create, then call :func:`complete_submission`), or
    the ``model`` row a previous submit with the same key created (return it instead of creating a
    duplicate). A concurrent submit with the same key waits on the unique index until the first one
    commits, then finds its result. A key used by another person or for another kind of record is
    refused."""
    from .models import SubmissionKey

    if not key:
        return None
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("claim_submission must run inside the create's transaction")
    key = key[:64]
    scope = model._meta.label_lower
    actor_id = actor.pk if getattr(actor, "is_authenticated", False) else None
    try:
        with transaction.atomic():
            SubmissionKey.objects.create(key=key, scope=scope, actor_id=actor_id)
        return None
    except IntegrityError:
        pass
    claimed = SubmissionKey.objects.filter(key=key).first()
    if claimed is None or claimed.scope != scope or claimed.actor_id != actor_id:
        raise ValidationError(
            gettext("Ce formulaire a déjà servi : rechargez la page."), code="submission_reused"
        )
    found = model._default_manager.filter(pk=claimed.object_id).first() if claimed.object_id else None
    if found is None:
        raise ValidationError(
            gettext(
                "Ce formulaire a déjà été envoyé, mais ce qu'il a créé n'existe plus : rechargez la page."
            ),
            code="submission_gone",
        )
    return found


def complete_submission(*, key: str | None, obj: models.Model) -> None:
    """Record what the claimed ``key`` created (same transaction as the create)."""
    from .models import SubmissionKey

    if key:
        SubmissionKey.objects.filter(key=key[:64]).update(object_id=str(obj.pk))


def create_once(*, key: str | None, actor: Any, model: type[ModelT], create: Callable[[], ModelT]) -> ModelT:
    """Run the create service ``create`` at most once per one-time ``key``: a repeated submit returns
    what the first one created. The claim, the create and its audit row share one transaction."""
    with transaction.atomic():
        already = claim_submission(key=key, actor=actor, model=model)
        if already is not None:
            return already
        obj = create()
        complete_submission(key=key, obj=obj)
        return obj
