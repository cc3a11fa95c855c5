"""Read API under load: sell-through, the change feed and replenishment signals.

Creates a fresh PostgreSQL database, runs the Alembic migrations, registers a distributor
(reporter, owner of the locations), a manufacturer (owner of the products) and ops, loads
`locations x products x days` daily sales facts (measure `sold`) and one inventory snapshot
per product x location with `COPY`, then starts the API as a real server
(`edihub serve --workers N --no-migrate`) and drives it over HTTP from this process with
`--concurrency` client threads (one keep-alive connection each) for `--duration` seconds per
scenario:

- sell-through: one product (random GTIN), `granularity=day`, the loaded days, as the
  manufacturer; `limit=500` series per page, so up to 500 locations come back in one response
  (more locations: the client pages on, each page is one sample);
- changes: pollers walking `next_cursor` with `limit=500` as the manufacturer, starting again
  from the beginning when the feed is exhausted;
- signals: replenishment signals for one location (random id), as the distributor.

Every response is checked (status and shape) unless `--check-every` says otherwise; the run
exits 1 when any request failed. The database is dropped at the end unless `--keep`.

    .venv/bin/python bench/api.py                       # 200 x 500 x 10 = 1,000,000 facts
    .venv/bin/python bench/api.py --workers 1,2         # both, one table each
    .venv/bin/python bench/api.py --locations 3 --products 5 --days 3 --duration 1 --workers 1
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import json
import math
import os
import random
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from urllib.parse import urlencode

import psycopg
from sqlalchemy.engine import make_url
from stdnum import ean

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

DEFAULT_ADMIN_URL = os.environ.get(
    "EDIHUB_BENCH_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
EDIHUB = ROOT / ".venv" / "bin" / "edihub"
PAGE = 500
URGENCIES = {"critical", "reorder", "ok", "unknown"}


# --- the data ---------------------------------------------------------------------------------


@dataclass
class Dataset:
    url: str
    days: list[date]
    location_ids: list[int]
    gtins: list[str]
    keys: dict[str, str]  # role -> API key
    facts: int


def gtin_of(i: int) -> str:
    body = f"0401234{i:06d}"  # 13 digits, then the check digit: a GTIN-14
    return body + ean.calc_check_digit(body)


def gln_of(i: int) -> str:
    body = f"400000{i:06d}"
    return body + ean.calc_check_digit(body)


def quantity_of(loc: int, prod: int, day: int) -> int:
    """Deterministic, pseudo-random units sold (0-24)."""
    return ((loc * 2_654_435_761 + prod * 40_503 + day * 97) >> 7) % 25


def create_database(admin_url: str) -> str:
    name = f"edihub_bench_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(_libpq(admin_url), autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return make_url(admin_url).set(database=name).render_as_string(hide_password=False)


def drop_database(admin_url: str, url: str) -> None:
    name = make_url(url).database
    with psycopg.connect(_libpq(admin_url), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _libpq(url: str) -> str:
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def load(url: str, *, locations: int, products: int, days: int) -> Dataset:
    from app.services.partners import register_partner
    from app.store.db import make_engine, make_session_factory, session_scope
    from app.store.migrate import upgrade
    from app.store.models import Interchange, Message, StoredFile

    upgrade(url)
    engine = make_engine(url)
    try:
        with session_scope(make_session_factory(engine)) as session:
            registered = {
                role: register_partner(session, name=f"Bench {role}", role=role,
                                       identifiers=[f"ZZ:BENCH{role.upper()}"])
                for role in ("distributor", "manufacturer", "ops")
            }
            keys = {role: r.api_key for role, r in registered.items()}
            reporter_id = registered["distributor"].partner.id
            manufacturer_id = registered["manufacturer"].partner.id
            file = StoredFile(sha256="0" * 64, size=0, source="cli",
                              standard="X12", status="processed", filename="bench.edi")
            interchange = Interchange(file=file, position=1, standard="X12", version="00401",
                                      sender="BENCHDISTRIBUTOR", receiver="EDIHUB",
                                      control_number="000000001", status="accepted",
                                      partner_id=reporter_id)
            message = Message(interchange=interchange, position=1, type="852",
                              control_number="0001", status="accepted")
            session.add_all([file, interchange, message])
            session.flush()
            message_id = message.id
    finally:
        engine.dispose()

    today = datetime.now(UTC).date()
    day_list = [today - timedelta(days=days - i) for i in range(days)]  # ends yesterday
    now = datetime.now(UTC).isoformat()
    with psycopg.connect(_libpq(url)) as conn, conn.cursor() as cur:
        with cur.copy("COPY locations (partner_id, code, gln, name, needs_review, created_at) "
                      "FROM STDIN") as copy:
            for i in range(locations):
                copy.write(f"{reporter_id}\tS{i:05d}\t{gln_of(i)}\tStore {i}\tf\t{now}\n")
        with cur.copy("COPY products (gtin, description, manufacturer_id, pack_size, "
                      "needs_review, created_at) FROM STDIN") as copy:
            for i in range(products):
                copy.write(f"{gtin_of(i)}\tItem {i}\t{manufacturer_id}\t{6 + i % 3 * 6}\tf"
                           f"\t{now}\n")
        location_ids = [r[0] for r in cur.execute("SELECT id FROM locations ORDER BY id")]
        product_ids = [r[0] for r in cur.execute("SELECT id FROM products ORDER BY id")]
        tx_id = cur.execute("SELECT pg_current_xact_id()::text::bigint").fetchone()[0]
        # Day by day, one report per location per day (as 852s arrive): the table's physical
        # order is (day, location, product).
        prefix = f"{reporter_id}\t"
        suffix = f"\tEA\t{message_id}\tZA:QS\tf\t{tx_id}\t{now}\n"
        with cur.copy("COPY sales_facts (reporter_id, location_id, product_id, period_start, "
                      "period_end, measure, quantity, uom, message_id, raw_qualifier, test, "
                      "tx_id, created_at) FROM STDIN") as copy:
            for d, day in enumerate(day_list):
                iso = day.isoformat()
                for li, loc in enumerate(location_ids):
                    copy.write("".join(
                        f"{prefix}{loc}\t{prod}\t{iso}\t{iso}\tsold\t"
                        f"{quantity_of(li, pi, d)}{suffix}"
                        for pi, prod in enumerate(product_ids)))
        last = day_list[-1].isoformat()
        with cur.copy("COPY inventory_snapshots (reporter_id, location_id, product_id, as_of, "
                      "on_hand, available, on_order, in_transit, received, uom, message_id, "
                      "test, created_at) FROM STDIN") as copy:
            for li, loc in enumerate(location_ids):
                copy.write("".join(
                    f"{reporter_id}\t{loc}\t{prod}\t{last}\t{(li * 7 + pi * 13) % 120}"
                    f"\t{(li * 7 + pi * 13) % 120}\t{(li + pi) % 3 * 12}\t0\t\\N\tEA"
                    f"\t{message_id}\tf\t{now}\n"
                    for pi, prod in enumerate(product_ids)))
        conn.commit()
        conn.autocommit = True
        conn.execute("VACUUM ANALYZE")
    return Dataset(url=url, days=day_list, location_ids=location_ids,
                   gtins=[gtin_of(i) for i in range(products)], keys=keys,
                   facts=locations * products * days)


# --- the server -------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def group_cpu_seconds(pgid: int) -> float:
    """User + system CPU seconds used so far by the live processes of a process group (the
    server and its uvicorn workers; PostgreSQL's backends are not in it). Linux /proc."""
    ticks = 0
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path("/proc", entry, "stat").read_text()
        except OSError:  # gone meanwhile
            continue
        fields = stat[stat.rindex(")") + 2:].split()  # from field 3 (state) on
        if int(fields[2]) == pgid:  # field 5: process group
            ticks += int(fields[11]) + int(fields[12])  # fields 14, 15: utime, stime
    return ticks / os.sysconf("SC_CLK_TCK")


def stop(proc: subprocess.Popen) -> None:
    """Stop a process started in its own session, with everything it started (uvicorn's
    workers): SIGTERM, then SIGKILL after 20 s."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()


@contextlib.contextmanager
def server(url: str, workers: int, log_dir: Path) -> Iterator[tuple[int, int]]:
    """Yields the port and the server's process group (its own session)."""
    port = free_port()
    log = (log_dir / f"serve-{workers}.log").open("wb")
    proc = subprocess.Popen(
        [str(EDIHUB), "serve", "--host", "127.0.0.1", "--port", str(port), "--workers",
         str(workers), "--database-url", url, "--no-migrate"],
        cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
        # the bench measures capacity: the per-key rate limit would turn it into 429s
        env={**os.environ, "EDIHUB_RATE_LIMIT_PER_MINUTE": "0"})
    try:
        deadline = time.monotonic() + 60
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"the server exited ({proc.returncode}); see {log.name}:\n"
                                   + (log_dir / f"serve-{workers}.log").read_text()[-2000:])
            try:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
                conn.request("GET", "/healthz")
                if conn.getresponse().status == 200:
                    conn.close()
                    break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError("the server did not answer /healthz within 60 s")
            time.sleep(0.2)
        yield port, proc.pid
    finally:
        stop(proc)
        log.close()


