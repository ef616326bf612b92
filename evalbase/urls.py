from django.contrib import admin
from django.templatetags.static import static
from django.urls import include, path
from django.views.generic import RedirectView

from evaluations import views as evaluation_views

urlpatterns = [
    path("", evaluation_views.home, name="home"),
    path("portfolio/", include("projects.urls")),
    path("evaluations/", include("evaluations.urls")),
    path("ratings/", include("ratings.urls")),
    path("", include("findings.urls")),
    path("reconciliation/", evaluation_views.reconciliation, name="reconciliation"),
    path("sources/", evaluation_views.sources, name="sources"),
    path("accounts/", include("accounts.urls")),
    path("admin/", admin.site.urls),
    path("favicon.ico", RedirectView.as_view(url=static("img/favicon.svg"), permanent=True)),
]
