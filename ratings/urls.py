from django.urls import path

from . import views

app_name = "ratings"
urlpatterns = [
    path("", views.ratings, name="list"),
    path("compare/", views.compare, name="compare"),
    path("new/", views.rating_new, name="new"),
    path("<int:pk>/", views.rating_detail, name="detail"),
    path("<int:pk>/edit/", views.rating_edit, name="edit"),
    path("<int:pk>/delete/", views.rating_delete, name="delete"),
]
