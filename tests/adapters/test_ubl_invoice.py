"""UBL Invoice mapping rules: the corpus prefix variants, type codes, located errors."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

import edi
from adapters import MappingError
from adapters.ubl_invoice import map_message

CORPUS = Path(__file__).parents[1] / "samples" / "corpus" / "xml"
HEAD = """<?xml version="1.0" encoding="UTF-8"?>
<Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2" \
xmlns:cac="urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2" \
xmlns:cbc="urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2">
"""
HEADER = """<cbc:ID>INV-9</cbc:ID>
<cbc:IssueDate>2026-11-30</cbc:IssueDate>
<cbc:InvoiceTypeCode>{code}</cbc:InvoiceTypeCode>
<cbc:DocumentCurrencyCode>EUR</cbc:DocumentCurrencyCode>
<cac:OrderReference><cbc:ID>PO-7</cbc:ID></cac:OrderReference>
<cac:AccountingSupplierParty><cac:Party><cbc:EndpointID schemeID="0088">0614141000005\
</cbc:EndpointID></cac:Party></cac:AccountingSupplierParty>
<cac:AccountingCustomerParty><cac:Party><cbc:EndpointID schemeID="0060">123456789\
</cbc:EndpointID></cac:Party></cac:AccountingCustomerParty>
<cac:LegalMonetaryTotal><cbc:PayableAmount currencyID="EUR">89.25</cbc:PayableAmount>\
</cac:LegalMonetaryTotal>
"""
LINE = """<cac:InvoiceLine>
<cbc:ID>1</cbc:ID>
<cbc:InvoicedQuantity unitCode="C62">6</cbc:InvoicedQuantity>
<cbc:LineExtensionAmount currencyID="EUR">75.00</cbc:LineExtensionAmount>
<cac:Item><cac:StandardItemIdentification><cbc:ID schemeID="0160">00012345678905</cbc:ID>\
</cac:StandardItemIdentification></cac:Item>
<cac:Price><cbc:PriceAmount currencyID="EUR">12.50</cbc:PriceAmount></cac:Price>
</cac:InvoiceLine>
"""


def message(body: str) -> edi.Message:
    [msg] = edi.parse((HEAD + body + "</Invoice>").encode()).messages
    assert msg.type == "ubl:Invoice"
    return msg


def corpus(variant: str):
    path = CORPUS / f"ph-ubl__UBL-Invoice-2.0-Example-{variant}.xml"
    [msg] = edi.parse(path.read_bytes()).messages
    return map_message(msg)


def test_corpus_invoice_values() -> None:
    mapped = corpus("NS1")
    [doc] = mapped.documents
    assert mapped.issues == []
    assert (doc.invoice_number, doc.invoice_date, doc.purpose, doc.po_number, doc.currency,
            doc.total) == ("A00095678", date(2005, 6, 21), "original", "AEG012345", "GBP",
                           Decimal("107.50"))
    # The account ids the Order of the same trade uses (CO001 / XFB01), not the VAT numbers.
    seller, buyer = doc.party("seller"), doc.party("buyer")
    assert (seller.scheme, seller.value, seller.name) == ("ZZ", "CO001", "Consortial")
    assert (buyer.scheme, buyer.value, buyer.name) == ("ZZ", "XFB01", "IYT Corporation")
    [line] = doc.lines
    assert (line.line_number, line.quantity, line.uom, line.unit_price, line.amount,
            line.po_number) == ("A", Decimal(100), "KGM", Decimal("1.00"), Decimal("100.00"),
                                "AEG012345")
    assert (line.product.buyer_part, line.product.vendor_part, line.product.description) == (
        "6578489", "17589683", "Acme beeswax")
    assert (doc.segment_number, line.segment_number) == (6, 192)


def test_corpus_namespace_prefix_variants_give_the_same_document() -> None:
    assert corpus("NS1").documents == corpus("NS4").documents


def test_invoice_values_and_parties() -> None:
    [doc] = map_message(message(HEADER.format(code="380") + LINE)).documents
    assert (doc.purpose, doc.currency, doc.total, doc.po_number) == (
        "original", "EUR", Decimal("89.25"), "PO-7")
    assert (doc.party("seller").scheme, doc.party("seller").value) == ("GLN", "0614141000005")
    assert (doc.party("buyer").scheme, doc.party("buyer").value) == ("DUNS", "123456789")
    [line] = doc.lines
    assert (line.quantity, line.uom, line.unit_price, line.amount, line.product.gtin) == (
        Decimal(6), "C62", Decimal("12.50"), Decimal("75.00"), "00012345678905")


def test_type_codes_map_to_purposes() -> None:
    for code, purpose in (("380", "original"), ("381", "credit"), ("384", "replace"),
                          ("SalesInvoice", "original")):
        [doc] = map_message(message(HEADER.format(code=code) + LINE)).documents
        assert doc.purpose == purpose


def test_missing_invoice_id_is_missing_element_at_the_root() -> None:
    body = HEADER.format(code="380").replace("<cbc:ID>INV-9</cbc:ID>\n", "") + LINE
    with pytest.raises(MappingError) as caught:
        map_message(message(body))
    issue = caught.value.issue
    assert (issue.code, issue.location.line, issue.location.segment_tag) == (
        "missing-element", 2, "Invoice/cbc:ID")


def test_bad_invoiced_quantity_is_invalid_value_where_it_stands() -> None:
    with pytest.raises(MappingError) as caught:
        map_message(message(HEADER.format(code="380") + LINE.replace(">6<", ">6.0.0<")))
    issue = caught.value.issue
    assert (issue.code, issue.location.line, issue.location.segment_tag) == (
        "invalid-value", 13, "cbc:InvoicedQuantity")


def test_bad_issue_date_is_invalid_value_where_it_stands() -> None:
    body = HEADER.format(code="380").replace("2026-11-30", "2026-11-30T25:00:00") + LINE
    with pytest.raises(MappingError) as caught:
        map_message(message(body))
    issue = caught.value.issue
    assert (issue.code, issue.location.line, issue.location.segment_tag) == (
        "invalid-value", 4, "cbc:IssueDate")


def test_gtin_with_a_wrong_check_digit_is_invalid_value_where_it_stands() -> None:
    with pytest.raises(MappingError) as caught:
        map_message(message(HEADER.format(code="380")
                            + LINE.replace("00012345678905", "00012345678904")))
    issue = caught.value.issue
    assert (issue.code, issue.location.line, issue.location.segment_tag) == (
        "invalid-value", 15, "cbc:ID")


def test_invoice_without_lines_is_rejected() -> None:
    with pytest.raises(MappingError) as caught:
        map_message(message(HEADER.format(code="380")))
    assert (caught.value.issue.code, caught.value.issue.location.segment_tag) == (
        "missing-element", "Invoice/cac:InvoiceLine")


def test_corpus_bii_error_case_without_invoiced_quantity_is_rejected_where_it_stands() -> None:
    # CEN BII04 error case ERR-10 (XSD-valid, breaks the BII rules): no cbc:InvoicedQuantity.
    path = CORPUS / "ph-ubl__ERR-10_BII04_minimal_VAT_invoice_example_01.xml"
    [msg] = edi.parse(path.read_bytes()).messages
    with pytest.raises(MappingError) as caught:
        map_message(msg)
    issue = caught.value.issue
    assert (issue.code, issue.location.line, issue.location.segment_tag) == (
        "missing-element", 90, "cac:InvoiceLine/cbc:InvoicedQuantity")


def test_issue_dates_with_a_time_zone_keep_their_calendar_date() -> None:
    for written in ("2026-11-30Z", "2026-11-30+01:00", "2026-11-30-05:00"):
        body = HEADER.format(code="380").replace("2026-11-30", written) + LINE
        [doc] = map_message(message(body)).documents
        assert doc.invoice_date == date(2026, 11, 30)
