"""`edihub demo`: a small, deterministic supply chain with six months of history to explore.

Partners: the hub's ops team, a manufacturer (Acme Foods) and three distributors that buy
from it. The story, all dates relative to `today`:

- Northwind orders steadily, about once a week; Bolt Retail runs a promotion, so its orders
  come more often and get bigger over the period; Cobalt Grocers ordered every ten days and
  then stopped, about four months ago (a churn case).
- Acme answers every order with a promise (855: mostly accepted, some changed quantities or
  dates, a few back-ordered lines) and ships it (856: mostly on time, some late, a few short),
  invoices some shipments (810), so the promise views show on-time, late and at-risk lines.
- Northwind and Bolt report weekly store activity (852: sales, receipts, on hand per store)
  for the last twelve weeks; two store x product series are running low. Northwind also sends
  a forecast (830).
- One Bolt order comes as EDIFACT ORDERS (answered with an ORDRSP) and one Northwind order as
  a cXML OrderRequest, so all three syntaxes are in the store.
- Eleven smaller buyers (`BUYERS`) only send X12 850s, in patterns chosen so that the RFM
  segments as of `today` each have a member (champions, loyal, new, promising, at_risk,
  hibernating, needs_attention).

Every file is generated with the hub's own writers into `demo-files/` and ingested through
`ingest_upload` as an upload by the partner that sends it, in date order. The hub stamps
what it receives with the current time; the demo then dates each file's timeline entries
(received time, interactions, order and promise creation) to the day the story sends it.
"""

from __future__ import annotations

import json
import random
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

from rich.console import Console
from sqlalchemy.engine import make_url

from app.jobs.runner import run_job
from app.jobs.scheduler import jobs
from app.services import clock
from app.services.customers import compute_scores, put_exchange_rates
from app.services.ingest import Upload, ingest_upload
from app.services.partners import register_partner
from app.settings import Settings
from app.store import demo as demo_store
from app.store import partner as partner_store
from app.store.db import make_engine, make_session_factory, session_scope
from app.store.migrate import upgrade
from app.store.types import UTC
from edi.documents import (
    EnvelopeSpec,
    OrderLine,
    OrderResponse,
    PartyId,
    PlanningSchedule,
    ResponseLine,
    ScheduleBucket,
    ScheduleLine,
)
from edi.documents import Order as OrderDoc
from edi.edifact.writer import write_orders, write_ordrsp
from edi.x12.writer import SegmentSpec, X12Writer, write_830, write_850, write_855
from schemas.customer import ExchangeRateIn

DEMO_RATES = {"USD": Decimal("0.92"), "GBP": Decimal("1.17"), "CAD": Decimal("0.68")}
DEMO_DIR = Path("demo-files")
KEYS_FILE = Path("demo-keys.json")
ACME = PartyId("ACMEFOODS", "ZZ", "Acme Foods")
ACME_GLN = "0614141000005"
TRANSIT_DAYS = 2  # the hub's default lane transit time; Acme's ship notices use it too


@dataclass(frozen=True, slots=True)
class Customer:
    envelope: PartyId  # ISA / UNB id (registered as ZZ:<id>)
    gln: str
    x12_version: str
    stores: tuple[tuple[str, str], ...] = ()  # (code, name) of the stores it reports on

    @property
    def party(self) -> PartyId:
        """How documents name it: by GLN."""
        return PartyId(self.gln, "GLN", self.envelope.name)


DISTRIBUTORS = {
    "northwind": Customer(
        PartyId("NORTHWIND", "ZZ", "Northwind Distribution"), "0614141000012", "00401",
        (("NW-S01", "Northwind Market Reno"), ("NW-S02", "Northwind Market Sparks"),
         ("NW-S03", "Northwind Market Carson City"))),
    "bolt": Customer(
        PartyId("BOLTRETAIL", "ZZ", "Bolt Retail"), "0614141000029", "00501",
        (("BR-S01", "Bolt Store Downtown"), ("BR-S02", "Bolt Store Airport"),
         ("BR-S03", "Bolt Store Harbour"))),
    "cobalt": Customer(PartyId("COBALT", "ZZ", "Cobalt Grocers"), "0614141000043", "00401"),
}


def _gln(serial: int) -> str:
    """A GLN in Acme's demo prefix, with its check digit."""
    body = f"0614141{serial:05d}"
    total = sum(int(d) * (3 if i % 2 else 1) for i, d in enumerate(body))
    return body + str(-total % 10)


