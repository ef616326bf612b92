"""`python -m bench`: EvalBase against Datasette on the same rows, side by side (see bench/README.md)."""

import argparse
import datetime
import os
import secrets
import sqlite3
import sys
import time

from bench import pages as bench_pages
from bench import prepare, report, servers
from bench.exports import measure_exports
from bench.measure import Bench, Settings, check_next_token
from bench.query_count import count_queries

GIB = 2**30
EVALUATION = "synthetic-agency-a-evaluation-1"  # every synthetic agency has at least three evaluations


def log(message):
    print(message, file=sys.stderr, flush=True)


def arguments(argv):
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--projects", type=int, default=100_000, help="synthetic projects (default 100000)")
    parser.add_argument("--quick", action="store_true", help="fewer requests per page, for development")
    parser.add_argument("--timeout", type=float, default=60, help="seconds before a page request is given up")
    parser.add_argument("--export-timeout", type=float, default=600, help="seconds before an export is given up")
    parser.add_argument("--memory-limit-gb", type=float, default=8, help="address space of each server process")
    parser.add_argument("--command", default="", help="the command to print in the report")
    parser.add_argument("--prepare-only", action="store_true", help="prepare (or check) the data and stop")
    return parser.parse_args(argv)


def django_env(url):
    env = dict(os.environ)
    env.update(DATABASE_URL=url, DEBUG="false", SECRET_KEY=secrets.token_urlsafe(40), DB_CONN_MAX_AGE="600",
               ALLOWED_HOSTS="127.0.0.1,localhost,testserver", LOG_LEVEL="WARNING")
    return env


def settings_for(args):
    if args.quick:
        return Settings(max_pairs=5, min_pairs=3, budget=6, timeout=args.timeout)
    return Settings(max_pairs=15, min_pairs=5, budget=15, timeout=args.timeout)


def prepare_data(args, url, env):
    log(f"Preparing {args.projects:,} synthetic projects in {prepare.database_name(url)} ...")
    preparation = prepare.Preparation(url=url, projects=args.projects, env=env, log=log)
    preparation.collectstatic()  # first: with DEBUG off, the URLconf needs the static manifest
    preparation.postgres()
    sqlite_path, copy = preparation.sqlite()
    return preparation, sqlite_path, copy


def start_servers(args, url, env, sqlite_path, workdir):
    limit = int(args.memory_limit_gb * GIB)
    gunicorn = servers.gunicorn(env=env, log=workdir / "gunicorn.log", memory_limit=limit,
                                timeout=int(args.export_timeout + 60))
    gunicorn.after_stop = lambda: prepare.stop_queries(url)
    datasette = servers.datasette(database=sqlite_path, log=workdir / "datasette.log", memory_limit=limit,
                                  time_limit_ms=int(args.export_timeout * 1000))
    cold = servers.gunicorn(env={**env, "AGGREGATE_CACHE": "false"}, log=workdir / "gunicorn-cache-off.log",
                            memory_limit=limit, timeout=int(args.export_timeout + 60))
    cold.after_stop = gunicorn.after_stop
    return gunicorn.start(), datasette.start(), cold.start()


def measure_pages(bench, page_list, sqlite_path):
    measured, warnings = [], []
    first = bench_pages.portfolio()
    ok, actual = check_next_token(bench, first, bench_pages.next_token(sqlite_path, bench_pages.PAGE_SIZE))
    if not ok:
        warnings.append(f"Datasette's own `_next` for page 1 is {actual!r}: the deep-page token may be wrong")
    for page in page_list:
        log(f"  {page.name} ...")
        result = bench.measure(page)
        log(f"    EvalBase p50 {result.evalbase.p50() or 0:,.0f} ms, "
            f"Datasette p50 {result.datasette.p50() or 0:,.0f} ms ({len(result.evalbase.responses)} pairs)")
        measured.append(result)
        warnings += result.warnings
    return measured, warnings


