"""cXML InvoiceDetailRequest mapping rules: header, orders, lines, totals, located errors."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

import edi
from adapters import MappingError
from adapters.cxml_invoice_detail_request import map_message

CORPUS = Path(__file__).parents[1] / "samples" / "corpus" / "xml"
# InvoiceDetailRequestHeader is on line 12.
PROLOG = """<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE cXML SYSTEM "http://xml.cxml.org/schemas/cXML/1.2.014/cXML.dtd">
<cXML payloadID="1700000000.4@acmefoods.example" timestamp="2026-11-30T09:00:00+00:00">
<Header>
<From><Credential domain="GLN"><Identity>0614141000005</Identity></Credential></From>
<To><Credential domain="GLN"><Identity>0614141000012</Identity></Credential></To>
<Sender><Credential domain="NetworkID"><Identity>ACMEFOODS</Identity></Credential>
<UserAgent>test</UserAgent></Sender>
</Header>
<Request>
<InvoiceDetailRequest>
"""
HEADER = """<InvoiceDetailRequestHeader invoiceID="INV-1" invoiceDate="2026-11-30" {attrs}>
<InvoiceDetailHeaderIndicator/><InvoiceDetailLineIndicator/></InvoiceDetailRequestHeader>
"""
ORDER = """<InvoiceDetailOrder><InvoiceDetailOrderInfo><OrderReference orderID="PO-1">
<DocumentReference payloadID="x"/></OrderReference></InvoiceDetailOrderInfo>
<InvoiceDetailItem invoiceLineNumber="1" quantity="6"><UnitOfMeasure>CS</UnitOfMeasure>
<UnitPrice><Money currency="EUR">12.50</Money></UnitPrice>
<InvoiceDetailItemReference lineNumber="1"><ItemID><SupplierPartID>AC-1</SupplierPartID>
</ItemID><Description xml:lang="en">Oat bar</Description></InvoiceDetailItemReference>
<SubtotalAmount><Money currency="EUR">75.00</Money></SubtotalAmount></InvoiceDetailItem>
</InvoiceDetailOrder>
"""
SUMMARY = """<InvoiceDetailSummary><SubtotalAmount><Money currency="EUR">75.00</Money>
</SubtotalAmount><Tax><Money currency="EUR">14.25</Money><Description xml:lang="en">VAT
</Description></Tax><NetAmount><Money currency="EUR">89.25</Money></NetAmount>
<DueAmount><Money currency="EUR">89.25</Money></DueAmount></InvoiceDetailSummary>
"""
EPILOG = "</InvoiceDetailRequest></Request></cXML>"


def message(body: str) -> edi.Message:
    [msg] = edi.parse((PROLOG + body + EPILOG).encode()).messages
    assert msg.type == "cxml:InvoiceDetailRequest" and msg.accepted, msg.issues
    return msg


def test_corpus_coupa_invoice_with_taxes_at_line() -> None:
    path = CORPUS / "cxml-ruby__invoice_taxes_at_line.xml"
    [msg] = edi.parse(path.read_bytes()).messages
    mapped = map_message(msg)
    [doc] = mapped.documents
    assert (doc.invoice_number, doc.invoice_date, doc.purpose, doc.currency) == (
        "3495", date(2009, 5, 1), "original", "USD")
    # OrderReference has only a DocumentReference (no orderID); NetAmount/Money is empty.
    assert (doc.po_number, doc.total) == (None, None)
    [warning] = mapped.issues
    assert (warning.severity.value, warning.location.line, warning.location.segment_tag) == (
        "warning", 76, "NetAmount")
    assert (doc.party("seller").scheme, doc.party("seller").value) == ("DUNS", "supplierid")
    assert (doc.party("buyer").scheme, doc.party("buyer").value) == ("DUNS", "buyerid")
    [line] = doc.lines
    assert (line.line_number, line.quantity, line.uom, line.unit_price, line.amount) == (
        "1", Decimal(1), "EA", Decimal(365), Decimal(365))
    assert line.product.description == (
        "NEW 1 NINTENDO WII GAME CONSOLE + WII FIT BUNDLE +GAMES")
    assert (doc.segment_number, line.segment_number) == (25, 36)


def test_invoice_lines_orders_and_due_total() -> None:
    mapped = map_message(message(HEADER.format(attrs='purpose="standard"') + ORDER + SUMMARY))
    [doc] = mapped.documents
    assert mapped.issues == []
    assert (doc.invoice_number, doc.invoice_date, doc.purpose, doc.po_number, doc.currency,
            doc.total) == ("INV-1", date(2026, 11, 30), "original", "PO-1", "EUR",
                           Decimal("89.25"))
    assert (doc.party("seller").scheme, doc.party("seller").value) == ("GLN", "0614141000005")
    [line] = doc.lines
    assert (line.line_number, line.quantity, line.uom, line.unit_price, line.amount,
            line.po_number) == ("1", Decimal(6), "CS", Decimal("12.50"), Decimal("75.00"),
                                "PO-1")
    assert (line.product.vendor_part, line.product.description) == ("AC-1", "Oat bar")


def test_purposes_and_delete_operation() -> None:
    for attrs, purpose in (('purpose="creditMemo"', "credit"),
                           ('purpose="lineLevelCreditMemo"', "credit"),
                           ('purpose="standard" operation="delete"', "cancel")):
        [doc] = map_message(message(HEADER.format(attrs=attrs) + ORDER)).documents
        assert doc.purpose == purpose


def test_lines_keep_their_own_orders() -> None:
    [doc] = map_message(message(HEADER.format(attrs="") + ORDER
                                + ORDER.replace("PO-1", "PO-2"))).documents
    assert doc.po_number == "PO-1"
    assert [line.po_number for line in doc.lines] == ["PO-1", "PO-2"]


def test_missing_invoice_id_is_missing_element_at_the_header() -> None:
    with pytest.raises(MappingError) as caught:
        map_message(message(HEADER.format(attrs="").replace('invoiceID="INV-1" ', "") + ORDER))
    issue = caught.value.issue
    assert (issue.code, issue.location.line, issue.location.segment_tag) == (
        "missing-element", 12, "InvoiceDetailRequestHeader/@invoiceID")


def test_unknown_purpose_is_invalid_value() -> None:
    with pytest.raises(MappingError) as caught:
        map_message(message(HEADER.format(attrs='purpose="proforma"') + ORDER))
    assert (caught.value.issue.code, caught.value.issue.location.segment_tag) == (
        "invalid-value", "InvoiceDetailRequestHeader/@purpose")


def test_bad_invoice_date_is_invalid_value() -> None:
    body = HEADER.format(attrs="").replace("2026-11-30", "30.11.2026") + ORDER
    with pytest.raises(MappingError) as caught:
        map_message(message(body))
    issue = caught.value.issue
    assert (issue.code, issue.location.line, issue.location.segment_tag) == (
        "invalid-value", 12, "InvoiceDetailRequestHeader/@invoiceDate")


def test_bad_quantity_is_invalid_value_at_its_item() -> None:
    with pytest.raises(MappingError) as caught:
        map_message(message(HEADER.format(attrs="") + ORDER.replace('"6"', '"6 cases"')))
    issue = caught.value.issue
    assert (issue.code, issue.location.line, issue.location.segment_tag) == (
        "invalid-value", 16, "InvoiceDetailItem/@quantity")


def test_bad_amount_is_invalid_value_at_its_money() -> None:
    with pytest.raises(MappingError) as caught:
        map_message(message(HEADER.format(attrs="") + ORDER.replace(">12.50<", ">12,50<")))
    issue = caught.value.issue
    assert (issue.code, issue.location.line, issue.location.segment_tag) == (
        "invalid-value", 17, "Money")
