"""Projects store the totals of their allotment lines (see projects.services.refresh_totals)."""

from django.db import migrations, models
from django.db.models import Count, F, Min, OuterRef, Subquery, Sum, Value
from django.db.models.functions import Coalesce


def compute_totals(apps, schema_editor):
    """As projects.services.totals_of_lines(), on this migration's models."""
    Project, Allotment = apps.get_model("projects", "Project"), apps.get_model("projects", "Allotment")
    lines = Allotment.objects.filter(project=OuterRef("pk")).order_by().values("project")
    one_currency = lines.annotate(currencies=Count("currency", distinct=True)).filter(currencies=1)
    Project.objects.update(
        allotment_count=Coalesce(Subquery(lines.annotate(n=Count("id")).values("n")), 0),
        currency=Coalesce(Subquery(one_currency.annotate(code=Min("currency")).values("code")), Value("")),
        allotment_total=Subquery(one_currency.annotate(total=Sum("amount")).values("total")),
        expenditure_total=Subquery(
            one_currency.annotate(total=Sum(F("expenditure") + F("other_expenditure"))).values("total")),
    )


class Migration(migrations.Migration):

    dependencies = [
        ('projects', '0003_import_permission'),
    ]

    operations = [
        migrations.AddField(
            model_name='project',
            name='allotment_count',
            field=models.PositiveIntegerField(default=0, editable=False, verbose_name='allotment lines'),
        ),
        migrations.AddField(
            model_name='project',
            name='allotment_total',
            field=models.DecimalField(blank=True, decimal_places=2, editable=False, max_digits=16, null=True),
        ),
        migrations.AddField(
            model_name='project',
            name='currency',
            field=models.CharField(blank=True, help_text="Its lines' currency; empty if none or several.", max_length=3),
        ),
        migrations.AddField(
            model_name='project',
            name='expenditure_total',
            field=models.DecimalField(blank=True, decimal_places=2, editable=False, max_digits=16, null=True),
        ),
        migrations.RunPython(compute_totals, migrations.RunPython.noop),
    ]
