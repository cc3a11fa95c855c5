"""X12 810 Invoice (004010, 005010) -> `InvoiceDoc`.

BIG gives the invoice date and number, the PO it bills and its type (BIG07 CR: credit memo)
and purpose (BIG08); CUR the currency; N1 the parties; each IT1 one line (quantity, unit,
unit price, product ids; a REF PO in the IT1 loop names another PO for that line); TDS01
the total amount due, an N2 number: two implied decimals, so `12345` is 123.45.
"""

from __future__ import annotations

from decimal import Decimal

from adapters.common import (
    X12_INVALID_CHARACTER,
    X12_MANDATORY_ELEMENT_MISSING,
    Mapped,
    ccyymmdd,
    decimal_value,
    element_error,
    is_digits,
    required,
)
from adapters.x12_common import (
    CUR02_CURRENCY,
    amount,
    beginning,
    check_count,
    first,
    party,
    product,
    warning,
    with_description,
)
from edi.model import Message, Segment
from schemas.documents import InvoiceDoc, InvoiceLineDoc, PartyRef

BIG01_INVOICE_DATE = 1
BIG02_INVOICE_NUMBER = 2
BIG03_PO_DATE = 3
BIG04_PO_NUMBER = 4
BIG07_TRANSACTION_TYPE = 7
BIG08_PURPOSE = 8
IT101_LINE = 1
IT102_QUANTITY = 2
IT103_UOM = 3
IT104_PRICE = 4
IT106_FIRST_ID_QUALIFIER = 6
REF01_QUALIFIER = 1
REF02_VALUE = 2
TDS01_TOTAL = 1

CREDIT_TYPES = ("CR",)  # BIG07 (640): credit memo
PURPOSES = {"01": "cancel", "03": "cancel", "05": "replace"}  # BIG08 (353); else original
ENTITY_ROLES = {"SE": "seller", "VN": "seller", "SU": "seller", "II": "seller",
                "RE": "remit_to", "RI": "remit_to", "BY": "buyer", "BT": "bill_to",
                "ST": "ship_to", "SF": "ship_from"}


def map_message(message: Message) -> Mapped:
    result = Mapped()
    big = beginning(message, "BIG", "beginning segment for invoice")
    invoice_date = ccyymmdd(big, BIG01_INVOICE_DATE, "invoice date")
    if invoice_date is None:
        raise element_error(big, BIG01_INVOICE_DATE, X12_MANDATORY_ELEMENT_MISSING,
                            "invoice date is missing")
    ccyymmdd(big, BIG03_PO_DATE, "purchase order date")
    po_number = big.value(BIG04_PO_NUMBER).strip() or None
    purpose = PURPOSES.get(big.value(BIG08_PURPOSE).strip())
    if purpose is None:
        credit = big.value(BIG07_TRANSACTION_TYPE).strip() in CREDIT_TYPES
        purpose = "credit" if credit else "original"
    header: dict = {
        "invoice_number": required(big, BIG02_INVOICE_NUMBER, "invoice number"),
        "invoice_date": invoice_date,
        "purpose": purpose,
        "po_number": po_number,
        "segment_number": big.number,
    }
    parties: list[PartyRef] = []
    lines: list[InvoiceLineDoc] = []
    line: dict | None = None
    ctt: Segment | None = None

    for seg in message.body():
        tag = seg.tag
        if tag == "IT1":
            if line is not None:
                lines.append(InvoiceLineDoc(**line))
            line = _line(seg, po_number)
        elif tag == "CUR" and line is None:
            header["currency"] = seg.value(CUR02_CURRENCY).strip() or None
        elif tag == "N1" and line is None:
            found = party(seg, ENTITY_ROLES)
            if found is not None:
                parties.append(found)
        elif tag == "PID" and line is not None:
            line["product"] = with_description(line["product"], seg)
        elif tag == "REF" and line is not None and seg.value(REF01_QUALIFIER).strip() == "PO":
            line["po_number"] = seg.value(REF02_VALUE).strip() or line["po_number"]
        elif tag == "TDS":
            if line is not None:
                lines.append(InvoiceLineDoc(**line))
                line = None
            header["total"] = _implied_cents(seg, TDS01_TOTAL, "total invoice amount")
        elif tag == "CTT":
            ctt = seg
    if line is not None:
        lines.append(InvoiceLineDoc(**line))

    if first(message.body(), "TDS") is None:
        result.issues.append(warning(big, None, "TDS-missing",
                                     "the invoice has no TDS (total monetary value summary)"))
    issue = check_count(ctt, len(lines), "line items")
    if issue is not None:
        result.issues.append(issue)
    result.documents.append(InvoiceDoc(parties=tuple(parties), lines=tuple(lines), **header))
    return result


def _line(seg: Segment, po_number: str | None) -> dict:
    quantity = amount(seg, IT102_QUANTITY, "quantity invoiced")
    uom = required(seg, IT103_UOM, "unit of measure")
    price = decimal_value(seg, IT104_PRICE, "unit price")
    return {
        "line_number": seg.value(IT101_LINE).strip() or None,
        "product": product(seg, IT106_FIRST_ID_QUALIFIER),
        "quantity": quantity,
        "uom": uom,
        "unit_price": price,
        "amount": quantity * price if price is not None else None,
        "po_number": po_number,
        "segment_number": seg.number,
    }


def _implied_cents(seg: Segment, position: int, what: str) -> Decimal:
    """An N2 element: digits with an optional minus sign and two implied decimals."""
    text = required(seg, position, what)
    digits = text[1:] if text.startswith("-") else text
    if not is_digits(digits):
        raise element_error(seg, position, X12_INVALID_CHARACTER,
                            f"{what} {text!r} is not an N2 number (digits, 2 implied decimals)")
    return Decimal(text).scaleb(-2)
