"""The full portfolio exports through gunicorn with `gunicorn.conf.py` and a timeout shorter than
the export: each must arrive whole. Prints time, first byte, size, rows and the worker's peak memory.

    DATABASE_URL=postgres://.../evalbase_bench_100000 python -m bench.long_export --timeout 2
"""

import argparse
import os
import sys
import tempfile
from pathlib import Path

from bench.client import get
from bench.exports import _csv_rows, _xlsx_rows
from bench.servers import BIN, Server


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--timeout", type=int, default=2, help="gunicorn's --timeout, shorter than the exports")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL"):
        sys.exit("DATABASE_URL=postgres://... needed")
    env = dict(os.environ, DEBUG="false", AGGREGATE_CACHE="false", DB_CONN_MAX_AGE="600")
    workdir = Path(tempfile.mkdtemp(prefix="long-export-"))
    argv = [str(BIN / "gunicorn"), "evalbase.wsgi:application", "--config", "gunicorn.conf.py", "--workers", "1",
            "--bind", "127.0.0.1:{port}", "--timeout", str(args.timeout), "--no-control-socket",
            "--log-level", "warning"]
    server = Server("gunicorn", argv, env=env, log=workdir / "gunicorn.log", memory_limit=4 << 30,
                    ready_path="/favicon.ico")
    server.start()
    try:
        for name, path, count in [("CSV", "/portfolio/?format=csv", _csv_rows),
                                  ("XLSX", "/portfolio/?format=xlsx", _xlsx_rows)]:
            for _ in range(args.runs):
                target = workdir / f"export.{name.lower()}"
                with open(target, "wb") as out:
                    response = get(server.port, path, timeout=600, sink=out.write)
                rows = count(target)
                print(f"{name}: status {response.status} {response.error or 'whole'}, {response.seconds:.2f} s, "
                      f"first byte {response.first_byte:.2f} s, {response.size:,} bytes, {rows:,} rows, "
                      f"worker peak RSS {server.peak_rss_mb():.0f} MB (timeout {args.timeout} s)", flush=True)
    finally:
        server.stop()
    print(f"gunicorn log: {workdir / 'gunicorn.log'}")


if __name__ == "__main__":
    main()
