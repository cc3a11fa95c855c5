"""Resolve who and what a document names: envelope ids and parties to partners/locations,
product references to products. Unknown parties and products are created on first sight and
marked `needs_review` so ops can check them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from app.store import partner as partner_store
from app.store import product as product_store
from app.store.models import Location, Partner, Product
from edi.model import Envelope, Standard
from schemas.documents import PartyRef, ProductRef

# X12 ISA05/ISA07 interchange id qualifiers and EDIFACT UNB 0007 partner id qualifiers,
# mapped onto the identifier schemes partners are registered with.
X12_QUALIFIER_SCHEMES = {"01": "DUNS", "14": "DUNS", "08": "GLN", "ZZ": "ZZ"}
# cXML credential domains and UBL schemeIDs (ISO 6523 ICD 0088 = GLN, 0060 = DUNS).
XML_QUALIFIER_SCHEMES = {"DUNS": "DUNS", "GLN": "GLN", "0088": "GLN", "0060": "DUNS",
                         "NETWORKID": "ZZ", "ZZ": "ZZ", "": "ZZ"}
EDIFACT_QUALIFIER_SCHEMES = {"14": "GLN", "1": "DUNS", "16": "DUNS", "ZZ": "ZZ", "ZZZ": "ZZ",
                             "": "ZZ"}


def envelope_scheme(standard: str, qualifier: str) -> str:
    qualifier = qualifier.strip()
    if standard == Standard.X12:
        return X12_QUALIFIER_SCHEMES.get(qualifier, qualifier or "ZZ")
    if standard == Standard.EDIFACT:
        return EDIFACT_QUALIFIER_SCHEMES.get(qualifier, qualifier)
    return XML_QUALIFIER_SCHEMES.get(qualifier.upper(), qualifier)


def sender_identifier(standard: str, envelope: Envelope) -> tuple[str, str]:
    return envelope_scheme(standard, envelope.sender_qualifier), envelope.sender.strip()


def receiver_identifier(standard: str, envelope: Envelope) -> tuple[str, str]:
    return envelope_scheme(standard, envelope.receiver_qualifier), envelope.receiver.strip()


def resolve_identifier(session, scheme: str, value: str) -> Partner | None:
    partner = partner_store.get_by_identifier(session, scheme, value)
    if partner is None and scheme != "ZZ":
        # Partners often register a GLN/DUNS as a plain agreed code, and vice versa.
        partner = partner_store.get_by_identifier(session, "ZZ", value)
    return partner


def resolve_or_create(session, scheme: str, value: str, *, name: str | None,
                      role: str) -> Partner:
    partner = resolve_identifier(session, scheme, value)
    if partner is None:
        partner = partner_store.add(
            session, name=name or f"{scheme} {value}", role=role,
            identifiers=[(scheme, value)], needs_review=True,
        )
    return partner


def resolve_party(session, party: PartyRef, *, default_role: str = "other") -> Partner:
    return resolve_or_create(session, party.scheme, party.value, name=party.name,
                             role=default_role)


# Resolution is idempotent within a transaction (resolving the same reference again finds
# what the first resolution found or created, and changes nothing), so an ingest resolves
# each product and location once: 1,000,000 facts of 50 stores x 1,000 products are 1,050
# look-ups, not 2,000,000. The caches live in `session.info`; `forget_resolved` empties them
# when a savepoint is rolled back (what was created in it is gone), and an entry whose object
# has left the session is never used.
_RESOLVED = "edihub.resolved"


def _resolved(session) -> dict:
    return session.info.setdefault(_RESOLVED, {})


def _cached(session, key):
    found = _resolved(session).get(key)
    return found if found is not None and found in session else None


def forget_resolved(session) -> None:
    """Drop what this session resolved so far (after a savepoint was rolled back)."""
    session.info.pop(_RESOLVED, None)


def resolve_location(session, party: PartyRef, owner: Partner) -> Location:
    """A ship-to/store party as a location: by GLN anywhere, else by the owner's own code."""
    key = ("location", party.scheme, party.value, party.location_code, owner.id)
    location = _cached(session, key)
    if location is None:
        location = _resolve_location(session, party, owner)
        _resolved(session)[key] = location
    return location


