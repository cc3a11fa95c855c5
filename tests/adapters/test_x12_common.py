"""Product references from X12 qualifier/value pairs (`x12_common.product`): mapped once per
distinct pairs, errors located on every segment that has them."""

from __future__ import annotations

import pytest

from adapters import MappingError
from adapters.x12_common import product, texts
from edi.model import Delimiters, Segment
from schemas.documents import ProductRef

X12 = Delimiters(element="*", component=">", segment="~", repetition="^")


def segment(raw: str, number: int = 3) -> Segment:
    return Segment.at(raw.split("*", 1)[0], raw, X12, offset=100 * number, number=number)


def test_the_same_pairs_on_two_lines_give_the_same_reference() -> None:
    first = product(segment("PO1*1*5*EA*2.25**UP*012345678905*VN*ACM-1", 3), 6)
    second = product(segment("PO1*2*7*CA*9.99**UP*012345678905*VN*ACM-1", 4), 6)
    assert first == ProductRef(gtin="00012345678905", upc="012345678905", vendor_part="ACM-1")
    assert second is first


def test_a_wrong_check_digit_is_located_on_every_line_that_has_it() -> None:
    for number in (3, 4):
        with pytest.raises(MappingError) as caught:
            product(segment("PO1*1*5*EA*2.25**VN*ACM-1*UP*012345678901", number), 6)
        issue = caught.value.issue
        assert (issue.code, issue.location.segment_number, issue.location.element,
                issue.location.offset) == ("7", number, 9, 100 * number)
        assert "UP '012345678901' has no valid GTIN check digit" in issue.message


def test_the_first_of_a_kind_wins_and_unknown_qualifiers_are_skipped() -> None:
    ref = product(segment("LIN**ZZ*X1*VN*V-1*UP*012345678905*VP*V-2*EN*4006381333931"), 2)
    assert ref == ProductRef(gtin="00012345678905", upc="012345678905", vendor_part="V-1",
                             ean="4006381333931")


def test_a_last_position_bounds_the_qualifiers_not_their_values() -> None:
    seg = segment("LIN**VN*V-1*BP*B-1*UP*012345678905")
    assert product(seg, 2, last_position=5) == ProductRef(vendor_part="V-1", buyer_part="B-1")
    assert product(seg, 2, last_position=4) == ProductRef(vendor_part="V-1")


def test_blank_values_and_repetitions_read_as_the_first_component() -> None:
    seg = segment("PO1*1*5*EA***VN* V-1 ^V-9*BP*  *UP*012345678905>X")
    assert product(seg, 6) == ProductRef(vendor_part="V-1", gtin="00012345678905",
                                         upc="012345678905")


def test_segments_built_from_lists_are_mapped_too() -> None:
    seg = Segment.build("LIN", [[["VN"]], [["V-7"]]], X12, number=5)
    assert product(seg, 1) == ProductRef(vendor_part="V-7")


def test_texts_read_the_first_positions_as_value_does() -> None:
    seg = segment("PO1* 1 *5^6*EA>X")
    assert texts(seg, 5) == ["1", "5", "EA", "", ""]
    assert texts(seg, 5) == [seg.value(p).strip() for p in range(1, 6)]
    assert texts(seg, 2) == ["1", "5"]
