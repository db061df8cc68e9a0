"""Post-market monitoring: a series per use case, batches evaluated against the reference (page and
API), thresholds, alerts in the inbox and by e-mail, incident proposed prefilled, bad batches refused
with nothing stored, counts in the annual report and the compliance view."""

from __future__ import annotations

import html
import io
import re
from typing import Any

import numpy as np
import pytest
from django.core import mail
from django.urls import reverse

from atlasia.audit.models import AuditEntry
from atlasia.core.evaluation import monitoring as core
from atlasia.evaluation.models import MonitoringBatch, MonitoringSeries

HEADER = "sexe,age,revenu,y_true,y_score,y_pred"


def batch_csv(n: int = 400, seed: int = 0, *, shift: float = 0.0, bias: float = 0.0, sexes=("F", "M")) -> str:
    """Predictions of a decent model; ``shift`` moves the income distribution (drift), ``bias`` lowers
    the recall of women (fairness gap)."""
    rng = np.random.default_rng(seed)
    rows = [HEADER]
    for i in range(n):
        sex = sexes[i % len(sexes)]
        age = ("18-44", "45-74", "75+")[i % 3]
        y = int(rng.random() < 0.35)
        score = 0.15 + 0.55 * y + 0.3 * rng.random() - (bias if sex == "F" and y else 0.0)
        score = min(0.99, max(0.01, score))
        income = 1500 + 800 * rng.random() + shift
        rows.append(f"{sex},{age},{income:.0f},{y},{score:.4f},{int(score >= 0.5)}")
    return "\n".join(rows) + "\n"


def upload(text: str, name: str = "lot.csv") -> io.BytesIO:
    f = io.BytesIO(text.encode("utf-8"))
    f.name = name
    return f


def start(client: Any, use_case: Any, **extra: Any) -> Any:
    data = {
        "reference": upload(batch_csv(seed=1), "reference.csv"),
        "target": "y_true",
        "pred": "y_pred",
        "score": "y_score",
        "groups": "sexe, age",
        "max_performance_drop": "0,05",
        "max_recall_gap": "0,15",
        "max_psi": "0,25",
        **extra,
    }
    return client.post(reverse("evaluation_monitoring", args=[use_case.pk]), data)


def add(client: Any, use_case: Any, text: str, label: str = "") -> Any:
    return client.post(
        reverse("evaluation_monitoring_batch", args=[use_case.pk]), {"batch": upload(text), "label": label}
    )


@pytest.fixture
def monitored(client: Any, world: Any) -> Any:
    use_case = world["records"]["a_internal"]
    client.force_login(world["users"]["referent"])
    response = start(client, use_case)
    assert response.status_code == 302, response.content.decode()[:2000]
    return use_case


# ------------------------------------------------------------------------------ core


def test_profile_drift_matches_the_row_level_drift_and_detects_a_shift():
    import polars as pl

    from atlasia.core.evaluation import drift as dr

    rng = np.random.default_rng(0)
    ref = pl.DataFrame({"x": rng.normal(0, 1, 5000), "c": rng.choice(["a", "b", "c"], 5000)})
    same = pl.DataFrame({"x": rng.normal(0, 1, 3000), "c": rng.choice(["a", "b", "c"], 3000)})
    moved = pl.DataFrame(
        {"x": rng.normal(0.8, 1, 3000), "c": rng.choice(["a", "b", "c"], 3000, p=[0.6, 0.2, 0.2])}
    )
    prof = core.profile(ref, ["x", "c"])
    assert set(prof["columns"]) == {"x", "c"} and len(prof["columns"]["x"]["quantiles"]) == 1001
    for cur in (same, moved):
        rows = {r["feature"]: r for r in core.drift_from_profile(prof, cur)}
        exact = {r["feature"]: r for r in dr.drift_table(ref, cur, ["x", "c"])}
        assert abs(rows["x"]["ks"] - exact["x"]["ks_statistic"]) < 2e-3  # interpolated reference CDF
        assert abs(rows["x"]["psi"] - exact["x"]["psi"]) < 0.01
        assert abs(rows["c"]["psi"] - exact["c"]["psi"]) < 1e-9
    assert {r["feature"]: r["psi_level"] for r in core.drift_from_profile(prof, moved)}["x"] == "major"


