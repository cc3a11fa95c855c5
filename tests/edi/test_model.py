"""edi.model: segments located through a shared Span."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from edi.model import Delimiters, Location, Segment, Span

D = Delimiters(element="*", segment="~", component=">")


def test_a_run_span_sums_offsets_from_the_raw_texts_and_the_gap():
    raws = ["LIN**UP*1", "ZA*QS*2*EA", "ZA*QA*30*EA"]
    span = Span(D, 100, 7, raws, 2)
    segs = [Segment.of(r.split("*")[0], r, span, 7 + k) for k, r in enumerate(raws)]
    assert [s.offset for s in segs] == [100, 100 + 9 + 2, 100 + 9 + 2 + 10 + 2]
    assert [s.number for s in segs] == [7, 8, 9]


def test_a_span_of_one_segment_is_its_offset():
    seg = Segment.at("ST", "ST*850*0001", D, 106, 1)
    assert (seg.offset, seg.number, seg.delimiters) == (106, 1, D)


def test_explicit_offsets_win_over_the_raw_lengths():
    span = Span(D, 10, 1, None, 0, [10, 25, 40])
    segs = [Segment.of("N1", "N1*ST", span, n) for n in (1, 2, 3)]
    assert [s.offset for s in segs] == [10, 25, 40]


def test_location_and_repr_use_the_lazy_offset():
    span = Span(D, 50, 2, ["BEG*00*SA*PO1", "REF*DP*038"], 1)
    seg = Segment.of("REF", "REF*DP*038", span, 3)
    assert seg.location(element=2) == Location(offset=64, segment_number=3,
                                               segment_tag="REF", element=2)
    assert repr(seg) == "Segment('REF*DP*038' @ 64)"


def test_elements_are_split_with_the_span_delimiters():
    seg = Segment.at("PO1", "PO1*1*10*EA*2.5**UP*123>A", D, 0, 2)
    assert seg.value(2) == "10" and seg.components(7) == ("123", "A")
    assert len(seg) == 7


def test_build_keeps_the_given_raw_text_and_elements():
    seg = Segment.build("ISA", [(("00",),), (("ZZ",),)], D, 0, 0, "ISA*00*ZZ")
    assert (seg.raw, seg.value(2), seg.offset) == ("ISA*00*ZZ", "ZZ", 0)
    assert Segment.build("N1", [(("ST",),)], D).raw == "N1"


def test_many_numbers_a_run_from_the_span_and_equals_segments_built_one_by_one():
    raws = ["LIN**UP*1", "ZA*QS*2*EA", "ZA*QA*30*EA"]
    span = Span(D, 100, 7, raws, 2)
    run = list(Segment.many(["LIN", "ZA", "ZA"], raws, span))
    alone = [Segment.of(r.split("*")[0], r, span, 7 + k) for k, r in enumerate(raws)]
    assert all(type(s) is Segment for s in run)
    assert [(s.tag, s.raw, s.number, s.offset) for s in run] == [
        (s.tag, s.raw, s.number, s.offset) for s in alone
    ]
    assert run[2].value(2) == "30"
    # underneath, the tuple (tag, raw, span, number), from which the class makes it again
    assert tuple(run[2]) == ("ZA", "ZA*QA*30*EA", span, 9)
    assert Segment(tuple(run[2])).offset == run[2].offset == 100 + 9 + 2 + 10 + 2


def test_equality_compares_tag_and_elements_not_where_the_segment_was_read():
    here = Segment.at("REF", "REF*DP*038", D, 10, 3)
    there = Segment.at("REF", "REF*DP*038**", D, 99, 5)
    other = Segment.at("REF", "REF*DP*039", D, 10, 3)
    assert (here == there, here != there) == (True, False)
    assert (here == other, here != other) == (False, True)
    assert hash(here) == hash(there)


def test_elements_are_split_once_and_kept():
    seg = Segment.at("N1", "N1*ST*STORE 1", D, 0, 2)
    assert seg.elements is seg.elements
    assert seg.elements == ((("ST",),), (("STORE 1",),))


def _reference_split(raw: str, d: Delimiters) -> tuple:
    """Elements -> repetitions -> components, the plain nested way."""
    return tuple(
        tuple(tuple(rep.split(d.component)) for rep in
              (element.split(d.repetition) if d.repetition else [element]))
        for element in raw.split(d.element)[1:]
    )


@given(raw=st.text(alphabet="AB1 *>^", max_size=30), repetition=st.sampled_from(["^", None]))
def test_elements_split_like_the_plain_nested_split(raw, repetition):
    d = Delimiters(element="*", segment="~", component=">", repetition=repetition)
    raw = "REF" + raw
    assert Segment.of("REF", raw, Span(d), 1).elements == _reference_split(raw, d)
