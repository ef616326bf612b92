"""The benchmark's Markdown report: machine, data, page table, exports, warnings."""

import os
import platform
from importlib.metadata import version

from bench.measure import Samples
from bench.pages import BASELINE

# Targets of issue 9 for pages without a Datasette equivalent, as multiples of the baseline.
OTHER_P50, OTHER_P95 = 2.0, 3.0
CSV_RATIO, CSV_RSS_MB = 1.5, 250


def _ms(value):
    return "—" if value is None else f"{value:,.0f}"


def _ratio(a, b):
    return a / b if a is not None and b else None


def _kb(size):
    return f"{size / 1024:,.0f} KB" if size >= 1024 else f"{size} B"


def _count(value):
    return "?" if value is None else f"{value:,}"


def _mark(ok):
    return "✔" if ok else "✘"


def pooled_baseline(measured):
    """Every timed request of the baseline page in the run, whichever page it was paired with."""
    pooled = Samples()
    for m in measured:
        if m.page.datasette_path == BASELINE:
            pooled.responses += m.datasette.responses
    return pooled


def _target(m, baseline):
    if m.page.target == "other":
        p50 = _ratio(m.evalbase.p50(), baseline.p50())
        p95 = _ratio(m.evalbase.p95(), baseline.p95())
        if p50 is None or p95 is None:
            return "—"
        ok = p50 <= OTHER_P50 and p95 <= OTHER_P95
        return f"×{p50:.1f} / ×{p95:.1f} of baseline (≤ {OTHER_P50:g} / {OTHER_P95:g}) {_mark(ok)}"
    limit = float(m.page.target)
    ratio = _ratio(m.evalbase.p50(), m.datasette.p50())
    return "—" if ratio is None else f"ratio ≤ {limit:g} {_mark(ratio <= limit)}"


def _status(m):
    statuses = m.evalbase.outcomes()
    text = ", ".join(statuses)
    if m.evalbase.responses and m.evalbase.responses[0] is m.warmup[0]:
        text += " (one request: slower than 30 s or failed)"
    return text


def page_table(measured, queries):
    baseline = pooled_baseline(measured)
    lines = ["| page | EvalBase p50 / p95 ms | Datasette p50 / p95 ms | ratio p50 | target | cache off: p50 / p95 ms, "
             "ratio p50 | size EvalBase / Datasette | EvalBase status | queries | pairs |",
             "| --- | ---: | ---: | ---: | --- | ---: | ---: | --- | ---: | ---: |"]
    for m in measured:
        e, d = m.evalbase, m.datasette
        ratio = _ratio(e.p50(), d.p50())
        datasette = f"{_ms(d.p50())} / {_ms(d.p95())}" + ("" if m.page.datasette else " (baseline)")
        q = queries.get(m.page.evalbase, {})
        count = q.get("queries")
        cold_ratio = _ratio(m.cold.p50(), d.p50() if m.page.datasette else baseline.p50())
        cold = "—" if not m.cold.responses else \
            f"{_ms(m.cold.p50())} / {_ms(m.cold.p95())}, {'—' if cold_ratio is None else f'{cold_ratio:.2f}'}"
        lines.append(f"| {m.page.name} `{m.page.evalbase}` | {_ms(e.p50())} / {_ms(e.p95())} | {datasette} "
                     f"| {'—' if ratio is None else f'{ratio:.2f}'} | {_target(m, baseline)} | {cold} "
                     f"| {_kb(e.size())} / {_kb(d.size())} | {_status(m)} "
                     f"| {count if count is not None else q.get('status', '—')} | {len(e.responses)} |")
    return "\n".join(lines)


