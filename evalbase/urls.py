from django.contrib import admin
from django.templatetags.static import static
from django.urls import include, path, re_path
from django.utils.functional import lazy
from django.views.generic import RedirectView

from evalbase.lib.import_views import job_page

# Admin pages of the reference data from before it had an app of its own keep working.
MOVED_TO_REFERENCE = "sourcedocument|organisation|region|country|criterion|ratingscale|scalelevel|theme"

urlpatterns = [
    # Before ratings/: the evidence map spans findings and ratings, so it lives in overview.
    path("", include("overview.urls")),
    path("", include("reports.urls")),
    path("portfolio/", include("projects.urls")),
    path("ratings/", include("ratings.urls")),
    path("findings/", include("findings.urls")),
    path("recommendations/", include("follow_up.urls")),
    path("imports/<uuid:job_id>/", job_page, name="import_job"),
    path("accounts/", include("accounts.urls")),
    re_path(rf"^admin/(?:evaluations|ratings|findings)/(?P<rest>(?:{MOVED_TO_REFERENCE})/.*)$",
            RedirectView.as_view(url="/admin/reference/%(rest)s", permanent=True, query_string=True)),
    path("admin/", admin.site.urls),
    # Looked up per request: the hashed name is only known once `collectstatic` has run, and
    # commands such as `migrate` import these URLs before it has.
    path("favicon.ico", RedirectView.as_view(url=lazy(static, str)("img/favicon.svg"), permanent=True)),
    path("", include("operations.urls")),
]

handler500 = "operations.views.server_error_or_unavailable"