@dataclass(frozen=True, slots=True)
class Buyer:
    """A smaller buyer that only sends X12 850s: an order every `cadence` days (+-1) from
    `first` to `last` days before today, each line `cases` cases (+-2) of 12. Acme's answers
    are left out to keep the demo fast, and the orders state no delivery date, so their lines
    wait as `requested` instead of crowding the late lines of the promise views. The patterns
    are chosen so that, scored against every active customer (the story's three included),
    each RFM segment has a member as of today: the comments in `BUYERS` name the segment."""

    customer: Customer
    prefix: str  # of its PO numbers
    first: int
    last: int
    cadence: int
    cases: int


def _buyer(zz: str, name: str, serial: int, prefix: str, first: int, last: int, cadence: int,
           cases: int) -> Buyer:
    return Buyer(Customer(PartyId(zz, "ZZ", name), _gln(serial), "00401"), prefix, first, last,
                 cadence, cases)


BUYERS = {  # slug -> pattern; the segment each lands in as of today
    "harbor": _buyer("HARBORFS", "Harbor Foodservice", 101, "HF", 360, 1, 10, 16),  # champions
    "maple": _buyer("MAPLEMKT", "Maple Street Market", 102, "MM", 300, 9, 10, 4),  # loyal
    "pioneer": _buyer("PIONEERCO", "Pioneer Co-op", 103, "PC", 20, 5, 7, 6),  # new
    "summit": _buyer("SUMMITDIST", "Summit Distribution", 104, "SD", 70, 2, 31, 8),  # promising
    "granite": _buyer("GRANITE", "Granite Wholesale", 105, "GW", 330, 60, 12, 6),  # at_risk
    "willow": _buyer("WILLOWFOODS", "Willow Foods", 106, "WF", 240, 190, 25, 5),  # hibernating
    "cedar": _buyer("CEDARGROC", "Cedar Grocery", 107, "CD", 200, 25, 30, 5),  # hibernating
    "lakeside": _buyer("LAKESIDE", "Lakeside Supply", 108, "LP", 180, 14, 14, 5),  # needs_attention
    "redwood": _buyer("REDWOODRTL", "Redwood Retail", 109, "RR", 300, 150, 30, 6),  # hibernating
    "prairie": _buyer("PRAIRIE", "Prairie Pantry", 110, "PP", 365, 6, 12, 7),  # loyal
    "orchard": _buyer("ORCHARDMKT", "Orchard Market", 111, "OM", 350, 45, 60, 6),  # hibernating
}
CATALOGUE = [  # GTIN, vendor part, description, unit price (each)
    ("00012345678905", "ACM-100", "Rolled Oats 500 g", Decimal("2.45")),
    ("04006381333931", "ACM-220", "Oat Bran 250 g", Decimal("2.15")),
    ("05012345678900", "ACM-310", "Muesli Classic 750 g", Decimal("3.60")),
    ("00614141000036", "ACM-420", "Porridge Cups 6x", Decimal("5.20")),
]

# Generator parameters (the test derives its expected ranges from these).
HISTORY_DAYS = 182  # Northwind and Bolt order from today - HISTORY_DAYS to yesterday
NORTHWIND_CADENCE = 7  # days between orders, +-1
BOLT_CADENCE = (11, 4)  # days between orders at the start and at the end of the period, +-1
COBALT_CADENCE = 10  # +-1 ...
COBALT_FIRST, COBALT_LAST = 330, 120  # ... from today - 330 until today - 120, then nothing
REPORT_WEEKS = 12  # weekly 852s from Northwind and Bolt
LOW_STOCK = {("northwind", "NW-S02", "ACM-310"), ("bolt", "BR-S03", "ACM-420")}
LOW_STOCK_WEEKS = 3  # ... had no delivery in the last 3 weeks and hold half a week of sales
# Acme's backlog: lines due around today (promised from today - 10 to today + 2) take these
# fates in turn, so there are always late (past due, no ship notice) and at-risk lines.
BACKLOG_FATES = {"past due": ("stuck", "on_time", "slow", "on_time"),
                 "due": ("stuck", "on_time", "slow")}
INVOICE_EVERY = 8  # every 8th ship notice is invoiced the next day
EDIFACT_ORDER_AGE = 30  # the Bolt order closest to today - 30 comes as EDIFACT ORDERS
CXML_ORDER_AGE = 20  # the Northwind order closest to today - 20 comes as cXML


