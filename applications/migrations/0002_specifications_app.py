"""Point vacancies and statements at the specification models' new app.

State only: the tables and their foreign keys are unchanged."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("applications", "0001_initial"),
        ("specifications", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="vacancy",
                    name="specification",
                    field=models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="vacancies",
                        to="specifications.personspecification",
                    ),
                ),
                migrations.AlterField(
                    model_name="statement",
                    name="criterion",
                    field=models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="specifications.criterion",
                    ),
                ),
            ]
        )
    ]
