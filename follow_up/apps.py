from django.apps import AppConfig


class FollowUpConfig(AppConfig):
    name = "follow_up"
    verbose_name = "Recommendation follow-up"
