"""schemathesis against the OpenAPI schema of a real server: no operation answers 500, and
responses conform to their documented schemas (bounded examples, fixed seed, per backend)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from app.services.partners import register_partner
from app.store.db import make_engine, make_session_factory, session_scope

ROOT = Path(__file__).parents[2]
SAMPLE = ROOT / "tests" / "samples" / "golden" / "x12" / "850-northwind-original.edi"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def server(fresh_store_url, tmp_path):
    engine = make_engine(fresh_store_url)
    with session_scope(make_session_factory(engine)) as session:
        ops = register_partner(session, name="Ops", role="ops", identifiers=[]).api_key
        nw = register_partner(session, name="Northwind", role="distributor",
                              identifiers=["ZZ:NORTHWIND"]).api_key
    engine.dispose()
    port = _free_port()
    bin_dir = Path(sys.executable).parent
    log = (tmp_path / "server.log").open("w")
    process = subprocess.Popen(
        [str(bin_dir / "edihub"), "serve", "--port", str(port), "--database-url",
         fresh_store_url, "--no-migrate"], cwd=tmp_path, stdout=subprocess.DEVNULL,
        stderr=log)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                with urllib.request.urlopen(f"{base}/healthz", timeout=2):
                    break
            except (urllib.error.URLError, ConnectionError):
                time.sleep(0.1)
        upload = urllib.request.Request(  # something to read back
            f"{base}/v1/interchanges", data=SAMPLE.read_bytes(), method="POST",
            headers={"Authorization": f"Bearer {nw}", "Content-Type": "application/edi-x12"})
        with urllib.request.urlopen(upload, timeout=30):
            pass
        yield base, ops, tmp_path / "server.log"
    finally:
        process.terminate()
        process.wait(timeout=20)
        log.close()


def test_no_operation_answers_500_and_responses_match_the_schema(server):
    base, key, log = server
    result = subprocess.run(  # in the server's folder, so its cache stays out of the tree
        [str(Path(sys.executable).parent / "schemathesis"), "run", f"{base}/openapi.json",
         "--header", f"Authorization: Bearer {key}",
         "--checks", "not_a_server_error,response_schema_conformance",
         "--max-examples", os.environ.get("EDIHUB_FUZZ_EXAMPLES", "8"), "--seed", "20261123",
         "--exclude-path", "/readyz"],
        capture_output=True, text=True, timeout=600, cwd=log.parent)
    report = result.stdout[-6000:] + result.stderr[-2000:]
    text = log.read_text()
    # the server's errors with their tracebacks, not just the end of a log full of requests
    errors = [entry for entry in text.split("\n20") if " ERROR " in entry]
    assert result.returncode == 0, (report + "\n--- server errors ---\n"
                                    + "\n".join(errors)[-8000:])