@contextlib.contextmanager
def schedulers(url: str, count: int, log_dir: Path) -> Iterator[list[subprocess.Popen]]:
    """`count` scheduler processes on the same database, running their fast jobs (inbox and
    webhooks every second, promise sweep every minute) while the API is under load; the
    job locks must keep them from ever running one job twice at once."""
    env = {**os.environ, "EDIHUB_DATABASE_URL": url, "EDIHUB_INBOX_DIR": str(log_dir / "inbox"),
           "EDIHUB_INBOX_INTERVAL_SECONDS": "1", "EDIHUB_WEBHOOK_INTERVAL_SECONDS": "1",
           "EDIHUB_PROMISE_SWEEP_INTERVAL_MINUTES": "1"}
    procs = [subprocess.Popen([str(EDIHUB), "scheduler"], cwd=ROOT, env=env,
                              stdout=(log_dir / f"scheduler-{n}.log").open("wb"),
                              stderr=subprocess.STDOUT, start_new_session=True)
             for n in range(count)]
    try:
        for n, proc in enumerate(procs):  # importing the jobs takes seconds on a busy machine
            wait_for_line(log_dir / f"scheduler-{n}.log", b"Scheduler started", proc)
        yield procs
    finally:
        for proc in procs:
            stop(proc)


def wait_for_line(path: Path, text: bytes, proc: subprocess.Popen,
                  timeout: float = 120) -> None:
    """Wait until the process `proc` logging to `path` has written `text` there."""
    deadline = time.monotonic() + timeout
    while text not in path.read_bytes():
        if proc.poll() is not None:
            raise RuntimeError(f"{path.name}: exited with {proc.returncode} before {text!r}")
        if time.monotonic() > deadline:
            raise RuntimeError(f"{path.name}: no {text!r} after {timeout:.0f} s")
        time.sleep(0.1)