def data_lines(copy, state, page_list):
    rows = copy["rows"]
    deep = next(p for p in page_list if "page=" in p.evalbase).evalbase
    return [f"{state['synthetic_projects']:,} synthetic projects and {state['transcribed_projects']:,} transcribed "
            f"ones; {rows['allotments']:,} allotment lines, {rows['ratings']:,} ratings, {rows['findings']:,} "
            f"findings, {rows['recommendations']:,} recommendations",
            f"SQLite copy: the same rows ({', '.join(rows)}), {copy['indexes']} indexes, FTS5 on findings and on "
            "`evidence` (findings, lessons and recommendations: what EvalBase's search covers)",
            f"Deep page: `{deep}`; Datasette reaches the same rows with its `_next` keyset token"]


def serve_and_measure(args, url, env, sqlite_path, page_list, expected):
    """Both servers up, the pages timed, the exports run; the servers stopped whatever happens."""
    log("Serving EvalBase (gunicorn) and Datasette ...")
    workdir = sqlite_path.parent
    gunicorn, datasette, cold = start_servers(args, url, env, sqlite_path, workdir)
    timings = []
    try:
        phase = time.perf_counter()
        bench = Bench(gunicorn, datasette, settings_for(args), log=log, cold=cold)
        measured, warnings = measure_pages(bench, page_list, sqlite_path)
        timings.append(("page measurements", time.perf_counter() - phase))
        log("Exports ...")
        phase = time.perf_counter()
        exports = measure_exports(gunicorn, datasette, expected=expected, workdir=workdir,
                                  timeout=args.export_timeout, log=log)
        timings.append(("exports", time.perf_counter() - phase))
    finally:
        gunicorn.stop()
        datasette.stop()
        cold.stop()
    warnings += [f"{x.name}: {x.verdict}" for x in exports if x.verdict != "complete"]
    return measured, exports, warnings, timings


def queries_per_page(args, url, env, page_list):
    log("Queries per page (in-process) ...")
    paths = [p.evalbase for p in page_list] + ["/portfolio/?format=csv"]
    return count_queries(paths, env=env, timeout=args.timeout, memory_limit=int(args.memory_limit_gb * GIB),
                         log=log, after_kill=lambda: prepare.stop_queries(url))


def run(args):
    started, load_start = time.perf_counter(), os.getloadavg()[0]
    url = os.environ.get("BENCH_DATABASE_URL") or prepare.default_database_url(args.projects)
    env = django_env(url)
    preparation, sqlite_path, copy = prepare_data(args, url, env)
    if args.prepare_only:
        for what, seconds in preparation.steps:
            log(f"  {what}: {'reused' if seconds is None else f'{seconds:,.1f} s'}")
        return
    state = preparation.state()
    total = state["synthetic_projects"] + state["transcribed_projects"]
    page_list = bench_pages.pages(projects_total=total, sqlite_path=sqlite_path, evaluation=EVALUATION)
    measured, exports, warnings, timings = serve_and_measure(args, url, env, sqlite_path, page_list, total)
    phase = time.perf_counter()
    queries = queries_per_page(args, url, env, page_list)
    timings += [("queries per page", time.perf_counter() - phase), ("the whole run", time.perf_counter() - started)]
    today = datetime.date.today().isoformat()
    text = report.render(
        title=f"EvalBase and Datasette on the same rows: {args.projects:,} synthetic projects ({today})",
        command=args.command or "python -m bench " + " ".join(sys.argv[1:]),
        machine_lines=report.machine(prepare.server_version(url), sqlite3.sqlite_version, load_start),
        data_lines=data_lines(copy, state, page_list), preparation=preparation.steps, timings=timings,
        measured=measured, exports=exports, queries=queries, warnings=warnings)
    out = prepare.ROOT / "bench" / "results" / f"{today}-{args.projects}{'-quick' if args.quick else ''}.md"
    out.parent.mkdir(exist_ok=True)
    out.write_text(text)
    print(text)
    log(f"Written to {out.relative_to(prepare.ROOT)}")


if __name__ == "__main__":
    run(arguments(sys.argv[1:]))
