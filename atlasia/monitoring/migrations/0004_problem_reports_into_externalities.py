"""The public's problem reports (``publication.ProblemReport``) become negative externalities of source
« public »: one model, one table, one triage.

Every report is kept. A report already mirrored as an externality (``public_report_id``) gives that
externality its contact address; a report never mirrored (received before the mirror existed) becomes a
new externality with its category, description, follow-up status, contact address and date of receipt.
Either way ``public_report_id`` keeps the report's number. ``publication`` 0003 then drops the old
table. Reversible: going back recreates one report per public externality (same number when it had
one), and the externalities lose the contact address again."""

from django.core.management.color import no_style
from django.db import migrations

#: The reports' follow-up statuses in terms of the externalities' (the categories share their codes).
STATUS = {"new": "new", "in_progress": "accepted", "closed": "addressed", "rejected": "rejected"}
STATUS_BACK = {"new": "new", "accepted": "in_progress", "addressed": "closed", "rejected": "rejected"}
CATEGORIES = {"bias", "error", "extra_work", "loss_of_rights", "over_reliance", "environmental", "other"}


def forward(apps, schema_editor):
    ProblemReport = apps.get_model("publication", "ProblemReport")
    Externality = apps.get_model("monitoring", "Externality")
    db = schema_editor.connection.alias
    mirrored = dict(
        Externality.objects.using(db)
        .filter(public_report_id__isnull=False)
        .values_list("public_report_id", "pk")
    )
    for report in ProblemReport.objects.using(db).order_by("pk").iterator():
        pk = mirrored.get(report.pk)
        if pk is None:
            pk = (
                Externality.objects.using(db)
                .create(
                    use_case_id=report.use_case_id,
                    source="public",
                    category=report.category if report.category in CATEGORIES else "other",
                    description=report.description,
                    status=STATUS.get(report.status, "new"),
                    contact_email=report.contact_email,
                    public_report_id=report.pk,
                )
                .pk
            )
            # auto_now_add/auto_now set today's date on create: keep the date the report was received.
            Externality.objects.using(db).filter(pk=pk).update(
                created_at=report.created_at, updated_at=report.created_at
            )
        elif report.contact_email:
            Externality.objects.using(db).filter(pk=pk).update(contact_email=report.contact_email)


def backward(apps, schema_editor):
    ProblemReport = apps.get_model("publication", "ProblemReport")
    Externality = apps.get_model("monitoring", "Externality")
    connection = schema_editor.connection
    db = connection.alias
    public = Externality.objects.using(db).filter(source="public")
    # Reports with their former number first, then the sequence moves past them, then the others.
    for numbered in (True, False):
        for externality in public.filter(public_report_id__isnull=not numbered).order_by("pk").iterator():
            report = ProblemReport.objects.using(db).create(
                **({"pk": externality.public_report_id} if numbered else {}),
                use_case_id=externality.use_case_id,
                category=externality.category,
                description=externality.description,
                contact_email=externality.contact_email,
                status=STATUS_BACK.get(externality.status, "new"),
            )
            ProblemReport.objects.using(db).filter(pk=report.pk).update(created_at=externality.created_at)
            Externality.objects.using(db).filter(pk=externality.pk).update(
                public_report_id=report.pk, contact_email=""
            )
        if numbered:
            with connection.cursor() as cursor:
                for sql in connection.ops.sequence_reset_sql(no_style(), [ProblemReport]):
                    cursor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [
        ("monitoring", "0003_externality_contact_email"),
        ("publication", "0002_report_public_only"),
    ]

    operations = [migrations.RunPython(forward, backward)]
