"""Ingest at database speed: edihub end to end vs the database's own bulk load.

Generates two deterministic X12 files per size in a temporary directory:

- **852** product activity: every message is one week of one distributor's report on
  `--products` items for `--stores` stores; each item has `ZA*QS` (sold) and `ZA*QA`
  (available) split by store with `SDQ` (10 stores per SDQ), so every store quantity is one
  fact: a sales fact or an inventory snapshot. Size 1 is 1,000,000 quantities.
- **850** purchase orders: `--lines-per-po` PO1 lines per order, every line a product by UPC
  and vendor part; size 1 is 200,000 lines.

For every backend (SQLite: a file in the temporary directory; PostgreSQL: a fresh
`edihub_bench_<random>` database, dropped at the end) and every size it registers the
distributor (sender) and manufacturer (receiver), then runs, each in its own subprocess:

1. **edihub**: the file through `take_upload`, the service `edihub ingest` calls (raw bytes
   stored first, parse, map, resolve parties/products/locations, write, acknowledge,
   describe), with the upload and segment limits raised by settings;
2. **baseline**: the very rows edihub wrote to the fact tables (852: `sales_facts`,
   `inventory_snapshots`; 850: `orders`, `order_lines`, `order_revisions`), read out
   beforehand, deleted, and loaded again in one transaction: `COPY ... FROM STDIN` on
   PostgreSQL, `executemany` on SQLite.

Before the baseline runs, the store is checked against what was generated (fact counts and
sums, lineage, file status, one acknowledgement per interchange); any mismatch prints what
differs and the run exits 1. Reported per run: seconds, facts/s (852: sales facts +
inventory snapshots; 850: order lines), the CPU seconds of the subprocess over the same span
(user + system; on a shared machine a steadier figure than seconds, though the database
server's own work is not in it), the peak RSS of the subprocess (the kernel's VmHWM,
interpreter included) and `edihub/base`, edihub's rate as a share of the baseline's.

    .venv/bin/python bench/ingest.py --scale 1,10          # the issue's sizes, both backends
    .venv/bin/python bench/ingest.py --small               # CI-sized: correctness only
    .venv/bin/python bench/ingest.py --scale 1,10 --reports 10 --orders 1000   # a tenth
    .venv/bin/python bench/ingest.py --scale 1 --backends sqlite --kinds 852
"""

from __future__ import annotations

import argparse
import io
import json
import os
import resource
import sqlite3
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import asdict, dataclass, replace
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

