"""The public's problem reports now live in ``monitoring.Externality`` (source « public »): monitoring
0004 copied every row there; the old table goes."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("publication", "0002_report_public_only"),
        ("monitoring", "0004_problem_reports_into_externalities"),
    ]

    operations = [migrations.DeleteModel(name="ProblemReport")]
