"""X12 reader: segments, positions, delimiters and streaming."""

from __future__ import annotations

import io

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

import edi
from edi.errors import UnreadableStream
from edi.model import Scope, Severity
from edi.x12.reader import X12Reader, _separator


def isa(control="000000001", *, e="*", t="~", comp=">", rep="U", version="00401",
        ack="0", test="P", date="240101", time="1200"):
    return e.join(["ISA", "00", " " * 10, "00", " " * 10, "ZZ", "BUYER".ljust(15), "01",
                   "VENDOR".ljust(15), date, time, rep, version, control, ack, test,
                   comp]) + t


def po(n: int = 1) -> str:
    return (
        f"ST*850*000{n}~BEG*00*SA*PO-{n}**20240101~PO1*1*10*EA*2.5**UP*00012345678905~"
        f"CTT*1~SE*5*000{n}~"
    )


ORDER = isa() + "GS*PO*BUYER*VENDOR*20240101*1200*7*X*004010~" + po(1) + po(2) + \
    "GE*2*7~IEA*1*000000001~"


def test_reads_messages_with_envelopes_and_no_issues():
    result = edi.parse(ORDER.encode())
    assert result.all_issues() == []
    (ic,) = result.interchanges
    env = ic.envelope
    assert (env.control_number, env.sender, env.sender_qualifier, env.receiver,
            env.receiver_qualifier, env.version, env.date, env.time, env.test,
            env.ack_requested) == ("000000001", "BUYER", "ZZ", "VENDOR", "01", "00401",
                                   "240101", "1200", False, False)
    assert env.header.tag == "ISA" and env.trailer.raw == "IEA*1*000000001"
    (group,) = ic.groups
    genv = group.envelope
    assert (genv.functional_id, genv.sender, genv.receiver, genv.control_number,
            genv.version, genv.date, genv.time) == ("PO", "BUYER", "VENDOR", "7", "004010",
                                                    "20240101", "1200")
    first, second = group.messages
    assert (first.type, first.control_number, first.version, first.index) == (
        "850", "0001", "004010", 1)
    assert second.index == 2
    assert first.interchange is env and first.group is genv
    assert [s.tag for s in first.segments] == ["ST", "BEG", "PO1", "CTT", "SE"]
    assert [s.number for s in first.segments] == [1, 2, 3, 4, 5]
    assert first.segments[1].value(3) == "PO-1"
    assert env.header.number == 0 and genv.header.number == 0


def test_segment_offsets_are_byte_offsets():
    data = ORDER.encode()
    result = edi.parse(data)
    for msg in result.messages:
        for seg in msg.segments:
            assert data[seg.offset:seg.offset + len(seg.raw)].decode("latin-1") == seg.raw
    assert result.messages[0].offset == data.index(b"ST*850*0001")


def test_iter_messages_streams_without_retaining():
    reader = X12Reader(io.BytesIO(ORDER.encode()), retain=False, chunk_size=256)
    messages = list(reader)
    assert [m.control_number for m in messages] == ["0001", "0002"]
    assert reader.result.interchanges[0].groups[0].messages == []
    assert reader.result.interchanges[0].envelope.trailer is not None


def test_small_chunks_give_the_same_segments_as_one_read():
    data = (ORDER.replace("~", "~\r\n") * 20).encode()
    whole = edi.parse(data)
    streamed = list(X12Reader(io.BytesIO(data), chunk_size=256))
    assert [(s.raw, s.offset, s.number) for m in streamed for s in m.segments] == [
        (s.raw, s.offset, s.number) for m in whole.messages for s in m.segments
    ]