def _drift_by_searching_every_row(prof: dict[str, Any], df: Any) -> dict[str, dict[str, float]]:
    """The profile drift computed the direct way (one binary search per row, as before the sorted-rows
    pass): the reference for the faster :func:`core.drift_from_profile`."""
    import polars as pl

    from atlasia.core.evaluation import drift as dr

    out = {}
    for name, col in prof["columns"].items():
        if col["kind"] != "numeric":
            continue
        q = np.asarray(col["quantiles"], dtype=np.float64)
        cur = np.sort(df.get_column(name).drop_nulls().cast(pl.Float64).to_numpy())
        edges = np.unique(q[100:-1:100])
        ref_counts = np.diff(np.concatenate(([0.0], core._ref_cdf(q, edges), [1.0])))
        cur_counts = np.bincount(np.searchsorted(edges, cur, side="left"), minlength=edges.size + 1)
        points = np.concatenate((cur, q))
        f_cur = np.searchsorted(cur, points, side="right") / cur.size
        out[name] = {
            "psi": dr.psi(ref_counts, cur_counts.astype(np.float64)),
            "ks": float(np.max(np.abs(f_cur - core._ref_cdf(q, points)))),
        }
    return out


def test_profile_drift_from_sorted_rows_equals_the_search_per_row():
    """Ties in the batch and in the reference quantiles (rounded incomes, a point mass), values below and
    above the reference range: same PSI and KS to 1e-12."""
    import polars as pl

    rng = np.random.default_rng(7)
    ref = pl.DataFrame(
        {
            "revenu": np.concatenate([rng.normal(1800, 300, 4000).round(-1), np.full(1000, 1500.0)]),
            "score": rng.random(5000),
        }
    )
    prof = core.profile(ref, ["revenu", "score"])
    for cur in (
        pl.DataFrame(
            {"revenu": rng.normal(2100, 400, 3000).round(-1), "score": rng.random(3000) * 1.3 - 0.1}
        ),
        pl.DataFrame({"revenu": np.full(50, 1500.0), "score": np.linspace(0, 1, 50)}),
    ):
        fast = {r["feature"]: r for r in core.drift_from_profile(prof, cur)}
        slow = _drift_by_searching_every_row(prof, cur)
        for name in ("revenu", "score"):
            assert abs(fast[name]["psi"] - slow[name]["psi"]) < 1e-12, name
            assert abs(fast[name]["ks"] - slow[name]["ks"]) < 1e-12, name


def test_batch_group_columns_as_reference_enums_give_the_same_evaluation():
    """The batch's text group columns become Enums of the reference's values (one lookup per row):
    the evaluation and its summary are those of the text columns; an unknown value is named."""
    import polars as pl

    from atlasia.core.evaluation import evaluate
    from atlasia.core.evaluation.io import EvaluationInputError

    df = pl.read_csv(io.BytesIO(batch_csv(seed=5, bias=0.2).encode()))
    known = {"sexe": ["F", "M", "X"], "age": ["18-44", "45-74", "75+"]}  # "X": in the reference only
    prepared = core.prepare_batch(df, reference_columns=df.columns, reference_groups=known, target="y_true")
    assert prepared.schema["sexe"] == pl.Enum(["F", "M", "X"])
    kw = {"target": "y_true", "pred": "y_pred", "score": "y_score", "groups": ["sexe", "age"]}
    kw |= {"n_bootstrap": 0, "auc_intervals": "none", "intersections": False}
    a, b = evaluate(df, **kw), evaluate(prepared, **kw)
    assert core.summarise(a, []) == core.summarise(b, [])
    assert [[e["label"] for e in g["groups"]] for g in a["groupings"]] == [
        [e["label"] for e in g["groups"]] for g in b["groupings"]
    ]
    with pytest.raises(EvaluationInputError, match="« Z »") as err:
        core.prepare_batch(
            df.with_columns(pl.Series("sexe", ["Z"] * df.height)),
            reference_columns=df.columns,
            reference_groups=known,
            target="y_true",
        )
    assert err.value.column == "sexe"


