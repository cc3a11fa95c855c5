"""Helpers shared by the EDIFACT / EANCOM mappings: BGM, DTM, NAD, LIN/PIA/IMD, QTY, PRI, CUX,
RFF, MOA, LOC.

Positions are 1-based as in the directories: `seg.value(element, component)`. Located errors use
the CONTRL 0085 codes (`12` invalid value, `13` missing), so an APERAK/CONTRL can point at the
exact element and component.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from typing import TypeVar

from adapters.common import (
    EDIFACT_INVALID_VALUE,
    EDIFACT_MISSING,
    MappingError,
    element_error,
    is_digits,
    normalise_gtin,
    valid_gln,
)
from edi.model import Issue, Message, Scope, Segment, Severity
from schemas.documents import PartyRef, ProductRef

T = TypeVar("T")

# BGM: C002 document name (1001 in component 1), 1004 document number (a composite C106 from
# D01B on; the number is component 1 either way), 1225 message function, 4343 response type.
BGM_DOCUMENT = 1
BGM_NUMBER = 2
BGM_FUNCTION = 3
BGM_RESPONSE_TYPE = 4
# DTM: C507 = 2005 qualifier : 2380 value : 2379 format.
DTM_C507 = 1
DTM_QUALIFIER, DTM_VALUE, DTM_FORMAT = 1, 2, 3
# NAD: 3035 party qualifier, C082 (3039 id : 1131 list : 3055 agency), C058 name and address,
# C080 party name (3036 x5).
NAD_QUALIFIER = 1
NAD_C082 = 2
NAD_C058 = 3
NAD_C080 = 4
# LIN: 1082 line number, 1229 action, C212 (7140 item number : 7143 item type).
LIN_LINE_NUMBER = 1
LIN_ACTION = 2
LIN_C212 = 3
# PIA: 4347 function qualifier, then up to five C212 (7140 : 7143 : 1131 : 3055).
PIA_FIRST_C212 = 2
PIA_LAST_C212 = 6
# IMD: 7077 format, C272 characteristic, C273 (7009 : 1131 : 3055 : 7008 : 7008).
IMD_C273 = 3
IMD_DESCRIPTION, IMD_DESCRIPTION_2 = 4, 5
# QTY: C186 = 6063 qualifier : 6060 quantity : 6411 unit.
QTY_C186 = 1
QTY_QUALIFIER, QTY_VALUE, QTY_UNIT = 1, 2, 3
# PRI: C509 = 5125 qualifier : 5118 price : 5375 type : 5387 type qualifier : 5284 unit price
# basis : 6411 unit.
PRI_C509 = 1
PRI_QUALIFIER, PRI_VALUE, PRI_BASIS = 1, 2, 5
# CUX: C504 = 6347 usage : 6345 currency : 6343 currency type.
CUX_C504 = 1
CUX_USAGE, CUX_CURRENCY = 1, 2
# RFF: C506 = 1153 qualifier : 1154 reference : 1156 line number.
RFF_C506 = 1
RFF_QUALIFIER, RFF_REFERENCE, RFF_LINE = 1, 2, 3
# MOA: C516 = 5025 qualifier : 5004 amount : 6345 currency.
MOA_C516 = 1
MOA_QUALIFIER, MOA_AMOUNT, MOA_CURRENCY = 1, 2, 3
# LOC: 3227 qualifier, C517 (3225 id : 1131 list : 3055 agency : 3224 name).
LOC_C517 = 2
C517_3225_NAME = 4  # the place's name, inside C517
# TDT: 8051 stage, 8028 conveyance reference, C220 mode, C228 means, C040 carrier
# (3127 id : 1131 : 3055 : 3128 name).
TDT_C040 = 5

# 3055 code list responsible agency: 9 = GS1 (EAN), 16 = Dun & Bradstreet, 91 / 92 = assigned by
# the supplier / the buyer (the partners' own codes).
AGENCY_SCHEMES = {"9": "GLN", "16": "DUNS", "91": "ZZ", "92": "ZZ"}
# 3035 party function codes (UN/EDIFACT D96A..D01B, EANCOM 2002) -> canonical roles.
PARTY_ROLES = {
    "BY": "buyer", "OB": "buyer",
    "SU": "seller", "SE": "seller", "II": "seller",
    "DP": "ship_to", "ST": "ship_to", "CN": "ship_to", "UC": "ship_to",
    "IV": "bill_to", "BT": "bill_to",
    "SF": "ship_from", "CZ": "ship_from",
    "SN": "location", "WH": "location",
    "CO": "corporate_office", "MF": "manufacturer", "PE": "payee", "CA": "carrier",
}
# 7143 item type codes: GTIN-bearing types keep the number as sent in `ean` / `upc` too.
GTIN_TYPES = {"SRV": "gtin", "EN": "ean", "UP": "upc", "UA": "upc", "EU": "ean"}
PART_TYPES = {"IN": "buyer_part", "BP": "buyer_part", "SA": "vendor_part", "VN": "vendor_part",
              "VP": "vendor_part", "MF": "vendor_part"}
# 2379 date formats read by `dtm_period`.
SUPPORTED_FORMATS = ("101", "102", "203", "204", "610", "616", "718", "719")


def edifact_missing_segment(tag: str, anchor: Segment, message: str) -> MappingError:
    """A mandatory segment is absent: CONTRL 0085 code 13 at the segment it should follow."""
    return MappingError(
        Issue(EDIFACT_MISSING, Severity.ERROR, Scope.SEGMENT, anchor.location(),
              f"{tag}: {message}"))


def invalid(seg: Segment, position: int, message: str, component: int | None = None
            ) -> MappingError:
    return element_error(seg, position, EDIFACT_INVALID_VALUE, message, component)


def missing(seg: Segment, position: int, message: str, component: int | None = None
            ) -> MappingError:
    return element_error(seg, position, EDIFACT_MISSING, message, component)


def warning(seg: Segment, position: int | None, message: str,
            component: int | None = None) -> Issue:
    return Issue(EDIFACT_INVALID_VALUE, Severity.WARNING, Scope.ELEMENT,
                 seg.location(position, component), f"{seg.tag}: {message}")


def first(message: Message, tag: str) -> Segment | None:
    return next((s for s in message.body() if s.tag == tag), None)


# --- BGM ---------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Beginning:
    segment: Segment
    document_code: str
    number: str
    function: str
    response_type: str


def beginning(message: Message, what: str, *, number_required: bool = True) -> Beginning:
    bgm = first(message, "BGM")
    if bgm is None:
        raise edifact_missing_segment("BGM", message.segments[0],
                                      "BGM (beginning of message) is missing")
    number = bgm.value(BGM_NUMBER).strip()
    if number_required and not number:
        raise missing(bgm, BGM_NUMBER, f"{what} is missing", 1)
    return Beginning(bgm, bgm.value(BGM_DOCUMENT).strip(), number,
                     bgm.value(BGM_FUNCTION).strip(), bgm.value(BGM_RESPONSE_TYPE).strip())


def code_from(table: dict[str, T], seg: Segment, position: int, code: str, what: str,
              component: int | None = None) -> T:
    value = table.get(code)
    if value is None:
        raise invalid(seg, position, f"{what} {code!r} is not one of {sorted(table)}", component)
    return value


# --- numbers -----------------------------------------------------------------------------------


def number(seg: Segment, position: int, component: int, what: str) -> Decimal | None:
    """A numeric component; both decimal marks (`.` and `,`) are read, as ISO 9735 allows."""
    text = seg.value(position, component).strip()
    if not text:
        return None
    try:
        value = Decimal(text.replace(",", "."))
    except InvalidOperation:
        value = None
    if value is None or not value.is_finite():
        raise invalid(seg, position, f"{what} {text!r} is not a number", component)
    return value


@dataclass(frozen=True, slots=True)
class Quantity:
    qualifier: str
    value: Decimal
    unit: str | None
    segment: Segment


def quantity(seg: Segment) -> Quantity:
    qualifier = seg.value(QTY_C186, QTY_QUALIFIER).strip()
    if not qualifier:
        raise missing(seg, QTY_C186, "quantity qualifier (6063) is missing", QTY_QUALIFIER)
    value = number(seg, QTY_C186, QTY_VALUE, f"quantity {qualifier}")
    if value is None:
        raise missing(seg, QTY_C186, f"quantity {qualifier} is missing", QTY_VALUE)
    return Quantity(qualifier, value, seg.value(QTY_C186, QTY_UNIT).strip() or None, seg)


def unit_price(seg: Segment) -> tuple[str, Decimal | None]:
    """PRI qualifier and the price per unit (the price divided by its unit price basis)."""
    qualifier = seg.value(PRI_C509, PRI_QUALIFIER).strip()
    price = number(seg, PRI_C509, PRI_VALUE, f"price {qualifier}")
    basis = number(seg, PRI_C509, PRI_BASIS, "unit price basis")
    if price is not None and basis is not None:
        if basis <= 0:
            raise invalid(seg, PRI_C509, f"unit price basis {basis} must be positive", PRI_BASIS)
        price = price / basis
    return qualifier, price


def amount(seg: Segment) -> tuple[str, Decimal | None]:
    qualifier = seg.value(MOA_C516, MOA_QUALIFIER).strip()
    return qualifier, number(seg, MOA_C516, MOA_AMOUNT, f"amount {qualifier}")


def currency(seg: Segment) -> str | None:
    """CUX currency, when the first currency detail is the reference currency (usage 2) or has
    no usage; the second currency of a CUX with two details is a target currency."""
    usage = seg.value(CUX_C504, CUX_USAGE).strip()
    code = seg.value(CUX_C504, CUX_CURRENCY).strip()
    if usage in ("", "2", "1") and code:
        return code
    return None


def reference(seg: Segment) -> tuple[str, str, str]:
    return (seg.value(RFF_C506, RFF_QUALIFIER).strip(), seg.value(RFF_C506, RFF_REFERENCE).strip(),
            seg.value(RFF_C506, RFF_LINE).strip())


# --- dates -------------------------------------------------------------------------------------


def dtm_qualifier(seg: Segment) -> str:
    return seg.value(DTM_C507, DTM_QUALIFIER).strip()


def dtm_period(seg: Segment, issues: list[Issue] | None = None) -> tuple[date, date] | None:
    """The period a DTM names: a day (start == end), an ISO week (Monday..Sunday), a month, or
    a range. None when the value is empty; MappingError 12 at C507 when it cannot be read.

    A CCYYMMDDHHMM(SS) value sent under format 102 (seen in real files) is read as its date,
    with a warning in `issues`."""
    text = seg.value(DTM_C507, DTM_VALUE).strip()
    fmt = seg.value(DTM_C507, DTM_FORMAT).strip()
    if not text:
        return None
    if not fmt:  # the format is conditional in D96A; infer the common ones from the length
        fmt = {6: "101", 8: "102", 12: "203", 14: "204", 16: "718"}.get(len(text), "")
    if fmt not in SUPPORTED_FORMATS:
        raise invalid(seg, DTM_C507, f"date format {fmt or '(none)'!r} is not supported "
                      f"(one of {', '.join(SUPPORTED_FORMATS)})", DTM_FORMAT)
    if fmt == "102" and len(text) in (12, 14) and issues is not None:
        issues.append(warning(seg, DTM_C507, f"{text!r} is longer than format 102 "
                              "(CCYYMMDD); read as its first eight digits", DTM_VALUE))
        fmt = "203" if len(text) == 12 else "204"
    try:
        return _period(text, fmt)
    except ValueError:
        raise invalid(seg, DTM_C507, f"{text!r} is not a valid date in format {fmt}",
                      DTM_VALUE) from None


def dtm_date(seg: Segment, issues: list[Issue] | None = None) -> date | None:
    period = dtm_period(seg, issues)
    return None if period is None else period[0]


def _period(text: str, fmt: str) -> tuple[date, date]:
    if not is_digits(text.replace("-", "")):
        raise ValueError(text)
    if fmt in ("718", "719"):
        digits = text.replace("-", "")
        half = 8 if fmt == "718" else 12
        if len(digits) != 2 * half:
            raise ValueError(text)
        start, end = _ymd(digits[:8]), _ymd(digits[half:half + 8])
        if end < start:
            raise ValueError(text)
        return start, end
    if fmt == "616":
        if len(text) != 6:
            raise ValueError(text)
        monday = date.fromisocalendar(int(text[:4]), int(text[4:]), 1)
        return monday, monday + timedelta(days=6)
    if fmt == "610":
        if len(text) != 6:
            raise ValueError(text)
        start = date(int(text[:4]), int(text[4:]), 1)
        following = date(start.year + start.month // 12, start.month % 12 + 1, 1)
        return start, following - timedelta(days=1)
    expected = {"101": 6, "102": 8, "203": 12, "204": 14}[fmt]
    if len(text) != expected:
        raise ValueError(text)
    day = _ymd("20" + text if fmt == "101" else text[:8])
    if fmt in ("203", "204") and (int(text[8:10]) > 23 or int(text[10:12]) > 59):
        raise ValueError(text)
    return day, day


def _ymd(text: str) -> date:
    return date(int(text[:4]), int(text[4:6]), int(text[6:8]))


# --- parties and places ------------------------------------------------------------------------


def identified(seg: Segment, position: int, role: str, name: str | None) -> PartyRef | None:
    """A party or place from an id composite (id : code list : agency) at `position`."""
    value = seg.value(position, 1).strip()
    if not value:
        return None
    agency = seg.value(position, 3).strip()
    scheme = AGENCY_SCHEMES.get(agency, agency or "ZZ")
    if scheme == "GLN" and not valid_gln(value):
        raise invalid(seg, position, f"GLN {value!r} is not 13 digits with a valid check digit", 1)
    return PartyRef(role=role, scheme=scheme, value=value, name=name,
                    location_code=value if scheme == "ZZ" else None)


def party(seg: Segment, roles: dict[str, str] | None = None) -> PartyRef | None:
    """NAD -> PartyRef; None for party functions the hub does not track or without an id."""
    role = (roles or PARTY_ROLES).get(seg.value(NAD_QUALIFIER).strip())
    if role is None:
        return None
    name = " ".join(c.strip() for c in seg.components(NAD_C080)[:5] if c.strip())
    if not name:
        name = seg.value(NAD_C058, 1).strip()
    return identified(seg, NAD_C082, role, name or None)


def place(seg: Segment, role: str = "location") -> PartyRef | None:
    """LOC -> PartyRef (agency 9 = GLN, otherwise the partners' own location code)."""
    return identified(seg, LOC_C517, role,
                      seg.value(LOC_C517, C517_3225_NAME).strip() or None)


def add_party(parties: list[PartyRef], issues: list[Issue], seg: Segment,
              roles: dict[str, str] | None = None) -> PartyRef | None:
    """Read a NAD into `parties`; a tracked party without an id is skipped with a warning."""
    found = party(seg, roles)
    if found is None:
        if seg.value(NAD_QUALIFIER).strip() in (roles or PARTY_ROLES):
            issues.append(warning(seg, NAD_C082, "party has no identification (C082 3039); "
                                  "it cannot be resolved and is left out", 1))
        return None
    if found not in parties:
        parties.append(found)
    return found


# --- products ----------------------------------------------------------------------------------


def _item(seg: Segment, position: int, product: dict[str, str]) -> None:
    value = seg.value(position, 1).strip()
    item_type = seg.value(position, 2).strip()
    if not value:
        return
    if item_type in GTIN_TYPES:
        gtin = normalise_gtin(value)
        if gtin is None:
            raise invalid(seg, position, f"{item_type} {value!r} is not a GTIN with a valid "
                          "check digit", 1)
        product.setdefault("gtin", gtin)
        kind = GTIN_TYPES[item_type]
        if kind != "gtin":
            product.setdefault(kind, value)
    elif item_type in PART_TYPES:
        product.setdefault(PART_TYPES[item_type], value)


def lin_product(seg: Segment) -> dict[str, str]:
    product: dict[str, str] = {}
    _item(seg, LIN_C212, product)
    return product


def add_pia(seg: Segment, product: dict[str, str]) -> None:
    for position in range(PIA_FIRST_C212, PIA_LAST_C212 + 1):
        _item(seg, position, product)


def add_imd(seg: Segment, product: dict[str, str]) -> None:
    text = " ".join(t for t in (seg.value(IMD_C273, IMD_DESCRIPTION).strip(),
                                seg.value(IMD_C273, IMD_DESCRIPTION_2).strip()) if t)
    if text and "description" not in product:
        product["description"] = text


def product_ref(product: dict[str, str]) -> ProductRef:
    return ProductRef(**product)


def lin_line_number(seg: Segment) -> str:
    return seg.value(LIN_LINE_NUMBER).strip()


def carrier(seg: Segment) -> str | None:
    return seg.value(TDT_C040, 4).strip() or seg.value(TDT_C040, 1).strip() or None
