"""Pieces shared by the X12 mappings: N1 parties, product id pairs,
SDQ store splits, CTT counts, and the code tables several transaction sets use.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache

from adapters.common import (
    X12_INVALID_CODE_VALUE,
    X12_MANDATORY_ELEMENT_MISSING,
    decimal_value,
    element_error,
    is_digits,
    missing_segment,
    normalise_gtin,
)
from edi.model import Issue, Message, Scope, Segment, Severity
from schemas.documents import PartyRef, ProductRef

N101_ENTITY = 1
N102_NAME = 2
N103_ID_QUALIFIER = 3
N104_ID = 4
DTM01_QUALIFIER = 1
DTM02_DATE = 2
CUR02_CURRENCY = 2
CTT01_LINE_COUNT = 1
PID05_DESCRIPTION = 5
PO4_01_PACK = 1
SDQ01_UOM = 1
SDQ02_ID_QUALIFIER = 2
SDQ03_FIRST_LOCATION = 3
SDQ_LAST_POSITION = 22  # ten (location, quantity) pairs: SDQ03/04 ... SDQ21/22

# N103 identification code qualifier -> PartyRef.scheme (the same table as the 850).
ID_SCHEMES = {"UL": "GLN", "1": "DUNS", "9": "DUNS"}
# Product/Service ID qualifier (235) -> ProductRef field; UP/UA/EN/EO/UK carry GTINs.
ITEM_IDS = {"UP": "upc", "UA": "upc", "EN": "ean", "UK": "gtin", "EO": "ean",
            "VN": "vendor_part", "VP": "vendor_part", "VA": "vendor_part",
            "BP": "buyer_part", "IN": "buyer_part", "SK": "buyer_part"}
GTIN_FIELDS = ("upc", "ean", "gtin")


def first(segments: list[Segment], tag: str) -> Segment | None:
    return next((s for s in segments if s.tag == tag), None)


def beginning(message: Message, tag: str, what: str) -> Segment:
    """The beginning segment (BAK, BSN, XQ ...) or a located mandatory-segment error."""
    seg = first(message.body(), tag)
    if seg is None:
        raise missing_segment(tag, message.segments[0], f"{tag} ({what}) is missing")
    return seg


def texts(seg: Segment, count: int) -> list[str]:
    """`seg.value(p).strip()` of positions 1 to `count` ("" where absent), read at once."""
    found = [repetitions[0][0].strip() if repetitions and repetitions[0] else ""
             for repetitions in seg.elements[:count]]
    if len(found) < count:
        found += [""] * (count - len(found))
    return found


def party(seg: Segment, roles: dict[str, str]) -> PartyRef | None:
    """An N1 as a PartyRef, or None when its N101 is not in `roles` or it carries no id."""
    role = roles.get(seg.value(N101_ENTITY).strip())
    value = seg.value(N104_ID).strip()
    if role is None or not value:
        return None
    return party_ref(role, seg.value(N103_ID_QUALIFIER).strip(), value,
                     seg.value(N102_NAME).strip() or None)


def party_ref(role: str, qualifier: str, value: str, name: str | None = None) -> PartyRef:
    scheme = ID_SCHEMES.get(qualifier, "ZZ")
    return PartyRef(role=role, scheme=scheme, value=value, name=name,
                    location_code=value if scheme == "ZZ" else None)


def product(seg: Segment, first_position: int, last_position: int | None = None) -> ProductRef:
    """Qualifier/value pairs from `first_position` on (LIN02/03, PO106/07, IT106/07 ...).

    A UPC/EAN/GTIN with a wrong check digit is an invalid code value where it stands.
    """
    elements = seg.elements
    end = len(elements) if last_position is None else min(len(elements), last_position)
    # The pairs read (a value may stand at `end`) and how many positions they start at: a
    # file names the same products on many lines, so they are mapped once per distinct
    # pairs (`_product_of`).
    pairs = elements[first_position - 1:end + 1]
    try:
        try:
            return _product_of(pairs, end - first_position)
        except TypeError:  # elements built from lists (`Segment.build`) cannot be a key
            return _product_of.__wrapped__(pairs, end - first_position)
    except _NoGtin as bad:
        raise element_error(seg, first_position + bad.index + 1, X12_INVALID_CODE_VALUE,
                            f"{bad.qualifier} {bad.value!r} has no valid GTIN check "
                            "digit") from None


class _NoGtin(Exception):
    """`_product_of` found a UPC/EAN/GTIN with a wrong check digit at `pairs[index]`."""

    def __init__(self, index: int, qualifier: str, value: str) -> None:
        super().__init__(index, qualifier, value)
        self.index, self.qualifier, self.value = index, qualifier, value


def _text(elements: tuple, index: int) -> str:
    """`Segment.value` of the element at 0-based `index` of `elements`, stripped."""
    if index >= len(elements):
        return ""
    repetitions = elements[index]
    if not repetitions or not repetitions[0]:
        return ""
    return repetitions[0][0].strip()


@lru_cache(maxsize=8192)
def _product_of(pairs: tuple, count: int) -> ProductRef:
    """The ProductRef of the qualifier/value pairs starting at `pairs[0]`, `pairs[2]` ...
    below `pairs[count]` (exceptions are not cached: a wrong GTIN is found, and located, on
    every line that has it)."""
    ids: dict[str, str] = {}
    for index in range(0, count, 2):
        qualifier, value = _text(pairs, index), _text(pairs, index + 1)
        field = ITEM_IDS.get(qualifier)
        if field and value and field not in ids:
            if field in GTIN_FIELDS:
                gtin = normalise_gtin(value)
                if gtin is None:
                    raise _NoGtin(index, qualifier, value)
                ids.setdefault("gtin", gtin)
                if field != "gtin":
                    ids[field] = value
            else:
                ids[field] = value
    return _product_ref(tuple(ids.items()))


@lru_cache(maxsize=8192)
def _product_ref(ids: tuple[tuple[str, str], ...]) -> ProductRef:
    """One shared instance per distinct reference (it is immutable): a file names the same
    products on many lines, and the ingest looks each line's product up by it."""
    return ProductRef(**dict(ids))


