"""What a load-test run shows: throughput, latency, errors by status, and acknowledged writes checked
against the database. Needs Django set up on the load-test database (run.py does it)."""

import json
from collections import Counter
from statistics import quantiles

# A request that ends this long after PostgreSQL is back still counts as part of the outage (it
# failed while PostgreSQL was starting).
OUTAGE_GRACE_SECONDS = 2


def read_lines(path):
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def percentile(values, fraction):
    if len(values) < 2:
        return values[0] if values else 0
    return quantiles(values, n=100, method="inclusive")[round(fraction * 100) - 1]


def in_outage(request, outage):
    return outage is not None and outage["began"] <= request["t"] <= outage["database_back"] + OUTAGE_GRACE_SECONDS


def first_success_after(requests, moment):
    """When the app served a page again: the first success after `moment` (the app was never restarted)."""
    return min((r["t"] for r in requests if r["t"] > moment and 0 < r["status"] < 400), default=None)


def stored_writes(acks):
    """Which acknowledged writes the database holds: each one's mark in the record's history."""
    from django.db import connection

    from findings.models import Recommendation
    from ratings.models import Rating

    connection.close()  # a connection from before a PostgreSQL restart is gone
    found = 0
    for ack in acks:
        if ack["kind"] == "rating":
            found += Rating.history.filter(id=ack["id"], justification=ack["mark"]).exists()
        else:
            found += Recommendation.history.filter(id=ack["id"], history_change_reason=ack["mark"]).exists()
    return found


def summarise(name, requests_path, acks_path, outage):
    requests, acks = read_lines(requests_path), read_lines(acks_path)
    errors = [r for r in requests if r["status"] == 0 or r["status"] >= 400]
    outside = Counter(r["status"] for r in errors if not in_outage(r, outage))
    during = Counter(r["status"] for r in errors if in_outage(r, outage))
    times = sorted(r["ms"] for r in requests)
    span = (max(r["t"] for r in requests) - min(r["t"] for r in requests)) if requests else 0
    stored = stored_writes(acks)
    if outage:
        outage["app_back"] = first_success_after(requests, outage["database_back"])
    result = {
        "name": name, "requests": len(requests), "throughput": len(requests) / span if span else 0,
        "p50": percentile(times, 0.50), "p95": percentile(times, 0.95),
        "errors_outside": dict(outside), "errors_during": dict(during), "acknowledged": len(acks), "stored": stored,
        "outage": outage,
    }
    result["passed"] = (not outside and stored == len(acks) and all(status == 503 for status in during)
                        and (outage is None or outage["app_back"] is not None))
    return result


def describe(counter):
    return ", ".join(f"{count} × {status or 'no answer'}" for status, count in sorted(counter.items())) or "none"


def print_report(results, plan_path):
    print(f"\n{'run':8} {'requests':>8} {'req/s':>7} {'p50 ms':>7} {'p95 ms':>7}  {'acknowledged writes':>19} "
          f"{'stored':>6} {'lost':>4}  errors outside the outage")
    for r in results:
        print(f"{r['name']:8} {r['requests']:>8} {r['throughput']:>7.1f} {r['p50']:>7.0f} {r['p95']:>7.0f}  "
              f"{r['acknowledged']:>19} {r['stored']:>6} {r['acknowledged'] - r['stored']:>4}  "
              f"{describe(r['errors_outside'])}")
    for r in results:
        if r["outage"]:
            outage = r["outage"]
            took = outage["database_back"] - outage["began"]
            back = (f"served its next page {outage['app_back'] - outage['database_back']:.1f} s later"
                    if outage["app_back"] else "served no page afterwards")
            print(f"\nPostgreSQL restart ({r['name']}): the restart took {took:.1f} s;"
                  f" the app, never restarted, {back}.")
            print(f"Errors during the outage (+{OUTAGE_GRACE_SECONDS} s): {describe(r['errors_during'])}")
    verdict = "PASSED" if all(r["passed"] for r in results) else "FAILED"
    print(f"\n{verdict}: targets are 0 errors outside the outage, only 503 during it, 0 lost acknowledged writes.")
