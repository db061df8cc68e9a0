"""The models of the monitoring app, defined in its four sub-domains and gathered here because Django
loads an app's models from ``<app>.models``. The tables keep their names (``monitoring_*``): the split
into sub-packages needed no migration.

- :mod:`.incidents` — incidents and their Art. 73 reminders;
- :mod:`.externalities` — negative externalities, public problem reports included (one model);
- :mod:`.footprint` — environmental footprint;
- :mod:`.people` — AI literacy and the ambassadors network.
"""

from __future__ import annotations

from .externalities.models import Externality, ExternalityNote
from .footprint.models import Footprint
from .incidents.models import Incident, IncidentReminder
from .people.models import (
    LiteracyDeclaration,
    NetworkEvent,
    NetworkResource,
    TrainingCompletion,
    TrainingModule,
    resource_path,
)

__all__ = [
    "Externality",
    "ExternalityNote",
    "Footprint",
    "Incident",
    "IncidentReminder",
    "LiteracyDeclaration",
    "NetworkEvent",
    "NetworkResource",
    "TrainingCompletion",
    "TrainingModule",
    "resource_path",  # named by migration 0001 (upload_to)
]