DEFAULT_ADMIN_URL = os.environ.get(
    "EDIHUB_BENCH_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
SENDER = "BENCHDIST"
RECEIVER = "BENCHMFR"
FIRST_WEEK = date(2024, 1, 1)
MESSAGES_PER_INTERCHANGE = 10
ORDERS_PER_INTERCHANGE = 100
FACT_TABLES = {"852": ["sales_facts", "inventory_snapshots"],
               "850": ["orders", "order_lines", "order_revisions"]}


@dataclass(frozen=True)
class Shape:
    """How big the files are at size 1."""

    stores: int = 50
    products: int = 100  # items per 852 message
    catalog: int = 1000  # distinct products over all messages
    reports: int = 100  # 852 messages: 2 x stores x products x reports quantities
    orders: int = 10_000
    lines_per_po: int = 20


SMALL = Shape(stores=5, products=20, catalog=50, reports=10, orders=40, lines_per_po=10)


@dataclass
class Expected:
    """What the store must hold after the file is ingested."""

    kind: str
    facts: int
    interchanges: int
    messages: int
    sales: int = 0
    sold_units: int = 0
    snapshots: int = 0
    available_units: int = 0
    orders: int = 0
    lines: int = 0
    ordered_units: int = 0


# --- the files --------------------------------------------------------------------------------


def _check_digit(body: str) -> str:
    total = sum(int(d) * (3 if i % 2 == 0 else 1) for i, d in enumerate(reversed(body)))
    return str((10 - total % 10) % 10)


def upc_of(i: int) -> str:
    body = f"04{i:09d}"  # 11 digits + check digit: a UPC-A
    return body + _check_digit(body)


def sold_of(m: int, j: int, s: int) -> int:
    return (m * 131 + j * 31 + s * 7) % 23


def available_of(m: int, j: int, s: int) -> int:
    return (m * 17 + j * 13 + s * 3) % 90


def _isa(control: int) -> str:
    return "*".join(["ISA", "00", " " * 10, "00", " " * 10, "ZZ", SENDER.ljust(15), "ZZ",
                     RECEIVER.ljust(15), "240101", "1200", "U", "00401", f"{control:09d}",
                     "0", "P", ">"])


def _envelope(out, control: int, fid: str, bodies: list[list[str]]) -> None:
    segs = [_isa(control), f"GS*{fid}*{SENDER}*{RECEIVER}*20240101*1200*{control}*X*004010"]
    for body in bodies:
        segs.extend(body)
    segs += [f"GE*{len(bodies)}*{control}", f"IEA*1*{control:09d}"]
    out.write("~\n".join(segs) + "~\n")


def _report(m: int, shape: Shape) -> list[str]:
    start = FIRST_WEEK + timedelta(days=7 * m)
    end = start + timedelta(days=6)
    segs = [f"ST*852*{m + 1:04d}", f"XQ*H*{start:%Y%m%d}*{end:%Y%m%d}", f"N9*IA*R{m:07d}",
            f"N1*RL*BENCH DISTRIBUTION*92*{SENDER}"]
    for j in range(shape.products):
        item = (m * shape.products + j) % shape.catalog
        segs.append(f"LIN**UP*{upc_of(item)}")
        for code, figure in (("QS", sold_of), ("QA", available_of)):
            values = [figure(m, j, s) for s in range(shape.stores)]
            segs.append(f"ZA*{code}*{sum(values)}*EA")
            for first in range(0, shape.stores, 10):
                pairs = "*".join(f"S{s:04d}*{values[s]}"
                                 for s in range(first, min(first + 10, shape.stores)))
                segs.append(f"SDQ*EA*92*{pairs}")
    segs.append(f"CTT*{shape.products}")
    segs.append(f"SE*{len(segs) + 1}*{m + 1:04d}")
    return segs


def _order(n: int, shape: Shape) -> list[str]:
    segs = [f"ST*850*{n + 1:04d}", f"BEG*00*SA*PO{n:08d}**20240101", "CUR*BY*USD",
            f"N1*ST*STORE {n % shape.stores}*92*S{n % shape.stores:04d}"]
    for line in range(1, shape.lines_per_po + 1):
        item = (n * 7 + line) % shape.catalog
        segs.append(f"PO1*{line}*{ordered_of(n, line)}*EA*{line % 9 + 1}.25**UP*{upc_of(item)}"
                    f"*VN*V{item:05d}")
    segs.append(f"CTT*{shape.lines_per_po}")
    segs.append(f"SE*{len(segs) + 1}*{n + 1:04d}")
    return segs


def ordered_of(n: int, line: int) -> int:
    return (n + line * 3) % 48 + 1


def generate(path: Path, kind: str, scale: int, shape: Shape, first_control: int) -> Expected:
    """Write the file; return what ingesting it must store."""
    if kind == "852":
        count, per, make, fid = shape.reports * scale, MESSAGES_PER_INTERCHANGE, _report, "PD"
    else:
        count, per, make, fid = shape.orders * scale, ORDERS_PER_INTERCHANGE, _order, "PO"
    interchanges = 0
    with path.open("w", encoding="latin-1", newline="") as out:
        for first in range(0, count, per):
            _envelope(out, first_control + interchanges, fid,
                      [make(n, shape) for n in range(first, min(first + per, count))])
            interchanges += 1
    if kind == "850":
        lines = count * shape.lines_per_po
        return Expected(kind, facts=lines, interchanges=interchanges, messages=count,
                        orders=count, lines=lines, ordered_units=sum(
                            ordered_of(n, line) for n in range(count)
                            for line in range(1, shape.lines_per_po + 1)))
    cells = [(m, j, s) for m in range(count) for j in range(shape.products)
             for s in range(shape.stores)]
    return Expected(kind, facts=2 * len(cells), interchanges=interchanges, messages=count,
                    sales=len(cells), sold_units=sum(sold_of(*c) for c in cells),
                    snapshots=len(cells), available_units=sum(available_of(*c) for c in cells))


# --- databases --------------------------------------------------------------------------------


def _libpq(url: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def create_store(backend: str, admin_url: str, directory: Path) -> str:
    """A new, migrated store with the sender and receiver registered."""
    from sqlalchemy.engine import make_url

    from app.services.partners import register_partner
    from app.store.db import make_engine, make_session_factory, session_scope
    from app.store.migrate import upgrade

    if backend == "sqlite":
        url = f"sqlite:///{directory / f'bench-{uuid.uuid4().hex[:8]}.db'}"
    else:
        import psycopg

        name = f"edihub_bench_{uuid.uuid4().hex[:10]}"
        with psycopg.connect(_libpq(admin_url), autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        url = make_url(admin_url).set(database=name).render_as_string(hide_password=False)
    upgrade(url)
    engine = make_engine(url)
    try:
        with session_scope(make_session_factory(engine)) as session:
            register_partner(session, name="Bench Distribution", role="distributor",
                             identifiers=[f"ZZ:{SENDER}"])
            register_partner(session, name="Bench Manufacturing", role="manufacturer",
                             identifiers=[f"ZZ:{RECEIVER}"])
    finally:
        engine.dispose()
    return url


def drop_store(url: str, admin_url: str) -> None:
    if url.startswith("sqlite"):
        return
    import psycopg
    from sqlalchemy.engine import make_url

    with psycopg.connect(_libpq(admin_url), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{make_url(url).database}" WITH (FORCE)')


def _query(url: str, sql: str) -> list[tuple]:
    if url.startswith("sqlite"):
        conn = sqlite3.connect(url.removeprefix("sqlite:///"))
        try:
            return conn.execute(sql).fetchall()
        finally:
            conn.close()
    import psycopg

    with psycopg.connect(_libpq(url)) as conn:
        return conn.execute(sql).fetchall()


def verify(url: str, expected: Expected, file_id: int, stores: int) -> list[str]:
    """What differs between the store and the generated file (empty: all correct)."""
    sqlite = url.startswith("sqlite")
    scale = 10_000 if sqlite else 1  # SQLite keeps exact decimals as value x 10^4

    def units(value) -> int:
        return int((value or 0) // scale) if sqlite else int(value or 0)

    problems = []

    def same(what: str, got, want) -> None:
        if got != want:
            problems.append(f"{what}: store has {got}, generated {want}")

    status, = _query(url, f"SELECT status FROM stored_files WHERE id = {file_id}")[0]
    same("file status", status, "processed")
    same("interchanges accepted", _query(
        url, f"SELECT count(*) FROM interchanges WHERE file_id = {file_id} "
             "AND status = 'accepted'")[0][0], expected.interchanges)
    same("messages accepted", _query(
        url, "SELECT count(*) FROM messages m JOIN interchanges i ON i.id = m.interchange_id "
             f"WHERE i.file_id = {file_id} AND m.status = 'accepted'")[0][0], expected.messages)
    same("error issues", _query(
        url, f"SELECT count(*) FROM issues WHERE file_id = {file_id} "
             "AND severity = 'error'")[0][0], 0)
    same("acknowledgements", _query(
        url, f"SELECT count(*) FROM acknowledgements WHERE file_id = {file_id}")[0][0],
        expected.interchanges)
    if expected.kind == "852":
        count, total, lineage = _query(url, """
            SELECT count(*), sum(f.quantity), sum(CASE WHEN f.segment_number IS NOT NULL
                AND f.raw_qualifier = 'ZA:QS/SDQ' AND m.type = '852' THEN 1 ELSE 0 END)
            FROM sales_facts f JOIN messages m ON m.id = f.message_id
            WHERE f.measure = 'sold'""")[0]
        same("sales facts", count, expected.sales)
        same("units sold", units(total), expected.sold_units)
        same("sales facts with lineage", lineage, expected.sales)
        if not sqlite:
            same("sales facts without tx_id", _query(
                url, "SELECT count(*) FROM sales_facts WHERE tx_id IS NULL")[0][0], 0)
        count, total, on_hand = _query(
            url, "SELECT count(*), sum(available), sum(on_hand) FROM inventory_snapshots "
                 "WHERE raw_qualifier = 'ZA:QA/SDQ' AND segment_number IS NOT NULL")[0]
        same("inventory snapshots", count, expected.snapshots)
        same("units available", units(total), expected.available_units)
        same("units on hand", units(on_hand), expected.available_units)
        same("locations", _query(url, "SELECT count(*) FROM locations")[0][0], stores)
    else:
        same("orders", _query(url, "SELECT count(*) FROM orders")[0][0], expected.orders)
        count, total = _query(
            url, "SELECT count(*), sum(quantity) FROM order_lines "
                 "WHERE segment_number IS NOT NULL AND product_id IS NOT NULL")[0]
        same("order lines", count, expected.lines)
        same("units ordered", units(total), expected.ordered_units)
        same("order revisions", _query(url, "SELECT count(*) FROM order_revisions")[0][0],
             expected.orders)
        same("products without their manufacturer", _query(
            url, "SELECT count(*) FROM products WHERE manufacturer_id IS NULL")[0][0], 0)
    return problems


# --- workers (each in its own subprocess) ------------------------------------------------------


def work_ingest(url: str, path: str) -> dict:
    from app.services.ingest import Upload
    from app.services.uploads import take_upload
    from app.settings import Settings
    from app.store.db import make_engine, make_session_factory

    size = os.path.getsize(path)
    settings = Settings(database_url=url, max_upload_bytes=max(size, 1),
                        max_segments_per_interchange=50_000_000)
    engine = make_engine(url)
    sessions = make_session_factory(engine)
    started = time.perf_counter()
    cpu = cpu_seconds()
    with open(path, "rb") as file:  # streamed, as `edihub ingest` does: never held whole
        upload = Upload(file=file, source="cli", filename=Path(path).name)
        described, _ = take_upload(sessions, upload, settings, None)
    seconds = time.perf_counter() - started
    cpu = cpu_seconds() - cpu
    engine.dispose()
    return {"seconds": seconds, "cpu_seconds": cpu, "file_id": described.id,
            "status": described.status}


def work_baseline(url: str, kind: str) -> dict:
    tables = FACT_TABLES[kind]
    if url.startswith("sqlite"):
        conn = sqlite3.connect(url.removeprefix("sqlite:///"), isolation_level=None)
        conn.execute("PRAGMA foreign_keys=ON")
        conn.execute("PRAGMA journal_mode=WAL")
        dumped = {}
        for table in tables:
            cursor = conn.execute(f"SELECT * FROM {table} ORDER BY id")
            dumped[table] = ([d[0] for d in cursor.description], cursor.fetchall())
        for table in reversed(tables):
            conn.execute(f"DELETE FROM {table}")
        started, cpu = time.perf_counter(), cpu_seconds()
        conn.execute("BEGIN IMMEDIATE")
        for table in tables:
            columns, rows = dumped[table]
            conn.executemany(f"INSERT INTO {table} ({', '.join(columns)}) VALUES "
                             f"({', '.join('?' * len(columns))})", rows)
        conn.execute("COMMIT")
        seconds, cpu = time.perf_counter() - started, cpu_seconds() - cpu
        rows = sum(conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in tables)
        conn.close()
        return {"seconds": seconds, "cpu_seconds": cpu, "rows": rows}
    import psycopg

    with psycopg.connect(_libpq(url)) as conn:
        dumped = {}
        for table in tables:
            buffer = io.BytesIO()
            with conn.cursor().copy(f"COPY (SELECT * FROM {table} ORDER BY id) TO STDOUT") \
                    as copy:
                for chunk in copy:
                    buffer.write(chunk)
            dumped[table] = buffer.getvalue()
        for table in reversed(tables):
            conn.execute(f"DELETE FROM {table}")
        conn.commit()
        started, cpu = time.perf_counter(), cpu_seconds()
        with conn.cursor() as cur:
            for table in tables:
                with cur.copy(f"COPY {table} FROM STDIN") as copy:
                    copy.write(dumped[table])
        conn.commit()
        seconds, cpu = time.perf_counter() - started, cpu_seconds() - cpu
        rows = sum(conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in tables)
    return {"seconds": seconds, "cpu_seconds": cpu, "rows": rows}


def cpu_seconds() -> float:
    """User + system CPU this process has used so far."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def peak_rss_kib() -> int:
    """Peak resident memory of this process. Linux `ru_maxrss` carries over the RSS of the
    parent it was forked from, so the kernel's high-water mark of this image is read instead."""
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def worker(args: argparse.Namespace) -> None:
    if args.worker == "ingest":
        result = work_ingest(args.url, args.file)
    else:
        result = work_baseline(args.url, args.kind)
    result["peak_kib"] = peak_rss_kib()
    print(json.dumps(result))


def run_worker(*argv: str) -> dict:
    out = subprocess.run([sys.executable, __file__, *argv], capture_output=True, text=True,
                         cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)})
    if out.returncode != 0:
        raise RuntimeError(f"worker {argv[:2]} failed:\n{out.stderr[-4000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


# --- driver -----------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", default="1", help="sizes as multiples of the issue's files")
    parser.add_argument("--small", action="store_true",
                        help="CI-sized files (2,000 quantities, 400 order lines per size)")
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--kinds", default="852,850")
    parser.add_argument("--reports", type=int, help="852 messages at size 1 (default 100)")
    parser.add_argument("--orders", type=int, help="850 messages at size 1 (default 10,000)")
    parser.add_argument("--no-baseline", action="store_true")
    parser.add_argument("--admin-url", default=DEFAULT_ADMIN_URL,
                        help="PostgreSQL URL to create and drop the bench databases through")
    parser.add_argument("--json", type=Path, help="also write every result row here")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    parser.add_argument("--url", help=argparse.SUPPRESS)
    parser.add_argument("--file", help=argparse.SUPPRESS)
    parser.add_argument("--kind", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        worker(args)
        return 0
    shape = SMALL if args.small else Shape()
    if args.reports or args.orders:
        shape = replace(shape, reports=args.reports or shape.reports,
                        orders=args.orders or shape.orders)
    scales = [int(s) for s in args.scale.split(",")]
    kinds = [k.strip() for k in args.kinds.split(",")]
    rows: list[dict] = []
    failures = 0
    print(f"python {sys.version.split()[0]}; 852: {shape.stores} stores x {shape.products} "
          f"items x {shape.reports} reports x 2 figures; 850: {shape.orders} POs x "
          f"{shape.lines_per_po} lines (x scale)")
    print(f"{'backend':<11}{'file':<9}{'facts':>11}  {'contender':<10}{'seconds':>9}"
          f"{'CPU s':>8}{'facts/s':>11}{'peak RSS MB':>13}{'MB file':>9}{'edihub/base':>13}",
          flush=True)
    with tempfile.TemporaryDirectory(prefix="edihub-bench-ingest-") as tmp:
        for scale in scales:
            files = {}
            control = 1
            for kind in kinds:
                path = Path(tmp) / f"x12_{kind}_x{scale}.edi"
                files[kind] = (path, generate(path, kind, scale, shape, control))
                control += files[kind][1].interchanges
            for backend in [b.strip() for b in args.backends.split(",")]:
                url = create_store(backend, args.admin_url, Path(tmp))
                try:
                    for kind in kinds:
                        path, expected = files[kind]
                        mb = path.stat().st_size / 1e6
                        ours = run_worker("--worker", "ingest", "--url", url, "--file",
                                          str(path))
                        problems = verify(url, expected, ours["file_id"], shape.stores)
                        for problem in problems:
                            print(f"MISMATCH {backend} {kind} x{scale}: {problem}", flush=True)
                        failures += bool(problems)
                        found = [("edihub", ours)]
                        if not args.no_baseline:
                            base = run_worker("--worker", "baseline", "--url", url, "--kind",
                                              kind)
                            found.append(("copy" if backend == "postgresql" else
                                          "executemany", base))
                        for name, r in found:
                            rate = expected.facts / r["seconds"]
                            ratio = ""
                            if name != "edihub":
                                ratio = f"{r['seconds'] / ours['seconds']:.2f}"
                            print(f"{backend:<11}{kind + ' x' + str(scale):<9}"
                                  f"{expected.facts:>11,}  {name:<10}{r['seconds']:>9.2f}"
                                  f"{r['cpu_seconds']:>8.2f}{rate:>11,.0f}"
                                  f"{r['peak_kib'] / 1024:>13.0f}{mb:>9.1f}{ratio:>13}",
                                  flush=True)
                            rows.append({"backend": backend, "kind": kind, "scale": scale,
                                         "contender": name, "facts": expected.facts,
                                         "seconds": r["seconds"],
                                         "cpu_seconds": r["cpu_seconds"], "facts_per_s": rate,
                                         "peak_mb": r["peak_kib"] / 1024, "file_mb": mb,
                                         "problems": problems if name == "edihub" else [],
                                         "expected": asdict(expected)})
                finally:
                    drop_store(url, args.admin_url)
    if args.json:
        args.json.write_text(json.dumps(rows, indent=1))
    if failures:
        print(f"{failures} run(s) stored something other than what was generated")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