def test_alerts_name_the_threshold_crossed():
    ref = {"roc_auc": 0.85, "accuracy": 0.8, "recall_gap": 0.02}
    ok = {"roc_auc": 0.84, "recall_gap": 0.05, "max_psi": 0.05, "max_psi_feature": "x"}
    assert core.alerts(ref, ok, core.Thresholds()) == []
    bad = {
        "roc_auc": 0.7,
        "recall_gap": 0.2,
        "recall_gap_where": {"grouping": "sexe", "low": "F", "high": "M"},
        "max_psi": 0.4,
        "max_psi_feature": "revenu",
    }
    kinds = {a["kind"]: a["message"] for a in core.alerts(ref, bad, core.Thresholds())}
    assert set(kinds) == {"performance", "fairness", "drift"}
    assert "0,700 contre 0,850" in kinds["performance"]
    assert "« F » contre « M »" in kinds["fairness"]
    assert "« revenu »" in kinds["drift"]


# ------------------------------------------------------------------------------ screens


def test_series_timeline_batches_and_alert_flow(
    client: Any, world: Any, monitored: Any, django_capture_on_commit_callbacks: Any
) -> None:
    use_case = monitored
    series = MonitoringSeries.objects.get(use_case=use_case)
    assert series.reference_groups == {"sexe": ["F", "M"], "age": ["18-44", "45-74", "75+"]}
    assert series.max_recall_gap == 0.15
    assert "revenu" in series.reference_profile["columns"]

    referent = world["users"]["referent"]
    referent.email = "referent.ia@chu-lille.fr"
    referent.save(update_fields=["email"])
    with django_capture_on_commit_callbacks(execute=True):
        assert add(client, use_case, batch_csv(seed=2), "janvier 2026").status_code == 302
    assert mail.outbox == []  # no alert, no e-mail
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = add(client, use_case, batch_csv(seed=3, shift=900), "février 2026")  # income drifts
    assert response.status_code == 302
    b1, b2 = MonitoringBatch.objects.order_by("number")
    assert (b1.number, b1.alerts) == (1, [])
    assert [a["kind"] for a in b2.alerts] == ["drift"] and "revenu" in b2.alerts[0]["message"]

    # the e-mail goes to the organisation's AI referents, with the links
    assert len(mail.outbox) == 1
    msg = mail.outbox[0]
    assert msg.to == ["referent.ia@chu-lille.fr"]
    assert "février 2026" in msg.body and "PSI" in msg.body
    assert reverse("evaluation_monitoring", args=[use_case.pk]) in msg.body

    page = client.get(reverse("evaluation_monitoring", args=[use_case.pk])).content.decode()
    assert "Lot 1</th>" not in page and "Lot 1 — janvier 2026" in page and "Lot 2 — février 2026" in page
    assert "Dérive des données : PSI" in page
    incident_url = reverse("monitoring_incident_create", args=[use_case.pk]) + f"?lot={b2.pk}"
    assert incident_url in page

    # "À faire": the alert waits there
    inbox = client.get(reverse("lifecycle_inbox")).content.decode()
    assert "Alertes du suivi des modèles (1)" in inbox and "lot n° 2 (février 2026)" in inbox

    # the incident is proposed prefilled
    form = client.get(incident_url).content.decode()
    assert "Alerte du suivi : lot n° 2 (février 2026)" in form
    assert "Dérive des données : PSI" in form

    # examined: it leaves the inbox, audited
    client.post(reverse("evaluation_monitoring_alert_review", args=[b2.pk]))
    b2.refresh_from_db()
    assert b2.alert_reviewed_at is not None
    assert "lot n° 2 (février 2026)" not in client.get(reverse("lifecycle_inbox")).content.decode()
    assert AuditEntry.objects.filter(
        object_type__icontains="monitoringbatch", message__contains="examinée"
    ).exists()


