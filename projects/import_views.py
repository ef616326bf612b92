"""The portfolio import's pages (the work is in evalbase.lib.import_views and imports.py), and the
old addresses of the ratings import, which moved to /ratings/import/."""

from django.contrib.auth.decorators import login_required, permission_required
from django.http import Http404
from django.shortcuts import redirect
from django.views.decorators.http import require_POST
from django.views.generic import RedirectView

from evalbase.lib.import_views import ImportPages

from .imports import PortfolioImport

PAGES = ImportPages(PortfolioImport, upload="projects:import_portfolio", confirm="projects:confirm_portfolio",
                    template="projects:import_template")


@login_required
@permission_required("projects.import_portfolio", raise_exception=True)
def import_portfolio(request):
    return PAGES.upload_page(request)


@require_POST
@login_required
@permission_required("projects.import_portfolio", raise_exception=True)
def confirm_portfolio(request):
    return PAGES.confirm_page(request)


@login_required
def import_template(request, extension):
    kind = request.GET.get("kind", "portfolio")
    if kind == "ratings":  # the ratings template's old address
        return _moved(redirect("ratings:import_template", extension))
    if kind != "portfolio":
        raise Http404("No such template.")
    return PAGES.template_download(extension)


class Moved(RedirectView):
    """A page that moved for good: 308, so that a form posted to the old address (an upload, a
    confirmation) is posted again to the new one, not turned into a GET as after a 301."""

    permanent = True
    query_string = True

    def get(self, request, *args, **kwargs):
        return _moved(super().get(request, *args, **kwargs))


def _moved(response):
    response.status_code = 308
    return response
