# The main-menu entry of each page, by URL namespace, or by namespace and URL name where one app's
# pages sit under different entries.
SECTIONS = {
    "projects": "portfolio",
    "ratings": "ratings",
    "findings": "findings",
    "follow_up": "recommendations",
    ("overview", "evaluations"): "evaluations",
    ("overview", "evaluation"): "evaluations",
    ("overview", "evidence_map"): "ratings",
    ("overview", "sources"): "sources",
    ("overview", "source"): "sources",
    ("overview", "map"): "map",
    "reports": "reconciliation",
}


def navigation(request):
    """Which main-menu entry the page belongs to; pages with no resolved URL (404s) have none."""
    match = getattr(request, "resolver_match", None)
    if match is None:
        return {"nav_section": "", "url_name": ""}
    section = SECTIONS.get((match.namespace, match.url_name)) or SECTIONS.get(match.namespace, "")
    return {"nav_section": section, "url_name": match.url_name or ""}
