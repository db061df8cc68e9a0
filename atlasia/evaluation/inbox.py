"""The post-market monitoring's part of the « À faire » inbox: each batch over a threshold whose alert
nobody has examined yet, for those who may act on the model's evaluations. Registered with the
lifecycle's inbox from :meth:`EvaluationConfig.ready`."""

from __future__ import annotations

from datetime import date

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from atlasia.accounts.actor import ActorLike
from atlasia.core.roles import Action
from atlasia.lifecycle.selectors import InboxItem, InboxSection
from atlasia.registry import selectors as registry_selectors

from .selectors import open_monitoring_alerts

SECTIONS = [
    InboxSection(
        "monitoring_alert",
        gettext_lazy("Alertes du suivi des modèles"),
        gettext_lazy(
            "Lots de prédictions qui dépassent un seuil d'alerte : examinez-les ou déclarez un incident."
        ),
        25,
    )
]


def monitoring_inbox(user: ActorLike | None, today: date) -> list[InboxItem]:
    if not getattr(user, "is_authenticated", False):
        return []
    monitored = registry_selectors.usecases_for(user, Action.EVALUATION_RUN)
    items = []
    for a in open_monitoring_alerts(monitored):
        batch = _("lot n° %(n)s") % {"n": a.batch_number}
        if a.batch_label:
            batch += f" ({a.batch_label})"
        items.append(
            InboxItem(
                "monitoring_alert",
                _("Alerte du suivi après déploiement : %(batch)s") % {"batch": batch},
                a.use_case,
                a.raised_on,
                url_name="evaluation_monitoring",
                url_args=(a.use_case.pk,),
                detail=a.messages[0],
            )
        )
    return items
