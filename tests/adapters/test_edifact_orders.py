"""EDIFACT ORDERS mapping rules, on literal messages and the corpus files: exact values, errors
with CONTRL code and location."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

import edi
from adapters import MappingError
from adapters.edifact_orders import map_message

CORPUS = Path(__file__).parents[1] / "samples" / "corpus" / "edifact"
UNB = "UNA:+.? 'UNB+UNOC:3+0614141000012:14+0614141000005:14+261120:1200+42'"


def message(*body: str, version: str = "D:96A:UN:EAN008") -> edi.Message:
    segments = [f"UNH+1+ORDERS:{version}", *body, f"UNT+{len(body) + 2}+1"]
    text = UNB + "'".join(segments) + "'UNZ+1+42'"
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


def where(issue: edi.Issue) -> tuple:
    loc = issue.location
    return (issue.code, loc.segment_tag, loc.segment_number, loc.element, loc.component)


def test_message_function_codes_map_to_order_purposes() -> None:
    for code, purpose in (("9", "original"), ("1", "cancel"), ("5", "replace"),
                          ("4", "change"), ("", "original")):
        [doc] = map_message(message(f"BGM+220+PO1+{code}", "LIN+1", "QTY+21:1")).documents
        assert doc.purpose == purpose


def test_cancellation_needs_no_lines() -> None:
    [doc] = map_message(message("BGM+220+PO1+1")).documents
    assert (doc.purpose, doc.lines) == ("cancel", ())


def test_unknown_message_function_is_invalid_value_at_bgm_1225() -> None:
    issue = error_of(message("BGM+220+PO1+99", "LIN+1", "QTY+21:1"))
    assert where(issue) == ("12", "BGM", 2, 3, None)
    assert issue.scope.value == "element"


def test_missing_po_number_is_code_13_at_bgm_1004() -> None:
    assert where(error_of(message("BGM+220++9", "LIN+1", "QTY+21:1"))) == (
        "13", "BGM", 2, 2, 1)


def test_missing_bgm_is_a_missing_segment_error() -> None:
    issue = error_of(message("LIN+1", "QTY+21:1"))
    assert (issue.code, issue.scope.value, issue.location.segment_tag) == ("13", "segment", "UNH")


def test_order_without_lines_is_a_missing_segment_error_at_bgm() -> None:
    issue = error_of(message("BGM+220+PO1+9", "DTM+137:20261120:102"))
    assert (issue.code, issue.scope.value, issue.location.segment_tag) == ("13", "segment", "BGM")


def test_line_without_ordered_quantity_is_missing_at_its_lin() -> None:
    issue = error_of(message("BGM+220+PO1+9", "LIN+1", "QTY+21:1", "LIN+2", "PRI+AAA:2"))
    assert (issue.code, issue.location.segment_tag, issue.location.segment_number) == (
        "13", "LIN", 5)


def test_impossible_date_is_invalid_value_at_the_dtm_value() -> None:
    issue = error_of(message("BGM+220+PO1+9", "DTM+137:20261341:102", "LIN+1", "QTY+21:1"))
    assert where(issue) == ("12", "DTM", 3, 1, 2)


def test_unsupported_date_format_is_invalid_value_at_the_format() -> None:
    issue = error_of(message("BGM+220+PO1+9", "DTM+2:3:804", "LIN+1", "QTY+21:1"))
    assert where(issue) == ("12", "DTM", 3, 1, 3)


def test_non_numeric_quantity_is_invalid_value_at_qty_6060() -> None:
    issue = error_of(message("BGM+220+PO1+9", "LIN+1", "QTY+21:ten"))
    assert where(issue) == ("12", "QTY", 4, 1, 2)


def test_gtin_with_a_wrong_check_digit_is_rejected_at_lin_7140() -> None:
    issue = error_of(message("BGM+220+PO1+9", "LIN+1++4006381333932:SRV", "QTY+21:1"))
    assert where(issue) == ("12", "LIN", 3, 3, 1)


def test_gln_with_a_wrong_check_digit_is_rejected_at_nad_3039() -> None:
    issue = error_of(message("BGM+220+PO1+9", "NAD+BY+0614141000013::9", "LIN+1", "QTY+21:1"))
    assert where(issue) == ("12", "NAD", 3, 2, 1)


def test_dates_formats_102_203_and_616() -> None:
    [doc] = map_message(message(
        "BGM+220+PO1+9", "DTM+137:202611201530:203", "DTM+X14:202649:616",
        "DTM+10:261123:101", "LIN+1", "QTY+21:1", "DTM+2:20261205:102")).documents
    assert doc.order_date == date(2026, 11, 20)
    assert doc.requested_delivery == date(2026, 11, 30)  # Monday of ISO week 49
    assert doc.requested_ship == date(2026, 11, 23)
    assert doc.lines[0].requested_delivery == date(2026, 12, 5)


def test_requested_delivery_prefers_dtm_2_over_earliest_and_latest() -> None:
    [doc] = map_message(message("BGM+220+PO1+9", "DTM+63:20261210:102", "DTM+2:20261208:102",
                                "DTM+64:20261201:102", "LIN+1", "QTY+21:1")).documents
    assert doc.requested_delivery == date(2026, 12, 8)


def test_cases_with_qty_59_convert_to_consumer_units() -> None:
    [doc] = map_message(message("BGM+220+PO1+9", "LIN+1++4006381333931:SRV",
                                "QTY+21:10:CT", "QTY+59:12", "PRI+AAA:24.50")).documents
    [line] = doc.lines
    assert (line.quantity, line.uom, line.pack_size, line.base_quantity, line.unit_price) == (
        Decimal(10), "CT", Decimal(12), Decimal(120), Decimal("24.50"))


def test_net_price_wins_over_gross_and_price_basis_divides() -> None:
    [doc] = map_message(message("BGM+220+PO1+9", "LIN+1", "QTY+21:5", "PRI+AAB:30",
                                "PRI+AAA:2750::NTP:100:PCE")).documents
    assert doc.lines[0].unit_price == Decimal("27.5")


def test_product_identifiers_from_lin_pia_and_imd() -> None:
    [doc] = map_message(message(
        "BGM+220+PO1+9", "LIN+1++4006381333931:EN", "PIA+1+ACM-100:SA+NW-778:IN",
        "IMD+F++:::Oat biscuits:200 g", "QTY+21:1")).documents
    product = doc.lines[0].product
    assert (product.gtin, product.ean, product.vendor_part, product.buyer_part,
            product.description) == ("04006381333931", "4006381333931", "ACM-100", "NW-778",
                                     "Oat biscuits 200 g")


def test_released_characters_reach_names_unescaped() -> None:
    [doc] = map_message(message("BGM+220+PO?+1+9", "NAD+SU+0614141000005::9++ACME?+CO?:EU",
                                "LIN+1", "QTY+21:1")).documents
    assert doc.po_number == "PO+1"
    assert doc.party("seller").name == "ACME+CO:EU"


def test_parties_keep_scheme_and_location_codes() -> None:
    [doc] = map_message(message(
        "BGM+220+PO1+9", "NAD+BY+0614141000012::9", "NAD+DP+DC-RENO::92",
        "NAD+SU+123456789::16", "NAD+IV+0614141000029::9", "CUX+2:USD:9", "LIN+1",
        "QTY+21:1")).documents
    assert (doc.party("buyer").scheme, doc.party("buyer").value) == ("GLN", "0614141000012")
    assert (doc.party("ship_to").scheme, doc.party("ship_to").location_code) == ("ZZ", "DC-RENO")
    assert (doc.party("seller").scheme, doc.party("seller").value) == ("DUNS", "123456789")
    assert doc.party("bill_to").value == "0614141000029"
    assert doc.currency == "USD"


def test_party_without_id_is_left_out_with_a_warning() -> None:
    mapped = map_message(message("BGM+220+PO1+9", "NAD+BY+++Bolt Retail", "LIN+1", "QTY+21:1"))
    assert mapped.documents[0].parties == ()
    [issue] = mapped.issues
    assert (issue.severity.value, issue.location.segment_tag, issue.location.element) == (
        "warning", "NAD", 2)


def test_cnt_line_count_mismatch_is_a_warning() -> None:
    mapped = map_message(message("BGM+220+PO1+9", "LIN+1", "QTY+21:1", "UNS+S", "CNT+2:2"))
    [issue] = mapped.issues
    assert (issue.severity.value, issue.location.segment_tag, issue.location.component) == (
        "warning", "CNT", 2)


def test_d01b_composite_document_number_is_read() -> None:
    [doc] = map_message(message("BGM+220+PO-77:1+9", "LIN+1", "QTY+21:3:PCE",
                                version="D:01B:UN:EAN010")).documents
    assert (doc.po_number, doc.lines[0].uom) == ("PO-77", "PCE")


def test_corpus_eancom_d96a_order() -> None:
    [doc] = map_message(corpus("pydifact__order.edi")).documents
    assert (doc.po_number, doc.purpose, doc.order_date, doc.requested_delivery) == (
        "801715918011", "original", date(2015, 8, 3), date(2015, 8, 6))
    assert [(p.role, p.scheme, p.value) for p in doc.parties] == [
        ("seller", "GLN", "5020436000004"), ("buyer", "GLN", "8711576000012"),
        ("ship_to", "GLN", "8711576100019")]
    assert [(ln.line_number, ln.product.gtin, ln.quantity, ln.uom, ln.segment_number)
            for ln in doc.lines] == [
        ("1", "05020436373085", Decimal(8), "PCE", 9),
        ("2", "05020436373108", Decimal(8), "PCE", 12)]


def test_corpus_wikipedia_order_with_supplier_article_and_discrete_quantity() -> None:
    mapped = map_message(corpus("pydifact__wikipedia_de.edi"))
    [doc] = mapped.documents
    assert (doc.po_number, doc.purpose, doc.order_date) == ("B10001", "original",
                                                            date(2006, 6, 20))
    [line] = doc.lines
    assert (line.product.vendor_part, line.quantity, line.raw_qualifier) == (
        "Produkt Schrauben", Decimal(1000), "QTY:1")
    assert [i.location.segment_tag for i in mapped.issues] == ["NAD"]  # buyer without an id


def test_corpus_order_with_a_nine_digit_gs1_party_id_is_rejected() -> None:
    issue = error_of(corpus("pydifact__order2.edi"))
    assert where(issue) == ("12", "NAD", 4, 2, 1)
