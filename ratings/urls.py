from django.urls import path

from . import views

app_name = "ratings"
urlpatterns = [
    path("", views.ratings, name="list"),
    path("compare/", views.compare, name="compare"),
    path("evidence-map/", views.evidence_map_page, name="evidence_map"),
    path("<int:pk>/", views.rating_detail, name="detail"),
]
