"""gunicorn's settings for EvalBase (`make run`, `make serve`, `make bench` pass `--config gunicorn.conf.py`).

Threaded workers ("gthread"), so that no export is ever cut by the worker timeout: in the default
"sync" worker the timeout bounds each request (the worker only tells the master it is alive between
requests, so a CSV of a million rows streaming for longer than `timeout` is killed mid-file after
its 200 was sent). A gthread worker's main thread tells the master it is alive at least once a
second while its threads serve requests (gunicorn/workers/gthread.py, `run`), so `timeout` only
catches a worker process that is stuck as a whole, and a request may stream as long as it needs.
tests/test_exports_at_scale.py serves an export slower than a 2 s timeout with these settings and
checks every row arrives (and that a sync worker would have cut it).
"""

import os

worker_class = "gthread"
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))  # a stuck worker process, not a long request
graceful_timeout = 30  # on restart, a download in progress gets this long to finish
