"""`make loadtest`: EvalBase under 50 users for 60 s, then again with a PostgreSQL restart halfway.

1. Prepares a PostgreSQL database (LOADTEST_DATABASE_URL): migrations, the four reports, 10,000
   synthetic projects (`generate_demo_data`), and writer accounts (Staff edit ratings, Admins follow up
   recommendations), each given records of its own so writes never collide.
2. Serves it with gunicorn on 127.0.0.1 (DEBUG off), as `make serve` does.
3. Runs locust headless (loadtest/locustfile.py) twice: steady, then with
   `pg_ctlcluster --skip-systemctl-redirect VERSION CLUSTER restart` after RESTART_AT seconds.
4. Prints throughput, p50/p95, errors by status (outside and during the outage), and the writes the
   site acknowledged against those found in the database afterwards.

Only 127.0.0.1 is loaded, for a bounded time. On a machine shared with other work, point it at a
PostgreSQL cluster of its own (LOADTEST_DATABASE_URL with that port, LOADTEST_PG_CLUSTER).
"""

import argparse
import contextlib
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import dj_database_url
import psycopg2

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from loadtest.report import print_report, summarise  # noqa: E402

PASSWORD = "loadtest-writer-passphrase"
WRITERS, RECORDS_PER_WRITER = 10, 20


def arguments():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--locust", required=True, help="the locust executable (its own venv)")
    parser.add_argument("--database-url", default=os.environ.get(
        "LOADTEST_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/evalbase_loadtest"))
    parser.add_argument("--cluster", default=os.environ.get("LOADTEST_PG_CLUSTER", "main"))
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--restart-at", type=int, default=20, help="seconds into the second run")
    parser.add_argument("--projects", type=int, default=10000)
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers")
    return parser.parse_args()


def manage(*args, env, quiet=True):
    subprocess.run([sys.executable, str(ROOT / "manage.py"), *args], env=env, check=True,
                   stdout=subprocess.DEVNULL if quiet else None)


def create_database(url):
    config = dj_database_url.parse(url)
    server = psycopg2.connect(dbname="postgres", user=config["USER"], password=config["PASSWORD"],
                              host=config["HOST"], port=config["PORT"])
    server.autocommit = True
    with server.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [config["NAME"]])
        if cursor.fetchone() is None:
            cursor.execute(f'CREATE DATABASE "{config["NAME"]}"')
    server.close()


def prepare(env, projects):
    """The database with the reports and the synthetic portfolio, made once and kept."""
    create_database(env["DATABASE_URL"])
    manage("migrate", "--noinput", "-v0", env=env)
    manage("collectstatic", "--noinput", "-v0", env=env)
    import django

    django.setup()
    from evaluations.models import Evaluation
    from projects.models import Project

    if not Evaluation.objects.filter(source__isnull=False).exists():
        manage("load_reports", env=env)
    if Project.objects.filter(programme__organisation__slug__startswith="synthetic-").count() < projects:
        manage("generate_demo_data", "--remove", env=env)
        print(f"Generating {projects} synthetic projects (once; kept for later runs)...", flush=True)
        manage("generate_demo_data", "--projects", str(projects), "--quiet", env=env)


def make_plan(path):
    """Writer accounts and the records each may write; pages to browse."""
    from django.contrib.auth import get_user_model

    from accounts.roles import add_user
    from evaluations.models import Evaluation
    from findings.models import Recommendation
    from projects.models import Project
    from ratings.models import Rating
    from reference.models import Region

    synthetic = {"evaluation__commissioner__slug__startswith": "synthetic-"}
    ratings = list(Rating.objects.filter(**synthetic, not_assessed=False).order_by("pk")
                   .values("pk", "value", "label")[:WRITERS * RECORDS_PER_WRITER])
    recommendations = list(Recommendation.objects.filter(**synthetic, status__in=["open", "in_progress"])
                           .order_by("pk").values_list("pk", flat=True)[:WRITERS * RECORDS_PER_WRITER])
    get_user_model().objects.filter(username__startswith="loadtest-").delete()
    writers = []
    for n in range(WRITERS):
        role = "staff" if n % 2 == 0 else "admin"
        account = {"username": f"loadtest-{role}-{n}", "role": role}
        add_user(username=account["username"], role=role, password=PASSWORD)
        if role == "staff":
            account["ratings"] = [{"id": r["pk"], "value": str(r["value"]), "label": r["label"]}
                                  for r in ratings[n::WRITERS]]
        else:
            account["recommendations"] = recommendations[n::WRITERS]
        writers.append(account)
    plan = {
        "password": PASSWORD, "writers": writers,
        "projects": list(Project.objects.order_by("?").values_list("number", flat=True)[:500]),
        "evaluations": list(Evaluation.objects.values_list("slug", flat=True)),
        "rated_evaluations": list(Evaluation.objects.filter(ratings__isnull=False).distinct()
                                  .values_list("slug", flat=True)),
        "regions": list(Region.objects.values_list("code", flat=True)),
    }
    path.write_text(json.dumps(plan))
    return plan


