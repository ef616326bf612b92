"""A published figure's measure and dimension are closed vocabularies, enforced by the database."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('evaluations', '0003_move_reference_data'),
        ('reference', '0002_content_types'),
    ]

    operations = [
        migrations.AlterField(
            model_name='publishedfigure',
            name='dimension',
            field=models.CharField(blank=True, choices=[('', 'Whole portfolio'), ('status', 'Status'), ('region', 'Region'), ('approach', 'Approach'), ('type', 'Type'), ('country', 'Country'), ('year', 'Start year')], max_length=30),
        ),
        migrations.AlterField(
            model_name='publishedfigure',
            name='measure',
            field=models.CharField(choices=[('projects', 'Number of projects'), ('allotments', 'Number of allotment lines'), ('allotment_usd', 'Total allotment'), ('expenditure_usd', 'Total expenditure'), ('allotment_pct', 'Share of allotment'), ('expenditure_pct', 'Share of expenditure'), ('average_project_usd', 'Average project size'), ('countries', 'Number of countries'), ('projects_over', 'Projects larger than an amount'), ('projects_under', 'Projects smaller than an amount'), ('projects_over_average', 'Projects larger than the average'), ('projects_under_average', 'Projects smaller than the average'), ('rating_average', 'Average rating'), ('rating', 'Rating')], max_length=50),
        ),
        migrations.AddConstraint(
            model_name='publishedfigure',
            constraint=models.CheckConstraint(condition=models.Q(('measure__in', ['projects', 'allotments', 'allotment_usd', 'expenditure_usd', 'allotment_pct', 'expenditure_pct', 'average_project_usd', 'countries', 'projects_over', 'projects_under', 'projects_over_average', 'projects_under_average', 'rating_average', 'rating'])), name='figure_measure_known'),
        ),
        migrations.AddConstraint(
            model_name='publishedfigure',
            constraint=models.CheckConstraint(condition=models.Q(('dimension__in', ['', 'status', 'region', 'approach', 'type', 'country', 'year'])), name='figure_dimension_known'),
        ),
        migrations.AddConstraint(
            model_name='publishedfigure',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('criterion__isnull', False), ('measure__in', ('rating_average', 'rating'))), models.Q(models.Q(('measure__in', ('rating_average', 'rating')), _negated=True), ('criterion__isnull', True)), _connector='OR'), name='figure_criterion_only_for_ratings'),
        ),
    ]
