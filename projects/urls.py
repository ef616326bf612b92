from django.urls import path

from . import views

app_name = "projects"
urlpatterns = [
    path("", views.portfolio, name="portfolio"),
    path("summary/", views.summary, name="summary"),
    path("<path:number>/", views.project_detail, name="detail"),
]
