"""Portfolio charts from aggregated rows (never one point per row of a large table)."""

import plotly.graph_objects as go

from evalbase.lib.charts import bar, chart

from .models import Approach


def allotment_by_region(summary, currency):
    rows = summary["rows"]
    figure = go.Figure(go.Pie(
        labels=[row["group"] for row in rows], values=[float(row["allotment"]) for row in rows],
        hole=0.4, sort=False, texttemplate="%{label}<br>%{percent:.1%}",
        hovertemplate=f"%{{label}}<br>{currency} %{{value:,.0f}}<br>%{{percent:.1%}}<extra></extra>",
    ))
    return chart("chart-allotment-region", f"Allotment by region ({currency} and share)", figure)


def started_per_year(rows):
    labels = dict(Approach.choices)
    figure = go.Figure()
    for approach in Approach.values:
        points = [row for row in rows if row["approach"] == approach]
        if points:
            figure.add_bar(name=labels[approach], x=[row["start_year"] for row in points],
                           y=[row["n"] for row in points])
    figure.update_layout(barmode="stack")
    figure.update_xaxes(title="Start year", dtick=1)
    figure.update_yaxes(title="Projects started")
    return chart("chart-started-per-year", "Projects started per year, by approach", figure)


def execution(projects, currency):
    numbers = [project.display_number for project in projects]
    figure = go.Figure([
        go.Bar(name="Allotment", x=numbers, y=[float(p.allotment_total or 0) for p in projects]),
        go.Bar(name="Expenditure", x=numbers, y=[float(p.expenditure_total or 0) for p in projects]),
    ])
    figure.update_layout(barmode="group")
    figure.update_yaxes(title=currency)
    title = f"Allotment vs expenditure, {len(projects)} largest projects"
    return chart("chart-execution", title, figure)


def summary_chart(summary, currency):
    rows = [row for row in summary["rows"] if row["currency"] == currency]
    return bar(f"chart-summary-{currency.lower()}", f"Allotment by {summary['dimension'].label.lower()} ({currency})",
               [str(row["group"]) for row in rows], [float(row["allotment"]) for row in rows],
               value_label=f"Allotment ({currency})")