def test_timeline_charts_svg_with_thresholds_and_table_in_french_and_english(
    client: Any, world: Any, monitored: Any, django_capture_on_commit_callbacks: Any
) -> None:
    """One SVG per measure (performance, recall gap, largest PSI) with its threshold drawn, an accessible
    name and description, the table as text alternative; no inline script or style; in English the
    charts and the alert sentences are English."""
    use_case = monitored
    with django_capture_on_commit_callbacks(execute=True):
        add(client, use_case, batch_csv(seed=2), "janvier 2026")
        add(client, use_case, batch_csv(seed=3, shift=900), "février 2026")
    url = reverse("evaluation_monitoring", args=[use_case.pk])
    page = html.unescape(client.get(url, HTTP_ACCEPT_LANGUAGE="fr").content.decode())
    assert page.count('<svg role="img" aria-labelledby="suivi-') == 3
    for key, title in (
        ("performance", "AUC ROC par lot"),
        ("equite", "Écart de rappel entre groupes par lot"),
        ("derive", "PSI le plus élevé par lot (dérive des données)"),
    ):
        assert f'<title id="suivi-{key}-t">{title}</title>' in page
        assert f'<desc id="suivi-{key}-d">' in page
        assert f'<figcaption id="suivi-{key}-c">{title}</figcaption>' in page
    desc = re.search(r'<desc id="suivi-derive-d">(.*?)</desc>', page, re.S).group(1)
    assert "Seuil d'alerte : 0,250" in desc and "Seuil franchi par : Lot 2." in desc
    assert "Lot 1 : " in desc and "Chronologie des lots" in desc
    # the threshold line and its label; the crossing batch drawn as a diamond (not colour alone)
    derive = page[page.index('<svg role="img" aria-labelledby="suivi-derive') :]
    derive = derive[: derive.index("</svg>")]
    assert 'stroke-dasharray="6 4"' in derive and "seuil 0,250" in derive
    assert derive.count("<path d=") == 1 and derive.count("<circle") == 1
    # the table carries the same figures (text alternative), linked from each figure
    assert 'id="chronologie-tableau"' in page and page.count('href="#chronologie-tableau"') == 3
    assert "<script>" not in page and 'style="' not in page.split("<main", 1)[1]

    en = html.unescape(client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode())
    assert '<title id="suivi-performance-t">ROC AUC by batch</title>' in en
    assert "Highest PSI by batch (data drift)" in en and "Threshold crossed by: Batch 2." in en
    assert "“Batch timeline”" in en
    assert "Alert threshold: 0.250" in en
    assert "Data drift: PSI of" in en and "beyond the threshold of 0.250" in en
    for french in (
        "par lot",
        "Seuil franchi",
        "Dérive des données",
        "au-delà du seuil",
        "Chronologie des lots",
        "Suivi après déploiement",
    ):
        assert french not in en, french
    # the "To do" inbox and the prefilled incident tell the alert in English too
    inbox = html.unescape(client.get(reverse("lifecycle_inbox"), HTTP_ACCEPT_LANGUAGE="en").content.decode())
    assert "Data drift: PSI of" in inbox and "Dérive des données" not in inbox
    batch = MonitoringBatch.objects.get(series__use_case=use_case, number=2)
    incident_url = reverse("monitoring_incident_create", args=[use_case.pk]) + f"?lot={batch.pk}"
    form = html.unescape(client.get(incident_url, HTTP_ACCEPT_LANGUAGE="en").content.decode())
    assert "Monitoring alert: batch no. 2 (février 2026)" in form and "Data drift: PSI of" in form


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", "est vide"),
        (HEADER + "\n", "aucune ligne"),
        (batch_csv(seed=4).replace("revenu", "salaire"), "« revenu » de la référence est absente du lot"),
        (batch_csv(seed=4).replace(HEADER, HEADER + ",extra").replace("\n", ",1\n")[len(HEADER) + 9 :], None),
        (batch_csv(seed=4, sexes=("F", "M", "X")), "la valeur « X », absente du lot de référence"),
        ("\n".join([HEADER] + ["F,18-44,1500,0,0.2,0"] * 50) + "\n", "ne contient que des cas négatifs"),
    ],
)
def test_bad_batches_are_refused_and_nothing_is_stored(
    client: Any, world: Any, monitored: Any, text: str, expected: str | None
) -> None:
    if expected is None:  # an extra column
        text = (HEADER + ",extra\n") + "".join(f"{line},1\n" for line in batch_csv(seed=4).splitlines()[1:])
        expected = "« extra » du lot n'existe pas dans la référence"
    before = AuditEntry.objects.count()
    response = add(client, monitored, text)
    assert response.status_code == 400
    assert expected in html.unescape(response.content.decode())
    assert MonitoringBatch.objects.count() == 0 and AuditEntry.objects.count() == before