def test_control_character_delimiters():
    e, t, c, r = "\x1d", "\x1c", "\x1f", "\x1e"
    text = (isa(e=e, t=t, comp=c, rep=r, version="00501")
            + e.join(["GS", "PO", "BUYER", "VENDOR", "20240101", "1200", "1", "X", "005010"])
            + t + e.join(["ST", "850", "0001"]) + t
            + e.join(["REF", "ZZ", f"A{c}B{r}C{c}D"]) + t + e.join(["SE", "3", "0001"]) + t
            + e.join(["GE", "1", "1"]) + t + e.join(["IEA", "1", "000000001"]) + t)
    result = edi.parse(text.encode("latin-1"))
    assert result.all_issues() == []
    d = result.interchanges[0].delimiters
    assert (d.element, d.segment, d.component, d.repetition) == (e, t, c, r)
    ref = result.messages[0].segments[1]
    assert ref.components(2, 1) == ("A", "B")
    assert ref.components(2, 2) == ("C", "D")


def test_newline_terminator_with_crlf_and_indentation():
    text = isa(t="\n") + "GS*PO*BUYER*VENDOR*20240101*1200*1*X*004010\r\n" \
        "ST*850*0001\r\n  BEG*00*SA*1**20240101\r\nSE*3*0001\r\nGE*1*1\r\nIEA*1*000000001\r\n"
    result = edi.parse(text.encode())
    assert result.all_issues() == []
    assert [s.raw for s in result.messages[0].segments] == [
        "ST*850*0001", "BEG*00*SA*1**20240101", "SE*3*0001"]
    assert result.messages[0].segments[1].offset == text.index("BEG")


def test_line_breaks_and_blanks_after_terminators_are_tolerated():
    text = ORDER.replace("~", "~  \r\n")
    result = edi.parse(text.encode())
    assert result.all_issues() == []
    assert result.messages[1].segments[2].offset == text.index("PO1", text.index("0002"))


def test_utf8_ellipsis_terminator():
    text = ORDER.replace("~", "\u2026\n")
    result = edi.parse(text.encode("utf-8"))
    assert result.all_issues() == []
    assert result.interchanges[0].delimiters.segment == "\xe2\x80\xa6"
    assert len(result.messages) == 2


def test_several_interchanges_with_the_same_delimiters():
    second = ORDER.replace("000000001", "000000002")
    result = edi.parse((ORDER + "\n" + second).encode())
    assert result.all_issues() == []
    assert [ic.envelope.control_number for ic in result.interchanges] == [
        "000000001", "000000002"]
    assert [m.index for m in result.messages] == [1, 2, 1, 2]


def test_several_interchanges_with_other_delimiters():
    other = ORDER.replace("000000001", "000000002").replace("*", "|").replace("~", "!\n")
    result = edi.parse((ORDER + other).encode())
    assert result.all_issues() == []
    assert [ic.delimiters.element for ic in result.interchanges] == ["*", "|"]
    assert result.messages[3].segments[1].value(3) == "PO-2"
    assert result.interchanges[1].offset == len(ORDER)


def test_text_between_interchanges_is_a_located_issue():
    text = ORDER + "garbage here\n" + ORDER.replace("000000001", "000000002")
    result = edi.parse(text.encode())
    (issue,) = result.issues
    assert (issue.code, issue.scope, issue.severity, issue.location.offset) == (
        "022", Scope.INTERCHANGE, Severity.ERROR, len(ORDER))
    assert len(result.interchanges) == 2


def test_ta1_inside_an_interchange_is_kept_on_the_envelope():
    text = isa() + "TA1*000000050*240101*1200*A*000~" + ORDER[106:]
    result = edi.parse(text.encode())
    assert result.all_issues() == []
    (ta1,) = result.interchanges[0].envelope.extra["ta1"]
    assert (ta1.value(1), ta1.value(4)) == ("000000050", "A")


def test_no_isa_is_unreadable():
    with pytest.raises(UnreadableStream) as err:
        list(X12Reader(io.BytesIO(b"hello world")))
    assert err.value.code == "no-interchange"


def test_isa_without_sixteen_elements_is_unreadable():
    with pytest.raises(UnreadableStream) as err:
        edi.parse(b"ISA*00*short~GS*PO~")
    assert (err.value.code, err.value.location.offset) == ("bad-isa", 0)


