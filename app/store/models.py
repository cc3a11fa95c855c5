"""The store: every table of the hub, as SQLAlchemy 2.x models.

Three families:
- who: partners (with identifiers, API keys, locations) and products (with identifiers);
- what arrived: stored files (raw bytes first), interchanges, messages, issues,
  acknowledgements;
- what it means: orders, promises, shipments, sales facts, inventory snapshots, forecasts,
  interactions. Every fact row points to the message (and segment) it came from and keeps the
  raw qualifier, so any number can be traced back to the bytes a partner sent.

The schema is created only by the Alembic migrations in `migrations/`.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from app.store.types import BigId, Exact, UTCDateTime, utcnow

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

Quantity = Exact(18, 4)
Money = Exact(18, 4)
Rate = Exact(18, 8)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


def _fk(target: str, *, nullable: bool = False, ondelete: str | None = None):
    return mapped_column(
        BigId, ForeignKey(target, ondelete=ondelete), nullable=nullable, index=True
    )


class _Created:
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, nullable=False)


class _FromMessage:
    """Lineage: the message and segment a fact was read from, and the raw qualifier."""

    message_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("messages.id", ondelete="CASCADE"), nullable=False, index=True
    )
    segment_number: Mapped[int | None] = mapped_column(Integer)
    raw_qualifier: Mapped[str | None] = mapped_column(String(35))
    test: Mapped[bool] = mapped_column(Boolean, default=False, nullable=False)


# --- who -------------------------------------------------------------------------------------


class Partner(_Created, Base):
    __tablename__ = "partners"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    slug: Mapped[str] = mapped_column(String(64), unique=True, nullable=False)
    name: Mapped[str] = mapped_column(String(200), nullable=False)
    # ops | distributor | manufacturer | retailer | supplier | other
    role: Mapped[str] = mapped_column(String(20), nullable=False)
    needs_review: Mapped[bool] = mapped_column(Boolean, default=False, nullable=False)
    lane_transit_days: Mapped[int] = mapped_column(Integer, default=2, nullable=False)
    ack_window_hours: Mapped[int] = mapped_column(Integer, default=24, nullable=False)

    identifiers: Mapped[list[PartnerIdentifier]] = relationship(
        back_populates="partner", cascade="all, delete-orphan", lazy="selectin"
    )


class PartnerIdentifier(Base):
    """How a partner is named in documents: scheme `GLN`, `DUNS`, `ZZ` (mutually defined),
    or another X12 ISA05 / EDIFACT 0007 qualifier, plus the value."""

    __tablename__ = "partner_identifiers"
    __table_args__ = (UniqueConstraint("scheme", "value"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    partner_id: Mapped[int] = _fk("partners.id", ondelete="CASCADE")
    scheme: Mapped[str] = mapped_column(String(40), nullable=False)
    value: Mapped[str] = mapped_column(String(80), nullable=False)

    partner: Mapped[Partner] = relationship(back_populates="identifiers")


class ApiKey(_Created, Base):
    """An API key, stored as the SHA-256 of the secret; `prefix` is the public lookup part."""

    __tablename__ = "api_keys"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    partner_id: Mapped[int] = _fk("partners.id", ondelete="CASCADE")
    prefix: Mapped[str] = mapped_column(String(16), unique=True, nullable=False)
    key_hash: Mapped[str] = mapped_column(String(64), nullable=False)
    role: Mapped[str] = mapped_column(String(20), nullable=False)
    label: Mapped[str | None] = mapped_column(String(100))
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # dashboard sessions of this key signed in before this moment are over (sign-out)
    ui_signed_out_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    partner: Mapped[Partner] = relationship(lazy="joined")


class Location(_Created, Base):
    """A place of a partner: store, warehouse, ship-to. `code` is the partner's own code."""

    __tablename__ = "locations"
    __table_args__ = (UniqueConstraint("partner_id", "code"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    partner_id: Mapped[int] = _fk("partners.id", ondelete="CASCADE")
    code: Mapped[str] = mapped_column(String(80), nullable=False)
    gln: Mapped[str | None] = mapped_column(String(13), index=True)
    name: Mapped[str | None] = mapped_column(String(200))
    needs_review: Mapped[bool] = mapped_column(Boolean, default=False, nullable=False)


class Product(_Created, Base):
    __tablename__ = "products"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    gtin: Mapped[str | None] = mapped_column(String(14), unique=True)  # GTIN-14, check digit ok
    description: Mapped[str | None] = mapped_column(String(300))
    manufacturer_id: Mapped[int | None] = _fk("partners.id", nullable=True)
    pack_size: Mapped[Decimal | None] = mapped_column(Quantity)  # eaches per case, if known
    needs_review: Mapped[bool] = mapped_column(Boolean, default=False, nullable=False)


class ProductIdentifier(Base):
    """Other names of a product: `UPC`, `EAN`, `BUYER_PART`, `VENDOR_PART`; part numbers are
    cross-references of the partner that used them (`partner_id`)."""

    __tablename__ = "product_identifiers"
    __table_args__ = (UniqueConstraint("scheme", "value", "partner_id"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    product_id: Mapped[int] = _fk("products.id", ondelete="CASCADE")
    scheme: Mapped[str] = mapped_column(String(40), nullable=False)
    value: Mapped[str] = mapped_column(String(80), nullable=False)
    partner_id: Mapped[int | None] = _fk("partners.id", nullable=True, ondelete="CASCADE")


# --- what arrived ----------------------------------------------------------------------------


class StoredFile(Base):
    """The exact bytes a partner sent, stored before anything else is done with them."""

    __tablename__ = "stored_files"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    sha256: Mapped[str] = mapped_column(String(64), nullable=False, index=True)
    size: Mapped[int] = mapped_column(Integer, nullable=False)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, nullable=False)
    source: Mapped[str] = mapped_column(String(16), nullable=False)  # upload | inbox | cli | demo
    uploader_id: Mapped[int | None] = _fk("partners.id", nullable=True)
    filename: Mapped[str | None] = mapped_column(String(255))
    content_type: Mapped[str | None] = mapped_column(String(100))
    standard: Mapped[str | None] = mapped_column(String(10))
    # received | processed | partially_accepted | rejected | failed | duplicate
    status: Mapped[str] = mapped_column(String(20), default="received", nullable=False)
    error: Mapped[str | None] = mapped_column(Text)
    duplicate_of_id: Mapped[int | None] = _fk("stored_files.id", nullable=True)
    idempotency_key: Mapped[str | None] = mapped_column(String(100))

    interchanges: Mapped[list[Interchange]] = relationship(
        back_populates="file", order_by="Interchange.position"
    )


class StoredFileChunk(Base):
    """A piece of a stored file's bytes (see `app.store.interchange.CHUNK_BYTES`): a file is
    written and read back one chunk at a time, so no process ever holds a whole upload.
    Keyed by where the chunk starts in the file, so any byte range is found by one probe
    whatever size the chunks were written in."""

    __tablename__ = "stored_file_chunks"

    file_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("stored_files.id", ondelete="CASCADE"), primary_key=True)
    start: Mapped[int] = mapped_column(BigInteger, primary_key=True)  # offset of its first byte
    data: Mapped[bytes] = mapped_column(LargeBinary, nullable=False)


class Interchange(_Created, Base):
    __tablename__ = "interchanges"
    # An interchange key is taken once by an interchange the hub did not reject: a refused
    # one (another partner's sender, a broken envelope) must not make the real one, sent
    # later by its sender, a "duplicate".
    __table_args__ = (
        Index("uq_interchanges_key", "standard", "sender", "receiver", "control_number",
              unique=True, sqlite_where=text("status != 'rejected'"),
              postgresql_where=text("status != 'rejected'")),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    file_id: Mapped[int] = _fk("stored_files.id", ondelete="CASCADE")
    position: Mapped[int] = mapped_column(Integer, nullable=False)  # 1-based within the file
    standard: Mapped[str] = mapped_column(String(10), nullable=False)
    version: Mapped[str | None] = mapped_column(String(40))
    sender: Mapped[str] = mapped_column(String(255), nullable=False)
    sender_qualifier: Mapped[str | None] = mapped_column(String(40))
    receiver: Mapped[str] = mapped_column(String(255), nullable=False)
    receiver_qualifier: Mapped[str | None] = mapped_column(String(40))
    control_number: Mapped[str] = mapped_column(String(255), nullable=False)
    test: Mapped[bool] = mapped_column(Boolean, default=False, nullable=False)
    # accepted | partially_accepted | rejected
    status: Mapped[str] = mapped_column(String(20), nullable=False)
    partner_id: Mapped[int | None] = _fk("partners.id", nullable=True)

    file: Mapped[StoredFile] = relationship(back_populates="interchanges")
    messages: Mapped[list[Message]] = relationship(
        back_populates="interchange", order_by="Message.position"
    )


class Message(_Created, Base):
    __tablename__ = "messages"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    interchange_id: Mapped[int] = _fk("interchanges.id", ondelete="CASCADE")
    position: Mapped[int] = mapped_column(Integer, nullable=False)
    type: Mapped[str] = mapped_column(String(255), nullable=False)
    control_number: Mapped[str] = mapped_column(String(255), nullable=False)
    version: Mapped[str | None] = mapped_column(String(40))
    group_control_number: Mapped[str | None] = mapped_column(String(255))
    functional_id: Mapped[str | None] = mapped_column(String(40))
    # accepted | accepted_with_errors | rejected | unsupported
    status: Mapped[str] = mapped_column(String(24), nullable=False)
    segment_count: Mapped[int] = mapped_column(Integer, default=0, nullable=False)
    offset: Mapped[int] = mapped_column(Integer, default=0, nullable=False)

    interchange: Mapped[Interchange] = relationship(back_populates="messages")


class EdiIssue(_Created, Base):
    """A problem found in a file, at the place it was found (location is a JSON object with
    offset, segment_number, segment_tag, element, component, repetition)."""

    __tablename__ = "issues"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    file_id: Mapped[int] = _fk("stored_files.id", ondelete="CASCADE")
    interchange_id: Mapped[int | None] = _fk("interchanges.id", nullable=True, ondelete="CASCADE")
    message_id: Mapped[int | None] = _fk("messages.id", nullable=True, ondelete="CASCADE")
    code: Mapped[str] = mapped_column(String(30), nullable=False)
    severity: Mapped[str] = mapped_column(String(10), nullable=False)
    scope: Mapped[str] = mapped_column(String(16), nullable=False)
    location: Mapped[dict] = mapped_column(JSON, nullable=False)
    text: Mapped[str] = mapped_column(Text, nullable=False)


class Acknowledgement(_Created, Base):
    """An acknowledgement the hub sent (outbound) or received (inbound): 997/999/TA1/CONTRL."""

    __tablename__ = "acknowledgements"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    file_id: Mapped[int | None] = _fk("stored_files.id", nullable=True, ondelete="CASCADE")
    interchange_id: Mapped[int | None] = _fk("interchanges.id", nullable=True, ondelete="CASCADE")
    partner_id: Mapped[int | None] = _fk("partners.id", nullable=True)
    direction: Mapped[str] = mapped_column(String(10), nullable=False)  # outbound | inbound
    kind: Mapped[str] = mapped_column(String(10), nullable=False)  # 997 | 999 | TA1 | CONTRL
    control_number: Mapped[str | None] = mapped_column(String(35))
    content: Mapped[str] = mapped_column(Text, nullable=False)
    # accepted | accepted_with_errors | rejected | sent | overdue
    status: Mapped[str] = mapped_column(String(24), nullable=False)


class ControlCounter(Base):
    """The next control number the hub uses towards one partner, per envelope level."""

    __tablename__ = "control_counters"
    __table_args__ = (UniqueConstraint("partner_key", "kind"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    partner_key: Mapped[str] = mapped_column(String(100), nullable=False)  # standard:qual:id
    kind: Mapped[str] = mapped_column(String(16), nullable=False)  # interchange | group
    next_value: Mapped[int] = mapped_column(Integer, nullable=False)


# --- what it means ---------------------------------------------------------------------------


class Order(_Created, _FromMessage, Base):
    """A purchase order (850 / ORDERS / OrderRequest / UBL Order), keyed by buyer + PO number."""

    __tablename__ = "orders"
    __table_args__ = (UniqueConstraint("buyer_id", "po_number", "test"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    buyer_id: Mapped[int] = _fk("partners.id")
    seller_id: Mapped[int | None] = _fk("partners.id", nullable=True)
    ship_to_id: Mapped[int | None] = _fk("locations.id", nullable=True)
    po_number: Mapped[str] = mapped_column(String(80), nullable=False)
    order_date: Mapped[date | None] = mapped_column(Date)
    # original | replace | change | cancel: the purpose of the latest document
    purpose: Mapped[str] = mapped_column(String(12), nullable=False)
    status: Mapped[str] = mapped_column(String(12), default="open", nullable=False)
    currency: Mapped[str | None] = mapped_column(String(3))
    requested_delivery: Mapped[date | None] = mapped_column(Date)
    requested_ship: Mapped[date | None] = mapped_column(Date)
    revision: Mapped[int] = mapped_column(Integer, default=1, nullable=False)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, nullable=False)

    lines: Mapped[list[OrderLine]] = relationship(
        back_populates="order", order_by="OrderLine.id", cascade="all, delete-orphan"
    )


class OrderLine(_Created, _FromMessage, Base):
    __tablename__ = "order_lines"
    __table_args__ = (UniqueConstraint("order_id", "line_number"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    order_id: Mapped[int] = _fk("orders.id", ondelete="CASCADE")
    line_number: Mapped[str] = mapped_column(String(20), nullable=False)
    product_id: Mapped[int | None] = _fk("products.id", nullable=True)
    quantity: Mapped[Decimal] = mapped_column(Quantity, nullable=False)
    uom: Mapped[str] = mapped_column(String(10), nullable=False)
    base_quantity: Mapped[Decimal | None] = mapped_column(Quantity)  # eaches, if pack known
    pack_size: Mapped[Decimal | None] = mapped_column(Quantity)
    unit_price: Mapped[Decimal | None] = mapped_column(Money)
    currency: Mapped[str | None] = mapped_column(String(3))
    requested_delivery: Mapped[date | None] = mapped_column(Date)
    requested_ship: Mapped[date | None] = mapped_column(Date)
    description: Mapped[str | None] = mapped_column(String(300))
    status: Mapped[str] = mapped_column(String(12), default="open", nullable=False)

    order: Mapped[Order] = relationship(back_populates="lines")


class OrderRevision(_Created, Base):
    """History of an order: one row per document that created, replaced, changed or
    cancelled it, with the lines as they were after that document."""

    __tablename__ = "order_revisions"
    __table_args__ = (UniqueConstraint("order_id", "revision"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    order_id: Mapped[int] = _fk("orders.id", ondelete="CASCADE")
    revision: Mapped[int] = mapped_column(Integer, nullable=False)
    purpose: Mapped[str] = mapped_column(String(12), nullable=False)
    message_id: Mapped[int] = _fk("messages.id", ondelete="CASCADE")
    snapshot: Mapped[dict] = mapped_column(JSON, nullable=False)


class Promise(_Created, _FromMessage, Base):
    """One version of a supplier's promise for an order line (855 / ORDRSP / Confirmation).

    Promises for an order the hub has not seen yet keep `po_number` + `line_number` and are
    linked (`order_line_id`) when the order arrives.
    """

    __tablename__ = "promises"
    __table_args__ = (Index("ix_promises_po_line", "po_number", "line_number"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    order_line_id: Mapped[int | None] = _fk("order_lines.id", nullable=True, ondelete="CASCADE")
    supplier_id: Mapped[int | None] = _fk("partners.id", nullable=True)
    buyer_id: Mapped[int | None] = _fk("partners.id", nullable=True)
    po_number: Mapped[str] = mapped_column(String(80), nullable=False)
    line_number: Mapped[str | None] = mapped_column(String(20))
    version: Mapped[int] = mapped_column(Integer, nullable=False)
    # accepted | changed | backordered | rejected
    status: Mapped[str] = mapped_column(String(12), nullable=False)
    quantity: Mapped[Decimal | None] = mapped_column(Quantity)
    uom: Mapped[str | None] = mapped_column(String(10))
    promised_ship: Mapped[date | None] = mapped_column(Date)
    promised_delivery: Mapped[date | None] = mapped_column(Date)
    unit_price: Mapped[Decimal | None] = mapped_column(Money)


class Shipment(_Created, _FromMessage, Base):
    """A ship notice (856 / DESADV / ShipNoticeRequest / DespatchAdvice)."""

    __tablename__ = "shipments"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    shipment_number: Mapped[str] = mapped_column(String(80), nullable=False, index=True)
    supplier_id: Mapped[int | None] = _fk("partners.id", nullable=True)
    buyer_id: Mapped[int | None] = _fk("partners.id", nullable=True)
    ship_to_id: Mapped[int | None] = _fk("locations.id", nullable=True)
    shipped_at: Mapped[date | None] = mapped_column(Date)
    estimated_delivery: Mapped[date | None] = mapped_column(Date)
    carrier: Mapped[str | None] = mapped_column(String(80))
    bill_of_lading: Mapped[str | None] = mapped_column(String(80))

    lines: Mapped[list[ShipmentLine]] = relationship(
        back_populates="shipment", cascade="all, delete-orphan"
    )


class ShipmentLine(_Created, _FromMessage, Base):
    __tablename__ = "shipment_lines"
    __table_args__ = (Index("ix_shipment_lines_po_line", "po_number", "line_number"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    shipment_id: Mapped[int] = _fk("shipments.id", ondelete="CASCADE")
    order_line_id: Mapped[int | None] = _fk("order_lines.id", nullable=True)
    po_number: Mapped[str | None] = mapped_column(String(80))
    line_number: Mapped[str | None] = mapped_column(String(20))
    product_id: Mapped[int | None] = _fk("products.id", nullable=True)
    quantity_shipped: Mapped[Decimal] = mapped_column(Quantity, nullable=False)
    quantity_ordered: Mapped[Decimal | None] = mapped_column(Quantity)
    uom: Mapped[str] = mapped_column(String(10), nullable=False)
    base_quantity: Mapped[Decimal | None] = mapped_column(Quantity)

    shipment: Mapped[Shipment] = relationship(back_populates="lines")


class SalesFact(_Created, _FromMessage, Base):
    """Units sold / returned / received at one location, for one product, over one period.

    PostgreSQL: partitioned by month of `period_start` (app/store/partition.py, migration
    0013), so the primary key includes it: (id, period_start); ids still come from one
    sequence (no constraint enforces the id alone). SQLite: one table keyed by the id alone
    (AUTOINCREMENT)."""

    __tablename__ = "sales_facts"
    __table_args__ = (
        Index("ix_sales_facts_series", "product_id", "location_id", "period_start"),
        Index("ix_sales_facts_reporter_period", "reporter_id", "period_start"),
        Index("ix_sales_facts_feed", "tx_id", "id"),
        # Facts of one location overlapping a window (replenishment signals): see migration 0007.
        Index("ix_sales_facts_location_period_end", "location_id", "period_end"),
        # SQLite would otherwise reuse the highest id after it is deleted (a re-sent report
        # replaces its fact), and a poller holding that id as its cursor would miss the new one.
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    reporter_id: Mapped[int] = _fk("partners.id")
    location_id: Mapped[int] = _fk("locations.id")
    product_id: Mapped[int] = _fk("products.id")
    period_start: Mapped[date] = mapped_column(Date, primary_key=True)
    period_end: Mapped[date] = mapped_column(Date, nullable=False)
    measure: Mapped[str] = mapped_column(String(12), nullable=False)  # sold | returned | received
    quantity: Mapped[Decimal] = mapped_column(Quantity, nullable=False)
    uom: Mapped[str] = mapped_column(String(10), nullable=False)
    amount: Mapped[Decimal | None] = mapped_column(Money)
    currency: Mapped[str | None] = mapped_column(String(3))
    # PostgreSQL: the id of the transaction that wrote the row, so the change feed can hand
    # out only rows of transactions that finished (see app/store/sales.py). SQLite: NULL.
    tx_id: Mapped[int | None] = mapped_column(BigInteger)


class InventorySnapshot(_Created, _FromMessage, Base):
    """Stock of one product at one location as of a date (852 / 846 / INVRPT)."""

    __tablename__ = "inventory_snapshots"
    __table_args__ = (Index("ix_inventory_series", "product_id", "location_id", "as_of"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    reporter_id: Mapped[int] = _fk("partners.id")
    location_id: Mapped[int] = _fk("locations.id")
    product_id: Mapped[int] = _fk("products.id")
    as_of: Mapped[date] = mapped_column(Date, nullable=False)
    on_hand: Mapped[Decimal | None] = mapped_column(Quantity)
    available: Mapped[Decimal | None] = mapped_column(Quantity)
    on_order: Mapped[Decimal | None] = mapped_column(Quantity)
    in_transit: Mapped[Decimal | None] = mapped_column(Quantity)
    received: Mapped[Decimal | None] = mapped_column(Quantity)
    uom: Mapped[str] = mapped_column(String(10), nullable=False)


class ForecastBucket(_Created, _FromMessage, Base):
    """A customer's planning schedule quantity for a window (830 / DELFOR)."""

    __tablename__ = "forecast_buckets"
    __table_args__ = (Index("ix_forecast_series", "product_id", "location_id", "period_start"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    partner_id: Mapped[int] = _fk("partners.id")
    location_id: Mapped[int | None] = _fk("locations.id", nullable=True)
    product_id: Mapped[int] = _fk("products.id")
    period_start: Mapped[date] = mapped_column(Date, nullable=False)
    period_end: Mapped[date] = mapped_column(Date, nullable=False)
    quantity: Mapped[Decimal] = mapped_column(Quantity, nullable=False)
    uom: Mapped[str] = mapped_column(String(10), nullable=False)
    commitment: Mapped[str] = mapped_column(String(10), nullable=False)  # firm | planning


class Invoice(_Created, _FromMessage, Base):
    """An invoice (810 / INVOIC / InvoiceDetailRequest / UBL Invoice): revenue per customer."""

    __tablename__ = "invoices"
    __table_args__ = (UniqueConstraint("seller_id", "invoice_number", "test"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    invoice_number: Mapped[str] = mapped_column(String(80), nullable=False)
    invoice_date: Mapped[date | None] = mapped_column(Date)
    purpose: Mapped[str] = mapped_column(String(12), nullable=False)  # original | credit ...
    seller_id: Mapped[int] = _fk("partners.id")
    buyer_id: Mapped[int | None] = _fk("partners.id", nullable=True)
    po_number: Mapped[str | None] = mapped_column(String(80))
    order_id: Mapped[int | None] = _fk("orders.id", nullable=True)
    currency: Mapped[str | None] = mapped_column(String(3))
    total: Mapped[Decimal | None] = mapped_column(Money)

    lines: Mapped[list[InvoiceLine]] = relationship(
        back_populates="invoice", cascade="all, delete-orphan", order_by="InvoiceLine.id"
    )


class InvoiceLine(_Created, _FromMessage, Base):
    __tablename__ = "invoice_lines"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    invoice_id: Mapped[int] = _fk("invoices.id", ondelete="CASCADE")
    line_number: Mapped[str | None] = mapped_column(String(20))
    product_id: Mapped[int | None] = _fk("products.id", nullable=True)
    quantity: Mapped[Decimal] = mapped_column(Quantity, nullable=False)
    uom: Mapped[str] = mapped_column(String(10), nullable=False)
    unit_price: Mapped[Decimal | None] = mapped_column(Money)
    amount: Mapped[Decimal | None] = mapped_column(Money)
    po_number: Mapped[str | None] = mapped_column(String(80))

    invoice: Mapped[Invoice] = relationship(back_populates="lines")


class ReplenishmentParameters(Base):
    """What ops set for one product at one location; anything left empty takes the default."""

    __tablename__ = "replenishment_parameters"
    __table_args__ = (UniqueConstraint("location_id", "product_id"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    location_id: Mapped[int] = _fk("locations.id", ondelete="CASCADE")
    product_id: Mapped[int] = _fk("products.id", ondelete="CASCADE")
    lead_time_days: Mapped[int | None] = mapped_column(Integer)
    review_days: Mapped[int | None] = mapped_column(Integer)
    service_level: Mapped[Decimal | None] = mapped_column(Exact(6, 4))
    pack_multiple: Mapped[Decimal | None] = mapped_column(Quantity)
    window_days: Mapped[int | None] = mapped_column(Integer)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, nullable=False)


class JobRun(Base):
    """One run of a scheduled job: when, how it ended, and what it did."""

    __tablename__ = "job_runs"
    __table_args__ = (Index("ix_job_runs_job_started", "job_id", "started_at"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    job_id: Mapped[str] = mapped_column(String(40), nullable=False)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    outcome: Mapped[str] = mapped_column(String(12), nullable=False)  # running|ok|failed|skipped
    error: Mapped[str | None] = mapped_column(Text)
    detail: Mapped[dict | None] = mapped_column(JSON)
    host: Mapped[str | None] = mapped_column(String(120))


class JobLock(Base):
    """SQLite's stand-in for PostgreSQL advisory locks: one row per job, taken by an atomic
    conditional update until `locked_until`."""

    __tablename__ = "job_locks"

    job_id: Mapped[str] = mapped_column(String(40), primary_key=True)
    owner: Mapped[str | None] = mapped_column(String(120))
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime)


class Interaction(_Created, Base):
    """One entry of a customer's timeline: a document it sent or received, or a manual note."""

    __tablename__ = "interactions"
    __table_args__ = (Index("ix_interactions_timeline", "partner_id", "occurred_at"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    partner_id: Mapped[int] = _fk("partners.id", ondelete="CASCADE")
    kind: Mapped[str] = mapped_column(String(30), nullable=False)  # order | promise | note ...
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    reference: Mapped[str | None] = mapped_column(String(120))
    amount: Mapped[Decimal | None] = mapped_column(Money)
    currency: Mapped[str | None] = mapped_column(String(3))
    message_id: Mapped[int | None] = _fk("messages.id", nullable=True, ondelete="CASCADE")
    note: Mapped[str | None] = mapped_column(Text)
    test: Mapped[bool] = mapped_column(Boolean, default=False, nullable=False)


class Case(_Created, Base):
    """An entry of the service log: a complaint, question, return, visit or call."""

    __tablename__ = "cases"
    __table_args__ = (Index("ix_cases_partner_created", "partner_id", "created_at"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    partner_id: Mapped[int] = _fk("partners.id", ondelete="CASCADE")
    subject: Mapped[str] = mapped_column(String(200), nullable=False)
    category: Mapped[str] = mapped_column(String(12), nullable=False)
    owner: Mapped[str | None] = mapped_column(String(100))
    status: Mapped[str] = mapped_column(String(10), nullable=False)  # open | resolved
    resolution: Mapped[str | None] = mapped_column(Text)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class CustomerScore(Base):
    """A customer's value, RFM segment, tier and churn flags as computed on one day, with the
    inputs that produced them."""

    __tablename__ = "customer_scores"
    __table_args__ = (Index("ix_customer_scores_partner_computed", "partner_id",
                            "computed_at"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    partner_id: Mapped[int] = _fk("partners.id", ondelete="CASCADE")
    computed_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, index=True)
    window_start: Mapped[date] = mapped_column(Date, nullable=False)
    window_end: Mapped[date] = mapped_column(Date, nullable=False)
    revenue: Mapped[Decimal] = mapped_column(Money, nullable=False)
    currency: Mapped[str] = mapped_column(String(3), nullable=False)
    share: Mapped[Decimal] = mapped_column(Rate, nullable=False)
    cumulative_share: Mapped[Decimal] = mapped_column(Rate, nullable=False)
    abc_class: Mapped[str] = mapped_column(String(1), nullable=False)
    segment: Mapped[str | None] = mapped_column(String(24))
    tier: Mapped[str] = mapped_column(String(16), nullable=False)
    overdue: Mapped[bool] = mapped_column(Boolean, default=False, nullable=False)
    declining: Mapped[bool] = mapped_column(Boolean, default=False, nullable=False)
    lost: Mapped[bool] = mapped_column(Boolean, default=False, nullable=False)
    p_alive: Mapped[Decimal | None] = mapped_column(Rate)
    inputs: Mapped[dict] = mapped_column(JSON, nullable=False)


class TierChange(Base):
    """A customer moved from one tier to another, when and why."""

    __tablename__ = "tier_changes"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    partner_id: Mapped[int] = _fk("partners.id", ondelete="CASCADE")
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    from_tier: Mapped[str | None] = mapped_column(String(16))
    to_tier: Mapped[str] = mapped_column(String(16), nullable=False)
    reason: Mapped[str] = mapped_column(Text, nullable=False)


class ExchangeRate(_Created, Base):
    """1 unit of `currency` = `rate` units of `base_currency`, valid from `valid_from`."""

    __tablename__ = "exchange_rates"
    __table_args__ = (UniqueConstraint("currency", "base_currency", "valid_from"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    currency: Mapped[str] = mapped_column(String(3), nullable=False)
    base_currency: Mapped[str] = mapped_column(String(3), nullable=False)
    rate: Mapped[Decimal] = mapped_column(Rate, nullable=False)
    valid_from: Mapped[date] = mapped_column(Date, nullable=False)


# --- alerts and webhooks ---------------------------------------------------------------------


class Alert(Base):
    """A condition someone should look at (a late promise, a missing feed, a reorder point
    crossed). `subject` is the dedup key ("order_line:42"): at most one alert per kind and
    subject is open or acknowledged at a time; it is resolved when the condition clears."""

    __tablename__ = "alerts"
    __table_args__ = (
        Index("ix_alerts_kind_subject_status", "kind", "subject", "status"),
        Index("ix_alerts_status_raised", "status", "raised_at"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    kind: Mapped[str] = mapped_column(String(40), nullable=False)
    severity: Mapped[str] = mapped_column(String(10), nullable=False)  # info|warning|critical
    partner_id: Mapped[int | None] = _fk("partners.id", nullable=True, ondelete="CASCADE")
    subject: Mapped[str] = mapped_column(String(120), nullable=False)
    title: Mapped[str] = mapped_column(String(200), nullable=False)
    details: Mapped[dict] = mapped_column(JSON, nullable=False)
    status: Mapped[str] = mapped_column(String(12), nullable=False)  # open|acknowledged|resolved
    raised_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    acknowledged_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    acknowledged_by_partner_id: Mapped[int | None] = _fk(
        "partners.id", nullable=True, ondelete="SET NULL"
    )
    acknowledged_by_key_id: Mapped[int | None] = _fk(
        "api_keys.id", nullable=True, ondelete="SET NULL"
    )
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class Webhook(_Created, Base):
    """Where a partner (or ops) wants events posted; `secret` signs every delivery."""

    __tablename__ = "webhooks"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    partner_id: Mapped[int] = _fk("partners.id", ondelete="CASCADE")
    url: Mapped[str] = mapped_column(String(2000), nullable=False)
    events: Mapped[list] = mapped_column(JSON, nullable=False)  # ["alert.promise_late", "*"]
    secret: Mapped[str] = mapped_column(String(80), nullable=False)
    # registered with an ops key: receives every partner's alerts, not only its owner's
    all_partners: Mapped[bool] = mapped_column(Boolean, default=False, nullable=False)
    active: Mapped[bool] = mapped_column(Boolean, default=True, nullable=False)


class WebhookDelivery(_Created, Base):
    """One event to post to one webhook, retried with backoff until delivered or failed."""

    __tablename__ = "webhook_deliveries"
    __table_args__ = (Index("ix_webhook_deliveries_due", "status", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    webhook_id: Mapped[int] = _fk("webhooks.id", ondelete="CASCADE")
    event: Mapped[str] = mapped_column(String(60), nullable=False)
    payload: Mapped[dict] = mapped_column(JSON, nullable=False)
    status: Mapped[str] = mapped_column(String(10), nullable=False)  # pending|delivered|failed
    attempts: Mapped[int] = mapped_column(Integer, default=0, nullable=False)
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str | None] = mapped_column(Text)
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class WebhookAttempt(Base):
    """One HTTP POST of a delivery: the status it got or the error, and how long it took."""

    __tablename__ = "webhook_attempts"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    delivery_id: Mapped[int] = _fk("webhook_deliveries.id", ondelete="CASCADE")
    at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    http_status: Mapped[int | None] = mapped_column(Integer)
    error: Mapped[str | None] = mapped_column(Text)
    duration_ms: Mapped[int] = mapped_column(Integer, nullable=False)


# --- watches: what the watch jobs remember, and what the hub sent ------------------------------


class WatchState(Base):
    """What a watch job saw last for one subject (an order line's promise status, a signal's
    urgency, a feed's freshness), so it alerts when the state changes, not on every run."""

    __tablename__ = "watch_states"
    __table_args__ = (UniqueConstraint("watch", "subject"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    watch: Mapped[str] = mapped_column(String(20), nullable=False)  # promise|replenishment|feed
    subject: Mapped[str] = mapped_column(String(120), nullable=False)
    state: Mapped[str] = mapped_column(String(24), nullable=False)
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)


class OutboundInterchange(Base):
    """An interchange the hub sent to a partner, and the 997/999/CONTRL that answered it.

    `sent` until an acknowledgement matches it (the partner + the group control number for
    X12, the interchange control number for EDIFACT), then `accepted` or `rejected`; `overdue`
    when none came back by `due_at` (sent + the partner's `ack_window_hours`)."""

    __tablename__ = "outbound_interchanges"
    __table_args__ = (
        Index("ix_outbound_interchanges_status_due", "status", "due_at"),
        Index("ix_outbound_interchanges_match", "partner_id", "standard", "interchange_control"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    partner_id: Mapped[int] = _fk("partners.id", ondelete="CASCADE")  # the receiver
    standard: Mapped[str] = mapped_column(String(10), nullable=False)  # x12 | edifact
    type: Mapped[str] = mapped_column(String(20), nullable=False)  # 850 | 830 | ORDERS | DELFOR
    document_number: Mapped[str | None] = mapped_column(String(80))
    sender: Mapped[str] = mapped_column(String(255), nullable=False)  # qualifier:id as written
    receiver: Mapped[str] = mapped_column(String(255), nullable=False)
    interchange_control: Mapped[str] = mapped_column(String(35), nullable=False)
    group_control: Mapped[str | None] = mapped_column(String(35))
    content: Mapped[str] = mapped_column(Text, nullable=False, deferred=True)
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    due_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    # sent | accepted | rejected | overdue | superseded (a newer copy was sent)
    status: Mapped[str] = mapped_column(String(12), nullable=False)
    ack_status: Mapped[str | None] = mapped_column(String(24))  # as the acknowledgement said
    acknowledged_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    ack_message_id: Mapped[int | None] = _fk("messages.id", nullable=True, ondelete="SET NULL")
