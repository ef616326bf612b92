"""The ratings import's pages; the work is in evalbase.lib.import_views and imports.py."""

from django.contrib.auth.decorators import login_required, permission_required
from django.views.decorators.http import require_POST

from evalbase.lib.import_views import ImportPages

from .imports import RatingImport

PAGES = ImportPages(RatingImport, upload="ratings:import", confirm="ratings:confirm_import",
                    template="ratings:import_template")


@login_required
@permission_required("ratings.import_ratings", raise_exception=True)
def import_ratings(request):
    return PAGES.upload_page(request)


@require_POST
@login_required
@permission_required("ratings.import_ratings", raise_exception=True)
def confirm_import(request):
    return PAGES.confirm_page(request)


@login_required
def import_template(request, extension):
    return PAGES.template_download(extension)
