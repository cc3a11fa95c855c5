"""Round trip with random delimiters, and a fuzz test over mutated corpus files."""

from __future__ import annotations

import io
from datetime import datetime
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import edi
from edi.documents import EnvelopeSpec, PartyId
from edi.errors import UnreadableStream
from edi.model import Delimiters, Segment
from edi.x12.reader import X12Reader
from edi.x12.writer import X12Writer

CORPUS = Path(__file__).parents[2] / "samples" / "corpus" / "x12"
ENVELOPE_TAGS = {"ISA", "IEA", "GS", "GE", "ST", "SE", "TA1", "ISB", "ISE"}
DELIMITER_CHARS = [c for c in "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~"] + [
    chr(i) for i in range(1, 32) if chr(i) not in "\t\r\n"
]
VALUE_CHARS = "ABCXYZabcxyz0123456789 .-/&#()+:=?@!"


@st.composite
def delimiters(draw) -> Delimiters:
    chars = draw(st.lists(st.sampled_from(DELIMITER_CHARS), min_size=4, max_size=4,
                          unique=True))
    term = draw(st.sampled_from([chars[3], "\n"]))
    return Delimiters(element=chars[0], component=chars[1], repetition=chars[2], segment=term)


@st.composite
def body(draw, d: Delimiters) -> list[list]:
    allowed = "".join(c for c in VALUE_CHARS
                      if c not in (d.element, d.component, d.repetition, d.segment))
    value = st.text(alphabet=allowed, max_size=8)
    tag = st.from_regex(r"\A[A-Z][A-Z0-9]{1,2}\Z").filter(lambda t: t not in ENVELOPE_TAGS)
    composite = st.lists(value, min_size=2, max_size=4).filter(lambda c: c[-1] != "")
    element = st.one_of(value, composite)
    segment = st.tuples(tag, st.lists(element, max_size=6))
    return [[t, *els] for t, els in draw(st.lists(segment, min_size=1, max_size=8))]


def expected(seg: list, d: Delimiters) -> Segment:
    elements = [((e,),) if isinstance(e, str) else (tuple(e),) for e in seg[1:]]
    return Segment.build(seg[0], elements, d)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_parse_of_write_is_identity_for_random_delimiters(data):
    d = data.draw(delimiters())
    segments = data.draw(body(d))
    spec = EnvelopeSpec(sender=PartyId("SENDER"), receiver=PartyId("RECEIVER"),
                        interchange_control=1, group_control=1, version="00501",
                        created=datetime(2024, 1, 1, 12, 0))
    text = X12Writer(spec, d).write([("850", segments)])
    result = edi.parse(text.encode("latin-1"))
    assert result.all_issues() == []
    (msg,) = result.messages
    assert msg.body() == [expected(seg, d) for seg in segments]
    assert [s.number for s in msg.segments] == list(range(1, len(segments) + 3))


SEEDS = sorted(p.name for p in CORPUS.iterdir())


@st.composite
def mutated(draw) -> bytes:
    data = bytearray((CORPUS / draw(st.sampled_from(SEEDS))).read_bytes())
    for _ in range(draw(st.integers(1, 4))):
        kind = draw(st.sampled_from(["flip", "cut", "insert", "truncate"]))
        pos = draw(st.integers(0, max(len(data) - 1, 0)))
        if kind == "flip" and data:
            data[pos] = draw(st.integers(0, 255))
        elif kind == "cut":
            del data[pos:pos + draw(st.integers(1, 40))]
        elif kind == "insert":
            data[pos:pos] = draw(st.sampled_from(
                [b"~", b"*", b"\n", b"ISA", b"IEA*1*1~", b"GE*", b"SE*", b"ST*850*1~", b"\x00"]))
        else:
            del data[pos:]
    return bytes(data)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=mutated(), chunk=st.sampled_from([256, 1 << 20]))
def test_mutated_corpus_only_ever_raises_unreadable_stream(data, chunk):
    reader = X12Reader(io.BytesIO(data), retain=True, chunk_size=chunk)
    try:
        for msg in reader:
            for seg in msg.segments:
                seg.elements  # noqa: B018 - splitting must not fail either
    except UnreadableStream:
        return
    for issue in reader.result.all_issues():
        assert issue.code and issue.location is not None
