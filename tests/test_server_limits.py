"""`python -m <package>` on loopback, as a client on the open network meets it: oversized
headers are refused, slow clients disconnected, HEAD probes answered, and a 503's cause logged
with time, level, logger."""

import contextlib
import re
import socket
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from .rendering import Project
from .running import clean_env, free_port, wait_until_serving

# A PostgreSQL URL where nothing listens: every database route answers 503 at once.
NO_DATABASE = "postgresql://nobody@127.0.0.1:1/nothing"


def raw_request(port: int, request: bytes) -> bytes:
    """The server's whole answer to `request`; b"" when it closed the connection before that
    answer could be read (a reset: it refused the request while the client was sending)."""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as connection:
        answer = b""
        with contextlib.suppress(ConnectionResetError):
            connection.sendall(request)
            while chunk := connection.recv(65536):
                answer += chunk
        return answer


@pytest.fixture(scope="module")
def server(installed_project: Project) -> Iterator[tuple[int, subprocess.Popen[str]]]:
    project: Path = installed_project(db_driver="asyncpg")
    port = free_port()
    env = clean_env(DATABASE_URL=NO_DATABASE, PORT=str(port))
    command = ["uv", "run", "--no-sync", "python", "-m", "ticketing_service"]
    with subprocess.Popen(
        command, cwd=project, env=env, text=True, stderr=subprocess.PIPE
    ) as process:
        try:
            wait_until_serving(f"http://127.0.0.1:{port}/docs", process)
            yield port, process
        finally:
            process.terminate()


@pytest.mark.parametrize("size", [1024 * 1024, 8 * 1024 * 1024])
def test_oversized_headers_are_refused(
    server: tuple[int, subprocess.Popen[str]], size: int
) -> None:
    port, _ = server
    header = b"X-Padding: " + b"a" * size + b"\r\n"
    answer = raw_request(port, b"GET /docs HTTP/1.1\r\nHost: test\r\n" + header + b"\r\n")

    assert answer == b"" or answer.startswith(b"HTTP/1.1 400"), answer[:200]


def seconds_until_disconnected(port: int, at_once: bytes, trickled: bytes) -> float:
    """Sends `at_once`, then `trickled` a byte every half second; how long the server waits
    before it closes the connection (a reset, when a byte crossed the close, counts too)."""
    with socket.create_connection(("127.0.0.1", port), timeout=0.5) as connection:
        started = time.monotonic()
        connection.sendall(at_once)
        with contextlib.suppress(ConnectionResetError, BrokenPipeError):
            for byte in [*trickled, *[None] * 60]:
                with contextlib.suppress(TimeoutError):
                    if connection.recv(1) == b"":
                        break
                if byte is not None:
                    connection.send(bytes([byte]))
        return time.monotonic() - started


def test_slow_and_silent_clients_are_disconnected_after_the_request_timeout(
    server: tuple[int, subprocess.Popen[str]],
) -> None:
    port, _ = server
    body = b'{"name": "Slow", "price": 10, "starts_at": "2030-01-01T00:00:00Z"}'
    post = b"POST /tickets/create HTTP/1.1\r\nHost: test\r\nContent-Type: application/json\r\n"
    clients = [
        (b"", b""),  # connects, sends nothing
        (b"", b"GET /docs HTTP/1.1\r\nHost: test\r\nX-Padding: " + b"a" * 100 + b"\r\n\r\n"),
        (post + b"Content-Length: %d\r\n\r\n" % len(body), body),  # a whole head, a slow body
    ]
    with ThreadPoolExecutor(len(clients)) as pool:
        waited = list(pool.map(lambda client: seconds_until_disconnected(port, *client), clients))

    assert all(9 < seconds < 13 for seconds in waited), waited  # REQUEST_TIMEOUT: 10 s


def test_a_head_probe_of_health_gets_its_status(server: tuple[int, subprocess.Popen[str]]) -> None:
    port, _ = server
    answer = raw_request(port, b"HEAD /health HTTP/1.1\r\nHost: test\r\nConnection: close\r\n\r\n")

    assert answer.startswith(b"HTTP/1.1 503"), answer[:200]
    assert answer.endswith(b"\r\n\r\n")  # headers only


def test_a_503_s_cause_is_logged_with_time_level_and_logger(
    server: tuple[int, subprocess.Popen[str]],
) -> None:
    port, process = server
    with pytest.raises(urllib.request.HTTPError, match="503"):
        urllib.request.urlopen(f"http://127.0.0.1:{port}/tickets/all", timeout=10)
    process.terminate()
    _, stderr = process.communicate(timeout=30)

    when = r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d+"
    line = rf"{when} WARNING ticketing_service\.errors: GET /tickets/all: 503"
    assert re.search(line, stderr), stderr
