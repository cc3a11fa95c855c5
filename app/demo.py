"""`edihub demo`: a small, deterministic chain to explore.

Partners: the hub's ops team, two distributors (Northwind, Bolt Retail) and a manufacturer
(Acme Foods). Files are generated with the hub's own outbound writers into `demo-files/` and
ingested through the same pipeline as an upload.
"""

from __future__ import annotations

import json
import random
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path

from rich.console import Console
from sqlalchemy.engine import make_url

from app.services.ingest import Upload, ingest_upload
from app.services.partners import register_partner
from app.settings import Settings
from app.store.db import make_engine, make_session_factory, session_scope
from app.store.migrate import upgrade
from app.store.types import UTC
from edi.documents import EnvelopeSpec, Order, OrderLine, PartyId
from edi.x12.writer import write_850

DEMO_DIR = Path("demo-files")
KEYS_FILE = Path("demo-keys.json")
ACME = PartyId("ACMEFOODS", "ZZ", "Acme Foods")
DISTRIBUTORS = {
    "northwind": (PartyId("NORTHWIND", "ZZ", "Northwind Distribution"), "0614141000012"),
    "bolt": (PartyId("BOLTRETAIL", "ZZ", "Bolt Retail"), "0614141000029"),
}
CATALOGUE = [  # GTIN, vendor part, description, case price
    ("00012345678905", "ACM-100", "Rolled Oats 500 g", Decimal("24.50")),
    ("04006381333931", "ACM-220", "Oat Bran 250 g", Decimal("2.15")),
    ("05012345678900", "ACM-310", "Muesli Classic 750 g", Decimal("18.00")),
    ("00614141000036", "ACM-420", "Porridge Cups 6x", Decimal("31.20")),
]


def build_demo(database_url: str, *, console: Console, today: date | None = None) -> dict:
    """Create the demo store and load the files; returns the API keys by role."""
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite" and url.database:
        for suffix in ("", "-wal", "-shm"):
            Path(url.database + suffix).unlink(missing_ok=True)
    upgrade(database_url)
    engine = make_engine(database_url)
    sessions = make_session_factory(engine)
    settings = Settings(database_url=database_url)
    keys: dict[str, str] = {}
    slugs: dict[str, int] = {}
    with session_scope(sessions) as session:
        ops = register_partner(session, name="Hub Operations", role="ops", identifiers=[])
        acme = register_partner(session, name="Acme Foods", role="manufacturer",
                                identifiers=["ZZ:ACMEFOODS", "GLN:0614141000005"])
        keys["ops"], keys["manufacturer"] = ops.api_key, acme.api_key
        for slug, (party, gln) in DISTRIBUTORS.items():
            reg = register_partner(session, name=party.name, role="distributor",
                                   identifiers=[f"ZZ:{party.id}", f"GLN:{gln}"])
            keys[f"distributor:{slug}"] = reg.api_key
            slugs[slug] = reg.partner.id
    keys["distributor"] = keys["distributor:northwind"]

    DEMO_DIR.mkdir(exist_ok=True)
    files = list(_generate_files(today or date.today()))
    for name, sender, text in files:
        (DEMO_DIR / name).write_text(text)
        ingest_upload(sessions, Upload(content=text.encode(), source="demo",
                                       uploader_id=slugs[sender], uploader_is_ops=False,
                                       filename=name), settings)
    # one fresh order, not loaded, for the upload example
    party, _ = DISTRIBUTORS["northwind"]
    (DEMO_DIR / "northwind-850-new.edi").write_text(
        _order_file(party, "PO-NW-NEW-1", today or date.today(), 9999, random.Random(7)))
    engine.dispose()
    KEYS_FILE.write_text(json.dumps(keys, indent=2) + "\n")
    console.print(f"demo store ready at [bold]{database_url}[/]: {len(files)} files loaded "
                  f"from {DEMO_DIR}/")
    return keys


def _generate_files(today: date):
    rng = random.Random(42)
    control = 1000
    for slug, (party, _gln) in DISTRIBUTORS.items():
        cadence = 7 if slug == "northwind" else 12
        day = today - timedelta(days=180)
        n = 0
        while day <= today - timedelta(days=2):
            n += 1
            control += 1
            po = f"PO-{slug[:2].upper()}-{day:%y%m%d}-{n}"
            yield (f"{slug}-850-{n:03d}.edi", slug, _order_file(party, po, day, control, rng))
            day += timedelta(days=cadence + rng.randint(-2, 2))


def _order_file(party: PartyId, po: str, day: date, control: int, rng: random.Random) -> str:
    lines = []
    for i, (gtin, part, text, price) in enumerate(rng.sample(CATALOGUE, k=rng.randint(1, 4))):
        lines.append(OrderLine(
            line_number=str(i + 1), quantity=Decimal(rng.randint(2, 40)), unit="EA",
            gtin=gtin, vendor_part=part, unit_price=price, description=text,
            requested_date=day + timedelta(days=rng.randint(5, 12)),
        ))
    order = Order(number=po, issued=day, buyer=party, supplier=ACME, currency="USD",
                  lines=tuple(lines))
    env = EnvelopeSpec(
        sender=party, receiver=ACME, interchange_control=control, group_control=control,
        version="00401", message_version="004010",
        created=datetime.combine(day, time(9, 0), tzinfo=UTC),
    )
    return write_850(order, env)