def overlapping_job_runs(url: str, since: datetime) -> list[tuple]:
    """Pairs of runs of the same job whose times overlap (there must be none)."""
    with psycopg.connect(_libpq(url)) as conn:
        return conn.execute(
            "SELECT a.job_id, a.id, b.id FROM job_runs a JOIN job_runs b"
            " ON a.job_id = b.job_id AND a.id < b.id"
            " AND b.started_at < coalesce(a.finished_at, now())"
            " AND a.started_at < coalesce(b.finished_at, now())"
            " WHERE a.started_at >= %s", (since,)).fetchall()


def job_run_counts(url: str, since: datetime) -> dict[str, int]:
    with psycopg.connect(_libpq(url)) as conn:
        return dict(conn.execute(
            "SELECT job_id || ':' || outcome, count(*) FROM job_runs WHERE started_at >= %s"
            " GROUP BY 1 ORDER BY 1", (since,)).fetchall())


# --- the clients ------------------------------------------------------------------------------


class BadResponse(Exception):
    pass


@dataclass
class Result:
    latencies: list[float] = field(default_factory=list)  # ms, one per HTTP request
    errors: int = 0
    first_error: str | None = None

    def fail(self, message: str) -> None:
        self.errors += 1
        if self.first_error is None:
            self.first_error = message


