"""Plotly figures built on the server from aggregated rows, sent to pages as JSON.

Templates render `{{ chart.data|json_script:chart.id }}` and a `<div data-chart="...">`;
static/js/charts.js draws them with the locally served plotly.js. No inline script.
"""

import json

import plotly.graph_objects as go

LAYOUT = dict(
    margin=dict(l=60, r=20, t=40, b=60), height=340, font=dict(family="system-ui, sans-serif", size=13),
    paper_bgcolor="white", plot_bgcolor="white", legend=dict(orientation="h", y=-0.2),
)
COLOURS = ["#1f4e79", "#2e75b6", "#9cc3e6", "#c55a11", "#f4b183", "#548235", "#a9d18e", "#7f6000"]


def chart(chart_id, title, figure):
    """A chart for a template: its element id, title (for screen readers) and plotly JSON."""
    figure.update_layout(title=dict(text=title, x=0, font=dict(size=15)), colorway=COLOURS, **LAYOUT)
    return {"id": chart_id, "title": title, "data": json.loads(figure.to_json())}


def bar(chart_id, title, labels, values, *, value_label):
    figure = go.Figure(go.Bar(x=labels, y=values, hovertemplate=f"%{{x}}<br>{value_label}: %{{y:,.0f}}<extra></extra>"))
    figure.update_yaxes(title=value_label)
    return chart(chart_id, title, figure)
