"""Shared fixtures for the XML reader tests: a local HTTP server that records every request."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest


@dataclass
class RecordingServer:
    base_url: str
    requests: list[str] = field(default_factory=list)


@pytest.fixture
def recording_server() -> Iterator[RecordingServer]:
    """An HTTP server on 127.0.0.1 that answers every GET with a DTD and records the path.

    A parse that fetches anything from `base_url` shows up in `requests`.
    """
    recorded: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            recorded.append(self.path)
            body = b'<!ENTITY leak "FETCHED-FROM-NETWORK">'
            self.send_response(200)
            self.send_header("Content-Type", "application/xml-dtd")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True
    )
    thread.start()
    try:
        host, port = server.server_address[:2]
        yield RecordingServer(f"http://{host}:{port}", recorded)
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