class Client:
    """One keep-alive connection; `get` returns the parsed JSON (or None, unchecked)."""

    def __init__(self, port: int, key: str, result: Result, check_every: int) -> None:
        self.port, self.result, self.check_every = port, result, check_every
        self.headers = {"Authorization": f"Bearer {key}", "Accept": "application/json"}
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        self.count = 0

    def get(self, path: str, params: dict, *, must_parse: bool = False):
        target = f"{path}?{urlencode(params)}"
        started = time.perf_counter()
        try:
            self.conn.request("GET", target, headers=self.headers)
            response = self.conn.getresponse()
            body = response.read()
        except (OSError, http.client.HTTPException) as exc:
            self.result.latencies.append((time.perf_counter() - started) * 1000)
            self.conn.close()
            self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
            raise BadResponse(f"GET {target}: {exc!r}") from exc
        self.result.latencies.append((time.perf_counter() - started) * 1000)
        if not 200 <= response.status < 300:
            raise BadResponse(f"GET {target}: {response.status} {body[:300]!r}")
        self.count += 1
        if must_parse or self.count == 1 or self.count % self.check_every == 0:
            return json.loads(body)
        return None


Scenario = Callable[[Client, random.Random, dict], None]


def sell_through(data: Dataset) -> tuple[str, Scenario]:
    params = {"granularity": "day", "from": data.days[0].isoformat(),
              "to": data.days[-1].isoformat(), "limit": PAGE}

    def run(client: Client, rng: random.Random, _state: dict) -> None:
        gtin = rng.choice(data.gtins)
        cursor, rows, series, checked = None, 0, 0, True
        while True:
            page = client.get("/v1/sell-through",
                              {**params, "gtin": gtin, **({"cursor": cursor} if cursor else {})},
                              must_parse=len(data.location_ids) > PAGE)
            if page is None:
                checked = False
                break
            if any(r["gtin"] != gtin or r["units_sold"] is None for r in page["items"]):
                raise BadResponse(f"sell-through {gtin}: a row of another product")
            rows += page["totals"]["rows"]
            series += page["totals"]["series"]
            cursor = page["next_cursor"]
            if cursor is None:
                break
        want_rows = len(data.location_ids) * len(data.days)
        if checked and (series, rows) != (len(data.location_ids), want_rows):
            raise BadResponse(f"sell-through {gtin}: {series} series / {rows} rows, expected "
                              f"{len(data.location_ids)} / {want_rows}")

    return "sell-through, 1 product", run


def changes(data: Dataset) -> tuple[str, Scenario]:
    def run(client: Client, _rng: random.Random, state: dict) -> None:
        params = {"limit": PAGE, **({"cursor": state["cursor"]} if state.get("cursor") else {})}
        page = client.get("/v1/sell-through/changes", params, must_parse=True)
        items = page["items"]
        if items and items[0]["id"] <= state.get("last_id", 0):
            raise BadResponse("changes: the feed went backwards")
        if len(items) > PAGE or not page["next_cursor"]:
            raise BadResponse(f"changes: {len(items)} items, cursor {page['next_cursor']!r}")
        state["seen"] = state.get("seen", 0) + len(items)
        if len(items) < PAGE:  # exhausted: start again from the beginning
            if state["seen"] != data.facts:
                raise BadResponse(f"changes: walked {state['seen']} facts, loaded {data.facts}")
            state.clear()
        else:
            state["cursor"], state["last_id"] = page["next_cursor"], items[-1]["id"]

    return "changes, limit 500", run


def signals(data: Dataset) -> tuple[str, Scenario]:
    want = min(len(data.gtins), PAGE)

    def run(client: Client, rng: random.Random, _state: dict) -> None:
        location = rng.choice(data.location_ids)
        page = client.get("/v1/replenishment/signals", {"location": location})
        if page is None:
            return
        items = page["items"]
        if len(items) != want or any(s["location_id"] != location or s["urgency"] not in
                                     URGENCIES or s["stock_as_of"] is None for s in items):
            raise BadResponse(f"signals {location}: {len(items)} signals, expected {want}, "
                              "each of that location, with stock and a known urgency")

    return "signals, 1 location", run


