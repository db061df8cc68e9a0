"""Code lists with their French and English labels, indexed for lenient reading: a spreadsheet or a
partner instance may give the code, the French label or the English label (any case, any accents)."""

from __future__ import annotations

from typing import Any

from atlasia.core.spreadsheet import code_index
from atlasia.registry import reference
from atlasia.registry.enums import Hosting, OrganisationType, ProviderType, PublicationLevel, Status
from atlasia.registry.languages import in_french_and_english
from atlasia.registry.models import AITechnique, Theme

PUBLICATION_LEVELS_EN = {
    "internal": ("Internal", "Private", "Organisation only"),
    "network": ("Network", "Shared with the network", "Shared"),
    "public": ("Public", "Published", "Open"),
}


def enum_labels(enum: Any) -> dict[str, tuple[str, str]]:
    """code → (French label, English label) of a choices enum, whatever the active language."""
    french, english = in_french_and_english(lambda: {c.value: str(c.label) for c in enum})
    return {code: (french[code], english[code]) for code in french}


def _from_reference(name: str, enum: Any) -> list[tuple[str, str, str]]:
    try:
        items = reference.load(name)
    except FileNotFoundError:
        items = []
    labels = {i["code"]: (i.get("label_fr", ""), i.get("label_en", "")) for i in items}
    # the enum's French label (the one the screens and the template show in French) and the reference's
    # English one: a value is recognised whatever the language of whoever uploads the file
    return [(code, fr, labels.get(code, ("", ""))[1]) for code, (fr, _en) in enum_labels(enum).items()] + [
        (code, fr, "") for code, (fr, _en) in labels.items()
    ]


def code_lists() -> dict[str, dict[str, str]]:
    """field → (normalised name → code), for every coded field of a use case."""
    levels = [(code, fr, en) for code, (fr, en) in enum_labels(PublicationLevel).items()]
    levels += [(code, "", en) for code, names in PUBLICATION_LEVELS_EN.items() for en in names]
    return {
        "theme": code_index(Theme.objects.values_list("code", "label_fr", "label_en")),
        "ai_technique": code_index(AITechnique.objects.values_list("code", "label_fr", "label_en")),
        "status": code_index(_from_reference("statuses", Status)),
        "hosting": code_index(_from_reference("hosting", Hosting)),
        "provider_type": code_index(_from_reference("provider_types", ProviderType)),
        "publication_level": code_index(levels),
        "organisation_type": code_index(_from_reference("organisation_types", OrganisationType)),
    }


def labels_for(field_name: str) -> list[str]:
    """French labels of a coded field, for the data-validation lists of the template."""
    if field_name == "theme":
        return list(Theme.objects.values_list("label_fr", flat=True))
    if field_name == "ai_technique":
        return list(AITechnique.objects.values_list("label_fr", flat=True))
    enum: Any = {
        "status": Status,
        "hosting": Hosting,
        "provider_type": ProviderType,
        "publication_level": PublicationLevel,
    }[field_name]
    return [str(c.label) for c in enum]


def code_labels_in_languages() -> dict[str, dict[str, tuple[str, str]]]:
    """field → (code → (French label, English label)): a coded value as the user knows it, in each
    language (a reference item without an English label: its French one)."""
    labels: dict[str, dict[str, tuple[str, str]]] = {
        name: {
            code: (fr, en or fr) for code, fr, en in model.objects.values_list("code", "label_fr", "label_en")
        }
        for name, model in (("theme", Theme), ("ai_technique", AITechnique))
    }
    for name, enum in (
        ("status", Status),
        ("hosting", Hosting),
        ("provider_type", ProviderType),
        ("publication_level", PublicationLevel),
    ):
        labels[name] = enum_labels(enum)
    return labels
