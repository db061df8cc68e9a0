"""Writes of people: each service checks the permission, validates, writes and records the audit row
in one transaction; a refusal changes nothing."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from atlasia.accounts.models import User
from atlasia.audit.models import AuditAction
from atlasia.audit.services import diff, snapshot
from atlasia.monitoring import perms as mperms
from atlasia.monitoring.common import assign as _assign
from atlasia.monitoring.common import audit as _audit
from atlasia.monitoring.common import refuse as _refuse
from atlasia.registry.models import Organisation
from atlasia.registry.uploads import check_upload

from .models import (
    LiteracyDeclaration,
    NetworkEvent,
    NetworkResource,
    TrainingCompletion,
    TrainingModule,
)

logger = logging.getLogger(__name__)


# --- AI literacy -------------------------------------------------------------------------------------

MODULE_FIELDS = ("title", "provider", "kind", "duration_hours", "level", "url", "description", "is_active")


@transaction.atomic
def training_module_create(*, actor: User, data: Mapping[str, Any]) -> TrainingModule:
    if not mperms.can_manage_network(actor):
        _refuse(gettext("Le catalogue de formation est tenu par l'équipe nationale."))
    module = TrainingModule()
    _assign(module, data, MODULE_FIELDS)
    module.full_clean()
    module.save()
    _audit(actor, AuditAction.CREATE, module, changes=diff({}, snapshot(module)))
    return module


@transaction.atomic
def training_completion_record(
    *,
    actor: User | None,
    organisation: Organisation,
    module: TrainingModule,
    completed_on: date,
    user: User | None = None,
    person_name: str = "",
) -> TrainingCompletion:
    """Record that a person of ``organisation`` completed ``module`` (a user of the organisation, or an
    agent named by it)."""
    if not mperms.can_manage_literacy(actor, organisation):
        _refuse(
            gettext(
                "Seuls le référent IA et l'administrateur de l'organisation "
                "enregistrent les formations suivies."
            )
        )
    if user is not None:
        if not user.memberships.filter(organisation=organisation).exists():
            raise ValidationError(
                {
                    "user": gettext("%(user)s n'est pas membre de %(organisation)s.")
                    % {"user": user, "organisation": organisation}
                }
            )
        person_name = person_name or user.get_full_name() or user.username
    completion = TrainingCompletion(
        module=module,
        organisation=organisation,
        user=user,
        person_name=person_name,
        completed_on=completed_on,
        recorded_by=actor,
    )
    completion.full_clean(validate_constraints=False)
    if TrainingCompletion.objects.filter(
        module=module, organisation=organisation, person_name=completion.person_name
    ).exists():
        raise ValidationError(
            {
                "person_name": gettext("%(person_name)s a déjà suivi « %(module)s ».")
                % {"person_name": completion.person_name, "module": module}
            }
        )
    completion.save()
    _audit(
        actor,
        AuditAction.CREATE,
        completion,
        organisation_id=organisation.pk,
        changes={"module": [None, str(module)], "terminé le": [None, completed_on]},
    )
    return completion


@transaction.atomic
def literacy_declare(
    *, actor: User | None, organisation: Organisation, agents_using_ai: int
) -> LiteracyDeclaration:
    if not mperms.can_manage_literacy(actor, organisation):
        _refuse(gettext("Seuls le référent IA et l'administrateur de l'organisation déclarent l'effectif."))
    if agents_using_ai is None or agents_using_ai < 0:
        raise ValidationError({"agents_using_ai": gettext("Le nombre d'agents ne peut pas être négatif.")})
    declaration, _created = LiteracyDeclaration.objects.select_for_update().get_or_create(
        organisation=organisation,
        defaults={
            "agents_using_ai": agents_using_ai,
            "declared_on": timezone.localdate(),
            "declared_by": actor,
        },
    )
    before = declaration.agents_using_ai if not _created else None
    if not _created and before == agents_using_ai:
        return declaration  # the same figure again: nothing to record
    declaration.agents_using_ai = agents_using_ai
    declaration.declared_on = timezone.localdate()
    declaration.declared_by = actor
    declaration.full_clean()
    declaration.save()
    _audit(
        actor,
        AuditAction.CREATE if _created else AuditAction.UPDATE,
        declaration,
        organisation_id=organisation.pk,
        changes={"agents utilisant l'IA": [before, agents_using_ai]},
    )
    return declaration


# --- ambassadors network -----------------------------------------------------------------------------


@transaction.atomic
def network_event_create(*, actor: User, data: Mapping[str, Any]) -> NetworkEvent:
    if not mperms.can_manage_network(actor):
        _refuse(gettext("Les événements du réseau sont tenus par l'équipe nationale."))
    event = NetworkEvent(created_by=actor)
    _assign(event, data, ("title", "date", "format", "place", "url", "description"))
    event.full_clean()
    event.save()
    _audit(actor, AuditAction.CREATE, event, changes=diff({}, snapshot(event)))
    return event


@transaction.atomic
def network_resource_add(
    *, actor: User, title: str, description: str = "", url: str = "", uploaded: Any = None
) -> NetworkResource:
    """A shared resource: a link, or a file checked like any attachment (size, type by content)."""
    if not mperms.can_manage_network(actor):
        _refuse(gettext("Les ressources du réseau sont tenues par l'équipe nationale."))
    resource = NetworkResource(title=title, description=description, url=url, created_by=actor)
    stored = ""
    if uploaded is not None:
        checked = check_upload(uploaded.name or "fichier", uploaded.size or 0, uploaded.file)
        resource.original_name = (uploaded.name or "fichier")[:255]
        resource.content_type = checked.content_type
        resource.size = checked.size
        resource.file.save("upload", uploaded, save=False)
        stored = resource.file.name
    try:
        resource.full_clean(exclude=["file"] if stored else None)
        resource.save()
        _audit(actor, AuditAction.CREATE, resource, changes={"ressource": [None, resource.title]})
    except Exception:  # not swallowed: the stored file is removed, then the error goes on unchanged
        if stored:
            resource.file.storage.delete(stored)
        raise
    return resource


@transaction.atomic
def network_resource_delete(*, actor: User, resource: NetworkResource) -> None:
    if not mperms.can_manage_network(actor):
        _refuse(gettext("Les ressources du réseau sont tenues par l'équipe nationale."))
    name = resource.file.name if resource.file else ""
    _audit(actor, AuditAction.DELETE, resource, changes={"ressource": [resource.title, None]})
    resource.delete()
    if name:
        storage = NetworkResource._meta.get_field("file").storage  # type: ignore[attr-defined]
        transaction.on_commit(lambda: storage.delete(name) if storage.exists(name) else None)
