"""The versioned law table: every date the qualification engine uses, in one place.

A result carries the ``law_version`` it was computed under, so that the platform can flag records
qualified under an older table. Changing a date means adding a new version (see
``docs/qualification.md``, « Ajouter une version du droit »), never editing an existing one.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from types import MappingProxyType

#: Keys every law table defines (a value may be ``None`` when the rule does not exist in that version).
DATE_KEYS: tuple[str, ...] = (
    "general_provisions",
    "prohibitions",
    "prohibitions_omnibus",
    "gpai",
    "gpai_legacy",
    "transparency",
    "transparency_marking_legacy",
    "high_risk_annex3",
    "high_risk_annex1",
    "public_authority_legacy",
)


@dataclass(frozen=True)
class LawTable:
    """One version of the applicable law.

    ``dates`` maps each key of :data:`DATE_KEYS` to the date from which the corresponding provisions
    apply, or ``None`` when the provision does not exist in this version (e.g. the Omnibus prohibition
    in the original text). ``title_overrides`` replaces the French/English title of an obligation
    whose wording changed in this version.
    """

    version: str
    label_fr: str
    label_en: str
    in_force_from: date
    dates: Mapping[str, date | None]
    sources: tuple[str, ...]
    notes_fr: tuple[str, ...] = ()
    title_overrides: Mapping[str, tuple[str, str]] = field(default_factory=dict)
    #: the article cited by an obligation whose provision was renumbered or rewritten in this version
    article_overrides: Mapping[str, str] = field(default_factory=dict)

    def date_of(self, key: str) -> date | None:
        return self.dates[key]

    def iso(self, key: str) -> str | None:
        value = self.dates[key]
        return value.isoformat() if value is not None else None


def _dates(**values: date | None) -> Mapping[str, date | None]:
    missing = set(DATE_KEYS) - set(values)
    extra = set(values) - set(DATE_KEYS)
    if missing or extra:  # pragma: no cover - guards the table itself
        raise ValueError(f"law table keys: missing {sorted(missing)}, unexpected {sorted(extra)}")
    return MappingProxyType({key: values[key] for key in DATE_KEYS})


_AI_ACT = (
    "Règlement (UE) 2024/1689 du Parlement européen et du Conseil du 13 juin 2024 établissant des règles "
    "harmonisées concernant l'intelligence artificielle (AI Act), JO L, 2024/1689, 12.7.2024, "
    "ELI : http://data.europa.eu/eli/reg/2024/1689/oj — art. 111 et 113"
)

_OMNIBUS = (
    "Règlement (UE) 2026/1744 du Parlement européen et du Conseil du 8 juillet 2026 (« Digital Omnibus on "
    "AI »), JO L, 2026/1744, 24.7.2026 ; vérifié sur EUR-Lex dans le texte consolidé CELEX "
    "02024R1689-20260727 (modificateur M1), dont les passages cités sont dans "
    "tests/qualification/legal/ : art. 2(2), 4, 5(1)(ba) et (bb), 5(1a) et (1b), 111 et 113 modifiés, "
    "annexe I (machines en section B)."
)

LAW_TABLES: Mapping[str, LawTable] = MappingProxyType(
    {
        "2024-07-original": LawTable(
            version="2024-07-original",
            label_fr="AI Act dans sa version initiale (JO du 12 juillet 2024)",
            label_en="AI Act as originally published (OJ of 12 July 2024)",
            in_force_from=date(2024, 8, 1),
            dates=_dates(
                general_provisions=date(2025, 2, 2),
                prohibitions=date(2025, 2, 2),
                prohibitions_omnibus=None,
                gpai=date(2025, 8, 2),
                gpai_legacy=date(2027, 8, 2),
                transparency=date(2026, 8, 2),
                transparency_marking_legacy=None,
                high_risk_annex3=date(2026, 8, 2),
                high_risk_annex1=date(2027, 8, 2),
                public_authority_legacy=date(2030, 8, 2),
            ),
            sources=(_AI_ACT,),
            article_overrides=MappingProxyType({"annex1_section_b_sectoral": "2(2), 6(1), 102-109, 112"}),
            notes_fr=(
                "Art. 113 : chapitres I et II à partir du 2 février 2025 ; chapitre V (IA à usage général) à "
                "partir du 2 août 2025 ; le reste à partir du 2 août 2026 ; art. 6(1) à partir du "
                "2 août 2027.",
                "Art. 111(2) : systèmes à haut risque mis sur le marché ou en service avant le "
                "2 août 2026 ; ceux destinés à être utilisés par des autorités publiques doivent être "
                "conformes au plus tard le 2 août 2030.",
                "Art. 111(3) : modèles d'IA à usage général mis sur le marché avant le 2 août 2025 : "
                "conformité au plus tard le 2 août 2027.",
            ),
        ),
        "2026-07-omnibus": LawTable(
            version="2026-07-omnibus",
            label_fr="AI Act modifié par le règlement « Digital Omnibus on AI » (2026)",
            label_en="AI Act as amended by the Digital Omnibus on AI (2026)",
            in_force_from=date(2026, 7, 27),
            dates=_dates(
                general_provisions=date(2025, 2, 2),
                prohibitions=date(2025, 2, 2),
                prohibitions_omnibus=date(2026, 12, 2),
                gpai=date(2025, 8, 2),
                gpai_legacy=date(2027, 8, 2),
                transparency=date(2026, 8, 2),
                transparency_marking_legacy=date(2026, 12, 2),
                high_risk_annex3=date(2027, 12, 2),
                high_risk_annex1=date(2028, 8, 2),
                public_authority_legacy=date(2030, 8, 2),
            ),
            sources=(_AI_ACT, _OMNIBUS),
            article_overrides=MappingProxyType({"annex1_section_b_sectoral": "2(2), 6(1), 60a, 102-112"}),
            notes_fr=(
                "Accord politique du 7 mai 2026, vote du Parlement européen le 16 juin 2026, adoption par "
                "le Conseil le 29 juin 2026.",
                "Art. 113, 3e alinéa, point c), modifié : chapitre III, sections 1 à 3, à partir du "
                "2 décembre 2027 pour les systèmes de l'annexe III et du 2 août 2028 pour ceux de "
                "l'annexe I.",
                "Art. 5(1), points (ba) et (bb) insérés (contenus intimes réalistes d'une personne "
                "identifiable sans son consentement explicite ; matériel pédopornographique), avec les "
                "paragraphes 1a et 1b, à partir du 2 décembre 2026 (art. 113, point a)).",
                "Art. 2(2) modifié : pour les systèmes de l'article 6(1) liés aux produits de l'annexe I, "
                "section B, seuls s'appliquent l'article 6(1), l'article 60 bis et les articles 102 à 112 ; "
                "annexe I : les machines (règlement (UE) 2023/1230) passent en section B.",
                "Art. 111(4) nouveau : marquage de l'art. 50(2) au plus tard le 2 décembre 2026 pour les "
                "systèmes mis sur le marché avant le 2 août 2026.",
                "Art. 111(2) modifié : la date de référence devient la date d'application du chapitre III ; "
                "échéance du 2 août 2030 maintenue pour les systèmes destinés aux autorités publiques.",
                "Art. 4 modifié : la maîtrise de l'IA devient une obligation de moyens (« prendre des "
                "mesures pour favoriser ») pour les fournisseurs et déployeurs.",
            ),
            title_overrides=MappingProxyType(
                {
                    "ai_literacy": (
                        "Prendre des mesures pour favoriser la maîtrise de l'IA du personnel",
                        "Take measures to support AI literacy of staff",
                    ),
                }
            ),
        ),
    }
)

CURRENT_LAW_VERSION = "2026-07-omnibus"


class UnknownLawVersionError(ValueError):
    """Raised for a ``law_version`` that is not in :data:`LAW_TABLES`."""

    def __init__(self, version: str) -> None:
        self.version = version
        known = ", ".join(LAW_TABLES)
        super().__init__(f"version du droit inconnue « {version} » ; versions disponibles : {known}")


def get_law_table(version: str) -> LawTable:
    try:
        return LAW_TABLES[version]
    except KeyError:
        raise UnknownLawVersionError(version) from None
