"""X12 reader: every segment of a larger input located exactly, whatever the chunking."""

from __future__ import annotations

import io

import pytest

import edi
from edi.limits import Limits
from edi.model import Scope
from edi.x12.reader import X12Reader
from tests.edi.x12.test_x12_reader import isa


def _interchange(control: int, end: str, messages: int) -> str:
    segs = [isa(f"{control:09d}", t="~").rstrip("~"),
            f"GS*PD*BUYER*VENDOR*20240101*1200*{control}*X*004010"]
    for n in range(1, messages + 1):
        body = ["XQ*H*20240101*20240107", f"N1*RL*STORE {n}*92*{n:04d}"]
        for line in range(n % 7 + 1):
            body += [f"LIN**UP*0001234{line:07d}", f"ZA*QS*{line}*EA", "ZA*QA*3*EA"]
        body.append("CTT*1")
        segs += [f"ST*852*{n:04d}", *body, f"SE*{len(body) + 2}*{n:04d}"]
    segs += [f"GE*{messages}*{control}", f"IEA*1*{control:09d}"]
    return end.join(segs) + end


def _read(data: bytes, chunk_size: int) -> tuple[list, X12Reader]:
    reader = X12Reader(io.BytesIO(data), Limits(), retain=False, chunk_size=chunk_size)
    return list(reader), reader


@pytest.mark.parametrize("end", ["~", "~\n", "~\r\n"])
@pytest.mark.parametrize("chunk_size", [256, 1000, 1 << 20])
def test_every_segment_points_at_its_own_bytes(end, chunk_size):
    text = "".join(_interchange(c, end, 40) for c in (1, 2))
    data = text.encode("latin-1")
    messages, reader = _read(data, chunk_size)
    assert len(messages) == 80 and all(m.issues == [] for m in messages)
    for m in messages:
        assert [s.number for s in m.segments] == list(range(1, len(m.segments) + 1))
        assert m.offset == m.segments[0].offset
        for s in m.segments:
            assert data[s.offset:s.offset + len(s.raw)].decode("latin-1") == s.raw
    for ic in reader.result.interchanges:
        for seg in (ic.envelope.header, ic.envelope.trailer, ic.groups[0].envelope.header):
            assert data[seg.offset:seg.offset + len(seg.raw)].decode("latin-1") == seg.raw


def test_newline_terminator_with_some_crlf_keeps_offsets_exact():
    text = _interchange(1, "\n", 5).replace("\nZA*QA", "\r\nZA*QA")
    data = text.encode("latin-1")
    messages, _ = _read(data, 300)
    segs = [s for m in messages for s in m.segments]
    assert len(segs) == sum(len(m.segments) for m in messages) > 20
    for s in segs:
        assert data[s.offset:s.offset + len(s.raw)].decode("latin-1") == s.raw


def _set(control: str, *, count: str = "5", se_control: str | None = None,
         se: bool = True) -> str:
    text = f"ST*852*{control}~XQ*H*20240101*20240107~LIN**UP*00012345678905~ZA*QS*2*EA~"
    return text + (f"SE*{count}*{se_control or control}~" if se else "")


def _group(*sets: str, iea: str = "1") -> str:
    return (isa() + "GS*PD*BUYER*VENDOR*20240101*1200*7*X*004010~" + "".join(sets)
            + f"GE*{len(sets)}*7~IEA*{iea}*000000001~")


def _issues(text: str) -> list[tuple]:
    result = edi.parse(text.encode("latin-1"))
    return [(i.code, i.scope, i.location.segment_tag, i.location.segment_number,
             i.location.element, i.location.offset) for i in result.all_issues()]


def test_se01_with_a_non_ascii_digit_is_a_count_error_not_a_crash():
    text = _group(_set("0001", count="\xb2"))
    at = text.index("SE*")
    assert _issues(text) == [("4", Scope.TRANSACTION, "SE", 5, 1, at)]


def test_iea01_with_a_non_ascii_digit_is_a_count_error_not_a_crash():
    text = _group(_set("0001"), iea="\xb9")
    at = text.index("IEA*")
    assert _issues(text) == [("021", Scope.INTERCHANGE, "IEA", None, 1, at)]


def test_se_checks_on_the_short_path_are_located():
    text = _group(_set("0001"), _set("0002", count="4", se_control="0003"))
    at = text.index("SE*4*0003")
    assert _issues(text) == [("4", Scope.TRANSACTION, "SE", 5, 1, at),
                             ("3", Scope.TRANSACTION, "SE", 5, 2, at)]


def test_st_checks_on_the_short_path_are_located():
    text = _group(_set("0001"), _set("0001"))
    at = text.rindex("ST*852*0001")
    assert _issues(text) == [("23", Scope.TRANSACTION, "ST", 1, 2, at)]


def test_st_after_a_missing_se_closes_the_open_set():
    text = _group(_set("0001", se=False), _set("0002"))
    result = edi.parse(text.encode("latin-1"))
    first, second = result.messages
    assert [(i.code, i.location.offset) for i in first.issues] == [
        ("2", text.index("ST*852*0002"))]
    assert second.issues == [] and second.segments[0].offset == text.index("ST*852*0002")
    assert [s.number for s in first.segments] == [1, 2, 3, 4]