@dataclass
class Row:
    scenario: str
    workers: int
    clients: int
    requests: int
    errors: int
    seconds: float
    p50: float
    p95: float
    p99: float
    max: float
    client_cpu: float
    server_cpu_ms: float  # server CPU (all its processes) per request, milliseconds
    first_error: str | None


def percentile(ordered: list[float], p: float) -> float:
    """Nearest rank: the smallest sample with at least p % of the samples at or below it."""
    if not ordered:
        return math.nan
    return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)]


def drive(port: int, key: str, scenario: Scenario, *, clients: int, duration: float,
          warmup: float, check_every: int, seed: int,
          server_pgid: int) -> tuple[Result, float, float, float]:
    """Run `clients` threads for warm-up + `duration` seconds; samples of the warm-up are
    dropped. Returns the results, the measured wall time, this process's CPU share and the
    server's CPU seconds over the measured time."""
    results = [Result() for _ in range(clients)]
    start_at = time.monotonic() + warmup
    stop_at = start_at + duration

    def client_loop(n: int) -> None:
        rng = random.Random(seed * 1000 + n)
        warm = Result()
        client = Client(port, key, warm, check_every)
        state: dict = {}
        while time.monotonic() < stop_at:
            if client.result is warm and time.monotonic() >= start_at:
                client.result = results[n]
            try:
                scenario(client, rng, state)
            except (BadResponse, ValueError, KeyError, TypeError) as exc:  # JSON or shape
                client.result.fail(f"{type(exc).__name__}: {exc}")
                state.clear()
        client.conn.close()

    threads = [threading.Thread(target=client_loop, args=(n,)) for n in range(clients)]
    for t in threads:
        t.start()
    while time.monotonic() < start_at:
        time.sleep(0.05)
    cpu0, server0 = time.process_time(), group_cpu_seconds(server_pgid)
    for t in threads:
        t.join()
    wall = time.monotonic() - start_at
    merged = Result()
    for r in results:
        merged.latencies += r.latencies
        merged.errors += r.errors
        merged.first_error = merged.first_error or r.first_error
    server_cpu = group_cpu_seconds(server_pgid) - server0
    return merged, wall, (time.process_time() - cpu0) / wall, server_cpu


