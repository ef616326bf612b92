"""Portfolio charts from aggregated rows (never one point per row of a large table).

Each chart comes with its data (columns and rows) so the page can offer it as CSV beside the chart.
"""

from dataclasses import dataclass

import plotly.graph_objects as go

from evalbase.lib.charts import bar, chart, whole_years

from .models import Approach


@dataclass
class ChartData:
    """A chart's rows as a table: what the chart draws, to download beside it."""

    columns: list
    rows: list


def allotment_by_region(summary, currency):
    rows = [row for row in summary["rows"] if row["currency"] == currency]
    figure = go.Figure(go.Pie(
        labels=[row["group"] for row in rows], values=[float(row["allotment"]) for row in rows],
        hole=0.4, sort=False, texttemplate="%{label}<br>%{percent:.1%}",
        hovertemplate=f"%{{label}}<br>{currency} %{{value:,.0f}}<br>%{{percent:.1%}}<extra></extra>",
    ))
    data = ChartData(["region", "currency", "projects", "allotment", "allotment_pct"],
                     [[row["group"], currency, row["projects"], row["allotment"], row["allotment_pct"]]
                      for row in rows])
    return chart("chart-allotment-region", f"Allotment by region ({currency} and share)", figure), data


def started_per_year(rows):
    labels = dict(Approach.choices)
    figure = go.Figure()
    for approach in Approach.values:
        points = [row for row in rows if row["approach"] == approach]
        if points:
            figure.add_bar(name=labels[approach], x=[row["start_year"] for row in points],
                           y=[row["n"] for row in points])
    figure.update_layout(barmode="stack")
    whole_years(figure, [row["start_year"] for row in rows])
    figure.update_xaxes(title="Start year")
    figure.update_yaxes(title="Projects started")
    data = ChartData(["start_year", "approach", "projects"],
                     [[row["start_year"], labels.get(row["approach"], "—"), row["n"]] for row in rows])
    return chart("chart-started-per-year", "Projects started per year, by approach", figure), data


def execution(projects, currency):
    numbers = [project.display_number for project in projects]
    figure = go.Figure([
        go.Bar(name="Allotment", x=numbers, y=[float(p.allotment_total or 0) for p in projects]),
        go.Bar(name="Expenditure", x=numbers, y=[float(p.expenditure_total or 0) for p in projects]),
    ])
    figure.update_layout(barmode="group")
    figure.update_yaxes(title=currency)
    figure.update_xaxes(tickangle=-45)
    title = f"Allotment vs expenditure, {len(projects)} largest projects ({currency})"
    data = ChartData(["project", "title", "currency", "allotment", "expenditure"],
                     [[p.display_number, p.title, currency, p.allotment_total, p.expenditure_total] for p in projects])
    return chart("chart-execution", title, figure), data


def portfolio_charts(by_region, per_year, largest, currency):
    """{chart id: (chart, its data)} for the portfolio page; a chart with nothing to draw is left out."""
    made = []
    if currency and any(row["currency"] == currency for row in by_region["rows"]):
        made.append(allotment_by_region(by_region, currency))
    if per_year:
        made.append(started_per_year(per_year))
    if largest:
        made.append(execution(largest, currency))
    return {drawn["id"]: (drawn, data) for drawn, data in made}


def summary_chart(summary, currency):
    rows = [row for row in summary["rows"] if row["currency"] == currency]
    return bar(f"chart-summary-{currency.lower()}", f"Allotment by {summary['dimension'].label.lower()} ({currency})",
               [str(row["group"]) for row in rows], [float(row["allotment"]) for row in rows],
               value_label=f"Allotment ({currency})", data_url="#summary")
