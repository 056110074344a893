"""Person specifications, criteria and evidence links move here from portfolio.

The tables stay as they are: this migration only tells Django's model state that
the models now belong to this app (portfolio's 0006 removes them from its state).
The next migration renames the tables to this app's names."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("accounts", "0001_initial"),
        ("portfolio", "0005_audit_constraint_messages"),
    ]

    state_operations = [
        migrations.CreateModel(
            name='PersonSpecification',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('title', models.CharField(max_length=200)),
                ('slug', models.SlugField(max_length=120, unique=True)),
                ('band', models.CharField(blank=True, help_text='For example, Band 4.', max_length=40)),
                ('source', models.CharField(blank=True, help_text='Where the criteria come from.', max_length=300)),
                ('version', models.PositiveIntegerField(default=1)),
                ('locked_at', models.DateTimeField(blank=True, editable=False, help_text='Set when a submitted application first uses this version.', null=True)),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('updated_at', models.DateTimeField(auto_now=True)),
                ('organisation', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='specifications', to='accounts.organisation')),
            ],
            options={
                'ordering': ['organisation__name', 'title', '-version'],
                'db_table': 'portfolio_personspecification',
            },
        ),
        migrations.CreateModel(
            name='Criterion',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('category', models.CharField(choices=[('skills', 'Skills'), ('knowledge', 'Knowledge'), ('experience', 'Experience'), ('qualifications', 'Qualifications')], max_length=20)),
                ('requirement', models.CharField(choices=[('essential', 'Essential'), ('desirable', 'Desirable')], max_length=20)),
                ('route', models.CharField(blank=True, choices=[('', 'Every applicant'), ('portfolio', 'Portfolio route')], default='', max_length=20)),
                ('text', models.TextField()),
                ('order', models.PositiveIntegerField(default=0)),
                ('rule_kind', models.CharField(blank=True, choices=[('accuracy', 'Sustained accuracy'), ('experience_years', 'Years of coding experience'), ('holds_acc', 'Holds ACC'), ('specialty_count', 'Number of specialties'), ('item_count', 'Number of items of a kind'), ('refresher_within', 'Standards Refresher within N years')], default='', max_length=30)),
                ('rule_params', models.JSONField(blank=True, default=dict)),
                ('specification', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='criteria', to='specifications.personspecification')),
            ],
            options={
                'verbose_name_plural': 'criteria',
                'ordering': ['specification', 'order', 'id'],
                'db_table': 'portfolio_criterion',
            },
        ),
        migrations.CreateModel(
            name='EvidenceLink',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('rationale', models.CharField(help_text='A sentence on how this evidence meets the criterion.', max_length=500)),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('criterion', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='links', to='specifications.criterion')),
                ('evidence', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='links', to='portfolio.evidence')),
            ],
            options={
                'ordering': ['created_at', 'id'],
                'db_table': 'portfolio_evidencelink',
                'constraints': [models.UniqueConstraint(fields=('evidence', 'criterion'), name='evidence_link_unique')],
            },
        ),
        migrations.AddConstraint(
            model_name='personspecification',
            constraint=models.UniqueConstraint(fields=('organisation', 'title', 'version'), name='spec_version_unique'),
        ),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(state_operations=state_operations)
    ]
