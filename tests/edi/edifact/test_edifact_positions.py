"""EDIFACT reader: every segment of a larger input located exactly, whatever the chunking."""

from __future__ import annotations

import io

import pytest

from edi.edifact import syntax as sx
from edi.edifact.reader import EdifactReader
from edi.limits import Limits
from tests.edi.edifact.helpers import issue_rows, read


def _interchange(ref: int, end: str, messages: int) -> str:
    segs = [f"UNB+UNOC:3+5412345000013:14+4012345000009:14+240101:1200+{ref}"]
    for n in range(1, messages + 1):
        body = ["BGM+73E+SR1+9", "DTM+137:20240101:102", "NAD+BY+5412345000013::9++O?'BRIEN"]
        for line in range(n % 5 + 1):
            body += [f"LIN+{line}++40123450000{line:02d}:SRV", "PRI+AAA:1?+2", "QTY+153:4"]
        segs += [f"UNH+{n}+SLSRPT:D:01B:UN:EAN004", *body, f"UNT+{len(body) + 2}+{n}"]
    segs.append(f"UNZ+{messages}+{ref}")
    return "UNA:+.? '" + end.join(segs) + end


@pytest.mark.parametrize("end", ["'", "'\n"])
@pytest.mark.parametrize("chunk_size", [64, 500, 1 << 20])
def test_every_segment_points_at_its_own_bytes(end, chunk_size):
    text = "".join(_interchange(r, end, 30) for r in (1, 2))
    data = text.encode("latin-1")
    reader = EdifactReader(io.BytesIO(data), Limits(), retain=False, chunk_size=chunk_size)
    messages = list(reader)
    assert len(messages) == 60 and all(m.issues == [] for m in messages)
    for m in messages:
        assert [s.number for s in m.segments] == list(range(1, len(m.segments) + 1))
        for s in m.segments:
            assert data[s.offset:s.offset + len(s.raw)].decode("latin-1") == s.raw
    for ic in reader.result.interchanges:
        for seg in (ic.envelope.header, ic.envelope.trailer):
            assert data[seg.offset:seg.offset + len(seg.raw)].decode("latin-1") == seg.raw


def test_unt_count_with_a_non_ascii_digit_is_a_character_type_error():
    text = _interchange(1, "'", 1).replace("UNT+11+1'", "UNT+\xb2+1'")
    at = text.index("UNT+")
    assert issue_rows(read(text)) == [
        (sx.INVALID_CHARACTER_TYPE, "error", "transaction", "UNT", 11, 1, None, at)]


def test_unz_count_with_a_non_ascii_digit_is_a_character_type_error():
    text = _interchange(1, "'", 1).replace("UNZ+1+1'", "UNZ+\xb9+1'")
    at = text.index("UNZ+")
    assert issue_rows(read(text)) == [
        (sx.INVALID_CHARACTER_TYPE, "error", "interchange", "UNZ", None, 1, None, at)]