def test_other_organisations_and_readers_cannot_add(client: Any, world: Any, monitored: Any) -> None:
    # another organisation's referent: the use case does not exist for her
    client.force_login(world["users"]["other_referent"])
    assert client.get(reverse("evaluation_monitoring", args=[monitored.pk])).status_code == 404
    assert add(client, monitored, batch_csv(seed=2)).status_code == 404
    # a regional reviewer may read the record but not add a batch
    client.force_login(world["users"]["regional"])
    if client.get(reverse("evaluation_monitoring", args=[monitored.pk])).status_code == 200:
        assert add(client, monitored, batch_csv(seed=2)).status_code == 403
    assert MonitoringBatch.objects.count() == 0


def test_thresholds_are_set_by_the_organisation(client: Any, monitored: Any) -> None:
    url = reverse("evaluation_monitoring_thresholds", args=[monitored.pk])
    response = client.post(url, {"max_performance_drop": "0,02", "max_recall_gap": "0,05", "max_psi": "0,1"})
    assert response.status_code == 302
    series = MonitoringSeries.objects.get()
    assert (series.max_performance_drop, series.max_recall_gap, series.max_psi) == (0.02, 0.05, 0.1)
    bad = client.post(url, {"max_performance_drop": "2", "max_recall_gap": "0,05", "max_psi": "0,1"})
    assert bad.status_code == 400 and "inférieure ou égale à 1" in bad.content.decode()


# ------------------------------------------------------------------------------ API


def _token(world: Any, role: str = "referent") -> tuple[Any, str]:
    from atlasia.exchange import services as exchange_services

    return exchange_services.token_create(
        actor=world["users"]["admin"], organisation=world["org_a"], role=role, label="suivi du modèle"
    )


def test_api_push_with_an_organisation_token(client: Any, world: Any, monitored: Any) -> None:
    token_obj, token = _token(world)
    url = reverse("api_v1:api_v1_monitoring_batch", args=[monitored.uid])
    response = client.post(
        url, {"file": upload(batch_csv(seed=5)), "label": "mars 2026"}, HTTP_AUTHORIZATION=f"Bearer {token}"
    )
    assert response.status_code == 201, response.content.decode()
    body = response.json()
    assert (
        body["number"] == 1
        and body["label"] == "mars 2026"
        and body["n_rows"] == 400
        and body["alerts"] == []
    )
    batch = MonitoringBatch.objects.get()
    assert batch.source == "api"

    bad = client.post(
        url, {"file": upload(batch_csv(seed=6, sexes=("F", "X")))}, HTTP_AUTHORIZATION=f"Bearer {token}"
    )
    assert bad.status_code == 422
    assert bad.json()["error"]["details"][0]["field"] == "sexe"
    assert MonitoringBatch.objects.count() == 1

    wrong = client.post(url, {"file": upload(batch_csv(seed=7))}, HTTP_AUTHORIZATION="Bearer atl_faux")
    assert wrong.status_code == 401 and "révoqué" in wrong.json()["error"]["message"]
    from atlasia.exchange import services as exchange_services

    exchange_services.token_revoke(actor=world["users"]["admin"], token=token_obj)
    revoked = client.post(url, {"file": upload(batch_csv(seed=7))}, HTTP_AUTHORIZATION=f"Bearer {token}")
    assert revoked.status_code == 401
    assert MonitoringBatch.objects.count() == 1
    # a token of another organisation does not see the record
    _other, raw_b = exchange_services.token_create(
        actor=world["users"]["admin"], organisation=world["org_b"], role="referent", label="autre"
    )
    assert (
        client.post(
            url, {"file": upload(batch_csv(seed=8))}, HTTP_AUTHORIZATION=f"Bearer {raw_b}"
        ).status_code
        == 404
    )


def test_demo_series_has_six_batches_and_one_drift_alert(world: Any) -> None:
    from atlasia.evaluation.demo import load_monitoring_demo

    use_case = world["records"]["b_internal"]
    use_case.catalogue_slug = "cnaf-datamining-donnees-entrantes"
    use_case.save()
    series = load_monitoring_demo()
    assert series is not None
    batches = list(series.batches.order_by("number"))
    assert [b.label for b in batches] == [
        "janvier 2025",
        "février 2025",
        "mars 2025",
        "avril 2025",
        "mai 2025",
        "juin 2025",
    ]
    alerted = [(b.label, [a["kind"] for a in b.alerts]) for b in batches if b.alerts]
    assert alerted == [("juin 2025", ["drift"])]
    assert batches[-1].summary["max_psi_feature"] == "y_score"
    assert sum(b.n_rows for b in batches) == 5000
    assert load_monitoring_demo() is None  # idempotent


