from django.urls import path

from . import views

app_name = "findings"
urlpatterns = [
    path("findings/", views.finding_list, name="list"),
    path("findings/<int:pk>/", views.finding_detail, name="detail"),
    path("recommendations/", views.recommendations, name="recommendations"),
    path("recommendations/overdue/", views.overdue, name="overdue"),
    path("recommendations/<int:pk>/", views.recommendation_detail, name="recommendation"),
    path("recommendations/<int:pk>/follow-up/", views.follow_up, name="follow_up"),
]