def with_description(ref: ProductRef, pid: Segment) -> ProductRef:
    text = pid.value(PID05_DESCRIPTION).strip()
    return ref.model_copy(update={"description": text}) if text else ref


@dataclass(frozen=True, slots=True)
class Split:
    """One (location, quantity) pair of an SDQ segment."""

    location: PartyRef
    quantity: Decimal
    uom: str
    segment: Segment


def sdq_splits(seg: Segment, default_uom: str) -> Iterator[Split]:
    """The (location, quantity) pairs of one SDQ; SDQ02 UL means GLNs, anything else
    (92 buyer-assigned store code ...) the sender's own location codes."""
    uom = seg.value(SDQ01_UOM).strip() or default_uom
    qualifier = seg.value(SDQ02_ID_QUALIFIER).strip()
    for position in range(SDQ03_FIRST_LOCATION, SDQ_LAST_POSITION + 1, 2):
        where = seg.value(position).strip()
        if not where:
            continue
        quantity = amount(seg, position + 1, f"quantity for location {where}")
        yield Split(party_ref("location", qualifier, where), quantity, uom, seg)


def amount(seg: Segment, position: int, what: str) -> Decimal:
    """A mandatory number: missing is code 1, not a number code 6 (both located)."""
    value = decimal_value(seg, position, what, mandatory=True)
    if value is None:  # decimal_value raises first; this keeps the type exact
        raise element_error(seg, position, X12_MANDATORY_ELEMENT_MISSING, f"{what} is missing")
    return value


def check_count(ctt: Segment | None, found: int, what: str) -> Issue | None:
    """CTT01 against the number of line items found: a warning, never a rejection."""
    if ctt is None:
        return None
    declared = ctt.value(CTT01_LINE_COUNT).strip()
    if is_digits(declared) and int(declared) != found:
        return Issue("CTT01", Severity.WARNING, Scope.SEGMENT, ctt.location(CTT01_LINE_COUNT),
                     f"CTT01 says {declared} {what}, the message has {found}")
    return None


def warning(seg: Segment, position: int | None, code: str, message: str) -> Issue:
    scope = Scope.ELEMENT if position is not None else Scope.SEGMENT
    return Issue(code, Severity.WARNING, scope, seg.location(position), message)