@contextlib.contextmanager
def gunicorn(env, workers, log):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    url = f"http://127.0.0.1:{port}"
    process = subprocess.Popen([str(Path(sys.executable).parent / "gunicorn"), "evalbase.wsgi", "--bind",
                                f"127.0.0.1:{port}", "--workers", str(workers)], cwd=ROOT, env=env,
                               stdout=log, stderr=log)
    try:
        wait_for(url + "/health/", timeout=60)
        yield url, process.pid
    finally:
        process.terminate()
        process.wait(timeout=30)


def healthy(url):
    try:
        with urllib.request.urlopen(urllib.request.Request(url, headers={"Accept": "text/plain"}), timeout=2) as r:
            return r.status == 200
    except OSError:
        return False


def wait_for(url, timeout):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if healthy(url):
            return time.time()
        time.sleep(0.1)
    raise RuntimeError(f"{url} did not answer within {timeout} s")


def restart_postgres(cluster):
    """Restart the cluster (the app is left running); return when it began and when PostgreSQL was back."""
    version = sorted(os.listdir("/etc/postgresql"))[-1]
    began = time.time()
    subprocess.run(["pg_ctlcluster", "--skip-systemctl-redirect", version, cluster, "restart"], check=True)
    return {"began": began, "database_back": time.time()}


def run_scenario(name, args, url, plan_path, workdir, restart):
    files = {kind: workdir / f"{name}-{kind}.jsonl" for kind in ("acks", "requests")}
    env = {**os.environ, "LOADTEST_PLAN": str(plan_path), "LOADTEST_ACKS": str(files["acks"]),
           "LOADTEST_REQUESTS": str(files["requests"])}
    command = [args.locust, "-f", str(ROOT / "loadtest" / "locustfile.py"), "--headless", "--users",
               str(args.users), "--spawn-rate", "10", "--run-time", f"{args.seconds}s", "--host", url,
               "--stop-timeout", "10", "--exit-code-on-error", "0", "--only-summary"]
    print(f"\n== {name}: {args.users} users for {args.seconds} s" + (
        f", PostgreSQL restarted at {args.restart_at} s" if restart else "") + " ==", flush=True)
    with open(workdir / f"{name}-locust.log", "w") as log:
        locust = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT, cwd=ROOT)
        outage = None
        if restart:
            time.sleep(args.restart_at)
            outage = restart_postgres(args.cluster)
        locust.wait(timeout=args.seconds + 120)
    return summarise(name, files["requests"], files["acks"], outage)


def main():
    args = arguments()
    env = {key: value for key, value in os.environ.items() if key != "DEBUG"}
    env.update(DATABASE_URL=args.database_url, DJANGO_SETTINGS_MODULE="evalbase.settings")
    os.environ.update(env)
    prepare(env, args.projects)
    workdir = Path(tempfile.mkdtemp(prefix="evalbase-loadtest-"))
    plan_path = workdir / "plan.json"
    make_plan(plan_path)
    from django.db import connection

    connection.close()
    results = []
    with open(workdir / "gunicorn.log", "w") as log, gunicorn(env, args.workers, log) as (url, pid):
        for name, restart in (("steady", False), ("restart", True)):
            results.append(run_scenario(name, args, url, plan_path, workdir, restart))
        os.kill(pid, 0)  # raises if gunicorn is gone: the same server must have served both runs
    print_report(results, plan_path)
    print(f"\nRequests, acknowledgements and logs: {workdir}")
    return 0 if all(result["passed"] for result in results) else 1


if __name__ == "__main__":
    sys.exit(main())
