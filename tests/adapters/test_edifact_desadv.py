"""EDIFACT DESADV mapping rules: header facts, CPS hierarchy, order references per line."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

import edi
from adapters import MappingError
from adapters.edifact_desadv import map_message

UNB = "UNA:+.? 'UNB+UNOC:3+0614141000005:14+0614141000012:14+261124:0600+44'"


def message(*body: str, version: str = "D:96A:UN:EAN008") -> edi.Message:
    segments = [f"UNH+1+DESADV:{version}", *body, f"UNT+{len(body) + 2}+1"]
    text = UNB + "'".join(segments) + "'UNZ+1+44'"
    [msg] = edi.parse(text.encode()).messages
    assert msg.accepted, msg.issues
    return msg


def error_of(msg: edi.Message) -> edi.Issue:
    with pytest.raises(MappingError) as caught:
        map_message(msg)
    return caught.value.issue


def test_header_dates_references_carrier_and_purpose() -> None:
    [doc] = map_message(message(
        "BGM+351+DES-1001+9", "DTM+137:20261124:102", "DTM+11:202611240630:203",
        "DTM+17:20261126:102", "RFF+ON:PO-4711", "RFF+BM:BOL-555",
        "NAD+SU+0614141000005::9", "TDT+20++30++FASTFREIGHT::92:Fast Freight",
        "LIN+1++4006381333931:SRV", "QTY+12:10:CT")).documents
    assert (doc.shipment_number, doc.purpose, doc.shipped_on, doc.estimated_delivery,
            doc.bill_of_lading, doc.carrier) == (
        "DES-1001", "original", date(2026, 11, 24), date(2026, 11, 26), "BOL-555",
        "Fast Freight")
    [line] = doc.lines
    assert (line.po_number, line.line_number, line.quantity_shipped, line.uom,
            line.raw_qualifier) == ("PO-4711", "1", Decimal(10), "CT", "QTY:12")


def test_delivery_expected_191_when_no_estimate() -> None:
    [doc] = map_message(message("BGM+351+D1+5", "DTM+191:20261127:102", "LIN+1",
                                "QTY+12:1")).documents
    assert (doc.purpose, doc.estimated_delivery) == ("replace", date(2026, 11, 27))


def test_order_line_from_rff_li_or_rff_on_line_number() -> None:
    [doc] = map_message(message(
        "BGM+351+D1+9", "RFF+ON:PO-1", "CPS+1", "CPS+2+1", "LIN+1", "QTY+12:5",
        "RFF+ON:PO-2:7", "CPS+3+1", "LIN+2", "QTY+12:6", "QTY+21:8", "QTY+59:12",
        "RFF+LI:4")).documents
    first, second = doc.lines
    assert (first.po_number, first.line_number) == ("PO-2", "7")
    assert (second.po_number, second.line_number, second.quantity_ordered,
            second.pack_size) == ("PO-1", "4", Decimal(8), Decimal(12))


def test_order_reference_in_a_package_group_applies_to_its_lines_only() -> None:
    [doc] = map_message(message(
        "BGM+351+D1+9", "RFF+ON:PO-H", "CPS+1", "RFF+ON:PO-P", "LIN+1", "QTY+12:1",
        "CPS+2", "LIN+2", "QTY+12:1")).documents
    assert [ln.po_number for ln in doc.lines] == ["PO-P", "PO-H"]


def test_line_without_despatch_quantity_is_missing_at_its_lin() -> None:
    issue = error_of(message("BGM+351+D1+9", "LIN+1", "QTY+21:4"))
    assert (issue.code, issue.scope.value, issue.location.segment_tag,
            issue.location.segment_number) == ("13", "segment", "LIN", 3)


def test_unknown_function_is_invalid_value_at_bgm_1225() -> None:
    issue = error_of(message("BGM+351+D1+42", "LIN+1", "QTY+12:4"))
    assert (issue.code, issue.location.segment_tag, issue.location.element) == ("12", "BGM", 3)


def test_negative_and_comma_decimal_quantities_are_read() -> None:
    [doc] = map_message(message("BGM+351+D1+9", "LIN+1", "QTY+12:2,5:KGM")).documents
    assert (doc.lines[0].quantity_shipped, doc.lines[0].uom) == (Decimal("2.5"), "KGM")


def test_wrong_document_code_is_a_warning() -> None:
    mapped = map_message(message("BGM+220+D1+9", "LIN+1", "QTY+12:4"))
    [issue] = mapped.issues
    assert (issue.severity.value, issue.location.segment_tag, issue.location.element,
            issue.location.component) == ("warning", "BGM", 1, 1)


def test_cancellation_needs_no_lines() -> None:
    [doc] = map_message(message("BGM+351+D1+1")).documents
    assert (doc.purpose, doc.lines) == ("cancel", ())