def _resolve_location(session, party: PartyRef, owner: Partner) -> Location:
    if party.scheme == "GLN":
        location = partner_store.get_location_by_gln(session, party.value)
        if location is None:
            location = partner_store.add_location(
                session, partner_id=owner.id, code=party.value, gln=party.value,
                name=party.name, needs_review=True)
        return location
    code = party.location_code or party.value
    location = partner_store.get_location(session, owner.id, code)
    if location is None:
        location = partner_store.add_location(
            session, partner_id=owner.id, code=code, name=party.name, needs_review=True)
    return location


def resolve_product(session, ref: ProductRef, partner: Partner | None) -> Product | None:
    """One product per GTIN; part numbers are the using partner's cross-references."""
    if ref.is_empty():
        return None
    partner_id = partner.id if partner is not None else None
    key = ("product", ref, partner_id)
    product = _cached(session, key)
    if product is None:
        product = _resolve_product(session, ref, partner_id)
        _resolved(session)[key] = product
    return product


def _resolve_product(session, ref: ProductRef, partner_id: int | None) -> Product:
    product = product_store.get_by_gtin(session, ref.gtin) if ref.gtin else None
    if product is None:
        for scheme, value in (("BUYER_PART", ref.buyer_part), ("VENDOR_PART", ref.vendor_part)):
            if value:
                product = product_store.get_by_reference(session, scheme, value, partner_id)
                if product is not None:
                    break
    if product is None:
        product = product_store.add(session, gtin=ref.gtin, description=ref.description,
                                    needs_review=ref.gtin is None)
    elif ref.gtin and product.gtin is None:
        product.gtin = ref.gtin
    if product.description is None and ref.description:
        product.description = ref.description
    for scheme, value in (("UPC", ref.upc), ("EAN", ref.ean)):
        if value:
            product_store.add_reference(session, product, scheme, value, None)
    for scheme, value in (("BUYER_PART", ref.buyer_part), ("VENDOR_PART", ref.vendor_part)):
        if value:
            product_store.add_reference(session, product, scheme, value, partner_id)
    return product


@dataclass(frozen=True, slots=True)
class FactContext:
    """Where facts come from: the stored message, the interchange's sender and receiver, and
    whether it is test data."""

    message_id: int
    sender: Partner
    receiver: Partner | None
    test: bool
    received_at: datetime

    def when(self, document_date: date | None) -> datetime:
        """When a document happened, for a timeline: its own date (at the time of day it was
        received) when it has one, else when it was received."""
        if document_date is None:
            return self.received_at
        return datetime.combine(document_date, self.received_at.timetz())


def counterparty(session, party: PartyRef | None, ctx: FactContext, *,
                 role: str) -> Partner | None:
    """The other side of a document: the party it names if that party is known, else the
    interchange receiver if known, else the named party created on first sight for ops to
    review. The sender's own side is always the sender, so nobody can file documents in
    another partner's name."""
    if party is not None:
        known = resolve_identifier(session, party.scheme, party.value)
        if known is not None:
            return known
    if ctx.receiver is not None:
        return ctx.receiver
    if party is not None:
        return resolve_party(session, party, default_role=role)
    return None


def default_location(session, owner: Partner) -> Location:
    """The place a report means when it names none: the partner's own main location."""
    key = ("default-location", owner.id)
    location = _cached(session, key)
    if location is None:
        location = partner_store.get_location(session, owner.id, owner.slug)
        if location is None:
            location = partner_store.add_location(session, partner_id=owner.id,
                                                  code=owner.slug, name=owner.name)
        _resolved(session)[key] = location
    return location


def claim_product(product: Product | None, seller: Partner | None) -> None:
    """A product a manufacturer sells is that manufacturer's (for its demand views)."""
    if product is not None and seller is not None and product.manufacturer_id is None \
            and seller.role == "manufacturer":
        product.manufacturer_id = seller.id
