def navigation(request):
    """Which main-menu entry the page belongs to; pages with no resolved URL (404s) have none."""
    match = getattr(request, "resolver_match", None)
    if match is None:
        return {"nav_section": "", "url_name": ""}
    return {"nav_section": match.namespace or match.url_name or "", "url_name": match.url_name or ""}
