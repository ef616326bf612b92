"""Finding criterion tags get a model of their own, on the same table, to mark inferred tags."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("findings", "0004_recommendation_follow_up"),
        ("ratings", "0005_reinstall_rating_scale_trigger"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            # The table findings_finding_criteria exists: only Django's picture of it changes.
            state_operations=[
                migrations.CreateModel(
                    name="FindingCriterion",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("finding", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE,
                                                      related_name="criterion_tags", to="findings.finding")),
                        ("criterion", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE,
                                                        related_name="finding_tags", to="ratings.criterion")),
                    ],
                    options={"db_table": "findings_finding_criteria", "unique_together": {("finding", "criterion")}},
                ),
                migrations.AlterField(
                    model_name="finding",
                    name="criteria",
                    field=models.ManyToManyField(blank=True, related_name="findings",
                                                 through="findings.FindingCriterion", to="ratings.criterion"),
                ),
            ],
        ),
        migrations.AddField(
            model_name="findingcriterion",
            name="inferred",
            field=models.BooleanField(default=False, help_text="Read from the wording, not named by the report."),
        ),
        migrations.AlterField(
            model_name="historicalfinding",
            name="category",
            field=models.CharField(choices=[("finding", "Finding"), ("success_factor", "Success factor"),
                                            ("challenge", "Challenge"), ("salient_point", "Salient point"),
                                            ("take_away", "Take-away"), ("output", "Output"), ("outcome", "Outcome")],
                                   default="finding", max_length=20),
        ),
        migrations.AlterField(
            model_name="finding",
            name="category",
            field=models.CharField(choices=[("finding", "Finding"), ("success_factor", "Success factor"),
                                            ("challenge", "Challenge"), ("salient_point", "Salient point"),
                                            ("take_away", "Take-away"), ("output", "Output"), ("outcome", "Outcome")],
                                   default="finding", max_length=20),
        ),
    ]
