"""EDIFACT / EANCOM INVOIC (D96A, D97A/B, D01B) -> `InvoiceDoc`.

BGM gives the invoice number and kind (380 invoice, 381 credit note ...) with its function;
DTM+137 / DTM+3 the invoice date; RFF+ON the order (at the header or per line); CUX the
currency; NAD the parties; each LIN one line with QTY+47 (invoiced; QTY+12 / 46 when there is
none), PRI (divided by its unit price basis) and MOA+203 line amount. The total is the first
of MOA+77 / 86 / 39 / 9 / 388 / 128 outside the lines.
"""

from __future__ import annotations

from decimal import Decimal

from adapters.common import Mapped
from adapters.edifact_common import (
    BGM_DOCUMENT,
    BGM_FUNCTION,
    add_imd,
    add_party,
    add_pia,
    amount,
    beginning,
    currency,
    dtm_date,
    dtm_qualifier,
    edifact_missing_segment,
    invalid,
    lin_line_number,
    lin_product,
    product_ref,
    quantity,
    reference,
    unit_price,
    warning,
)
from edi.model import Message, Segment
from schemas.documents import InvoiceDoc, InvoiceLineDoc, PartyRef

# 1001: 380 commercial invoice, 381 credit note, 383 debit note, 384 corrected invoice,
# 386 prepayment invoice, 389 self-billed invoice, 393 factored invoice, 325 proforma.
DOCUMENT_PURPOSES = {"380": "original", "381": "credit", "383": "original", "384": "replace",
                     "386": "original", "389": "original", "393": "original", "325": "original"}
# 1225: 9 original, 1 cancellation, 3 deletion, 5 replace, 7 duplicate, 31 copy, absent = 9.
FUNCTIONS = {"9": None, "7": None, "31": None, "": None, "1": "cancel", "3": "cancel",
             "5": "replace"}
# 2005: 3 invoice date, 137 document date.
INVOICE_DATES = ("3", "137")
# 6063: 47 invoiced quantity; 12 despatch quantity, 46 delivered quantity as fallbacks.
QUANTITIES = ("47", "12", "46")
# 5125: AAA calculation net, INV invoice price, CAL calculation price, AAB calculation gross.
PRICES = ("AAA", "INV", "CAL", "AAB")
# 5025: 203 line item amount; totals, in order of preference: 77 invoice amount, 86 message
# total monetary amount, 39 invoice total amount, 9 amount due/payable, 388 total amount
# including VAT, 128 total amount.
LINE_AMOUNT = "203"
TOTALS = ("77", "86", "39", "9", "388", "128")
DEFAULT_UNIT = "PCE"


def map_message(message: Message) -> Mapped:
    result = Mapped()
    bgm = beginning(message, "invoice number (BGM 1004)")
    purpose = DOCUMENT_PURPOSES.get(bgm.document_code)
    if purpose is None:
        result.issues.append(warning(bgm.segment, BGM_DOCUMENT, f"document name code "
                                     f"{bgm.document_code!r} is not an invoice code", 1))
        purpose = "original"
    if bgm.function not in FUNCTIONS:
        raise invalid(bgm.segment, BGM_FUNCTION, f"message function code (1225) "
                      f"{bgm.function!r} is not one of {sorted(c for c in FUNCTIONS if c)}")
    override = FUNCTIONS[bgm.function]
    if override == "cancel" or (override == "replace" and purpose != "credit"):
        purpose = override
    header: dict = {"invoice_number": bgm.number, "purpose": purpose,
                    "segment_number": bgm.segment.number}
    dates: dict = {}
    parties: list[PartyRef] = []
    totals: dict[str, Decimal] = {}
    groups: list[_Line] = []
    line: _Line | None = None

    for seg in message.body():
        tag = seg.tag
        if tag == "LIN":
            line = _Line(seg)
            groups.append(line)
        elif tag == "UNS":
            line = None
        elif line is not None:
            line.add(seg)
        elif tag == "DTM":
            qualifier = dtm_qualifier(seg)
            if qualifier in INVOICE_DATES:
                when = dtm_date(seg, result.issues)
                if when is not None:
                    dates.setdefault(qualifier, when)
        elif tag == "RFF":
            qualifier, value, _ = reference(seg)
            if qualifier == "ON" and value:
                header.setdefault("po_number", value)
        elif tag == "CUX":
            header.setdefault("currency", currency(seg))
        elif tag == "NAD":
            add_party(parties, result.issues, seg)
        elif tag == "MOA":
            qualifier, value = amount(seg)
            if qualifier in TOTALS and value is not None:
                totals.setdefault(qualifier, value)

    if purpose not in ("cancel",) and not groups:
        raise edifact_missing_segment("LIN", bgm.segment, "the invoice has no LIN lines")
    lines = [g.build(header.get("po_number")) for g in groups]
    if "po_number" not in header:
        # One order for all lines (references given per line only): the invoice's order.
        orders = {ln.po_number for ln in lines}
        if len(orders) == 1:
            header["po_number"] = orders.pop()
    result.documents.append(InvoiceDoc(
        invoice_date=next((dates[q] for q in INVOICE_DATES if q in dates), None),
        total=next((totals[q] for q in TOTALS if q in totals), None),
        parties=tuple(parties), lines=tuple(lines), **header))
    return result


class _Line:
    def __init__(self, lin: Segment) -> None:
        self.lin = lin
        self.product = lin_product(lin)
        self.quantities: dict[str, tuple[Decimal, str | None]] = {}
        self.prices: dict[str, Decimal] = {}
        self.amount: Decimal | None = None
        self.po_number: str | None = None

    def add(self, seg: Segment) -> None:
        if seg.tag == "PIA":
            add_pia(seg, self.product)
        elif seg.tag == "IMD":
            add_imd(seg, self.product)
        elif seg.tag == "QTY":
            qty = quantity(seg)
            self.quantities.setdefault(qty.qualifier, (qty.value, qty.unit))
        elif seg.tag == "PRI":
            qualifier, price = unit_price(seg)
            if price is not None:
                self.prices.setdefault(qualifier, price)
        elif seg.tag == "MOA":
            qualifier, value = amount(seg)
            if qualifier == LINE_AMOUNT and self.amount is None:
                self.amount = value
        elif seg.tag == "RFF":
            qualifier, value, _ = reference(seg)
            if qualifier == "ON" and value and self.po_number is None:
                self.po_number = value

    def build(self, header_po: str | None) -> InvoiceLineDoc:
        found = next((q for q in QUANTITIES if q in self.quantities), None)
        if found is None:
            raise edifact_missing_segment("QTY", self.lin, "the line has no invoiced quantity "
                                          "(QTY+47)")
        value, unit = self.quantities[found]
        return InvoiceLineDoc(
            line_number=lin_line_number(self.lin) or None,
            product=product_ref(self.product),
            quantity=value, uom=unit or DEFAULT_UNIT,
            unit_price=next((self.prices[q] for q in PRICES if q in self.prices), None),
            amount=self.amount,
            po_number=self.po_number or header_po,
            segment_number=self.lin.number,
        )