def export_table(exports, queries):
    lines = ["| export | result | time s | first byte s | size | rows | worker peak RSS MB, before → after | queries |",
             "| --- | --- | ---: | ---: | ---: | ---: | --- | ---: |"]
    for x in exports:
        r = x.response
        time = f"{r.seconds:.1f}" if x.verdict == "complete" else f"({r.seconds:.1f})"
        rss = "—" if x.rss_before is None else f"{x.rss_before:,.0f} → {_ms(x.rss_after)}"
        path = x.name.split("`")[1] if "EvalBase" in x.name else ""
        q = queries.get(path, {}).get("queries", "—") if path else "—"
        first = "—" if r.first_byte is None else f"{r.first_byte:.1f}"
        rows = "?" if x.rows is None else f"{x.rows:,}"
        lines.append(f"| {x.name} | {x.verdict} | {time} | {first} | {r.size / 2**20:,.1f} MB | {rows} | {rss} | {q} |")
    csv_e, csv_d = exports[0], exports[1]
    if csv_e.verdict == csv_d.verdict == "complete":
        ratio = csv_e.response.seconds / csv_d.response.seconds
        rss_ok = csv_e.rss_after is not None and csv_e.rss_after <= CSV_RSS_MB
        lines.append(f"\nCSV time EvalBase / Datasette: **{ratio:.2f}** "
                     f"(target ≤ {CSV_RATIO:g} {_mark(ratio <= CSV_RATIO)}); "
                     f"worker peak RSS {_ms(csv_e.rss_after)} MB (target ≤ {CSV_RSS_MB} {_mark(rss_ok)}).")
    else:
        lines.append("\nNo CSV ratio: an export that failed or was cut off is reported as such, never as a time.")
    return "\n".join(lines)


def machine(pg_version, sqlite_version, load_start):
    meminfo = open("/proc/meminfo").read().split("\n")[0].split()[1]
    model = next((line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo")
                  if line.startswith("model name")), "?")
    return [f"{os.cpu_count()} CPUs ({model}), {int(meminfo) / 2**20:.1f} GiB memory; load average "
            f"{load_start:.2f} at the start, {os.getloadavg()[0]:.2f} at the end (a shared machine: read the ratios)",
            f"PostgreSQL {pg_version}; SQLite {sqlite_version} (Python's sqlite3, which Datasette uses); "
            f"Python {platform.python_version()}; Django {version('django')}",
            f"EvalBase: gunicorn {version('gunicorn')}, one gthread worker (gunicorn.conf.py), DEBUG off, "
            "persistent connections (DB_CONN_MAX_AGE=600)",
            f"Datasette {version('datasette')}: one process, `--immutable`, SQL and facet time limits raised to the "
            "request timeout, `max_csv_mb 0`"]


def render(*, title, command, machine_lines, data_lines, preparation, timings, measured, exports, queries,
           warnings):
    baseline = pooled_baseline(measured)
    parts = [f"# {title}", "", f"Command: `{command}`", "", "## Machine", ""]
    parts += [f"- {line}" for line in machine_lines]
    parts += ["", "## Data", ""] + [f"- {line}" for line in data_lines]
    parts += ["", "## Time taken", ""]
    parts += [f"- {what}: {'reused' if seconds is None else f'{seconds:,.1f} s'}" for what, seconds in preparation]
    parts += [f"- {what}: {seconds:,.1f} s" for what, seconds in timings]
    parts += ["", "## Pages", "",
              f"Baseline (Datasette's filtered, faceted portfolio page `{BASELINE}`): "
              f"p50 **{_ms(baseline.p50())} ms**, p95 **{_ms(baseline.p95())} ms** over {len(baseline.responses)} "
              "requests alternated with EvalBase's pages in this run.", "", page_table(measured, queries), "",
              "Times from sending the request to the last byte, each on a new connection, EvalBase and Datasette "
              "alternated request by request; p95 is nearest-rank (the slowest of fewer than 20). Queries: the same "
              "page in-process (Django test client) against the same database. EvalBase keeps the figures about a "
              "selection (totals, facet counts, chart data) per data version until anything changes "
              "(evalbase/lib/aggregates.py); *cache off* is a second EvalBase worker that computes them on every "
              "request (AGGREGATE_CACHE=false), alternated in the same pairs: what the first visit to a selection "
              "after a change costs (its ratio is against the same Datasette page, or the baseline).",
              "", "## Exports (unfiltered portfolio, fresh gunicorn worker)", "", export_table(exports, queries)]
    parts += ["", "Matching rows, read on each page (EvalBase's page, Datasette's JSON):", ""]
    parts += [f"- {m.page.name}: EvalBase {_count(m.counts[0])}, Datasette {_count(m.counts[1])} "
              f"{_mark(m.counts[0] is not None and m.counts[0] == m.counts[1])}" for m in measured if m.page.count]
    parts += ["", "## Warnings", ""] + ([f"- {w}" for w in warnings] or ["- none"])
    parts += ["", "## Datasette pages", "", "| page | Datasette URL |", "| --- | --- |"]
    parts += [f"| {m.page.name} | `{m.page.datasette}` |" for m in measured if m.page.datasette]
    return "\n".join(parts) + "\n"
