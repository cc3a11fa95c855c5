"""EDIFACT SLSRPT mapping rules: periods, locations, sold and returned quantities."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

import edi
from adapters import MappingError
from adapters.edifact_slsrpt import map_message

UNB = "UNA:+.? 'UNB+UNOC:3+0614141000012:14+0614141000005:14+261201:0200+45'"


def message(*body: str, version: str = "D:96A:UN:EAN008") -> edi.Message:
    segments = [f"UNH+1+SLSRPT:{version}", *body, f"UNT+{len(body) + 2}+1"]
    text = UNB + "'".join(segments) + "'UNZ+1+45'"
    [msg] = edi.parse(text.encode()).messages
    assert msg.accepted, msg.issues
    return msg


def error_of(msg: edi.Message) -> edi.Issue:
    with pytest.raises(MappingError) as caught:
        map_message(msg)
    return caught.value.issue


def test_each_location_item_and_quantity_is_one_sales_line() -> None:
    [doc] = map_message(message(
        "BGM+73E+SR-2026-48+9", "DTM+137:20261201:102", "DTM+356:2026112320261129:718",
        "NAD+BY+0614141000012::9", "NAD+SU+0614141000005::9",
        "LOC+162+0614141000050::9", "LIN+1++4006381333931:SRV", "QTY+153:24:PCE",
        "QTY+61:2:PCE", "LIN+2++5012345678900:SRV", "QTY+153:7",
        "LOC+162+0614141000067::9", "LIN+3++4006381333931:SRV", "QTY+153:11:PCE")).documents
    assert (doc.report_number, doc.report_date, doc.period_start, doc.period_end) == (
        "SR-2026-48", date(2026, 12, 1), date(2026, 11, 23), date(2026, 11, 29))
    assert (doc.party("reporter").value, doc.party("seller").value) == (
        "0614141000012", "0614141000005")
    assert [(s.location.value, s.product.gtin, s.measure, s.quantity, s.raw_qualifier,
             s.segment_number) for s in doc.sales] == [
        ("0614141000050", "04006381333931", "sold", Decimal(24), "QTY:153", 9),
        ("0614141000050", "04006381333931", "returned", Decimal(2), "QTY:61", 10),
        ("0614141000050", "05012345678900", "sold", Decimal(7), "QTY:153", 12),
        ("0614141000067", "04006381333931", "sold", Decimal(11), "QTY:153", 15)]
    assert all(s.period_start == date(2026, 11, 23) and s.period_end == date(2026, 11, 29)
               for s in doc.sales)
    assert doc.sales[2].uom == "PCE"


def test_dtm_after_a_quantity_dates_that_quantity_only() -> None:
    [doc] = map_message(message(
        "BGM+73E+SR1+9", "DTM+90:20261101:102", "DTM+91:20261130:102",
        "LOC+162+STORE-7::92", "LIN+1", "QTY+153:3", "DTM+356:20261105:102", "QTY+153:4")
    ).documents
    first, second = doc.sales
    assert (first.period_start, first.period_end) == (date(2026, 11, 5), date(2026, 11, 5))
    assert (second.period_start, second.period_end) == (date(2026, 11, 1), date(2026, 11, 30))
    assert (first.location.scheme, first.location.location_code) == ("ZZ", "STORE-7")


def test_week_and_month_periods() -> None:
    [doc] = map_message(message("BGM+73E+SR1+9", "DTM+356:202648:616", "LIN+1", "QTY+153:1",
                                "LIN+2", "DTM+356:202611:610", "QTY+153:2")).documents
    assert [(s.period_start, s.period_end) for s in doc.sales] == [
        (date(2026, 11, 23), date(2026, 11, 29)), (date(2026, 11, 1), date(2026, 11, 30))]


def test_amount_follows_its_quantity_with_the_report_currency() -> None:
    [doc] = map_message(message("BGM+73E+SR1+9", "DTM+356:20261123:102", "CUX+2:EUR:9",
                                "LIN+1", "QTY+153:4", "MOA+128:9.80", "QTY+210:1")).documents
    sold, returned = doc.sales
    assert (sold.amount, sold.currency) == (Decimal("9.80"), "EUR")
    assert (returned.measure, returned.amount, returned.raw_qualifier) == (
        "returned", None, "QTY:210")


def test_quantity_without_a_period_is_a_missing_dtm() -> None:
    issue = error_of(message("BGM+73E+SR1+9", "DTM+137:20261201:102", "LIN+1", "QTY+153:4"))
    assert (issue.code, issue.scope.value, issue.location.segment_tag,
            issue.location.segment_number) == ("13", "segment", "QTY", 5)


def test_range_that_ends_before_it_starts_is_invalid_at_the_dtm_value() -> None:
    issue = error_of(message("BGM+73E+SR1+9", "DTM+356:2026113020261101:718", "LIN+1",
                             "QTY+153:4"))
    assert (issue.code, issue.location.segment_tag, issue.location.element,
            issue.location.component) == ("12", "DTM", 1, 2)


def test_invalid_location_gln_is_rejected_at_loc_3225() -> None:
    issue = error_of(message("BGM+73E+SR1+9", "DTM+356:20261123:102",
                             "LOC+162+0614141000051::9", "LIN+1", "QTY+153:4"))
    assert (issue.code, issue.location.segment_tag, issue.location.segment_number,
            issue.location.element, issue.location.component) == ("12", "LOC", 4, 2, 1)


def test_other_quantities_are_not_sales() -> None:
    [doc] = map_message(message("BGM+73E+SR1+9", "DTM+356:20261123:102", "LIN+1",
                                "QTY+145:40", "QTY+153:4")).documents
    assert [s.raw_qualifier for s in doc.sales] == ["QTY:153"]