@dataclass(slots=True)
class DemoFile:
    when: datetime
    sender: str  # acme | northwind | bolt | cobalt
    syntax: str  # x12 | edifact | xml
    kind: str  # 850, 855, ORDERS, OrderRequest ...
    reference: str
    render: Callable[[int], str]  # control number -> file text

    @property
    def name(self) -> str:
        ext = {"x12": "edi", "edifact": "edi", "xml": "xml"}[self.syntax]
        return f"{self.when:%Y%m%d-%H%M}-{self.sender}-{self.kind}-{self.reference}.{ext}"


@dataclass(slots=True)
class _Line:
    number: str
    gtin: str
    part: str
    text: str
    price: Decimal
    quantity: int
    status: str = "accepted"  # promise: accepted | changed | backordered
    promised_quantity: int = 0
    promised: date | None = None
    ship_on: date | None = None
    shipped_quantity: int = 0


@dataclass(slots=True)
class _Order:
    slug: str
    po: str
    issued: date
    requested: date | None  # None: the buyer states no delivery date
    syntax: str = "x12"
    lines: list[_Line] = field(default_factory=list)


WATCH_JOBS = ("promise-sweep", "replenishment-watch", "feed-watch", "ack-watch")


def build_demo(database_url: str, *, console: Console, today: date | None = None) -> dict:
    """Create the demo store and load the files; returns the API keys by role.

    A SQLite file is replaced; any other database is migrated and loaded as it is (it should
    be empty)."""
    today = today or clock.today()
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite" and url.database:
        for suffix in ("", "-wal", "-shm"):
            Path(url.database + suffix).unlink(missing_ok=True)
    upgrade(database_url)
    engine = make_engine(database_url)
    sessions = make_session_factory(engine)
    settings = Settings(database_url=database_url)
    keys: dict[str, str] = {}
    ids: dict[str, int] = {}
    with session_scope(sessions) as session:
        ops = register_partner(session, name="Hub Operations", role="ops", identifiers=[])
        acme = register_partner(session, name="Acme Foods", role="manufacturer",
                                identifiers=[f"ZZ:{ACME.id}", f"GLN:{ACME_GLN}"])
        keys["ops"], keys["manufacturer"] = ops.api_key, acme.api_key
        ids["acme"] = acme.partner.id
        customers = {**DISTRIBUTORS, **{slug: b.customer for slug, b in BUYERS.items()}}
        for slug, customer in customers.items():
            reg = register_partner(session, name=customer.envelope.name, role="distributor",
                                   identifiers=[f"ZZ:{customer.envelope.id}",
                                                f"GLN:{customer.gln}"])
            keys[f"distributor:{slug}"] = reg.api_key
            ids[slug] = reg.partner.id
            for code, name in customer.stores:
                partner_store.add_location(session, partner_id=reg.partner.id, code=code,
                                           name=name)
    keys["distributor"] = keys["distributor:northwind"]

    DEMO_DIR.mkdir(exist_ok=True)
    for pattern in ("[0-9]*-*.edi", "[0-9]*-*.xml", "*-850-[0-9][0-9][0-9].edi"):
        for earlier in DEMO_DIR.glob(pattern):
            earlier.unlink()  # files of an earlier run (dated to its `today`, or older names)
    files = sorted(_Story(today).files(), key=lambda f: (f.when, f.sender, f.reference))
    controls: dict[tuple[str, str], int] = defaultdict(lambda: 1000)
    dated: dict[int, datetime] = {}
    for demo_file in files:
        controls[demo_file.sender, demo_file.syntax] += 1
        text = demo_file.render(controls[demo_file.sender, demo_file.syntax])
        (DEMO_DIR / demo_file.name).write_text(text)
        outcome = ingest_upload(sessions, Upload(
            content=text.encode(), source="demo", uploader_id=ids[demo_file.sender],
            uploader_is_ops=False, filename=demo_file.name), settings)
        dated[outcome.file_id] = demo_file.when
    with session_scope(sessions) as session:
        demo_store.backdate(session, dated)
        statuses = Counter(demo_store.files_by_status(session))
    with session_scope(sessions) as session:  # as ops would: rates into the base currency
        put_exchange_rates(session, settings, [ExchangeRateIn(
            currency=currency, rate=rate, valid_from=today - timedelta(days=400))
            for currency, rate in DEMO_RATES.items() if currency != settings.base_currency])
    # score the customers as the story unfolds, so tier promotions show over time
    for days_ago in (120, 60, 0):
        as_of = today - timedelta(days=days_ago)
        with session_scope(sessions) as session:
            compute_scores(session, settings, as_of, computed_at=_at(as_of, 23))
    # the watch jobs once, as `edihub scheduler` runs them, so alerts and job runs show at once
    scheduled = jobs(settings)
    for job_id in WATCH_JOBS:
        run_job(engine, sessions, settings, job_id, scheduled[job_id][0])
    # one fresh order, not loaded, for the upload example
    northwind = DISTRIBUTORS["northwind"]
    fresh = _Order("northwind", "PO-NW-NEW-1", today, today + timedelta(days=8), lines=[
        _Line("1", *CATALOGUE[0], quantity=48), _Line("2", *CATALOGUE[2], quantity=24)])
    (DEMO_DIR / "northwind-850-new.edi").write_text(_order_850(fresh, northwind, 9999))
    engine.dispose()
    KEYS_FILE.write_text(json.dumps(keys, indent=2) + "\n")
    kinds = Counter(f.kind for f in files)
    console.print(f"demo store ready at [bold]{database_url}[/]: {len(files)} files loaded "
                  f"from {DEMO_DIR}/ ("
                  + ", ".join(f"{n} {kind}" for kind, n in sorted(kinds.items())) + ")")
    colour = "green" if set(statuses) == {"processed"} else "red"
    console.print(f"[{colour}]files by status[/]: " + ", ".join(
        f"{n} {status}" for status, n in sorted(statuses.items())))
    return keys


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=UTC)


