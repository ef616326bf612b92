from django.contrib.auth.decorators import login_not_required
from django.urls import path
from health_check.views import HealthCheckView

# For load balancers: public (even without public browsing), cheap (one SELECT 1), never cached.
# 200 when the database answers, 500 when it does not; `?format=json` or Accept: text/plain for machines.
health = login_not_required(HealthCheckView.as_view(checks=["health_check.checks.Database"]))

urlpatterns = [
    path("health/", health, name="health"),
]
