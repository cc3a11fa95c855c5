"""X12 867 mapping rules, on literal messages: exact values, errors with code and location."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

import edi
from adapters import MappingError
from adapters.x12_867 import map_message

ISA = ("ISA*00*          *00*          *ZZ*NORTHWIND      *ZZ*ACMEFOODS      "
       "*261122*0700*U*00401*000002601*0*P*>~")


def message(*body: str) -> edi.Message:
    segments = ["ST*867*0001", *body, f"SE*{len(body) + 2}*0001"]
    text = (ISA + "GS*PT*NORTHWIND*ACMEFOODS*20261122*0700*2601*X*004010~"
            + "~".join(segments) + "~GE*1*2601~IEA*1*000002601~")
    [msg] = edi.parse(text.encode()).messages
    assert msg.accepted, msg.issues
    return msg


BPT = "BPT*00*NW867-47*20261122"
PERIOD = ("DTM*090*20261115", "DTM*091*20261121")


def test_stock_sale_qty_39_is_sold_at_the_ptd_location_over_the_header_period() -> None:
    [doc] = map_message(message(BPT, *PERIOD, "N1*DS*Northwind*UL*0614141000012",
                                "PTD*SS***OI*INV-1", "N1*ST*Corner Grocer*92*CUST-2231",
                                "QTY*39*12*EA", "LIN**UP*012345678905")).documents
    assert (doc.report_number, doc.report_date, doc.period_start, doc.period_end) == (
        "NW867-47", date(2026, 11, 22), date(2026, 11, 15), date(2026, 11, 21))
    assert doc.party("reporter").value == "0614141000012"
    [line] = doc.sales
    assert (line.measure, line.quantity, line.uom, line.location.location_code,
            line.product.gtin, line.period_start, line.period_end, line.segment_number,
            line.raw_qualifier) == (
        "sold", Decimal(12), "EA", "CUST-2231", "00012345678905", date(2026, 11, 15),
        date(2026, 11, 21), 8, "PTD:SS/QTY:39")


def test_return_transfer_counts_its_quantities_as_returned() -> None:
    [doc] = map_message(message(BPT, *PERIOD, "PTD*BN", "QTY*39*2*EA",
                                "LIN**UP*012345678905")).documents
    assert (doc.sales[0].measure, doc.sales[0].raw_qualifier) == ("returned", "PTD:BN/QTY:39")


def test_qty_76_is_returned_even_inside_a_sale_loop() -> None:
    [doc] = map_message(message(BPT, *PERIOD, "PTD*SS", "LIN**UP*012345678905",
                                "QTY*32*118*EA", "QTY*76*3*EA")).documents
    assert [(ln.measure, ln.quantity) for ln in doc.sales] == [
        ("sold", Decimal(118)), ("returned", Decimal(3))]


def test_lin_first_and_qty_first_pairs_give_the_same_lines() -> None:
    qty_first = map_message(message(BPT, *PERIOD, "PTD*SS", "QTY*39*1*EA",
                                    "LIN**UP*012345678905", "QTY*39*2*EA",
                                    "LIN**EN*4006381333931")).documents[0]
    lin_first = map_message(message(BPT, *PERIOD, "PTD*SS", "LIN**UP*012345678905",
                                    "QTY*39*1*EA", "LIN**EN*4006381333931",
                                    "QTY*39*2*EA")).documents[0]
    expected = [("00012345678905", Decimal(1)), ("04006381333931", Decimal(2))]
    assert [(ln.product.gtin, ln.quantity) for ln in qty_first.sales] == expected
    assert [(ln.product.gtin, ln.quantity) for ln in lin_first.sales] == expected


def test_ptd_dates_override_the_header_period() -> None:
    [doc] = map_message(message(BPT, "PTD*SS", "DTM*090*20261101", "DTM*091*20261130",
                                "QTY*39*1*EA", "LIN**UP*012345678905")).documents
    assert (doc.sales[0].period_start, doc.sales[0].period_end) == (
        date(2026, 11, 1), date(2026, 11, 30))
    assert (doc.period_start, doc.period_end) == (date(2026, 11, 1), date(2026, 11, 30))


def test_no_period_falls_back_to_the_report_date_with_a_warning() -> None:
    mapped = map_message(message(BPT, "PTD*SS", "QTY*39*1*EA", "LIN**UP*012345678905"))
    [warning] = mapped.issues
    assert (warning.code, warning.location.segment_tag, warning.location.element) == (
        "DTM-period", "BPT", 3)
    line = mapped.documents[0].sales[0]
    assert (line.period_start, line.period_end) == (date(2026, 11, 22), date(2026, 11, 22))


def test_unknown_transfer_type_is_a_warning_and_keeps_nothing() -> None:
    mapped = map_message(message(BPT, *PERIOD, "PTD*SA", "QTY*39*-4*EA",
                                 "LIN**UP*012345678905"))
    [warning] = mapped.issues
    assert (warning.code, warning.location.segment_tag, warning.location.segment_number,
            warning.location.element) == ("PTD-unmapped", "PTD", 5, 1)
    assert mapped.documents[0].sales == ()


def test_qty_without_a_lin_is_a_mandatory_segment_error() -> None:
    with pytest.raises(MappingError) as caught:
        map_message(message(BPT, *PERIOD, "PTD*SS", "QTY*39*1*EA"))
    issue = caught.value.issue
    assert (issue.code, issue.scope.value, issue.location.segment_tag,
            issue.location.segment_number) == ("3", "segment", "QTY", 6)


def test_missing_report_number_is_mandatory_element_missing_at_bpt02() -> None:
    with pytest.raises(MappingError) as caught:
        map_message(message("BPT*00**20261122", *PERIOD))
    issue = caught.value.issue
    assert (issue.code, issue.location.segment_tag, issue.location.element) == ("1", "BPT", 2)


def test_bad_period_date_is_invalid_date_at_dtm02() -> None:
    with pytest.raises(MappingError) as caught:
        map_message(message(BPT, "DTM*090*20261135"))
    issue = caught.value.issue
    assert (issue.code, issue.location.segment_tag, issue.location.segment_number,
            issue.location.element) == ("8", "DTM", 3, 2)


def test_gtin_with_wrong_check_digit_is_rejected_at_lin() -> None:
    with pytest.raises(MappingError) as caught:
        map_message(message(BPT, *PERIOD, "PTD*SS", "QTY*39*1*EA", "LIN**UP*012345678900"))
    issue = caught.value.issue
    assert (issue.code, issue.location.segment_tag, issue.location.segment_number,
            issue.location.element) == ("7", "LIN", 7, 3)
