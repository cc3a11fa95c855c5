"""EDIFACT ORDRSP mapping rules: answer codes, line actions, promised quantities and dates."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

import edi
from adapters import MappingError
from adapters.edifact_ordrsp import map_message

UNB = "UNA:+.? 'UNB+UNOC:3+0614141000005:14+0614141000012:14+261121:0900+43'"


def message(*body: str, version: str = "D:96A:UN:EAN008") -> edi.Message:
    segments = [f"UNH+1+ORDRSP:{version}", *body, f"UNT+{len(body) + 2}+1"]
    text = UNB + "'".join(segments) + "'UNZ+1+43'"
    [msg] = edi.parse(text.encode()).messages
    assert msg.accepted, msg.issues
    return msg


def error_of(msg: edi.Message) -> edi.Issue:
    with pytest.raises(MappingError) as caught:
        map_message(msg)
    return caught.value.issue


def test_bgm_answer_codes_give_the_order_status() -> None:
    for code, status in (("29", "accepted"), ("4", "changed"), ("27", "rejected"),
                         ("6", "accepted")):
        [doc] = map_message(message(f"BGM+231+R1+{code}", "RFF+ON:PO1")).documents
        assert (doc.status, doc.raw_status, doc.po_number) == (status, code, "PO1")


def test_response_type_decides_when_the_function_is_original() -> None:
    [doc] = map_message(message("BGM+231+R1+9+AC", "RFF+ON:PO1")).documents
    assert (doc.status, doc.raw_status) == ("changed", "AC")


def test_original_without_response_type_takes_the_status_from_the_lines() -> None:
    [doc] = map_message(message("BGM+231+R1+9", "RFF+ON:PO1", "LIN+1+5", "QTY+113:4",
                                "LIN+2+7", "QTY+21:3")).documents
    assert doc.status == "changed"
    assert [ln.status for ln in doc.lines] == ["accepted", "rejected"]


def test_unknown_message_function_is_invalid_value_at_bgm_1225() -> None:
    issue = error_of(message("BGM+231+R1+88", "RFF+ON:PO1"))
    assert (issue.code, issue.location.segment_tag, issue.location.segment_number,
            issue.location.element) == ("12", "BGM", 2, 3)


def test_unknown_line_action_is_invalid_value_at_lin_1229() -> None:
    issue = error_of(message("BGM+231+R1+4", "RFF+ON:PO1", "LIN+1+99"))
    assert (issue.code, issue.location.segment_tag, issue.location.segment_number,
            issue.location.element) == ("12", "LIN", 4, 2)


def test_missing_order_reference_is_a_missing_segment_error() -> None:
    issue = error_of(message("BGM+231+R1+29", "DTM+137:20261121:102"))
    assert (issue.code, issue.scope.value, issue.location.segment_tag) == ("13", "segment", "BGM")


def test_changed_line_with_backorder_gives_a_backordered_line() -> None:
    [doc] = map_message(message(
        "BGM+231+RSP-88+4", "DTM+137:20261121:102", "RFF+ON:PO-4711",
        "LIN+2+3+5012345678900:SRV", "QTY+21:48:PCE", "QTY+113:36:PCE", "QTY+83:12:PCE",
        "DTM+69:20261127:102", "DTM+506:20261204:102", "PRI+AAA:1.95")).documents
    promised, backordered = doc.lines
    assert (promised.status, promised.raw_status, promised.quantity, promised.ordered_quantity,
            promised.uom, promised.promised_delivery, promised.raw_qualifier) == (
        "changed", "3", Decimal(36), Decimal(48), "PCE", date(2026, 11, 27), "QTY:113")
    assert promised.unit_price == Decimal("1.95")
    assert (backordered.status, backordered.quantity, backordered.promised_delivery,
            backordered.raw_qualifier, backordered.line_number) == (
        "backordered", Decimal(12), date(2026, 12, 4), "QTY:83", "2")
    assert doc.response_date == date(2026, 11, 21)


def test_accepted_line_without_113_promises_the_ordered_quantity() -> None:
    [doc] = map_message(message("BGM+231+R1+29", "RFF+ON:PO1", "LIN+1+5", "QTY+21:10:CT")
                        ).documents
    [line] = doc.lines
    assert (line.status, line.quantity, line.uom, line.raw_qualifier) == (
        "accepted", Decimal(10), "CT", "LIN:5")


def test_rejected_line_promises_nothing() -> None:
    [doc] = map_message(message("BGM+231+R1+27", "RFF+ON:PO1", "LIN+1", "QTY+21:10")).documents
    assert (doc.lines[0].status, doc.lines[0].quantity) == ("rejected", Decimal(0))


def test_promised_delivery_prefers_69_then_76_then_17_then_2() -> None:
    [doc] = map_message(message(
        "BGM+231+R1+29", "DTM+2:20261201:102", "RFF+ON:PO1",
        "LIN+1+5", "QTY+113:1", "DTM+17:20261203:102", "DTM+76:20261202:102",
        "LIN+2+5", "QTY+113:1",
        "LIN+3+5", "QTY+113:1", "DTM+79:20261129:102")).documents
    assert [ln.promised_delivery for ln in doc.lines] == [
        date(2026, 12, 2), date(2026, 12, 1), date(2026, 12, 1)]
    assert doc.lines[2].promised_ship == date(2026, 11, 29)


def test_header_parts_parties_currency_and_product() -> None:
    [doc] = map_message(message(
        "BGM+231+R1+29", "RFF+ON:PO1", "NAD+SU+0614141000005::9++ACME FOODS",
        "NAD+BY+0614141000012::9", "CUX+2:EUR:9", "LIN+1+5+4006381333931:SRV",
        "PIA+1+ACM-100:SA", "QTY+113:2", version="D:01B:UN:EAN010")).documents
    assert (doc.party("seller").name, doc.party("buyer").value, doc.currency) == (
        "ACME FOODS", "0614141000012", "EUR")
    assert (doc.lines[0].product.gtin, doc.lines[0].product.vendor_part) == (
        "04006381333931", "ACM-100")
