from django.urls import path

from . import views

app_name = "ratings"
urlpatterns = [
    path("", views.ratings, name="list"),
    path("<int:pk>/", views.rating_detail, name="detail"),
]
