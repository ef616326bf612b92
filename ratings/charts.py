"""Rating charts: the subject x criterion matrix and the cross-evaluation comparison."""

import plotly.graph_objects as go

from evalbase.lib.charts import chart

# Red (worst) to blue (best), readable with the common colour-vision deficiencies.
WORST_TO_BEST = "RdYlBu"


def _number(value):
    return None if value is None else float(value)


def _cell_text(rating):
    if rating is None:
        return ""
    return "n/a" if rating.not_assessed else rating.display_value


def rating_matrix(matrix):
    """Heatmap of raw values coloured on 0-100; "not assessed" cells have no colour (null z)."""
    z = [[_number(cell.normalised_value) if cell else None for cell in row.cells] for row in matrix.rows]
    text = [[_cell_text(cell) for cell in row.cells] for row in matrix.rows]
    figure = go.Figure(go.Heatmap(
        z=z, text=text, texttemplate="%{text}", x=[c.name for c in matrix.criteria],
        y=[str(row.subject) for row in matrix.rows], zmin=0, zmax=100, colorscale=WORST_TO_BEST,
        hoverongaps=False, colorbar=dict(title=dict(text="0–100<br>100 best")),
        hovertemplate="%{y}<br>%{x}: %{text}<br>normalised %{z:.1f}<extra></extra>",
    ))
    figure.update_yaxes(autorange="reversed")
    figure.update_xaxes(side="top")
    title = "Ratings by subject and criterion, coloured on 0–100 (100 best)"
    return chart(f"chart-matrix-{matrix.evaluation.slug}", title, figure,
                 data_url=f"#matrix-table-{matrix.evaluation.slug}")


def comparison(table):
    """Grouped bars: average normalised rating per criterion, one bar per evaluation."""
    criteria = [row["criterion"].name for row in table["rows"]]
    figure = go.Figure([
        go.Bar(name=column["label"], x=criteria,
               y=[_number(row["cells"][i]["average"]) if row["cells"][i] else None for row in table["rows"]],
               hovertemplate=f"{column['label']}<br>%{{x}}: %{{y:.1f}}<extra></extra>")
        for i, column in enumerate(table["columns"])
    ])
    figure.update_layout(barmode="group")
    figure.update_yaxes(title="Average, 0–100 (100 best)", range=[0, 100])
    return chart("chart-rating-comparison", "Average normalised rating per criterion and evaluation", figure)


def aggregated_matrix(matrix):
    """Heatmap of the average normalised value per evaluation and criterion; cells without an assessed
    rating have no colour. The text is the average, as the table beside it prints it."""
    z = [[_number(cell["average"]) if cell else None for cell in row["cells"]] for row in matrix.rows]
    text = [["" if not cell or cell["average"] is None else str(cell["average"]) for cell in row["cells"]]
            for row in matrix.rows]
    figure = go.Figure(go.Heatmap(
        z=z, text=text, texttemplate="%{text}", x=[c.name for c in matrix.criteria],
        y=[row["label"] for row in matrix.rows], zmin=0, zmax=100, colorscale=WORST_TO_BEST,
        hoverongaps=False, colorbar=dict(title=dict(text="0–100<br>100 best")),
        hovertemplate="%{y}<br>%{x}: average %{z:.1f}<extra></extra>",
    ))
    figure.update_yaxes(autorange="reversed")
    figure.update_xaxes(side="top")
    drawn = chart("chart-matrix-aggregated", "Average normalised rating by evaluation and criterion (0–100, 100 best)",
                  figure, data_url="#aggregated-matrix")
    drawn["data"]["layout"]["height"] = max(340, 120 + 26 * len(matrix.rows))  # a readable row per evaluation
    return drawn