def test_annual_report_and_use_case_page_show_the_counts(
    client: Any, world: Any, monitored: Any, django_capture_on_commit_callbacks: Any
) -> None:
    from atlasia.publication.models import ReportRun
    from atlasia.publication.report import report_data

    add(client, monitored, batch_csv(seed=2), "janvier 2026")
    add(client, monitored, batch_csv(seed=3, shift=900), "février 2026")
    page = client.get(reverse("usecase_detail", args=[monitored.pk])).content.decode()
    assert "Suivi du modèle après déploiement (AI Act, art. 72)" in page
    assert "2 lots évalués depuis la référence, 1 avec une alerte, dont 1 à examiner." in page
    run = ReportRun(
        year=2026, scope="organisation", organisation=world["org_a"], requested_by=world["users"]["referent"]
    )
    data = report_data(run)
    assert data["monitoring"] == {"series": 1, "batches": 2, "alerts": 1}


def test_api_refusals_follow_accept_language_french_by_default(
    client: Any, world: Any, monitored: Any
) -> None:
    """The batch API answers in the caller's language as the rest of the REST API does (Accept-Language,
    French without it): a refused batch names its column or value in English too, and nothing is stored."""
    _token_obj, token = _token(world)
    url = reverse("api_v1:api_v1_monitoring_batch", args=[monitored.uid])
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    cases = [
        (
            batch_csv(seed=6, sexes=("F", "X")),
            "sexe",
            "la valeur « X », absente du lot de référence",
            "“X”",
        ),
        (batch_csv(seed=4).replace("revenu", "salaire"), "revenu", "« revenu »", "“revenu”"),
        ("\n".join([HEADER] + ["F,18-44,1500,0,0.2,0"] * 50) + "\n", "y_true", "cas négatifs", "negative"),
        ("", "file", "est vide", "is empty"),
    ]
    for text, field, french, english in cases:
        fr = client.post(url, {"file": upload(text)}, **auth)
        en = client.post(url, {"file": upload(text)}, HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.9", **auth)
        assert fr.status_code == en.status_code == 422, en.content.decode()
        fr_error, en_error = fr.json()["error"], en.json()["error"]
        assert french in fr_error["message"] and fr_error["details"][0]["field"] == field
        assert english in en_error["message"] and en_error["details"][0]["field"] == field, en_error
        assert en_error["details"][0]["message"] == en_error["message"]
        assert "«" not in en_error["message"] and en_error["message"] != fr_error["message"]
    assert MonitoringBatch.objects.count() == 0
    # the file part missing, a wrong token, a record without monitoring
    missing = client.post(url, {"label": "x"}, HTTP_ACCEPT_LANGUAGE="en", **auth).json()["error"]
    assert missing["message"] == "The data sent are not valid."
    assert [d["message"] for d in missing["details"]] == ["This field is required."]
    assert client.post(url, {"label": "x"}, **auth).json()["error"]["details"][0]["message"] == (
        "Ce champ est obligatoire."
    )
    wrong = client.post(
        url, {"file": upload("")}, HTTP_AUTHORIZATION="Bearer atl_faux", HTTP_ACCEPT_LANGUAGE="en"
    )
    assert wrong.status_code == 401
    assert wrong.json()["error"]["message"] == "API token missing, unknown, revoked or expired."
    unmonitored = world["records"]["a_public"]  # of the token's organisation, never monitored
    unmonitored_url = reverse("api_v1:api_v1_monitoring_batch", args=[unmonitored.uid])
    response = client.post(
        unmonitored_url, {"file": upload(batch_csv(seed=2))}, HTTP_ACCEPT_LANGUAGE="en", **auth
    )
    assert response.status_code == 422
    assert response.json()["error"]["message"].startswith("This use case has no post-deployment monitoring")
    response = client.post(unmonitored_url, {"file": upload(batch_csv(seed=2))}, **auth)
    assert response.json()["error"]["message"].startswith("Ce cas d'usage n'a pas de suivi après déploiement")
