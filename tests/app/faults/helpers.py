"""What the fault tests share: synthetic 852 sales reports, real server and scheduler
processes, and plain HTTP with the standard library."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from sqlalchemy import create_engine, func, select
from sqlalchemy.orm import Session
from stdnum import ean

from app.services.partners import register_partner
from app.store.db import make_engine, make_session_factory, session_scope
from app.store.models import Interchange, Message, SalesFact, StoredFile

BIN = Path(sys.executable).parent
MONDAY = date(2026, 1, 5)


@dataclass(frozen=True, slots=True)
class Sale:
    """One sales fact of a report: units sold of a product at a store in one week."""

    store: int
    product: int
    week: int
    quantity: int

    @property
    def gtin(self) -> str:
        body = f"0614141{self.product:05d}"  # a synthetic UPC-A, check digit computed
        return body + ean.calc_check_digit(body)


def x12_852(control: int, store: int, sales: list[Sale]) -> bytes:
    """An X12 004010 852 from Northwind for one store; each sale is its own LIN loop and
    period (one weekly XQ period per file, so all sales of one file share the week)."""
    week = sales[0].week
    start = MONDAY + timedelta(weeks=week)
    end = start + timedelta(days=6)
    body = [
        f"XQ*H*{start:%Y%m%d}*{end:%Y%m%d}",
        f"N1*SN*Store {store}*92*S{store:04d}",
    ]
    for sale in sales:
        body += [f"LIN**UP*{sale.gtin}", f"ZA*QS*{sale.quantity}*EA"]
    body.append(f"CTT*{len(sales)}")
    segments = [
        f"ISA*00*          *00*          *ZZ*NORTHWIND      *ZZ*ACMEFOODS      *260105*0600*U"
        f"*00401*{control:09d}*0*P*>",
        f"GS*PD*NORTHWIND*ACMEFOODS*20260105*0600*{control}*X*004010",
        "ST*852*0001",
        *body,
        f"SE*{len(body) + 2}*0001",
        f"GE*1*{control}",
        f"IEA*1*{control:09d}",
    ]
    return ("~\n".join(segments) + "~\n").encode()


@dataclass(slots=True)
class Store:
    url: str
    ops_key: str
    northwind_key: str
    northwind_id: int


def prepare_store(url: str) -> Store:
    """Ops and the distributor Northwind (sender ZZ:NORTHWIND) with API keys."""
    engine = make_engine(url)
    try:
        with session_scope(make_session_factory(engine)) as session:
            ops = register_partner(session, name="Ops", role="ops", identifiers=[]).api_key
            northwind = register_partner(session, name="Northwind", role="distributor",
                                         identifiers=["ZZ:NORTHWIND"])
    finally:
        engine.dispose()
    return Store(url, ops, northwind.api_key, northwind.partner.id)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def child_env(**settings: str) -> dict[str, str]:
    """The environment of a child process: ours without EDIHUB_ settings, plus these."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("EDIHUB_")}
    env.update({f"EDIHUB_{k.upper()}": v for k, v in settings.items()})
    return env


class Process:
    """A child process in its own session (its workers die with it), with a log file."""

    def __init__(self, args: list[str], log: Path, env: dict[str, str], cwd: Path) -> None:
        self.log_path = log
        self._log = log.open("ab")
        self.popen = subprocess.Popen(args, cwd=cwd, env=env, stdout=self._log,
                                      stderr=subprocess.STDOUT, start_new_session=True)

    def kill(self) -> None:
        """SIGKILL to the process and everything it started (its own process group)."""
        if self.popen.poll() is None:
            os.killpg(self.popen.pid, signal.SIGKILL)
        self.popen.wait(timeout=30)

    def stop(self) -> None:
        if self.popen.poll() is None:
            os.killpg(self.popen.pid, signal.SIGTERM)
            try:
                self.popen.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.kill()
        self._log.close()

    def tail(self) -> str:
        lines = [line for line in self.log_path.read_text(errors="replace").splitlines()
                 if "maximum number of running instances" not in line]
        return "\n".join(lines)[-6000:]


def start_server(url: str, directory: Path, *, workers: int = 1, **settings: str) -> tuple[
        Process, str]:
    """`edihub serve` on a free port against `url`; returns once /healthz answers."""
    port = free_port()
    process = Process(
        [str(BIN / "edihub"), "serve", "--port", str(port), "--workers", str(workers),
         "--database-url", url, "--no-migrate"],
        directory / "server.log", child_env(**settings), directory)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.popen.poll() is not None:
            raise AssertionError("the server did not start:\n" + process.tail())
        try:
            with urllib.request.urlopen(f"{base}/healthz", timeout=2):
                return process, base
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.1)
    process.stop()
    raise AssertionError("the server did not answer /healthz in 60 s:\n" + process.tail())


@dataclass(frozen=True, slots=True)
class Answer:
    status: int
    headers: dict[str, str]
    body: bytes

    def json(self) -> dict:
        return json.loads(self.body)


def call(method: str, url: str, key: str, data: bytes | None = None, *,
         content_type: str = "application/edi-x12", timeout: float = 120) -> Answer:
    headers = {"Authorization": f"Bearer {key}"}
    if data is not None:
        headers["Content-Type"] = content_type
    request = urllib.request.Request(url, data=data, method=method, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return Answer(response.status, {k.lower(): v for k, v in response.headers.items()},
                          response.read())
    except urllib.error.HTTPError as error:
        with error:
            return Answer(error.code, {k.lower(): v for k, v in error.headers.items()},
                          error.read())


def upload(base: str, key: str, content: bytes, **kwargs) -> Answer:
    return call("POST", f"{base}/v1/interchanges", key, content, **kwargs)


def wait_for(condition: Callable[[], object], seconds: float, what: str,
             interval: float = 0.05, process: Process | None = None) -> object:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(interval)
    log = "\n" + process.tail() if process is not None else ""
    raise AssertionError(f"timed out after {seconds} s waiting for {what}{log}")


@dataclass(frozen=True, slots=True)
class Counts:
    files: int
    interchanges: int
    messages: int
    facts: int
    units: int


@contextmanager
def reading(url: str) -> Iterator[Session]:
    """A session that only reads, on an engine of its own. Not the app's `make_engine`: its
    SQLite transactions begin IMMEDIATE and would wait for a running ingest to finish."""
    engine = create_engine(url)
    try:
        with Session(engine, expire_on_commit=False) as session:
            yield session
    finally:
        engine.dispose()


def counts(url: str) -> Counts:
    """What the store holds now."""
    with reading(url) as session:
        return Counts(
                files=session.scalar(select(func.count(StoredFile.id))),
            interchanges=session.scalar(select(func.count(Interchange.id))),
            messages=session.scalar(select(func.count(Message.id))),
            facts=session.scalar(select(func.count(SalesFact.id))),
            units=int(session.scalar(select(func.coalesce(func.sum(SalesFact.quantity), 0)))),
        )
