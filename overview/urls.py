from django.urls import path

from . import views
from .maps import country_map

app_name = "overview"
urlpatterns = [
    path("", views.home, name="home"),
    path("evaluations/", views.evaluation_list, name="evaluations"),
    path("evaluations/<slug:slug>/", views.evaluation_detail, name="evaluation"),
    path("sources/", views.sources, name="sources"),
    path("sources/<int:pk>/", views.source_document, name="source"),
    path("ratings/evidence-map/", views.evidence_map_page, name="evidence_map"),
    path("map/", country_map, name="map"),
]