def test_segment_longer_than_the_limit_is_unreadable():
    data = (ORDER[:200] + "X" * 5000).encode()
    reader = X12Reader(io.BytesIO(data), edi.Limits(max_segment_bytes=1000), chunk_size=512)
    with pytest.raises(UnreadableStream) as err:
        list(reader)
    assert err.value.code == "segment-too-long"


def test_segment_limit_skips_the_rest_of_the_interchange():
    limits = edi.Limits(max_segments_per_interchange=8)
    reader = X12Reader(io.BytesIO(ORDER.encode()), limits, retain=True)
    messages = list(reader)
    assert [m.control_number for m in messages] == ["0001"]
    ic = reader.result.interchanges[0]
    (issue,) = ic.envelope.issues
    assert (issue.code, issue.scope, issue.location.offset) == (
        "024", Scope.INTERCHANGE, ORDER.index("BEG*00*SA*PO-2"))
    assert ic.envelope.trailer is not None


def test_next_isa_may_change_the_element_separator_but_keep_the_terminator():
    other = ORDER.replace("000000001", "000000002").replace("*", "|")
    result = edi.parse((ORDER + other).encode())
    assert result.all_issues() == []
    assert [ic.delimiters.element for ic in result.interchanges] == ["*", "|"]
    assert result.messages[2].segments[1].raw == "BEG|00|SA|PO-1||20240101"


def test_utf8_bom_is_skipped_and_offsets_count_it():
    result = edi.parse(b"\xef\xbb\xbf" + ORDER.encode())
    assert result.all_issues() == []
    assert result.interchanges[0].offset == 3
    assert result.messages[0].offset == 3 + ORDER.index("ST*850*0001")


def test_iter_messages_points_messages_at_their_envelopes():
    messages = list(edi.iter_messages(io.BytesIO(ORDER.encode())))
    assert [m.index for m in messages] == [1, 2]
    assert messages[0].group.control_number == "7"
    assert messages[1].interchange.control_number == "000000001"


def test_newline_terminator_with_mixed_line_endings():
    body = "".join(f"PO1*{k}*1*EA\r\n" if k % 2 else f"PO1*{k}*1*EA\n" for k in range(1, 9))
    text = (isa(t="\n") + "GS*PO*BUYER*VENDOR*20240101*1200*1*X*004010\n"
            "ST*850*0001\n" + body + "SE*10*0001\nGE*1*1\nIEA*1*000000001\n")
    result = edi.parse(text.encode())
    assert result.all_issues() == []
    segs = result.messages[0].segments[1:-1]
    assert [s.raw for s in segs] == [f"PO1*{k}*1*EA" for k in range(1, 9)]
    assert [s.offset for s in segs] == [text.index(f"PO1*{k}*") for k in range(1, 9)]


def _separator_by_counting(buf: str, term: str, eof: bool) -> str:
    """The rule `_separator` implements, with `str.count` (the reference)."""
    if term == "\n":
        n = buf.count("\n")
        return "\r\n" if n and buf.count("\r\n") == n else term
    i = buf.find(term)
    if i < 0:
        return term
    after = buf[i + len(term): i + len(term) + 2]
    for suffix in ("\r\n", "\n"):
        if after.startswith(suffix):
            sep = term + suffix
            n = buf.count(term) - (not eof and buf.endswith(term))
            return sep if n == buf.count(sep) else term
    return term


@given(st.lists(st.sampled_from(["~", "~\n", "~\r\n", "\n", "\r", "\r\n", "ST*1", "*", "\x85",
                                 "\xe2\x80\xa6"]), max_size=30),
       st.sampled_from(["~", "\n", "\r", "\x85", "\xe2\x80\xa6"]), st.booleans())
@example(["\n", "ST*1", "\r"], "\n", True)  # a first line break at the very start
@example(["~\n", "ST*1~\n", "ST*1~"], "~", False)  # a last terminator the next chunk may split
@settings(max_examples=1000, deadline=None)
def test_separator_counts_as_str_count_does(parts, term, eof):
    buf = "".join(parts)
    assert _separator(buf, term, eof) == _separator_by_counting(buf, term, eof)
