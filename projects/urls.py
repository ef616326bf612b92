from django.urls import path

from . import import_views, views

app_name = "projects"
urlpatterns = [
    path("", views.portfolio, name="portfolio"),
    path("summary/", views.summary, name="summary"),
    path("import/", import_views.import_portfolio, name="import_portfolio"),
    path("import/confirm/", import_views.confirm_portfolio, name="confirm_portfolio"),
    path("import/ratings/", import_views.import_ratings, name="import_ratings"),
    path("import/ratings/confirm/", import_views.confirm_ratings, name="confirm_ratings"),
    path("import/template.<str:extension>", import_views.import_template, name="import_template"),
    path("<path:number>/", views.project_detail, name="detail"),
]
