"""EvalBase under load: people browsing, searching and exporting, and staff writing through the pages.

Run by loadtest/run.py, which prepares the database, starts gunicorn and reads what this file
records. The plan (LOADTEST_PLAN, JSON) names the staff and admin accounts and the records each may
write, so writers never collide; every write acknowledged by the site (a redirect after the POST) is
appended to LOADTEST_ACKS, and every request's outcome to LOADTEST_REQUESTS, for run.py to check.
"""

import itertools
import json
import os
import random
import re
import time
from datetime import date, timedelta

from locust import HttpUser, between, events, task

PLAN = json.loads(open(os.environ["LOADTEST_PLAN"]).read())
ACKS = open(os.environ["LOADTEST_ACKS"], "a", buffering=1)
REQUESTS = open(os.environ["LOADTEST_REQUESTS"], "a", buffering=1)
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
VERSION = re.compile(r'name="version" value="(\d+)"')
WORDS = ["cluster", "certification", "export", "training", "network", "value chain", "forestry", "women", "policy"]
BY = ["status", "region", "approach", "type", "country", "year"]
writer_slots = itertools.count()


@events.request.add_listener
def record(request_type, name, response_time, response, exception, **kwargs):
    status = getattr(response, "status_code", 0) if response is not None else 0
    REQUESTS.write(json.dumps({"t": time.time(), "name": name, "ms": response_time, "status": status,
                               "error": None if exception is None else type(exception).__name__}) + "\n")


def ok(response):
    """2xx and 3xx are successes; anything else is an error, kept under its status by run.py."""
    if response.status_code < 400:
        response.success()
    else:
        response.failure(f"status {response.status_code}")


class Visitor(HttpUser):
    """Someone browsing, filtering, searching and downloading, without logging in."""

    weight = 4
    wait_time = between(2, 6)  # a page, then a few seconds reading it

    def get(self, path, name, **params):
        with self.client.get(path, params=params, name=name, catch_response=True) as response:
            ok(response)

    @task(4)
    def portfolio(self):
        self.get("/portfolio/", "/portfolio/", page=random.randint(1, 20),
                 **random.choice([{}, {"region": "AF"}, {"status": "ongoing"}, {"year_from": "2010"}]))

    @task(2)
    def project(self):
        self.get(f"/portfolio/{random.choice(PLAN['projects'])}/", "/portfolio/[number]/")

    @task(2)
    def summary(self):
        self.get("/portfolio/summary/", "/portfolio/summary/", by=random.choice(BY))

    @task(3)
    def search(self):
        self.get("/findings/", "/findings/?q=", q=random.choice(WORDS))

    @task(2)
    def ratings(self):
        self.get("/ratings/", "/ratings/", evaluation=random.choice(PLAN["rated_evaluations"]))

    @task(2)
    def recommendations(self):
        self.get("/recommendations/", "/recommendations/", evaluation=random.choice(PLAN["evaluations"]))

    @task(1)
    def other_pages(self):
        path = random.choice(["/", "/evaluations/", "/ratings/compare/", "/ratings/evidence-map/",
                              "/recommendations/overdue/", "/reconciliation/", "/sources/"])
        self.get(path, path)

    @task(2)
    def export(self):
        kind = random.choice(["csv", "xlsx"])
        path = random.choice(["/portfolio/", "/ratings/", "/recommendations/"])
        params = {"format": kind, "evaluation": random.choice(
            PLAN["rated_evaluations"] if path == "/ratings/" else PLAN["evaluations"])}
        if path == "/portfolio/":
            params = {"format": kind, "region": random.choice(PLAN["regions"]), "year_from": "2015"}
        self.get(path, f"{path}?format={kind}", **params)


class Writer(HttpUser):
    """A Staff member editing ratings and an Admin following up recommendations, through the forms."""

    weight = 1
    wait_time = between(2, 6)

    def on_start(self):
        slot = next(writer_slots) % len(PLAN["writers"])
        self.account = PLAN["writers"][slot]
        self.writes = itertools.count(1)
        self.logged_in = False

    def login(self):
        page = self.client.get("/accounts/login/", name="/accounts/login/")
        token = CSRF.search(page.text) if page.status_code == 200 else None
        if token is None:
            return
        with self.client.post("/accounts/login/", name="/accounts/login/ POST", allow_redirects=False,
                              catch_response=True, data={"csrfmiddlewaretoken": token.group(1),
                                                         "username": self.account["username"],
                                                         "password": PLAN["password"]}) as response:
            ok(response)
            self.logged_in = response.status_code == 302

    def form(self, path, name):
        """The form page's CSRF token and version, or None when the page did not come."""
        with self.client.get(path, name=name, catch_response=True) as page:
            ok(page)
            if page.status_code != 200:
                return None
            token, version = CSRF.search(page.text), VERSION.search(page.text)
            return (token.group(1), version.group(1)) if token and version else None

    def post(self, path, name, data, ack):
        with self.client.post(path, name=name, data=data, allow_redirects=False, catch_response=True) as response:
            ok(response)
            if response.status_code == 302 and "/accounts/login/" not in response.headers.get("Location", ""):
                ACKS.write(json.dumps({"t": time.time(), **ack}) + "\n")

    @task
    def write(self):
        if not self.logged_in:
            return self.login()
        if self.account["role"] == "staff":
            return self.edit_rating(random.choice(self.account["ratings"]))
        return self.follow_up(random.choice(self.account["recommendations"]))

    def edit_rating(self, rating):
        form = self.form(f"/ratings/{rating['id']}/edit/", "/ratings/[id]/edit/")
        if form is None:
            return
        token, version = form
        mark = f"loadtest {self.account['username']} write {next(self.writes)}"
        data = {"csrfmiddlewaretoken": token, "version": version, "value": rating["value"], "label": rating["label"],
                "justification": mark}
        self.post(f"/ratings/{rating['id']}/edit/", "/ratings/[id]/edit/ POST", data,
                  {"kind": "rating", "id": rating["id"], "mark": mark})

    def follow_up(self, recommendation):
        form = self.form(f"/recommendations/{recommendation}/follow-up/", "/recommendations/[id]/follow-up/")
        if form is None:
            return
        token, version = form
        number = next(self.writes)
        mark = f"loadtest {self.account['username']} write {number}"
        data = {"csrfmiddlewaretoken": token, "version": version, "status": "in_progress", "implementation_note": "",
                "due_date": (date(2030, 1, 1) + timedelta(days=number)).isoformat(), "reason": mark}
        self.post(f"/recommendations/{recommendation}/follow-up/", "/recommendations/[id]/follow-up/ POST", data,
                  {"kind": "recommendation", "id": recommendation, "mark": mark})