def print_table(rows: list[Row]) -> None:
    head = (f"{'scenario':<26}{'workers':>8}{'clients':>8}{'requests':>9}{'errors':>7}"
            f"{'req/s':>8}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}{'max ms':>9}{'client CPU':>11}"
            f"{'server CPU ms/req':>18}")
    print(head)
    print("-" * len(head))
    for r in rows:
        print(f"{r.scenario:<26}{r.workers:>8}{r.clients:>8}{r.requests:>9}{r.errors:>7}"
              f"{r.requests / r.seconds:>8.1f}{r.p50:>9.1f}{r.p95:>9.1f}{r.p99:>9.1f}"
              f"{r.max:>9.1f}{r.client_cpu:>10.0%} {r.server_cpu_ms:>17.1f}")
    for r in rows:
        if r.first_error:
            print(f"  {r.scenario} (workers {r.workers}, clients {r.clients}) first error: "
                  f"{r.first_error}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--locations", type=int, default=200)
    parser.add_argument("--products", type=int, default=500)
    parser.add_argument("--days", type=int, default=10)
    parser.add_argument("--workers", default="1", help="uvicorn workers; a list runs each: 1,2")
    parser.add_argument("--concurrency", default="8",
                        help="client threads; a list runs each: 1,8")
    parser.add_argument("--duration", type=float, default=20.0, help="seconds per scenario")
    parser.add_argument("--warmup", type=float, default=None,
                        help="unmeasured seconds before each scenario (default duration/10)")
    parser.add_argument("--scenarios", default="sell-through,changes,signals")
    parser.add_argument("--check-every", type=int, default=1,
                        help="parse and check every Nth response of a client (feed: all)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--schedulers", type=int, default=0,
                        help="scheduler processes running beside the server during the load")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument("--database-url", help="reuse this loaded database (from --keep)")
    parser.add_argument("--admin-url", default=DEFAULT_ADMIN_URL,
                        help="PostgreSQL URL to create and drop the database through")
    args = parser.parse_args(argv)
    workers = [int(w) for w in args.workers.split(",")]
    concurrency = [int(c) for c in args.concurrency.split(",")]
    warmup = args.duration / 10 if args.warmup is None else args.warmup
    builders = {"sell-through": sell_through, "changes": changes, "signals": signals}
    chosen = [s.strip() for s in args.scenarios.split(",")]
    if any(s not in builders for s in chosen):
        parser.error(f"--scenarios: choose from {', '.join(builders)}")

    url = args.database_url or create_database(args.admin_url)
    keep = args.keep or args.database_url is not None
    print(f"database {make_url(url).database}", flush=True)
    try:
        started = time.perf_counter()
        if args.database_url:
            data = _reload(url, args)
        else:
            data = load(url, locations=args.locations, products=args.products, days=args.days)
        print(f"loaded {data.facts:,} sales facts and "
              f"{len(data.location_ids) * len(data.gtins):,} inventory snapshots "
              f"({len(data.location_ids)} locations x {len(data.gtins)} products x "
              f"{len(data.days)} days) in {time.perf_counter() - started:.1f} s", flush=True)
        role_of = {"sell-through": "manufacturer", "changes": "manufacturer",
                   "signals": "distributor"}
        failed = 0
        with tempfile.TemporaryDirectory(prefix="edihub-bench-") as tmp:
            for n_workers in workers:
                rows = []
                since = datetime.now(UTC)
                with server(url, n_workers, Path(tmp)) as (port, pgid), \
                        schedulers(url, args.schedulers, Path(tmp)) as scheduler_procs:
                    for clients in concurrency:
                        for name in chosen:
                            title, scenario = builders[name](data)
                            result, wall, cpu, server_cpu = drive(
                                port, data.keys[role_of[name]], scenario, clients=clients,
                                duration=args.duration, warmup=warmup,
                                check_every=args.check_every, seed=args.seed,
                                server_pgid=pgid)
                            ordered = sorted(result.latencies)
                            rows.append(Row(title, n_workers, clients, len(ordered),
                                            result.errors, wall, percentile(ordered, 50),
                                            percentile(ordered, 95), percentile(ordered, 99),
                                            ordered[-1] if ordered else math.nan, cpu,
                                            server_cpu * 1000 / max(len(ordered), 1),
                                            result.first_error))
                            failed += result.errors + (0 if ordered else 1)
                    dead = [p.returncode for p in scheduler_procs if p.poll() is not None]
                print()
                print_table(rows)
                if args.schedulers:
                    overlaps = overlapping_job_runs(url, since)
                    print(f"{args.schedulers} schedulers: job runs {job_run_counts(url, since)}, "
                          f"overlapping runs of one job: {len(overlaps)}, exited early: "
                          f"{len(dead)}")
                    failed += len(overlaps) + len(dead)
        return 1 if failed else 0
    finally:
        if keep:
            print(f"kept {url}")
        else:
            drop_database(args.admin_url, url)


def _reload(url: str, args) -> Dataset:
    """A database kept by an earlier run: new API keys, the loaded ids and days."""
    from app.services.partners import issue_key
    from app.store.db import make_engine, make_session_factory, session_scope
    from app.store.models import Partner

    engine = make_engine(url)
    try:
        with session_scope(make_session_factory(engine)) as session:
            keys = {}
            for role in ("distributor", "manufacturer", "ops"):
                partner = session.query(Partner).filter_by(role=role).one()
                keys[role] = issue_key(session, partner, role)
    finally:
        engine.dispose()
    with psycopg.connect(_libpq(url)) as conn:
        location_ids = [r[0] for r in conn.execute("SELECT id FROM locations ORDER BY id")]
        gtins = [r[0] for r in conn.execute("SELECT gtin FROM products ORDER BY id")]
        days = [r[0] for r in conn.execute(
            "SELECT DISTINCT period_start FROM sales_facts ORDER BY 1")]
        facts = conn.execute("SELECT count(*) FROM sales_facts").fetchone()[0]
    return Dataset(url=url, days=days, location_ids=location_ids, gtins=gtins, keys=keys,
                   facts=facts)


if __name__ == "__main__":
    sys.exit(main())
