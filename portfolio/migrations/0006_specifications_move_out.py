"""Person specifications, criteria and evidence links now belong to the
specifications app (its 0001 takes them over, tables and rows unchanged)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("portfolio", "0005_audit_constraint_messages"),
        ("specifications", "0001_initial"),
        ("applications", "0002_specifications_app"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name="EvidenceLink"),
                migrations.DeleteModel(name="Criterion"),
                migrations.DeleteModel(name="PersonSpecification"),
            ]
        )
    ]
