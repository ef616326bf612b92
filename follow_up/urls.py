from django.urls import path

from . import views

app_name = "follow_up"
urlpatterns = [
    path("", views.recommendations, name="recommendations"),
    path("overdue/", views.overdue, name="overdue"),
    path("<int:pk>/", views.recommendation_detail, name="recommendation"),
    path("<int:pk>/follow-up/", views.follow_up, name="follow_up"),
]
