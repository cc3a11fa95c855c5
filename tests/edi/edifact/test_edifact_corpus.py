"""Every EDIFACT file of the public corpus, read as tests/samples/corpus/README.md says.

Issues are (code, severity, scope, segment tag, element). Known defects of the files
(README "auto-check") are expected as issues; the syntax layer does not check message
directories, so code-list and numeric errors inside messages (staedi__invoic_d97b_bad) are
not reported here.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from edi.errors import UnreadableStream

from .helpers import as_pydifact, pydifact_segments, read

CORPUS = Path(__file__).resolve().parents[2] / "samples" / "corpus" / "edifact"

UNT_BOGUS = ("29", "error", "transaction", "UNT", 1)
DUP_REF = ("26", "warning", "transaction", "UNH", 1)
UNZ_REF = ("28", "error", "interchange", "UNZ", 2)
NO_UNZ = ("13", "error", "interchange", "UNZ", None)

EXPECTED = {
    # valid; README auto-check: UNT count 8 != actual 7
    "pydifact__aperak_rejected.edi": [UNT_BOGUS],
    "pydifact__invoice1.edi": [],
    "pydifact__invoice_with_colon_at_end.edi": [],
    # missing UNZ
    "pydifact__order.edi": [NO_UNZ],
    "pydifact__order2.edi": [NO_UNZ],
    # UNZ ref 1234567 != UNB ref 1 (1234567 is the UNB application reference 0026)
    "pydifact__wikipedia_de.edi": [UNZ_REF],
    # UNT counts bogus (25), UNZ counts 1 of 3 messages, UNZ ref != UNB ref, all UNH 0001
    "smooks-nounG__unedifact-msg-02.edi": [
        ("29", "error", "interchange", "UNZ", 1), UNZ_REF,
        UNT_BOGUS, DUP_REF, UNT_BOGUS, DUP_REF, UNT_BOGUS,
    ],
    # as above, and two messages after UNE outside any group
    "smooks-withUNG__unedifact-msg-01.edi": [
        ("30", "error", "interchange", "UNH", None), ("30", "error", "interchange", "UNH", None),
        UNZ_REF, UNT_BOGUS, DUP_REF, UNT_BOGUS, DUP_REF, UNT_BOGUS,
    ],
    # IATA syntax identifier: read as ISO 8859-1, noted
    "staedi__empty-segment-example.edi": [("2", "warning", "interchange", "UNB", 1)],
    "staedi__invoic_d97b_bad.edi": [],
    "staedi__other_dialect_term_segments.edi": [],
    # hard-wrapped; the UTF-8 "BÜTTNER" is not a UNOA character
    "staedi__wrapped_invoic_d97b.edi": [("21", "error", "element", "NAD", 4)],
    "staedi__wrapped_invoic_d97b_una.edi": [],
    "vscode-edifact__sample_esc_release_char_before_seg_delimiter_single_line.edi": [UNZ_REF],
    "vscode-edifact__sample_hash_seg_delimiter_single_line.edi": [UNZ_REF],
    "vscode-edifact__sample_line_break.edi": [UNZ_REF],
    "vscode-edifact__sample_no_una_single_line.edi": [UNZ_REF],
}

# pydifact cannot read these (4-letter synthetic tags, hard-wrapped lines)
PYDIFACT_UNREADABLE = {
    "smooks-nounG__unedifact-msg-02.edi",
    "smooks-withUNG__unedifact-msg-01.edi",
    "staedi__wrapped_invoic_d97b.edi",
    "staedi__wrapped_invoic_d97b_una.edi",
}


def test_every_corpus_file_is_listed():
    assert sorted(p.name for p in CORPUS.iterdir()) == sorted(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_corpus_file_issues(name):
    result = read((CORPUS / name).read_bytes())
    rows = [(i.code, i.severity.value, i.scope.value, i.location.segment_tag, i.location.element)
            for i in result.all_issues()]
    assert rows == EXPECTED[name]
    assert result.messages


def _all_segments(result):
    segs = []
    for ic in result.interchanges:
        segs.append(ic.envelope.header)
        for group in ic.groups:
            segs += [s for s in (group.envelope.header, group.envelope.trailer) if s]
            segs += [s for m in group.messages for s in m.segments]
        if ic.envelope.trailer is not None:
            segs.append(ic.envelope.trailer)
    return sorted(segs, key=lambda s: s.offset)


def _normalised(elements: list) -> list:
    """pydifact drops trailing empty components and keeps line breaks in values; we keep the
    former and drop the latter (line breaks are never data unless they are the terminator)."""
    out = []
    for element in elements:
        if isinstance(element, list):
            comps = [c.replace("\r", "").replace("\n", "") for c in element]
            while len(comps) > 1 and comps[-1] == "":
                comps.pop()
            out.append(comps[0] if len(comps) == 1 else comps)
        else:
            out.append(element.replace("\r", "").replace("\n", ""))
    return out


@pytest.mark.parametrize("name", sorted(set(EXPECTED) - PYDIFACT_UNREADABLE))
def test_segments_equal_pydifact(name):
    raw = (CORPUS / name).read_bytes()
    ours = [(s.tag, _normalised(as_pydifact(s.elements))) for s in _all_segments(read(raw))]
    theirs = [(tag, _normalised(els)) for tag, els in pydifact_segments(raw.decode("latin-1"))]
    assert ours == theirs


def test_wrapped_files_read_like_the_unwrapped_invoice():
    plain = read((CORPUS / "staedi__wrapped_invoic_d97b.edi").read_bytes())
    una = read((CORPUS / "staedi__wrapped_invoic_d97b_una.edi").read_bytes())
    a = [(s.tag, s.elements) for m in plain.messages for s in m.segments]
    b = [(s.tag, s.elements) for m in una.messages for s in m.segments]
    assert len(a) == len(b) == 24
    # the only difference is the party name
    assert [x for x, y in zip(a, b, strict=True) if x != y] == [
        ("NAD", ((("SE",),), (("005435656", "", "16"),), (("",),),
                 (("B\u00dcTTNER WIDGET COMPANY",),))),
    ]


def test_release_character_before_terminator_sample():
    name = "vscode-edifact__sample_esc_release_char_before_seg_delimiter_single_line.edi"
    result = read((CORPUS / name).read_bytes())
    nad = result.messages[0].segments[3]
    assert (nad.value(4), nad.value(9)) == ("Customer='s name", "x=")


_MUTATION = st.tuples(
    st.sampled_from(sorted(EXPECTED)),
    st.lists(
        st.tuples(st.sampled_from(["flip", "cut", "insert", "delete"]),
                  st.integers(0, 10_000), st.binary(min_size=1, max_size=4)),
        min_size=1, max_size=4,
    ),
    st.sampled_from([3, 17, 1 << 20]),
)


@settings(max_examples=300, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow])
@given(_MUTATION)
def test_fuzzed_corpus_raises_only_unreadable_stream(case):
    name, edits, chunk = case
    data = bytearray((CORPUS / name).read_bytes())
    for op, at, blob in edits:
        i = at % (len(data) + 1)
        if op == "flip" and data:
            data[i % len(data)] ^= blob[0] or 1
        elif op == "cut":
            del data[i:]
        elif op == "insert":
            data[i:i] = blob
        elif op == "delete":
            del data[i:i + len(blob)]
    try:
        result = read(bytes(data), chunk_size=chunk)
    except UnreadableStream:
        return
    for issue in result.all_issues():
        assert issue.code.isdigit()
        assert issue.location.offset is None or 0 <= issue.location.offset <= len(data)
