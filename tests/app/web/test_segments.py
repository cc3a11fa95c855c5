"""Splitting a stored file into numbered segments and placing each issue at its segment."""

from __future__ import annotations

import io

from app.web.segments import MAX_SEGMENTS, MAX_SHOWN_BYTES, split_raw
from schemas.api import IssueRead


def issue(**location) -> IssueRead:
    return IssueRead(code="7", severity="error", scope="element", location=location,
                     text="bad value")


def test_edifact_honours_the_release_character_and_numbers_segments_per_message():
    raw = (b"UNA:+.? 'UNB+UNOC:3+A+B+261120:1200+1'UNH+1+ORDERS:D:96A:UN'"
           b"FTX+AAI+++it?'s fine'UNT+3+1'UNZ+1+1'")
    at = raw.index(b"FTX")
    view = split_raw(io.BytesIO(raw), [issue(offset=at + 5)])
    assert [s.text for s in view.segments] == [
        "UNA:+.? '", "UNB+UNOC:3+A+B+261120:1200+1'", "UNH+1+ORDERS:D:96A:UN'",
        "FTX+AAI+++it?'s fine'", "UNT+3+1'", "UNZ+1+1'"]
    assert [s.number for s in view.segments] == [None, None, 1, 2, 3, None]
    assert [len(s.issues) for s in view.segments] == [0, 0, 0, 1, 0, 0]
    assert view.unplaced == [] and not view.truncated


def test_x12_takes_its_terminator_from_the_isa_header():
    isa = (b"ISA*00*          *00*          *ZZ*A              *ZZ*B              "
           b"*261120*1200*U*00401*000000001*0*P*>!")
    raw = isa + b"\nGS*PO*A*B*20261120*1200*1*X*004010!\nST*850*0001!\nBEG*00*SA*1**2026!"
    view = split_raw(io.BytesIO(raw), [issue(offset=len(raw)), issue(segment_tag="ST")])
    assert [s.text[:3] for s in view.segments] == ["ISA", "GS*", "ST*", "BEG"]
    assert view.segments[-1].issues and view.segments[-1].number == 2
    assert [i.location for i in view.unplaced] == [{"segment_tag": "ST"}]


def test_xml_issues_are_placed_by_line():
    raw = b"<?xml version='1.0'?>\n<cXML>\n  <Bad/>\n</cXML>\n"
    view = split_raw(io.BytesIO(raw), [issue(line=3, column=3)])
    assert [len(s.issues) for s in view.segments] == [0, 0, 1, 0]
    assert view.segments[2].text == "  <Bad/>"


def test_a_long_file_is_cut_and_later_issues_are_listed_apart():
    raw = b"UNB+UNOC:3+A+B+261120:1200+1'" + b"FTX+AAI'" * (MAX_SEGMENTS + 10)
    view = split_raw(io.BytesIO(raw), [issue(offset=len(raw) - 3)])
    assert view.truncated and len(view.segments) == MAX_SEGMENTS
    assert len(view.unplaced) == 1


class CountingStream(io.BytesIO):
    """A file that remembers how many of its bytes were read."""

    def __init__(self, content: bytes) -> None:
        super().__init__(content)
        self.bytes_read = 0

    def read(self, size: int | None = -1) -> bytes:
        data = super().read(size)
        self.bytes_read += len(data)
        return data


def test_only_the_start_that_is_shown_is_read():
    raw = b"UNB+UNOC:3+A+B+261120:1200+1'" + b"FTX+AAI+++a?'b'" * (MAX_SEGMENTS * 20)
    stream = CountingStream(raw)
    view = split_raw(stream, [issue(offset=len(raw) - 3)])
    assert stream.bytes_read < len(raw) / 4
    assert view.truncated and len(view.segments) == MAX_SEGMENTS
    assert view.segments[-1].text == "FTX+AAI+++a?'b'"
    assert len(view.unplaced) == 1


def test_a_file_of_a_few_huge_segments_is_shown_up_to_a_byte_limit():
    raw = b"UNB+UNOC:3+A+B+261120:1200+1'FTX+" + b"x" * (2 * MAX_SHOWN_BYTES) + b"'"
    stream = CountingStream(raw)
    view = split_raw(stream, [issue(offset=MAX_SHOWN_BYTES + 10), issue(offset=40)])
    assert stream.bytes_read <= MAX_SHOWN_BYTES + 1
    assert view.truncated and len(view.segments) == 2
    assert [len(s.issues) for s in view.segments] == [0, 1]
    assert [i.location for i in view.unplaced] == [{"offset": MAX_SHOWN_BYTES + 10}]


def test_xml_lines_past_the_shown_ones_are_not_read():
    raw = b"<?xml version='1.0'?>\n<a>\n" + b"  <b/>\n" * (MAX_SEGMENTS * 30) + b"</a>\n"
    stream = CountingStream(raw)
    view = split_raw(stream, [issue(line=MAX_SEGMENTS + 5)])
    assert stream.bytes_read < len(raw) / 4
    assert view.truncated and len(view.segments) == MAX_SEGMENTS
    assert len(view.unplaced) == 1
