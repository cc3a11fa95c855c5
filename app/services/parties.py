"""Resolve who and what a document names: envelope ids and parties to partners/locations,
product references to products. Unknown parties and products are created on first sight and
marked `needs_review` so ops can check them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from app.store import partner as partner_store
from app.store import product as product_store
from app.store import product_bulk
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


def resolve_products(session, refs: list[ProductRef],
                     partner: Partner | None) -> dict[ProductRef, Product | None]:
    """`resolve_product` of each reference, with the very results (products,
    cross-references, ids) it gives them one by one in this order. Two queries find what
    exists and two inserts add what is new, where one by one a new product takes up to
    seven statements."""
    partner_id = partner.id if partner is not None else None
    distinct = list(dict.fromkeys(refs))
    todo = [ref for ref in distinct
            if not ref.is_empty() and _cached(session, ("product", ref, partner_id)) is None]
    if todo:
        _resolve_products(session, todo, partner_id)
    return {ref: resolve_product(session, ref, partner) for ref in distinct}


def _resolve_products(session, todo: list[ProductRef], partner_id: int | None) -> None:
    """`_resolve_product` of references not resolved yet, as if one by one, into the cache."""
    by_gtin = product_bulk.list_by_gtins(session, {ref.gtin for ref in todo if ref.gtin})
    by_reference = product_bulk.list_by_references(
        session, {value for ref in todo for _, value, _ in _references(ref, partner_id)})
    created: list[Product] = []  # transient until inserted together below
    referenced: list[tuple[Product, str, str, int | None]] = []
    resolved: list[tuple[ProductRef, Product]] = []
    for ref in todo:
        product = by_gtin.get(ref.gtin) if ref.gtin else None
        if product is None:
            product = next((by_reference[(scheme, value, partner_id)]
                            for scheme, value in (("BUYER_PART", ref.buyer_part),
                                                  ("VENDOR_PART", ref.vendor_part))
                            if value and (scheme, value, partner_id) in by_reference), None)
        if product is None:
            product = Product(gtin=ref.gtin, description=ref.description,
                              needs_review=ref.gtin is None, manufacturer_id=None,
                              pack_size=None)
            created.append(product)
        elif ref.gtin and product.gtin is None:
            product.gtin = ref.gtin
        if product.description is None and ref.description:
            product.description = ref.description
        if product.gtin:
            by_gtin[product.gtin] = product
        for key in _references(ref, partner_id):
            if key not in by_reference:
                by_reference[key] = product
                referenced.append((product, *key))
        resolved.append((ref, product))
    stored = dict(zip(created, product_bulk.add_all(session, created), strict=True))
    for ref, product in resolved:
        _resolved(session)[("product", ref, partner_id)] = stored.get(product, product)
    product_bulk.add_references(session, [
        dict(product_id=stored.get(product, product).id, scheme=scheme, value=value,
             partner_id=owner)
        for product, scheme, value, owner in referenced])


def _references(ref: ProductRef, partner_id: int | None) -> list[tuple[str, str, int | None]]:
    """The cross-references `_resolve_product` keeps for a reference, in the order it adds
    them: GTIN forms for everyone, part numbers for the partner that used them."""
    return [(scheme, value, owner) for scheme, value, owner in (
        ("UPC", ref.upc, None), ("EAN", ref.ean, None),
        ("BUYER_PART", ref.buyer_part, partner_id), ("VENDOR_PART", ref.vendor_part, partner_id),
    ) if value]


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
