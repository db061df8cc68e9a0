# The covering index of the candidate scan, created in its own transaction after 0005 rewrote every
# embedding row: built in 0005's transaction, it would also hold the row versions that transaction
# replaced (twice the size).

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('search', '0005_signature_rotations_and_scope'),
    ]

    operations = [
        migrations.AddIndex(
            model_name='usecaseembedding',
            index=models.Index(condition=models.Q(('signature__isnull', False)), fields=['model_name', 'use_case'], include=('signature', 'signature_scale', 'signature_offset', 'scope_organisation', 'scope_level'), name='search_embedding_signature'),
        ),
    ]
