"""EDIFACT DELFOR mapping rules: horizon, ship-to places, firm and planning buckets."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

import edi
from adapters import MappingError
from adapters.edifact_delfor import map_message

UNB = "UNA:+.? 'UNB+UNOC:3+0614141000012:14+0614141000005:14+261201:0300+48'"


def message(*body: str, version: str = "D:96A:UN:EAN008") -> edi.Message:
    segments = [f"UNH+1+DELFOR:{version}", *body, f"UNT+{len(body) + 2}+1"]
    text = UNB + "'".join(segments) + "'UNZ+1+48'"
    [msg] = edi.parse(text.encode()).messages
    assert msg.accepted, msg.issues
    return msg


def error_of(msg: edi.Message) -> edi.Issue:
    with pytest.raises(MappingError) as caught:
        map_message(msg)
    return caught.value.issue


def test_eancom_order_scc_before_quantities() -> None:
    [doc] = map_message(message(
        "BGM+241+DF-12+9", "DTM+137:20261201:102", "DTM+158:20261207:102",
        "DTM+159:20270103:102", "NAD+BY+0614141000012::9", "NAD+SU+0614141000005::9",
        "NAD+ST+0614141000029::9", "LIN+1++4006381333931:SRV",
        "SCC+1", "QTY+113:120:PCE", "DTM+2:20261208:102",
        "SCC+4", "QTY+113:300:PCE", "DTM+2:202651:616",
        "QTY+113:280:PCE", "DTM+64:20261221:102", "DTM+63:20261227:102")).documents
    assert (doc.schedule_number, doc.purpose, doc.issued, doc.horizon_start,
            doc.horizon_end) == ("DF-12", "original", date(2026, 12, 1), date(2026, 12, 7),
                                 date(2027, 1, 3))
    [line] = doc.lines
    assert (line.product.gtin, line.location.value, line.uom, line.segment_number) == (
        "04006381333931", "0614141000029", "PCE", 9)
    assert [(b.start, b.end, b.quantity, b.commitment, b.raw_qualifier, b.segment_number)
            for b in line.buckets] == [
        (date(2026, 12, 8), date(2026, 12, 8), Decimal(120), "firm", "QTY:113,SCC:1", 11),
        (date(2026, 12, 14), date(2026, 12, 20), Decimal(300), "planning", "QTY:113,SCC:4", 14),
        (date(2026, 12, 21), date(2026, 12, 27), Decimal(280), "planning", "QTY:113,SCC:4",
         16)]
    assert doc.party("ship_to").value == "0614141000029"


def test_un_order_qty_then_scc_then_dtm() -> None:
    [doc] = map_message(message(
        "BGM+241+DF-13+5", "LIN+1", "QTY+1:50", "SCC+1", "DTM+2:20261208:102",
        "QTY+1:70", "SCC+4", "DTM+2:2026121420261220:718")).documents
    assert doc.purpose == "replace"
    assert [(b.commitment, b.start, b.end) for b in doc.lines[0].buckets] == [
        ("firm", date(2026, 12, 8), date(2026, 12, 8)),
        ("planning", date(2026, 12, 14), date(2026, 12, 20))]


def test_each_ship_to_in_the_detail_starts_its_own_lines() -> None:
    [doc] = map_message(message(
        "BGM+241+DF-14+9", "NAD+ST+DC-RENO::92", "LIN+1", "QTY+1:5", "DTM+2:20261208:102",
        "NAD+ST+DC-OMAHA::92", "LIN+1", "QTY+1:6", "DTM+2:20261208:102")).documents
    assert [(ln.location.location_code, ln.buckets[0].quantity) for ln in doc.lines] == [
        ("DC-RENO", Decimal(5)), ("DC-OMAHA", Decimal(6))]


def test_quantity_without_a_date_is_a_missing_dtm() -> None:
    issue = error_of(message("BGM+241+DF-1+9", "LIN+1", "SCC+1", "QTY+113:5"))
    assert (issue.code, issue.scope.value, issue.location.segment_tag,
            issue.location.segment_number) == ("13", "segment", "QTY", 5)


def test_unknown_commitment_level_is_invalid_at_scc_4017() -> None:
    issue = error_of(message("BGM+241+DF-1+9", "LIN+1", "SCC+9", "QTY+113:5"))
    assert (issue.code, issue.location.segment_tag, issue.location.segment_number,
            issue.location.element) == ("12", "SCC", 4, 1)


def test_window_ending_before_it_starts_is_invalid_at_the_quantity() -> None:
    issue = error_of(message("BGM+241+DF-1+9", "LIN+1", "QTY+113:5", "DTM+64:20261210:102",
                             "DTM+63:20261201:102"))
    assert (issue.code, issue.location.segment_tag, issue.location.segment_number) == (
        "12", "QTY", 4)


def test_schedule_without_lines_is_a_missing_segment_error() -> None:
    issue = error_of(message("BGM+241+DF-1+9", "DTM+137:20261201:102"))
    assert (issue.code, issue.scope.value, issue.location.segment_tag) == ("13", "segment", "BGM")
