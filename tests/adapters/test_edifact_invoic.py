"""EDIFACT INVOIC mapping rules, on literal messages and the real corpus invoices."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

import edi
from adapters import MappingError
from adapters.edifact_invoic import map_message

CORPUS = Path(__file__).parents[1] / "samples" / "corpus" / "edifact"
UNB = "UNA:+.? 'UNB+UNOC:3+0614141000005:14+0614141000012:14+261125:0800+47'"


def message(*body: str, version: str = "D:96A:UN:EAN008") -> edi.Message:
    segments = [f"UNH+1+INVOIC:{version}", *body, f"UNT+{len(body) + 2}+1"]
    text = UNB + "'".join(segments) + "'UNZ+1+47'"
    [msg] = edi.parse(text.encode()).messages
    assert msg.accepted, msg.issues
    return msg


def corpus(name: str) -> edi.Message:
    [msg] = edi.parse((CORPUS / name).read_bytes()).messages
    return msg


def error_of(msg: edi.Message) -> edi.Issue:
    with pytest.raises(MappingError) as caught:
        map_message(msg)
    return caught.value.issue


def test_document_and_function_codes_give_the_purpose() -> None:
    for code, function, purpose in (("380", "9", "original"), ("381", "9", "credit"),
                                    ("380", "5", "replace"), ("381", "5", "credit"),
                                    ("380", "1", "cancel"), ("384", "9", "replace")):
        [doc] = map_message(message(f"BGM+{code}+INV1+{function}", "LIN+1",
                                    "QTY+47:1")).documents
        assert doc.purpose == purpose, (code, function)


def test_header_line_and_total_values() -> None:
    [doc] = map_message(message(
        "BGM+380+INV-9001+9", "DTM+137:20261125:102", "DTM+3:20261124:102", "RFF+ON:PO-4711",
        "NAD+SU+0614141000005::9", "NAD+BY+0614141000012::9", "NAD+IV+0614141000029::9",
        "CUX+2:EUR:4", "LIN+1++4006381333931:SRV", "QTY+47:10:CT", "MOA+203:245.00",
        "PRI+AAA:24.50", "UNS+S", "MOA+86:291.55", "MOA+77:291.55", "MOA+125:245.00")
    ).documents
    assert (doc.invoice_number, doc.invoice_date, doc.po_number, doc.currency, doc.total) == (
        "INV-9001", date(2026, 11, 24), "PO-4711", "EUR", Decimal("291.55"))
    assert [(p.role, p.value) for p in doc.parties] == [
        ("seller", "0614141000005"), ("buyer", "0614141000012"), ("bill_to", "0614141000029")]
    [line] = doc.lines
    assert (line.line_number, line.product.gtin, line.quantity, line.uom, line.unit_price,
            line.amount, line.po_number, line.segment_number) == (
        "1", "04006381333931", Decimal(10), "CT", Decimal("24.50"), Decimal("245.00"),
        "PO-4711", 10)


def test_unknown_message_function_is_invalid_value_at_bgm_1225() -> None:
    issue = error_of(message("BGM+380+INV1+42", "LIN+1", "QTY+47:1"))
    assert (issue.code, issue.location.segment_tag, issue.location.element) == ("12", "BGM", 3)


def test_line_without_a_quantity_is_missing_at_its_lin() -> None:
    issue = error_of(message("BGM+380+INV1+9", "LIN+1", "MOA+203:4"))
    assert (issue.code, issue.scope.value, issue.location.segment_tag,
            issue.location.segment_number) == ("13", "segment", "LIN", 3)


def test_missing_invoice_number_is_code_13_at_bgm_1004() -> None:
    issue = error_of(message("BGM+380++9", "LIN+1", "QTY+47:1"))
    assert (issue.code, issue.location.segment_tag, issue.location.element,
            issue.location.component) == ("13", "BGM", 2, 1)


def test_corpus_d97a_invoice_with_per_line_order_and_price_basis() -> None:
    mapped = map_message(corpus("pydifact__invoice1.edi"))
    [doc] = mapped.documents
    assert (doc.invoice_number, doc.purpose, doc.invoice_date, doc.currency, doc.total,
            doc.po_number) == ("1060113800026", "credit", date(1999, 10, 6), "EUR",
                               Decimal("1960.29"), "X18V00003")
    assert [(p.role, p.scheme, p.value, p.location_code) for p in doc.parties] == [
        ("bill_to", "ZZ", "VAUXHALL MOTORS LTD", "VAUXHALL MOTORS LTD"),
        ("seller", "ZZ", "2002993", "2002993")]  # NAD+ST+023 sits in the line group
    [line] = doc.lines
    assert (line.line_number, line.product.buyer_part, line.quantity, line.uom,
            line.unit_price, line.amount, line.po_number) == (
        None, "090346642", Decimal(54), "PCE", Decimal("36.301724"), Decimal("1960.29"),
        "X18V00003")
    # DTM+137:199910060000:102 carries a time under format 102: read, with a warning.
    [warning] = mapped.issues
    assert (warning.severity.value, warning.location.segment_tag,
            warning.location.segment_number, warning.location.component) == (
        "warning", "DTM", 3, 2)


def test_corpus_wrapped_d97b_invoice() -> None:
    [doc] = map_message(corpus("staedi__wrapped_invoic_d97b.edi")).documents
    assert (doc.invoice_number, doc.invoice_date, doc.po_number, doc.currency, doc.total) == (
        "342459", date(2006, 5, 15), "521052", "USD", Decimal("2137.58"))
    assert [(p.role, p.scheme, p.value, p.name) for p in doc.parties] == [
        ("buyer", "DUNS", "792820524", "CUMMINS MID-RANGE ENGINE PLANT"),
        ("seller", "DUNS", "005435656", "BÜTTNER WIDGET COMPANY")]
    assert [(ln.line_number, ln.product.buyer_part, ln.product.description, ln.quantity,
             ln.uom, ln.unit_price, ln.amount) for ln in doc.lines] == [
        ("1", "157870", "WIDGET", Decimal(1020), "EA", Decimal("1.179"), Decimal("1202.58")),
        ("2", "157871", "DIFFERENT WIDGET", Decimal(20), "EA", Decimal("20.5"),
         Decimal(410))]


def test_corpus_bad_invoice_stops_at_the_non_numeric_quantity() -> None:
    issue = error_of(corpus("staedi__invoic_d97b_bad.edi"))
    assert (issue.code, issue.location.segment_tag, issue.location.segment_number,
            issue.location.element, issue.location.component) == ("12", "QTY", 10, 1, 2)