def _env(sender: PartyId, receiver: PartyId, control: int, when: datetime,
         version: str, message_version: str = "") -> EnvelopeSpec:
    return EnvelopeSpec(sender=sender, receiver=receiver, interchange_control=control,
                        group_control=control, version=version,
                        message_version=message_version, created=when)


def _acme_party() -> PartyId:
    return PartyId(ACME_GLN, "GLN", ACME.name)


def _order_850(order: _Order, customer: Customer, control: int) -> str:
    doc = OrderDoc(
        number=order.po, issued=order.issued, buyer=customer.party, supplier=_acme_party(),
        currency="USD",
        lines=tuple(OrderLine(line_number=ln.number, quantity=Decimal(ln.quantity), unit="EA",
                              gtin=ln.gtin, vendor_part=ln.part, unit_price=ln.price,
                              description=ln.text, requested_date=order.requested)
                    for ln in order.lines))
    return write_850(doc, _env(customer.envelope, ACME, control, _at(order.issued, 9),
                               customer.x12_version))


class _Story:
    """Generates the files of the demo; one seeded random source, dates from `today`."""

    def __init__(self, today: date) -> None:
        self.today = today
        self.rng = random.Random(42)
        self.shipments = 0
        self.backlog = [0, 0]  # lines past due, due within the transit days

    def files(self) -> Iterator[DemoFile]:
        for slug in DISTRIBUTORS:
            orders = self._orders(slug)
            special = {"bolt": ("edifact", EDIFACT_ORDER_AGE),
                       "northwind": ("xml", CXML_ORDER_AGE)}.get(slug)
            if special is not None:
                target = self.today - timedelta(days=special[1])
                min(orders, key=lambda o: abs((o.issued - target).days)).syntax = special[0]
            for order in orders:
                yield from self._order_files(order)
        for slug in ("northwind", "bolt"):
            yield from self._activity_reports(slug)
        yield self._forecast()
        yield from self._buyer_orders()

    def _buyer_orders(self) -> Iterator[DemoFile]:
        """The smaller buyers' 850s, from their own random source (the story's stays as is)."""
        rng = random.Random(7)
        for slug, buyer in BUYERS.items():
            days: list[date] = []  # back from the last order, so its date is exact
            day = self.today - timedelta(days=buyer.last)
            while day >= self.today - timedelta(days=buyer.first):
                days.append(day)
                day -= timedelta(days=buyer.cadence + rng.randint(-1, 1))
            for n, day in enumerate(reversed(days), start=1):
                order = _Order(slug, f"PO-{buyer.prefix}-{day:%y%m%d}-{n:02d}", day, None)
                for i, item in enumerate(rng.sample(CATALOGUE, k=rng.randint(2, 3)), start=1):
                    cases = max(1, buyer.cases + rng.randint(-2, 2))
                    order.lines.append(_Line(str(i), *item, quantity=12 * cases))
                yield DemoFile(_at(day, 9), slug, "x12", "850", order.po,
                               lambda c, o=order, b=buyer: _order_850(o, b.customer, c))

    # ------------------------------------------------------------------ orders

    def _order_days(self, slug: str) -> list[date]:
        rng, today = self.rng, self.today
        start = today - timedelta(days=HISTORY_DAYS)
        days: list[date] = []
        if slug == "cobalt":
            day = today - timedelta(days=COBALT_LAST)
            while day >= today - timedelta(days=COBALT_FIRST):
                days.append(day)
                day -= timedelta(days=COBALT_CADENCE + rng.randint(-1, 1))
            return days[::-1]
        day = start
        while day < today:
            days.append(day)
            if slug == "bolt":
                progress = (day - start).days / HISTORY_DAYS
                first, last = BOLT_CADENCE
                gap = round(first - (first - last) * progress)
            else:
                gap = NORTHWIND_CADENCE
            day += timedelta(days=gap + rng.randint(-1, 1))
        return days

    def _orders(self, slug: str) -> list[_Order]:
        rng = self.rng
        prefix = {"northwind": "NW", "bolt": "BR", "cobalt": "CG"}[slug]
        orders = []
        for n, day in enumerate(self._order_days(slug), start=1):
            progress = max(0.0, 1 - (self.today - day).days / HISTORY_DAYS)
            scale = 0.6 + 1.6 * progress if slug == "bolt" else 1.0  # the promotion
            order = _Order(slug, f"PO-{prefix}-{day:%y%m%d}-{n:02d}", day,
                           day + timedelta(days=rng.randint(7, 10)))
            for i, item in enumerate(rng.sample(CATALOGUE, k=rng.randint(2, 4)), start=1):
                cases = max(1, round(rng.randint(3, 10) * scale))
                order.lines.append(_Line(str(i), *item, quantity=12 * cases))
            self._promise(order)
            orders.append(order)
        return orders

    def _promise(self, order: _Order) -> None:
        """Decide what Acme promises and when it ships, line by line."""
        rng, today = self.rng, self.today
        early = rng.randint(0, 1)  # lines promised for the same day ship together
        for line in order.lines:
            line.promised_quantity, line.promised = line.quantity, order.requested
            roll = rng.random()
            if roll < 0.06:
                line.status = "backordered"
                line.promised = order.requested + timedelta(days=rng.randint(7, 12))
            elif roll < 0.10:
                line.status = "changed"
                line.promised_quantity = 12 * max(1, round(line.quantity / 12 * 0.75))
            elif roll < 0.16:
                line.status = "changed"
                line.promised = order.requested + timedelta(days=rng.randint(2, 4))
            ship = line.promised - timedelta(days=TRANSIT_DAYS + early)
            line.shipped_quantity = line.promised_quantity
            # Acme has a backlog: lines due around today slip in turn, so the promise views
            # always have late (past due, not shipped) and at-risk lines.
            roll = rng.random()
            fate = "slow" if roll < 0.12 else "short" if roll < 0.16 else "on_time"
            due_in = (line.promised - today).days
            if -10 <= due_in <= TRANSIT_DAYS:
                turn = BACKLOG_FATES["due" if due_in >= 0 else "past due"]
                fate = turn[self.backlog[due_in >= 0] % len(turn)]
                self.backlog[due_in >= 0] += 1
            if fate == "stuck":  # no ship notice yet
                ship = today + timedelta(days=rng.randint(1, 5))
            elif fate == "slow":  # shipped late: it arrives 2 to 6 days after the promise
                ship = line.promised + timedelta(days=rng.randint(0, 4))
            elif fate == "short":
                line.shipped_quantity = max(1, round(line.promised_quantity
                                                     * rng.uniform(0.5, 0.85)))
            line.ship_on = max(ship, order.issued + timedelta(days=2))

    def _order_files(self, order: _Order) -> Iterator[DemoFile]:
        customer = DISTRIBUTORS[order.slug]
        if order.syntax == "edifact":
            yield DemoFile(_at(order.issued, 9), order.slug, "edifact", "ORDERS", order.po,
                           lambda c: self._orders_edifact(order, customer, c))
        elif order.syntax == "xml":
            yield DemoFile(_at(order.issued, 9), order.slug, "xml", "OrderRequest", order.po,
                           lambda c: self._order_request(order, customer, c))
        else:
            yield DemoFile(_at(order.issued, 9), order.slug, "x12", "850", order.po,
                           lambda c: _order_850(order, customer, c))
        acked = order.issued + timedelta(days=1)
        if acked > self.today:
            return  # not answered yet: its lines are still `requested`
        if order.syntax == "edifact":
            yield DemoFile(_at(acked, 14), "acme", "edifact", "ORDRSP", order.po,
                           lambda c: self._ordrsp(order, customer, c, acked))
        else:
            yield DemoFile(_at(acked, 14), "acme", "x12", "855", order.po,
                           lambda c: self._acknowledgement(order, customer, c, acked))
        by_day: dict[date, list[_Line]] = defaultdict(list)
        for line in order.lines:
            if line.ship_on is not None and line.ship_on <= self.today:
                by_day[line.ship_on].append(line)
        for day, lines in sorted(by_day.items()):
            self.shipments += 1
            asn = f"ASN-{self.shipments:05d}"
            yield DemoFile(_at(day, 16), "acme", "x12", "856", asn,
                           lambda c, d=day, ls=lines, a=asn: self._ship_notice(
                               order, customer, c, d, ls, a))
            invoiced = day + timedelta(days=1)
            if self.shipments % INVOICE_EVERY == 0 and invoiced <= self.today:
                inv = f"INV-{self.shipments:05d}"
                yield DemoFile(_at(invoiced, 18), "acme", "x12", "810", inv,
                               lambda c, d=invoiced, ls=lines, i=inv: self._invoice(
                                   order, customer, c, d, ls, i))

    def _response(self, order: _Order, customer: Customer, acked: date) -> OrderResponse:
        lines = tuple(
            ResponseLine(line_number=ln.number, status=ln.status,
                         ordered_quantity=Decimal(ln.quantity),
                         promised_quantity=Decimal(ln.promised_quantity), unit="EA",
                         gtin=ln.gtin, vendor_part=ln.part, promised_date=ln.promised,
                         unit_price=ln.price)
            for ln in order.lines)
        status = "accepted" if all(ln.status == "accepted" for ln in order.lines) else "changed"
        return OrderResponse(order_number=order.po, order_date=order.issued,
                             response_number=f"SO-{order.po[3:]}", issued=acked, status=status,
                             buyer=customer.party, supplier=_acme_party(), currency="USD",
                             lines=lines)

    def _acknowledgement(self, order: _Order, customer: Customer, control: int,
                         acked: date) -> str:
        return write_855(self._response(order, customer, acked),
                         _env(ACME, customer.envelope, control, _at(acked, 14),
                              customer.x12_version))

    def _ordrsp(self, order: _Order, customer: Customer, control: int, acked: date) -> str:
        resp = self._response(order, customer, acked)
        return write_ordrsp(resp, _env(ACME, customer.envelope, control, _at(acked, 14),
                                       "UNOC:3", "D:96A:UN:EAN008"))

    def _orders_edifact(self, order: _Order, customer: Customer, control: int) -> str:
        doc = OrderDoc(
            number=order.po, issued=order.issued, buyer=customer.party,
            supplier=_acme_party(), currency="USD",
            lines=tuple(OrderLine(line_number=ln.number, quantity=Decimal(ln.quantity),
                                  unit="PCE", gtin=ln.gtin, vendor_part=ln.part,
                                  unit_price=ln.price, description=ln.text,
                                  requested_date=order.requested)
                        for ln in order.lines))
        return write_orders(doc, _env(customer.envelope, ACME, control, _at(order.issued, 9),
                                      "UNOC:3", "D:96A:UN:EAN008"))

    def _order_request(self, order: _Order, customer: Customer, control: int) -> str:
        stamp = f"{order.issued:%Y-%m-%d}T09:00:00+00:00"
        total = sum((ln.price * ln.quantity for ln in order.lines), Decimal(0))
        items = "".join(
            f'''
      <ItemOut quantity="{ln.quantity}" lineNumber="{ln.number}"
               requestedDeliveryDate="{order.requested:%Y-%m-%d}">
        <ItemID>
          <SupplierPartID>{escape(ln.part)}</SupplierPartID>
        </ItemID>
        <ItemDetail>
          <UnitPrice><Money currency="USD">{ln.price}</Money></UnitPrice>
          <Description xml:lang="en">{escape(ln.text)}</Description>
          <UnitOfMeasure>EA</UnitOfMeasure>
          <Extrinsic name="GTIN">{ln.gtin}</Extrinsic>
        </ItemDetail>
      </ItemOut>''' for ln in order.lines)
        payload = quoteattr(f"{control}.{order.po}@procurement.{order.slug}.example")
        return f'''<?xml version="1.0" encoding="UTF-8"?>
<cXML payloadID={payload} timestamp="{stamp}" xml:lang="en-US">
  <Header>
    <From><Credential domain="NetworkID"><Identity>{customer.envelope.id}</Identity>\
</Credential></From>
    <To><Credential domain="NetworkID"><Identity>{ACME.id}</Identity></Credential></To>
    <Sender><Credential domain="NetworkID"><Identity>{customer.envelope.id}</Identity>\
</Credential><UserAgent>edihub demo</UserAgent></Sender>
  </Header>
  <Request deploymentMode="production">
    <OrderRequest>
      <OrderRequestHeader orderID={quoteattr(order.po)} orderDate="{stamp}" type="new">
        <Total><Money currency="USD">{total:.2f}</Money></Total>
      </OrderRequestHeader>{items}
    </OrderRequest>
  </Request>
</cXML>
'''

    def _ship_notice(self, order: _Order, customer: Customer, control: int, day: date,
                     lines: list[_Line], asn: str) -> str:
        body: list[SegmentSpec] = [
            ["BSN", "00", asn, f"{day:%Y%m%d}", "1600", "0001"],
            ["HL", "1", "", "S"],
            ["TD5", "", "2", "ACMF", "M", "Acme Fleet"],
            ["REF", "BM", f"BOL-{asn[4:]}"],
            ["DTM", "011", f"{day:%Y%m%d}"],
            ["DTM", "017", f"{day + timedelta(days=TRANSIT_DAYS):%Y%m%d}"],
            ["N1", "SF", "Acme Foods Plant 1", "UL", ACME_GLN],
            ["N1", "BY", customer.envelope.name, "UL", customer.gln],
            ["HL", "2", "1", "O"],
            ["PRF", order.po, "", "", f"{order.issued:%Y%m%d}"],
        ]
        for n, line in enumerate(lines, start=3):
            body += [
                ["HL", str(n), "2", "I"],
                ["LIN", line.number, "UK", line.gtin, "VN", line.part],
                ["SN1", line.number, str(line.shipped_quantity), "EA", "",
                 str(line.quantity)],
                ["PID", "F", "", "", "", line.text],
            ]
        body.append(["CTT", str(len(lines) + 2)])
        return X12Writer(_env(ACME, customer.envelope, control, _at(day, 16),
                              customer.x12_version)).write([("856", body)])

    def _invoice(self, order: _Order, customer: Customer, control: int, day: date,
                 lines: list[_Line], number: str) -> str:
        body: list[SegmentSpec] = [
            ["BIG", f"{day:%Y%m%d}", number, f"{order.issued:%Y%m%d}", order.po],
            ["CUR", "SE", "USD"],
            ["N1", "SE", ACME.name, "UL", ACME_GLN],
            ["N1", "BT", customer.envelope.name, "UL", customer.gln],
            ["ITD", "01", "3", "2", "", "10", "", "30"],
        ]
        total = Decimal(0)
        for line in lines:
            body += [["IT1", line.number, str(line.shipped_quantity), "EA", str(line.price),
                      "", "UK", line.gtin, "VN", line.part],
                     ["PID", "F", "", "", "", line.text]]
            total += line.price * line.shipped_quantity
        body += [["TDS", str(int(total * 100))], ["CTT", str(len(lines))]]
        return X12Writer(_env(ACME, customer.envelope, control, _at(day, 18),
                              customer.x12_version)).write([("810", body)])

    # ------------------------------------------------------------------ demand

    def _activity_reports(self, slug: str) -> Iterator[DemoFile]:
        """Weekly 852s: per product, sold (QS), received (QR) and on hand (QA) per store."""
        rng, customer = self.rng, DISTRIBUTORS[slug]
        yesterday = self.today - timedelta(days=1)
        last_end = yesterday - timedelta(days=(yesterday.weekday() - 6) % 7)  # a Sunday
        weeks = range(REPORT_WEEKS)
        growth = [1 + 0.6 * w / REPORT_WEEKS if slug == "bolt" else 1.0 for w in weeks]
        demand: dict[tuple[str, str], list[int]] = {}  # (store, part) -> units sold per week
        stock: dict[tuple[str, str], int] = {}
        for code, _name in customer.stores:
            for _gtin, part, _text, _price in CATALOGUE:
                rate = rng.randint(15, 45)
                demand[code, part] = [round(rate * g * rng.uniform(0.8, 1.2)) for g in growth]
                stock[code, part] = 3 * rate
        last_delivery = REPORT_WEEKS - LOW_STOCK_WEEKS - 1
        for week in weeks:
            end = last_end - timedelta(weeks=REPORT_WEEKS - 1 - week)
            start = end - timedelta(days=6)
            figures: dict[str, dict[str, dict[str, int]]] = defaultdict(dict)
            for (code, part), sales in demand.items():
                received = 0
                if (slug, code, part) in LOW_STOCK and week >= last_delivery:
                    # No more deliveries: the last one leaves half a week of sales at the end.
                    if week == last_delivery:
                        left = sum(sales[week:]) + sales[-1] // 2
                        received = max(0, left - stock[code, part])
                elif stock[code, part] < 2 * sales[week]:
                    received = 12 * round(3 * sales[week] / 12)
                sold = min(sales[week], stock[code, part] + received)
                stock[code, part] += received - sold
                figures[part][code] = {"QS": sold, "QR": received, "QA": stock[code, part]}
            yield DemoFile(_at(end + timedelta(days=1), 6), slug, "x12", "852",
                           f"{end:%Y%m%d}",
                           lambda c, s=start, e=end, f=figures: self._activity_report(
                               customer, c, s, e, f))

    def _activity_report(self, customer: Customer, control: int, start: date, end: date,
                         figures: dict[str, dict[str, dict[str, int]]]) -> str:
        body: list[SegmentSpec] = [
            ["XQ", "H", f"{start:%Y%m%d}", f"{end:%Y%m%d}"],
            ["N1", "RL", customer.envelope.name, "UL", customer.gln],
            ["N1", "VN", ACME.name, "UL", ACME_GLN],
        ]
        items = 0
        for gtin, part, text, _price in CATALOGUE:
            stores = figures.get(part)
            if not stores:
                continue
            items += 1
            body += [["LIN", "", "UK", gtin, "VN", part], ["PID", "F", "", "", "", text]]
            for code in ("QS", "QR", "QA"):
                split = [(store, v[code]) for store, v in stores.items()
                         if v[code] or code != "QR"]
                if not split:
                    continue
                body.append(["ZA", code, str(sum(q for _, q in split)), "EA"])
                body.append(["SDQ", "EA", "92", *(x for store, q in split
                                                  for x in (store, str(q)))])
        body.append(["CTT", str(items)])
        return X12Writer(_env(customer.envelope, ACME, control, _at(end + timedelta(days=1), 6),
                              customer.x12_version)).write([("852", body)])

    def _forecast(self) -> DemoFile:
        """Northwind's 830: eight weekly buckets per product, the first two firm."""
        customer = DISTRIBUTORS["northwind"]
        issued = self.today - timedelta(days=3)
        monday = issued + timedelta(days=7 - issued.weekday())
        lines = []
        for gtin, _part, _text, _price in CATALOGUE:
            base = 12 * self.rng.randint(8, 16)
            lines.append(ScheduleLine(gtin=gtin, quantity_unit="EA", buckets=tuple(
                ScheduleBucket(monday + timedelta(weeks=w), monday + timedelta(weeks=w, days=6),
                               Decimal(base + 12 * self.rng.randint(-2, 2)),
                               "firm" if w < 2 else "planning")
                for w in range(8))))
        schedule = PlanningSchedule(
            number=f"FC-NW-{issued:%y%m%d}", issued=issued, horizon_start=monday,
            horizon_end=monday + timedelta(weeks=8, days=-1), buyer=customer.party,
            supplier=_acme_party(), lines=tuple(lines))
        return DemoFile(_at(issued, 7), "northwind", "x12", "830", schedule.number,
                        lambda c: write_830(schedule, _env(customer.envelope, ACME, c,
                                                           _at(issued, 7),
                                                           customer.x12_version)))
