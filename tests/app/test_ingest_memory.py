"""An ingest's memory does not grow with the file: the raw bytes are spooled, stored and read
back a chunk at a time, never held whole (issue 8: memory flat as the file grows).

Measured as the growth of the peak RSS (VmHWM, reset after a warm-up upload through
/proc/<pid>/clear_refs) of a real `edihub serve` process and of `edihub ingest` in a child
process, while each ingests a 30 MB X12 852. Holding the file once would already take the
growth past the bound.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import urllib.request
from pathlib import Path

from tests.app.faults.helpers import Sale, prepare_store, start_server, upload, x12_852

FILE_BYTES = 30 * 1024 * 1024
# Well under the file's size: a file held whole (as bytes, or as a stored column value)
# would pass it by itself.
GROWTH_LIMIT_MB = 20
ROOT = Path(__file__).parents[2]


def big_852(path: Path, size: int) -> int:
    """A Northwind 852 file of about `size` bytes: weekly reports of 20 sales, each with a
    long free-text note (MTX) so the file is large but quick to map; returns its size."""
    note = "MTX**" + "sales note " * 12_000
    written, control = 0, 0
    with path.open("wb") as file:
        while written < size:
            control += 1
            store = 1 + control % 5
            report = x12_852(control, store, [Sale(store, product, control % 50, 3)
                                              for product in range(20)]).decode()
            report = report.replace("CTT*", f"{note}~\nCTT*", 1)
            report = re.sub(r"SE\*(\d+)", lambda se: f"SE*{int(se.group(1)) + 1}", report)
            written += file.write(report.encode())
    return written


def _memory_mb(pid: int | str, field: str) -> float:
    status = Path(f"/proc/{pid}/status").read_text()
    return int(re.search(rf"{field}:\s+(\d+) kB", status).group(1)) / 1024


def _reset_peak(pid: int | str) -> float:
    """Start the peak RSS again from the current RSS; returns the current RSS (MB)."""
    Path(f"/proc/{pid}/clear_refs").write_text("5")
    return _memory_mb(pid, "VmRSS")


def test_an_http_upload_of_30_mb_keeps_the_server_memory_flat(fresh_store_url, tmp_path):
    store = prepare_store(fresh_store_url)
    path = tmp_path / "big.edi"
    size = big_852(path, FILE_BYTES)
    server, base = start_server(fresh_store_url, tmp_path, max_upload_bytes=str(size))
    try:
        warm = upload(base, store.northwind_key, x12_852(1, 1, [Sale(1, 1, 1, 1)]))
        assert warm.status == 201, warm.body
        before = _reset_peak(server.popen.pid)
        with path.open("rb") as body:
            request = urllib.request.Request(
                f"{base}/v1/interchanges", data=body, method="POST",
                headers={"Authorization": f"Bearer {store.northwind_key}",
                         "Content-Type": "application/edi-x12",
                         "Content-Length": str(size)})
            with urllib.request.urlopen(request, timeout=600) as response:
                described = json.loads(response.read())
        growth = _memory_mb(server.popen.pid, "VmHWM") - before
    finally:
        server.stop()
    assert described["status"] == "processed" and described["size"] == size
    assert growth < GROWTH_LIMIT_MB, f"peak RSS grew by {growth:.1f} MB for {size} bytes"


# `edihub ingest` run in-process by a child, which resets its peak after a warm-up file.
CLI_CHILD = """
import json, sys
from pathlib import Path
from app.cli import app
from tests.app.test_ingest_memory import _memory_mb, _reset_peak

url, slug, warm, big = sys.argv[1:]
def ingest(path):
    try:
        app(["ingest", path, "--as", slug, "--database-url", url], standalone_mode=False)
    except SystemExit as exit:
        assert not exit.code, exit.code
ingest(warm)
before = _reset_peak("self")
ingest(big)
print(json.dumps({"growth": _memory_mb("self", "VmHWM") - before}))
"""


def test_edihub_ingest_of_30_mb_keeps_its_memory_flat(fresh_store_url, tmp_path):
    prepare_store(fresh_store_url)
    warm, path = tmp_path / "warm.edi", tmp_path / "big.edi"
    warm.write_bytes(x12_852(1, 1, [Sale(1, 1, 1, 1)]))
    size = big_852(path, FILE_BYTES)
    child = subprocess.run(
        [sys.executable, "-c", CLI_CHILD, fresh_store_url, "northwind", str(warm), str(path)],
        cwd=ROOT, capture_output=True, text=True, timeout=900)
    assert child.returncode == 0, child.stderr[-3000:]
    growth = json.loads(child.stdout.strip().splitlines()[-1])["growth"]
    assert growth < GROWTH_LIMIT_MB, f"peak RSS grew by {growth:.1f} MB for {size} bytes"
