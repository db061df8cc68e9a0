"""Scoring form, weight profiles (permissions), portfolio page (scores equal the core's) and sensitivity."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from lc_helpers import full_scores, score

from atlasia.audit.models import AuditEntry
from atlasia.core import prioritisation as prio
from atlasia.lifecycle.models import PriorityAssessment, WeightProfile


def _form_data(scores: dict, people: str = "1200") -> dict[str, str]:
    data = {"people_reached": people}
    for criterion, entry in scores.items():
        data[f"{criterion}_score"] = str(entry["score"])
        data[f"{criterion}_justification"] = entry["justification"]
    return data


def test_scoring_form_groups_the_ten_criteria(client, lc_world, make_uc):
    use_case = make_uc()
    client.force_login(lc_world["users"]["referent"])
    html = client.get(reverse("lifecycle_assess", args=[use_case.pk])).content.decode()
    for group in ("Valeur", "Faisabilité", "Risque"):
        assert f'<h2 class="fr-h4 fr-mb-0">{group}</h2>' in html
    for label in prio.CRITERION_LABELS_FR.values():
        assert f"{label} — note" in html
    assert html.count("_justification") >= 10


def test_scoring_form_saves_the_scorecard_with_an_audit_row(client, lc_world, make_uc):
    use_case = make_uc()
    referent = lc_world["users"]["referent"]
    client.force_login(referent)
    response = client.post(reverse("lifecycle_assess", args=[use_case.pk]), _form_data(full_scores(5, 4, 1)))
    assert response.status_code == 302
    assessment = PriorityAssessment.objects.get(use_case=use_case)
    assert assessment.is_complete and assessment.people_reached == 1200 and assessment.assessed_by == referent
    assert assessment.scores["time_saved"] == {"score": 5, "justification": "Justification de time_saved."}
    assert AuditEntry.objects.filter(object_type="lifecycle.priorityassessment", action="create").count() == 1


def test_scoring_form_shows_french_inline_errors_and_stores_nothing(client, lc_world, make_uc):
    use_case = make_uc()
    client.force_login(lc_world["users"]["referent"])
    data = _form_data(full_scores())
    data["cost_score"] = ""
    data["skills_justification"] = "  "
    data["maturity_score"] = "7"
    response = client.post(reverse("lifecycle_assess", args=[use_case.pk]), data)
    html = response.content.decode()
    assert response.status_code == 400
    assert (
        "Critère « Coût (note haute = moins cher, plus abordable) » : choisissez une note de 1 à 5." in html
    )
    assert "Critère « Compétences disponibles » : une justification est obligatoire." in html
    assert "Rien n'a été enregistré." in html
    assert "Sélectionnez un choix valide" in html
    assert not PriorityAssessment.objects.exists() and not AuditEntry.objects.exists()


def test_scoring_is_404_for_roles_without_prioritise(client, lc_world, make_uc):
    use_case = make_uc()
    for role in ("contributor", "dpo", "regional_reviewer", "other_referent"):
        client.force_login(lc_world["users"][role])
        assert (
            client.post(
                reverse("lifecycle_assess", args=[use_case.pk]), _form_data(full_scores())
            ).status_code
            == 404
        )
    assert not PriorityAssessment.objects.exists()


def test_national_team_may_score_any_organisation(client, lc_world, make_uc):
    use_case = make_uc(org=lc_world["org_b"])
    client.force_login(lc_world["users"]["national_reviewer"])
    assert (
        client.post(reverse("lifecycle_assess", args=[use_case.pk]), _form_data(full_scores())).status_code
        == 302
    )
    assert PriorityAssessment.objects.get(use_case=use_case).is_complete


# --- weight profiles ---------------------------------------------------------------------------------


def _weights_data(name: str = "Profil test", value: str = "0,6", equity: str = "3") -> dict[str, str]:
    data = {"name": name, "group_value": value, "group_feasibility": "0,3", "group_risk": "0,1"}
    for c in prio.Criterion:
        data[f"crit_{c.value}"] = equity if c is prio.Criterion.EQUITY_NON_TAKE_UP else "1"
    return data


@pytest.mark.parametrize("role", ["national_reviewer", "platform_admin"])
def test_national_profile_edited_by_national_team_or_platform_admin(client, lc_world, role):
    client.force_login(lc_world["users"][role])
    response = client.post(reverse("lifecycle_weights_national"), _weights_data())
    assert response.status_code == 302
    profile = WeightProfile.objects.get(scope="national")
    assert profile.name == "Profil test"
    assert profile.group_weights == {"value": 0.6, "feasibility": 0.3, "risk": 0.1}
    assert profile.criterion_weights["equity_non_take_up"] == 3.0
    assert AuditEntry.objects.filter(object_type="lifecycle.weightprofile").exists()


@pytest.mark.parametrize("role", ["contributor", "referent", "dpo", "org_admin", "regional_reviewer"])
def test_national_profile_refused_to_other_roles(client, lc_world, role):
    before = list(WeightProfile.objects.values())
    client.force_login(lc_world["users"][role])
    assert client.get(reverse("lifecycle_weights_national")).status_code == 403
    assert client.post(reverse("lifecycle_weights_national"), _weights_data()).status_code == 403
    assert list(WeightProfile.objects.values()) == before
    assert not AuditEntry.objects.exists()


def test_organisation_profile_by_its_admin(client, lc_world):
    client.force_login(lc_world["users"]["org_admin"])
    response = client.post(
        reverse("lifecycle_weights_organisation", args=["chu-lille"]), _weights_data("Profil CHU")
    )
    assert response.status_code == 302
    profile = WeightProfile.objects.get(organisation=lc_world["org_a"])
    assert (profile.scope, profile.name) == ("organisation", "Profil CHU")


@pytest.mark.parametrize(
    ("role", "slug"),
    [
        ("referent", "chu-lille"),
        ("contributor", "chu-lille"),
        ("national_reviewer", "chu-lille"),
        ("other_admin", "chu-lille"),
        ("org_admin", "caf-gironde"),
    ],
)
def test_organisation_profile_is_404_for_anyone_else(client, lc_world, role, slug):
    client.force_login(lc_world["users"][role])
    assert (
        client.post(reverse("lifecycle_weights_organisation", args=[slug]), _weights_data()).status_code
        == 404
    )
    assert not WeightProfile.objects.filter(scope="organisation").exists()
    assert not AuditEntry.objects.exists()


def test_invalid_weights_give_the_core_french_messages(client, lc_world):
    client.force_login(lc_world["users"]["org_admin"])
    data = _weights_data(value="0")
    data.update({"group_feasibility": "0", "group_risk": "0"})
    response = client.post(reverse("lifecycle_weights_organisation", args=["chu-lille"]), data)
    assert response.status_code == 400
    assert "Au moins une pondération de groupe (valeur, faisabilité, risque) doit être positive." in (
        response.content.decode()
    )
    data = _weights_data(value="-1")
    html = client.post(reverse("lifecycle_weights_organisation", args=["chu-lille"]), data).content.decode()
    assert "Le poids doit être positif ou nul." in html
    assert not WeightProfile.objects.filter(scope="organisation").exists()


# --- portfolio ---------------------------------------------------------------------------------------


def _overall_cells(html: str) -> list[tuple[str, str]]:
    """(title, data-overall) pairs of the ranking table, in order."""
    table = html[html.index('id="tableau-portefeuille"') :]
    return re.findall(r'<td><a href="/cas-d-usage/\d+/">([^<]+)</a>.*?data-overall="([\d.,]+)"', table, re.S)


def test_portfolio_scores_and_order_match_the_core(client, lc_world, make_uc):
    specs = {"Alpha": (5, 4, 1), "Bravo": (3, 3, 3), "Charlie": (4, 5, 2), "Delta": (2, 2, 5)}
    items = []
    for title, (v, f, r) in specs.items():
        uc = make_uc(title=title)
        assessment = score(uc, people=100, value=v, feasibility=f, risk=r)
        items.append(prio.PriorityItem(id=title, scores=assessment.criterion_scores()))
    expected = prio.rank(items, prio.NATIONAL_DEFAULT_PROFILE)
    client.force_login(lc_world["users"]["referent"])
    html = client.get(reverse("lifecycle_portfolio")).content.decode()
    cells = _overall_cells(html)
    assert [t for t, _ in cells] == [r.id for r in expected]
    assert [float(v.replace(",", ".")) for _, v in cells] == [round(r.result.overall, 2) for r in expected]


def test_portfolio_matrix_is_an_accessible_svg_with_legend_and_table(client, lc_world, make_uc):
    score(make_uc(title="Faible risque"), people=50_000, risk=1)
    score(make_uc(title="Risque moyen"), people=500, risk=3)
    score(make_uc(title="Haut risque"), people=None, risk=5)
    client.force_login(lc_world["users"]["referent"])
    html = client.get(reverse("lifecycle_portfolio")).content.decode()
    assert 'role="img" aria-labelledby="matrice-titre matrice-desc"' in html
    assert '<title id="matrice-titre">Matrice valeur × faisabilité de 3 cas d\'usage</title>' in html
    assert '<desc id="matrice-desc">' in html
    # Risk is told by shape and label as well as colour.
    assert "<circle" in html and "<polygon" in html and 'fill="#8a5a00"' in html
    assert (
        "Cercle : Risque faible" in html
        and "Carré : Risque modéré" in html
        and "Triangle : Risque élevé" in html
    )
    assert "(cercle, faible)" in html and "(triangle, élevé)" in html
    assert re.search(r"50\s000 personnes concernées</li>", html)  # intcomma puts a no-break space
    # Coordinates are not localised (a French decimal comma would break the SVG).
    assert not re.search(r'cx="\d+,\d', html)


def test_portfolio_profile_selector_uses_the_organisation_profile(client, lc_world, make_uc):
    a = make_uc(title="Temps gagné fort")
    b = make_uc(title="Équité forte")
    other = make_uc(org=lc_world["org_b"], title="Autre organisation", publication_level="network")
    for uc in (a, b, other):
        score(uc)
    a.priority_assessment.scores["time_saved"]["score"] = 5
    a.priority_assessment.save()
    b.priority_assessment.scores["equity_non_take_up"]["score"] = 5
    b.priority_assessment.save()
    criteria = {c.value: (10.0 if c is prio.Criterion.TIME_SAVED else 1.0) for c in prio.Criterion}
    WeightProfile.objects.create(
        scope="organisation",
        organisation=lc_world["org_a"],
        name="Profil du CHU",
        criterion_weights=criteria,
        group_weights={"value": 1, "feasibility": 1, "risk": 1},
    )
    client.force_login(lc_world["users"]["referent"])
    national = client.get(reverse("lifecycle_portfolio")).content.decode()
    assert next(t for t, _ in _overall_cells(national)) == "Équité forte"
    assert "Autre organisation" in national
    mine = client.get(reverse("lifecycle_portfolio"), {"profil": "organisation"}).content.decode()
    assert "Profil appliqué : <strong>Profil du CHU</strong>" in mine
    titles = [t for t, _ in _overall_cells(mine)]
    assert titles == ["Temps gagné fort", "Équité forte"]


def test_portfolio_lists_unscored_use_cases_with_missing_criteria(client, lc_world, make_uc):
    uc = make_uc(title="Incomplet")
    assessment = score(uc)
    del assessment.scores["cost"]
    assessment.save()
    client.force_login(lc_world["users"]["referent"])
    html = client.get(reverse("lifecycle_portfolio")).content.decode()
    assert "Incomplet</a> — critères manquants : Coût (note haute = moins cher, plus abordable)" in html


def test_portfolio_hides_invisible_use_cases(client, lc_world, make_uc):
    score(make_uc(org=lc_world["org_b"], title="Interne à la CAF"))
    client.force_login(lc_world["users"]["referent"])
    assert "Interne à la CAF" not in client.get(reverse("lifecycle_portfolio")).content.decode()


# --- sensitivity -------------------------------------------------------------------------------------


def test_sensitivity_view_lists_who_leaves_and_enters_the_top_10(client, lc_world, make_uc):
    # Ten identical use cases and one that ties with them on value (1, 2, 2 and 5 on equity, whose
    # national weight is 2): it loses the tie (higher id) and stays 11th; raising the equity weight,
    # or lowering another value weight, by 20 % lifts it into the top 10 and pushes the 10th out.
    items = []
    for i in range(10):
        uc = make_uc(title=f"Solide {i:02d}")
        a = score(uc, value=3, feasibility=3, risk=2)
        items.append(prio.PriorityItem(id=f"{uc.pk:09d}", scores=a.criterion_scores()))
    special = make_uc(title="Champion de l'équité")
    a = score(special, value=3, feasibility=3, risk=2)
    a.scores["equity_non_take_up"]["score"] = 5
    a.scores["time_saved"]["score"] = 1
    a.scores["service_quality"]["score"] = 2
    a.scores["people_reached"]["score"] = 2
    a.save()
    items.append(prio.PriorityItem(id=f"{special.pk:09d}", scores=a.criterion_scores()))
    expected = prio.sensitivity(items, prio.NATIONAL_DEFAULT_PROFILE)
    changed = [r for r in expected if r.changed]
    assert changed, "the constructed portfolio must be sensitive to some weight"
    client.force_login(lc_world["users"]["referent"])
    html = client.get(reverse("lifecycle_sensitivity")).content.decode()
    assert f"{len(changed)} variation{'s' if len(changed) > 1 else ''} sur 26</strong>" in html
    for row in changed:
        label = row.label_fr.replace("'", "&#x27;")
        direction = "−20 %" if row.direction == "down" else "+20 %"
        cells = re.search(re.escape(f"<td>{label}</td><td>{direction}</td>") + r"(.*?)</tr>", html, re.S)
        assert cells, (label, direction)
        titles = {f"{uc.pk:09d}": uc.title for uc in [special]}
        for leaving in row.leaving:
            assert (titles.get(leaving) or "Solide").replace("'", "&#x27;") in cells.group(1)
        for entering in row.entering:
            assert (titles.get(entering) or "Solide").replace("'", "&#x27;") in cells.group(1)
    assert "Aucun changement" in html


def test_sensitivity_without_scored_use_cases(client, lc_world):
    client.force_login(lc_world["users"]["referent"])
    assert (
        "Aucun cas d'usage noté : rien à analyser."
        in client.get(reverse("lifecycle_sensitivity")).content.decode()
    )


def test_portfolio_does_not_rank_abandoned_suspended_or_retired_systems(client, lc_world, make_uc):
    from atlasia.registry.models import UseCase

    score(make_uc(title="Projet en cours"), value=3)
    for title, status in [("SyRI", "abandoned"), ("Rotterdam", "suspended"), ("Ancien outil", "retired")]:
        uc = make_uc(title=title)
        score(uc, value=5, feasibility=5, risk=1)
        UseCase.objects.filter(pk=uc.pk).update(status=status)
    client.force_login(lc_world["users"]["referent"])
    html = client.get(reverse("lifecycle_portfolio")).content.decode()
    assert [t for t, _ in _overall_cells(html)] == ["Projet en cours"]
    assert "3 cas d'usage abandonnés, suspendus ou retirés ne sont pas classés" in html


def test_portfolio_matrix_spreads_use_cases_on_the_same_point(client, lc_world, make_uc):
    for n in range(4):
        score(make_uc(title=f"Même note {n}"), people=100, value=4, feasibility=4, risk=2)
    client.force_login(lc_world["users"]["referent"])
    html = client.get(reverse("lifecycle_portfolio")).content.decode()
    centres = set(re.findall(r"<circle cx=\"(\d+\.\d)\" cy=\"(\d+\.\d)\"", html))
    assert len(centres) == 4  # four distinct points, not one
