from django.urls import path

from . import import_views, views

app_name = "projects"
urlpatterns = [
    path("", views.portfolio, name="portfolio"),
    path("summary/", views.summary, name="summary"),
    path("import/", import_views.import_portfolio, name="import_portfolio"),
    path("import/confirm/", import_views.confirm_portfolio, name="confirm_portfolio"),
    path("import/template.<str:extension>", import_views.import_template, name="import_template"),
    # The ratings import moved to /ratings/import/.
    path("import/ratings/", import_views.Moved.as_view(pattern_name="ratings:import")),
    path("import/ratings/confirm/", import_views.Moved.as_view(pattern_name="ratings:confirm_import")),
    path("<path:number>/", views.project_detail, name="detail"),
]
