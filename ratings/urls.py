from django.urls import path

from . import import_views, views

app_name = "ratings"
urlpatterns = [
    path("", views.ratings, name="list"),
    path("compare/", views.compare, name="compare"),
    path("new/", views.rating_new, name="new"),
    path("import/", import_views.import_ratings, name="import"),
    path("import/confirm/", import_views.confirm_import, name="confirm_import"),
    path("import/template.<str:extension>", import_views.import_template, name="import_template"),
    path("<int:pk>/", views.rating_detail, name="detail"),
    path("<int:pk>/edit/", views.rating_edit, name="edit"),
    path("<int:pk>/delete/", views.rating_delete, name="delete"),
]
