"""One timed GET on a new connection (gunicorn's sync worker closes every connection anyway)."""

import http.client
import socket
import time
from dataclasses import dataclass


@dataclass
class Response:
    status: int | None  # None: no HTTP answer at all
    seconds: float  # from sending the request to the last byte (or to the failure)
    size: int = 0
    first_byte: float | None = None
    error: str = ""  # "cut off", "timed out after 30 s", ...: the body is not complete
    body: bytes | None = None

    @property
    def ok(self):
        return self.status == 200 and not self.error

    @property
    def outcome(self):
        return self.error or str(self.status)


def get(port, path, *, timeout, keep_body=False, sink=None):
    """GET `path`; the body is counted, kept if `keep_body`, and passed chunk by chunk to `sink`."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    started = time.perf_counter()
    response = Response(status=None, seconds=0.0)
    chunks = []
    try:
        connection.request("GET", path, headers={"Accept-Encoding": "identity"})
        answer = connection.getresponse()
        response.status = answer.status
        response.first_byte = time.perf_counter() - started
        while chunk := answer.read(1 << 16):
            response.size += len(chunk)
            if keep_body:
                chunks.append(chunk)
            if sink:
                sink(chunk)
    except http.client.IncompleteRead as error:
        response.size += len(error.partial)
        response.error = "cut off"
    except (TimeoutError, socket.timeout):
        response.error = f"no answer within {timeout:g} s" if response.status is None else "stalled (timeout)"
    except (ConnectionError, http.client.HTTPException, OSError) as error:
        response.error = f"{type(error).__name__}" if response.status is not None else f"refused ({error})"
    finally:
        response.seconds = time.perf_counter() - started
        connection.close()
    if keep_body:
        response.body = b"".join(chunks)
    return response
