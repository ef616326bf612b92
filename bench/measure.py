"""Page timings: each page pair warmed up, then EvalBase and Datasette requested alternately."""

import json
import math
import re
import statistics
from dataclasses import dataclass, field

from bench.client import get
from bench.pages import json_path

PORTFOLIO_COUNT = re.compile(rb'data-total="projects">\s*([\d,]+)')
SEARCH_COUNT = re.compile(rb"([\d,]+) results?\b")


@dataclass
class Settings:
    max_pairs: int  # at most this many alternated pairs per page
    min_pairs: int  # at least this many, whatever the budget
    budget: float  # seconds of requests per page, beyond which no more pairs are taken
    timeout: float  # seconds a request may take before it counts as failed
    slow: float = 30.0  # a page slower than this is measured once more, not repeatedly


@dataclass
class Samples:
    responses: list = field(default_factory=list)

    @property
    def times_ms(self):
        return [r.seconds * 1000 for r in self.responses]

    def p50(self):
        return statistics.median(self.times_ms) if self.responses else None

    def p95(self):
        """Nearest-rank 95th percentile (with fewer than 20 samples: the slowest)."""
        times = sorted(self.times_ms)
        return times[math.ceil(0.95 * len(times)) - 1] if times else None

    def outcomes(self):
        return sorted({r.outcome for r in self.responses})

    def size(self):
        return max((r.size for r in self.responses), default=0)


@dataclass
class Measured:
    page: object
    evalbase: Samples = field(default_factory=Samples)
    datasette: Samples = field(default_factory=Samples)
    cold: Samples = field(default_factory=Samples)  # EvalBase with its aggregate cache off
    warmup: tuple = ()
    counts: tuple = (None, None)
    warnings: list = field(default_factory=list)


def _pairs(settings, warm_evalbase, warm_datasette):
    """How many pairs to time after the warm-up: 0 for a page slower than `slow` (its warm-up is its
    one measurement), else as many as the budget allows within [min_pairs, max_pairs]."""
    if warm_evalbase.seconds > settings.slow or not warm_evalbase.status:
        return 0
    affordable = int(settings.budget // max(warm_evalbase.seconds + warm_datasette.seconds, 1e-3))
    return max(settings.min_pairs, min(settings.max_pairs, affordable))


class Bench:
    """Requests to the servers; restarts a gunicorn whose request outlived the client's timeout (its
    one sync worker would otherwise still be busy with it when the next request comes).

    `cold` is a second EvalBase with its aggregate cache off (AGGREGATE_CACHE=false): every figure
    computed afresh on every request, what a first visit after a change costs."""

    def __init__(self, evalbase, datasette, settings, *, log, cold=None):
        self.evalbase, self.datasette, self.settings, self.log = evalbase, datasette, settings, log
        self.cold = cold

    def evalbase_get(self, path, server=None, **kwargs):
        server = server or self.evalbase
        response = get(server.port, path, timeout=self.settings.timeout, **kwargs)
        if response.status is None or "timeout" in response.error or "within" in response.error:
            self.log(f"    EvalBase {path}: {response.outcome} after {response.seconds:.1f} s; restarting gunicorn")
            server.restart()
        return response

    def datasette_get(self, path, **kwargs):
        return get(self.datasette.port, path, timeout=self.settings.timeout, **kwargs)

    def measure(self, page):
        result = Measured(page)
        warm_e = self.evalbase_get(page.evalbase, keep_body=bool(page.count))
        warm_d = self.datasette_get(page.datasette_path)
        result.warmup = (warm_e, warm_d)
        pairs = _pairs(self.settings, warm_e, warm_d)
        if not pairs:
            result.evalbase.responses.append(warm_e)
            result.datasette.responses.append(warm_d)
        if self.cold and pairs:
            self.evalbase_get(page.evalbase, self.cold)
        for n in range(pairs):
            steps = [("e", page.evalbase), ("d", page.datasette_path)] + ([("c", page.evalbase)] if self.cold else [])
            for side, path in steps if n % 2 == 0 else reversed(steps):
                if side == "e":
                    result.evalbase.responses.append(self.evalbase_get(path))
                elif side == "c":
                    result.cold.responses.append(self.evalbase_get(path, self.cold))
                else:
                    result.datasette.responses.append(self.datasette_get(path))
        if page.count:
            self.check_count(result, warm_e)
        for side, samples in (("EvalBase", result.evalbase), ("Datasette", result.datasette)):
            if any(not r.ok for r in samples.responses):
                result.warnings.append(f"{page.name}: {side} answered {', '.join(samples.outcomes())}")
        return result

    def check_count(self, result, warm_evalbase):
        pattern = PORTFOLIO_COUNT if result.page.count == "portfolio" else SEARCH_COUNT
        found = pattern.search(warm_evalbase.body or b"")
        evalbase = int(found.group(1).replace(b",", b"")) if found else None
        answer = self.datasette_get(json_path(result.page.datasette_path), keep_body=True)
        try:
            datasette = json.loads(answer.body)["filtered_table_rows_count"]
        except (ValueError, KeyError, TypeError):
            datasette = None
        result.counts = (evalbase, datasette)
        if evalbase is None or datasette is None or evalbase != datasette:
            result.warnings.append(f"{result.page.name}: matching rows differ or unread: "
                                   f"EvalBase {evalbase}, Datasette {datasette}")


def check_next_token(bench, path, expected):
    """Datasette's own `_next` for the first page must be the token the benchmark computes for it."""
    answer = bench.datasette_get(json_path(path), keep_body=True)
    try:
        actual = json.loads(answer.body)["next"]
    except (ValueError, KeyError, TypeError):
        actual = None
    return actual == expected, actual
