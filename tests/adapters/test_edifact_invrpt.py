"""EDIFACT INVRPT mapping rules: stock figures per item and place, as-of dates."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

import edi
from adapters import MappingError
from adapters.edifact_invrpt import map_message

UNB = "UNA:+.? 'UNB+UNOC:3+0614141000012:14+0614141000005:14+261201:0200+46'"


def message(*body: str, version: str = "D:96A:UN:EAN008") -> edi.Message:
    segments = [f"UNH+1+INVRPT:{version}", *body, f"UNT+{len(body) + 2}+1"]
    text = UNB + "'".join(segments) + "'UNZ+1+46'"
    [msg] = edi.parse(text.encode()).messages
    assert msg.accepted, msg.issues
    return msg


def error_of(msg: edi.Message) -> edi.Issue:
    with pytest.raises(MappingError) as caught:
        map_message(msg)
    return caught.value.issue


def test_on_hand_and_available_per_item_at_the_report_date() -> None:
    [doc] = map_message(message(
        "BGM+35+IR-77+9", "DTM+137:20261201:102", "DTM+366:20261130:102",
        "NAD+BY+0614141000012::9", "LOC+18+0614141000029::9",
        "LIN+1++4006381333931:SRV", "QTY+145:120:PCE", "QTY+60:96:PCE", "QTY+198:24:PCE",
        "LIN+2++5012345678900:SRV", "QTY+145:8:CT")).documents
    assert (doc.report_number, doc.report_date, doc.party("reporter").value) == (
        "IR-77", date(2026, 12, 1), "0614141000012")
    first, second = doc.inventory
    assert (first.location.value, first.product.gtin, first.as_of, first.on_hand,
            first.available, first.in_transit, first.uom, first.raw_qualifier,
            first.segment_number) == (
        "0614141000029", "04006381333931", date(2026, 11, 30), Decimal(120), Decimal(96),
        Decimal(24), "PCE", "QTY:145,QTY:60,QTY:198", 8)
    assert (second.on_hand, second.available, second.uom) == (Decimal(8), None, "CT")


def test_loc_inside_an_item_group_splits_its_stock_by_place() -> None:
    [doc] = map_message(message(
        "BGM+35+IR1+9", "DTM+366:20261130:102", "LIN+1",
        "LOC+18+DC-RENO::92", "QTY+145:10", "LOC+18+DC-OMAHA::92", "QTY+145:4",
        "LIN+2", "QTY+145:1")).documents
    assert [(i.location.location_code if i.location else None, i.on_hand)
            for i in doc.inventory] == [("DC-RENO", Decimal(10)), ("DC-OMAHA", Decimal(4)),
                                        (None, Decimal(1))]


def test_item_level_report_date_overrides_the_header() -> None:
    [doc] = map_message(message("BGM+35+IR1+9", "DTM+366:20261130:102", "LIN+1",
                                "DTM+366:20261128:102", "QTY+145:10", "LIN+2", "QTY+145:3")
                        ).documents
    assert [i.as_of for i in doc.inventory] == [date(2026, 11, 28), date(2026, 11, 30)]


def test_received_and_outstanding_quantities() -> None:
    [doc] = map_message(message("BGM+35+IR1+9", "DTM+366:20261130:102", "LIN+1",
                                "QTY+48:12:CT", "QTY+73:30:CT", "QTY+57:6:CT")).documents
    [line] = doc.inventory
    assert (line.on_hand, line.received, line.on_order, line.in_transit, line.uom) == (
        None, Decimal(12), Decimal(30), Decimal(6), "CT")


def test_document_date_is_the_as_of_when_there_is_no_report_date() -> None:
    [doc] = map_message(message("BGM+35+IR1+9", "DTM+137:20261201:102", "LIN+1",
                                "QTY+17:10")).documents
    assert (doc.inventory[0].as_of, doc.inventory[0].raw_qualifier) == (
        date(2026, 12, 1), "QTY:17")


def test_stock_without_any_date_is_a_missing_dtm() -> None:
    issue = error_of(message("BGM+35+IR1+9", "LIN+1", "QTY+145:10"))
    assert (issue.code, issue.scope.value, issue.location.segment_tag,
            issue.location.segment_number) == ("13", "segment", "QTY", 4)


def test_second_figure_of_the_same_kind_is_a_warning() -> None:
    mapped = map_message(message("BGM+35+IR1+9", "DTM+366:20261130:102", "LIN+1",
                                 "QTY+145:10", "QTY+17:11"))
    assert mapped.documents[0].inventory[0].on_hand == Decimal(10)
    [issue] = mapped.issues
    assert (issue.severity.value, issue.location.segment_tag, issue.location.segment_number) == (
        "warning", "QTY", 6)


def test_non_numeric_stock_is_invalid_at_qty_6060() -> None:
    issue = error_of(message("BGM+35+IR1+9", "DTM+366:20261130:102", "LIN+1", "QTY+145:1O"))
    assert (issue.code, issue.location.segment_tag, issue.location.element,
            issue.location.component) == ("12", "QTY", 1, 2)
