"""X12 830 mapping rules, on literal messages: exact values, errors with code and location."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

import edi
from adapters import MappingError
from adapters.x12_830 import bucket_end, map_message

CORPUS = Path(__file__).parents[1] / "samples" / "corpus" / "x12"
ISA = ("ISA*00*          *00*          *ZZ*NORTHWIND      *ZZ*ACMEFOODS      "
       "*261123*2000*U*00401*000002801*0*P*>~")


def message(*body: str) -> edi.Message:
    segments = ["ST*830*0001", *body, f"SE*{len(body) + 2}*0001"]
    text = (ISA + "GS*PS*NORTHWIND*ACMEFOODS*20261123*2000*2801*X*004010~"
            + "~".join(segments) + "~GE*1*2801~IEA*1*000002801~")
    [msg] = edi.parse(text.encode()).messages
    assert msg.accepted, msg.issues
    return msg


BFR = "BFR*00*FC-48**DL*A*20261130*20270228*20261123"
LIN = "LIN**UP*012345678905*VN*ACM-100"


def test_bfr_and_a_weekly_firm_bucket() -> None:
    [doc] = map_message(message(BFR, "N1*BY*Northwind*UL*0614141000012",
                                "N1*ST*Reno DC*92*DC-RENO", LIN, "UIT*CA",
                                "FST*40*C*W*20261130")).documents
    assert (doc.schedule_number, doc.purpose, doc.horizon_start, doc.horizon_end,
            doc.issued) == ("FC-48", "original", date(2026, 11, 30), date(2027, 2, 28),
                            date(2026, 11, 23))
    assert doc.party("buyer").value == "0614141000012"
    [line] = doc.lines
    assert (line.product.gtin, line.uom, line.location.location_code, line.segment_number) == (
        "00012345678905", "CA", "DC-RENO", 5)
    [bucket] = line.buckets
    assert (bucket.start, bucket.end, bucket.quantity, bucket.commitment,
            bucket.raw_qualifier, bucket.segment_number) == (
        date(2026, 11, 30), date(2026, 12, 6), Decimal(40), "firm", "FST:C:W", 7)


@pytest.mark.parametrize(("start", "timing", "end"), [
    (date(2026, 12, 3), "D", date(2026, 12, 3)),
    (date(2026, 11, 30), "W", date(2026, 12, 6)),
    (date(2027, 2, 1), "M", date(2027, 2, 28)),
    (date(2028, 2, 10), "M", date(2028, 2, 29)),
    (date(2027, 1, 1), "Q", date(2027, 3, 31)),
    (date(2026, 11, 15), "Q", date(2027, 2, 14)),
])
def test_bucket_end_follows_the_timing_qualifier(start: date, timing: str, end: date) -> None:
    assert bucket_end(start, timing) == end


def test_fst05_end_date_wins_and_flexible_needs_it() -> None:
    [doc] = map_message(message(BFR, LIN, "FST*120*D*F*20261201*20261220")).documents
    bucket = doc.lines[0].buckets[0]
    assert (bucket.start, bucket.end, bucket.commitment) == (
        date(2026, 12, 1), date(2026, 12, 20), "planning")
    with pytest.raises(MappingError) as caught:
        map_message(message(BFR, LIN, "FST*120*D*F*20261201"))
    issue = caught.value.issue
    assert (issue.code, issue.location.segment_tag, issue.location.segment_number,
            issue.location.element) == ("1", "FST", 4, 5)


def test_line_n1_st_is_the_line_location_else_the_header_ship_to() -> None:
    [doc] = map_message(message(BFR, "N1*ST*Reno DC*92*DC-RENO", LIN, "FST*1*D*D*20261201",
                                "LIN**EN*4006381333931", "N1*ST*Sparks*92*DC-SPARKS",
                                "FST*2*D*D*20261201")).documents
    assert [ln.location.value for ln in doc.lines] == ["DC-RENO", "DC-SPARKS"]


def test_unknown_forecast_qualifier_is_invalid_code_at_fst02() -> None:
    with pytest.raises(MappingError) as caught:
        map_message(message(BFR, LIN, "FST*1*X*D*20261201"))
    issue = caught.value.issue
    assert (issue.code, issue.location.segment_tag, issue.location.element) == ("7", "FST", 2)


def test_unknown_timing_qualifier_is_invalid_code_at_fst03() -> None:
    with pytest.raises(MappingError) as caught:
        map_message(message(BFR, LIN, "FST*1*D*Y*20261201"))
    issue = caught.value.issue
    assert (issue.code, issue.location.segment_tag, issue.location.element) == ("7", "FST", 3)


def test_bad_forecast_date_is_invalid_date_at_fst04() -> None:
    with pytest.raises(MappingError) as caught:
        map_message(message(BFR, LIN, "FST*1*D*D*20261232"))
    issue = caught.value.issue
    assert (issue.code, issue.location.segment_tag, issue.location.element) == ("8", "FST", 4)


def test_missing_horizon_start_is_mandatory_element_missing_at_bfr06() -> None:
    with pytest.raises(MappingError) as caught:
        map_message(message("BFR*00*FC-48**DL*A", LIN))
    issue = caught.value.issue
    assert (issue.code, issue.location.segment_tag, issue.location.element) == ("1", "BFR", 6)


def test_no_reference_and_no_release_is_mandatory_element_missing_at_bfr02() -> None:
    with pytest.raises(MappingError) as caught:
        map_message(message("BFR*00***DL*A*20261130"))
    issue = caught.value.issue
    assert (issue.code, issue.location.segment_tag, issue.location.element) == ("1", "BFR", 2)


def test_cumulative_quantities_are_a_warning() -> None:
    mapped = map_message(message("BFR*00*FC-48**DL*C*20261130", LIN, "FST*1*D*D*20261201"))
    [warning] = mapped.issues
    assert (warning.code, warning.location.segment_tag, warning.location.element) == (
        "BFR-cumulative", "BFR", 5)


def test_gtin_with_wrong_check_digit_is_rejected_at_lin() -> None:
    with pytest.raises(MappingError) as caught:
        map_message(message(BFR, "LIN**UP*012345678900", "FST*1*D*D*20261201"))
    issue = caught.value.issue
    assert (issue.code, issue.location.segment_tag, issue.location.element) == ("7", "LIN", 3)


def test_oboe_corpus_830_maps_its_daily_and_weekly_buckets() -> None:
    parsed = edi.parse((CORPUS / "oboe__DMX830.TXT").read_bytes())
    [msg] = parsed.messages  # GS08 'T' is a group-level issue; the message itself reads
    [doc] = map_message(msg).documents
    assert (doc.schedule_number, doc.purpose, doc.horizon_start, doc.horizon_end,
            doc.issued) == ("176", "replace", date(2003, 5, 12), date(2003, 11, 3),
                            date(2003, 5, 13))
    assert (doc.party("seller").scheme, doc.party("seller").value) == ("DUNS", "604083246")
    assert doc.party("ship_to").value == "000213215"
    [line] = doc.lines
    assert (line.product.buyer_part, line.uom, line.product.description) == (
        "50000545", "PC", ".082= - .0015 WIRE")
    assert len(line.buckets) == 25
    assert sum(b.quantity for b in line.buckets) == Decimal(3200)
    assert {b.commitment for b in line.buckets} == {"planning"}
    daily = [b for b in line.buckets if b.raw_qualifier == "FST:D:D"]
    weekly = [b for b in line.buckets if b.raw_qualifier == "FST:D:W"]
    assert (len(daily), len(weekly)) == (14, 11)
    assert [(b.start, b.end, b.quantity) for b in line.buckets if b.quantity] == [
        (date(2003, 5, 16), date(2003, 5, 16), Decimal(1600)),
        (date(2003, 5, 28), date(2003, 6, 3), Decimal(1600))]


def test_fst_before_any_lin_is_a_mandatory_segment_error() -> None:
    with pytest.raises(MappingError) as caught:
        map_message(message(BFR, "FST*1*D*D*20261201"))
    issue = caught.value.issue
    assert (issue.code, issue.location.segment_tag, issue.location.segment_number) == (
        "3", "FST", 3)
