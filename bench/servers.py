"""The two servers under test, each on a free port on 127.0.0.1, and the worker's memory."""

import os
import resource
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

from bench.client import get

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _limit_memory(limit):
    # A page that reads a whole table into memory fails with MemoryError (a 500 in the table)
    # instead of pushing a shared machine into swap or the OOM killer.
    def apply():
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    return apply


class Server:
    def __init__(self, name, argv, *, env, log, memory_limit, ready_path):
        self.name, self.argv, self.env, self.log_path = name, argv, env, log
        self.ready_path = ready_path  # a cheap page that answers once the server is up
        self.memory_limit = memory_limit
        self.port = None
        self.process = None
        self.after_stop = None  # e.g. end the database sessions of requests given up

    def start(self):
        self.port = free_port()
        argv = [part.format(port=self.port) for part in self.argv]
        with open(self.log_path, "a") as log:
            self.process = subprocess.Popen(argv, cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT,
                                            start_new_session=True, preexec_fn=_limit_memory(self.memory_limit))
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.name} stopped at start: see {self.log_path}")
            if get(self.port, self.ready_path, timeout=30).status:
                return self
            time.sleep(0.5)
        raise RuntimeError(f"{self.name} did not answer within 120 s: see {self.log_path}")

    def stop(self):
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)  # its own session: the master and its worker
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        if self.after_stop:
            self.after_stop()

    def restart(self):
        self.stop()
        return self.start()

    def worker_pid(self):
        """Gunicorn's one worker: the master's only child."""
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children").read_text().split()
        return int(children[0]) if children else None

    def peak_rss_mb(self):
        """The worker's peak resident memory since it started (VmHWM), in MB."""
        pid = self.worker_pid()
        if pid is None:
            return None
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
        return None


def gunicorn(*, env, log, timeout, memory_limit):
    # The settings `make run` and `make serve` use (gunicorn.conf.py: a gthread worker), one worker.
    argv = [str(BIN / "gunicorn"), "evalbase.wsgi:application", "--config", "gunicorn.conf.py", "--workers", "1",
            "--bind", "127.0.0.1:{port}", "--timeout", str(timeout), "--graceful-timeout", "5",
            "--log-level", "warning"]
    return Server("gunicorn", argv, env=env, log=log, memory_limit=memory_limit, ready_path="/favicon.ico")


def datasette(*, database, log, time_limit_ms, memory_limit):
    # Datasette's own limits raised so that a slow query is measured, not cut short; CSV streams
    # are not capped in size (max_csv_mb 0). Immutable: how Datasette serves published data.
    argv = [str(BIN / "datasette"), "serve", "--immutable", str(database), "--host", "127.0.0.1",
            "--port", "{port}", "--setting", "sql_time_limit_ms", str(time_limit_ms),
            "--setting", "facet_time_limit_ms", str(time_limit_ms), "--setting", "max_csv_mb", "0"]
    return Server("datasette", argv, env=dict(os.environ), log=log, memory_limit=memory_limit,
                  ready_path="/-/versions.json")
