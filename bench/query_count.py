"""Queries per page: each page requested in-process (Django's test client) against the benchmark
database, its SQL queries counted with CaptureQueriesContext.

`python -m bench.query_count PATH...` prints one JSON line per page. The benchmark runs it in a
subprocess and restarts it past a page that outlives the time limit, so that one pathological page
costs its limit and no more.
"""

import json
import os
import select
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _count(client, connection, path):
    from django.test.utils import CaptureQueriesContext

    started = time.perf_counter()
    try:
        with CaptureQueriesContext(connection) as queries:
            response = client.get(path)
            if response.streaming:
                for _ in response.streaming_content:
                    pass
        return {"path": path, "queries": len(queries), "status": response.status_code,
                "seconds": time.perf_counter() - started}
    except MemoryError:
        return {"path": path, "queries": None, "status": "MemoryError", "seconds": time.perf_counter() - started}


def main(paths):
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "evalbase.settings")
    django.setup()
    from django.db import connection
    from django.test import Client

    client = Client(raise_request_exception=False)
    for path in paths:
        print(json.dumps(_count(client, connection, path)), flush=True)


class _Lines:
    """Lines from a pipe, waiting at most `timeout` seconds for each (None when none came)."""

    def __init__(self, pipe, timeout):
        self.fd, self.timeout, self.buffer = pipe.fileno(), timeout, b""

    def next(self):
        deadline = time.monotonic() + self.timeout
        while b"\n" not in self.buffer:
            ready, _, _ = select.select([self.fd], [], [], max(0.0, deadline - time.monotonic()))
            chunk = os.read(self.fd, 1 << 16) if ready else b""
            if not chunk:
                return None
            self.buffer += chunk
        line, self.buffer = self.buffer.split(b"\n", 1)
        return line


def _why_stopped(process, timeout):
    try:
        return f"failed (exit {process.wait(2)})"
    except subprocess.TimeoutExpired:
        return f"over {timeout:g} s"


def count_queries(paths, *, env, timeout, memory_limit, log, after_kill=None):
    """{path: result} for every path; a page past `timeout` seconds (or crashing) is noted and skipped.
    `after_kill` runs each time the worker process is ended (e.g. to end its database session)."""
    from bench.servers import _limit_memory

    results, remaining = {}, list(paths)
    while remaining:
        process = subprocess.Popen([sys.executable, "-m", "bench.query_count", *remaining], cwd=ROOT, env=env,
                                   stdout=subprocess.PIPE, preexec_fn=_limit_memory(memory_limit))
        lines = _Lines(process.stdout, timeout)
        try:
            while remaining:
                line = lines.next()
                if line is None:
                    reason = _why_stopped(process, timeout)
                    log(f"    {remaining[0]}: {reason}")
                    results[remaining.pop(0)] = {"queries": None, "status": reason}
                    break
                if not line.startswith(b"{"):
                    continue  # something the page printed
                result = json.loads(line)
                results[result["path"]] = result
                remaining.remove(result["path"])
        finally:
            process.kill()
            process.wait()
            if after_kill:
                after_kill()
    return results


if __name__ == "__main__":
    main(sys.argv[1:])
