"""X12 855 mapping rules, on literal messages: exact values, errors with code and location."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

import edi
from adapters import MappingError
from adapters.x12_855 import map_message

CORPUS = Path(__file__).parents[1] / "samples" / "corpus" / "x12"
ISA = ("ISA*00*          *00*          *ZZ*ACMEFOODS      *ZZ*NORTHWIND      "
       "*261121*0915*U*00401*000002201*0*P*>~")


def message(*body: str) -> edi.Message:
    segments = ["ST*855*0001", *body, f"SE*{len(body) + 2}*0001"]
    text = (ISA + "GS*PR*ACMEFOODS*NORTHWIND*20261121*0915*2201*X*004010~"
            + "~".join(segments) + "~GE*1*2201~IEA*1*000002201~")
    [msg] = edi.parse(text.encode()).messages
    assert msg.accepted, msg.issues
    return msg


BAK = "BAK*00*AC*PO-4500012345*20261120****SO-88123*20261121"


def test_bak_gives_po_number_seller_order_and_acknowledgment_date() -> None:
    [doc] = map_message(message(BAK, "PO1*1*10*CA*24.50**UP*012345678905",
                                "ACK*IA*10*CA*068*20261128")).documents
    assert (doc.po_number, doc.response_number, doc.response_date) == (
        "PO-4500012345", "SO-88123", date(2026, 11, 21))
    assert (doc.status, doc.raw_status, doc.segment_number) == ("changed", "AC", 2)


@pytest.mark.parametrize(("code", "status"), [("AC", "changed"), ("AE", "changed"),
                                              ("AD", "accepted"), ("AK", "accepted"),
                                              ("RD", "rejected"), ("RJ", "rejected")])
def test_bak02_acknowledgment_types_map_to_document_status(code: str, status: str) -> None:
    [doc] = map_message(message(f"BAK*00*{code}*PO1*20261120")).documents
    assert doc.status == status


def test_unknown_acknowledgment_type_is_invalid_code_at_bak02() -> None:
    with pytest.raises(MappingError) as caught:
        map_message(message("BAK*00*XX*PO1*20261120"))
    issue = caught.value.issue
    assert (issue.code, issue.scope.value, issue.location.segment_tag,
            issue.location.segment_number, issue.location.element) == (
        "7", "element", "BAK", 2, 2)


def test_missing_po_number_is_mandatory_element_missing_at_bak03() -> None:
    with pytest.raises(MappingError) as caught:
        map_message(message("BAK*00*AC**20261120"))
    issue = caught.value.issue
    assert (issue.code, issue.location.segment_tag, issue.location.element) == ("1", "BAK", 3)


def test_impossible_po_date_is_invalid_date_at_bak04() -> None:
    with pytest.raises(MappingError) as caught:
        map_message(message("BAK*00*AC*PO1*20261131"))
    issue = caught.value.issue
    assert (issue.code, issue.location.segment_tag, issue.location.element) == ("8", "BAK", 4)


def test_missing_bak_is_a_mandatory_segment_error() -> None:
    with pytest.raises(MappingError) as caught:
        map_message(message("PO1*1*10*CA"))
    assert (caught.value.issue.code, caught.value.issue.scope.value) == ("3", "segment")


def test_split_line_gives_two_promises_with_the_same_line_number() -> None:
    [doc] = map_message(message(
        BAK, "PO1*2*36*EA*2.15**EN*4006381333931",
        "ACK*IA*24*EA*068*20261128", "ACK*IB*12*EA*068*20261212")).documents
    now, later = doc.lines
    assert (now.line_number, now.status, now.quantity, now.promised_ship) == (
        "2", "accepted", Decimal(24), date(2026, 11, 28))
    assert (later.line_number, later.status, later.quantity, later.promised_ship) == (
        "2", "backordered", Decimal(12), date(2026, 12, 12))
    assert (later.ordered_quantity, later.raw_status, later.raw_qualifier,
            later.segment_number) == (Decimal(36), "IB", "ACK:IB", 5)
    assert now.product.gtin == later.product.gtin == "04006381333931"


@pytest.mark.parametrize(("qualifier", "field"), [("067", "promised_delivery"),
                                                  ("069", "promised_delivery"),
                                                  ("017", "promised_delivery"),
                                                  ("068", "promised_ship"),
                                                  ("079", "promised_ship")])
def test_ack04_date_qualifiers_choose_ship_or_delivery(qualifier: str, field: str) -> None:
    [doc] = map_message(message(BAK, "PO1*1*5*CA", f"ACK*IA*5*CA*{qualifier}*20261203")).documents
    [line] = doc.lines
    assert getattr(line, field) == date(2026, 12, 3)


@pytest.mark.parametrize(("code", "status"), [("IA", "accepted"), ("IC", "changed"),
                                              ("IQ", "changed"), ("IS", "changed"),
                                              ("IB", "backordered"), ("IH", "backordered"),
                                              ("IR", "rejected"), ("ID", "rejected"),
                                              ("R2", "rejected")])
def test_ack01_line_status_codes(code: str, status: str) -> None:
    [doc] = map_message(message(BAK, "PO1*1*5*CA", f"ACK*{code}*5*CA")).documents
    assert (doc.lines[0].status, doc.lines[0].raw_status) == (status, code)


def test_unknown_line_status_is_invalid_code_at_ack01() -> None:
    with pytest.raises(MappingError) as caught:
        map_message(message(BAK, "PO1*1*5*CA", "ACK*ZZ*5*CA"))
    issue = caught.value.issue
    assert (issue.code, issue.location.segment_tag, issue.location.segment_number,
            issue.location.element) == ("7", "ACK", 4, 1)


def test_bad_ack_date_is_invalid_date_at_ack05() -> None:
    with pytest.raises(MappingError) as caught:
        map_message(message(BAK, "PO1*1*5*CA", "ACK*IA*5*CA*068*20260230"))
    issue = caught.value.issue
    assert (issue.code, issue.location.segment_tag, issue.location.element) == ("8", "ACK", 5)


def test_upc_with_wrong_check_digit_is_rejected_where_it_stands() -> None:
    with pytest.raises(MappingError) as caught:
        map_message(message(BAK, "PO1*1*5*CA***UP*012345678901", "ACK*IA*5*CA"))
    issue = caught.value.issue
    assert (issue.code, issue.location.segment_tag, issue.location.segment_number,
            issue.location.element) == ("7", "PO1", 3, 7)


def test_substitution_takes_the_product_named_in_the_ack() -> None:
    [doc] = map_message(message(BAK, "PO1*20*48*EA***UP*614141000036",
                                "ACK*IS*48*EA****UP*012345678905")).documents
    assert doc.lines[0].product.gtin == "00012345678905"


def test_line_without_ack_is_answered_by_bak02() -> None:
    [doc] = map_message(message("BAK*00*AD*PO1*20261120", "PO1*1*6*EA", "DTM*068*20261201"))\
        .documents
    [line] = doc.lines
    assert (line.status, line.quantity, line.raw_qualifier, line.promised_ship) == (
        "accepted", Decimal(6), "BAK:AD", date(2026, 12, 1))
    [doc] = map_message(message("BAK*00*RD*PO1*20261120", "PO1*1*6*EA")).documents
    assert doc.lines[0].status == "rejected"


def test_loop_dtm_applies_to_acks_without_their_own_date() -> None:
    [doc] = map_message(message(BAK, "PO1*1*6*EA", "DTM*069*20261205",
                                "ACK*IA*4*EA", "ACK*IB*2*EA*069*20261220")).documents
    assert [ln.promised_delivery for ln in doc.lines] == [date(2026, 12, 5), date(2026, 12, 20)]


def test_ctt_count_mismatch_is_a_warning() -> None:
    mapped = map_message(message(BAK, "PO1*1*6*EA", "ACK*IA*3*EA", "ACK*IB*3*EA", "CTT*2"))
    [warning] = mapped.issues
    assert (warning.severity.value, warning.location.segment_tag) == ("warning", "CTT")
    assert len(mapped.documents[0].lines) == 2


def test_parties_use_the_850_scheme_table() -> None:
    [doc] = map_message(message(BAK, "N1*BY*Northwind*UL*0614141000012",
                                "N1*SU*Acme*1*123456789", "N1*ST*Reno DC*92*DC-RENO")).documents
    assert (doc.party("buyer").scheme, doc.party("buyer").value) == ("GLN", "0614141000012")
    assert (doc.party("seller").scheme, doc.party("seller").value) == ("DUNS", "123456789")
    assert doc.party("ship_to").location_code == "DC-RENO"


def test_staedi_corpus_pair_maps_to_two_accepted_with_change_responses() -> None:
    parsed = edi.parse((CORPUS / "staedi__multi-tx-transaction-type.edi").read_bytes())
    docs = [map_message(m).documents[0] for m in parsed.messages]
    assert [(d.po_number, d.status, d.raw_status, d.lines, d.segment_number)
            for d in docs] == [("ORDER1", "changed", "AC", (), 2),
                               ("ORDER2", "changed", "AC", (), 2)]


def test_header_dtm_dates_every_line_that_names_none() -> None:
    [doc] = map_message(message(BAK, "DTM*067*20261210", "PO1*1*6*EA", "ACK*IA*6*EA",
                                "PO1*2*6*EA", "ACK*IA*6*EA*067*20261205")).documents
    assert [ln.promised_delivery for ln in doc.lines] == [date(2026, 12, 10),
                                                          date(2026, 12, 5)]


def test_ack_before_any_po1_is_a_mandatory_segment_error() -> None:
    with pytest.raises(MappingError) as caught:
        map_message(message(BAK, "ACK*IA*6*EA"))
    issue = caught.value.issue
    assert (issue.code, issue.location.segment_tag, issue.location.segment_number) == (
        "3", "ACK", 3)
