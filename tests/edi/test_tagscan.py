"""The chunk-wide tag look-up gives what the per-segment dictionary look-up gives."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import edi.x12.reader as x12_reader
from edi.errors import UnreadableStream
from edi.tagscan import TagTable, misses_of
from edi.x12.reader import X12Reader

CORPUS = Path(__file__).parents[1] / "samples" / "corpus" / "x12"
PREFIXES = {"ZA*Q": "ZA", "LIN*": "LIN", "N1*R": "N1", "N1": "N1", "ST*8": "ST"}


def _by_dictionary(text: str, sep: str) -> list[str | None]:
    return [PREFIXES.get(p[:4]) for p in text.split(sep)]


@pytest.mark.parametrize("sep", ["~", "~\n", "~\r\n", "\n", "\r\n"])
def test_tags_match_the_dictionary_for_every_piece(sep):
    pieces = ["ZA*QS*1*EA", "LIN**UP*1", "N1", "N1*RL*X", "ZA", "ZA*", "Z", "", "XX*1",
              "ZA*QA*2*EA", "za*QA", "LIN"]
    text = sep.join(pieces * 3)
    expected = _by_dictionary(text, sep)
    count = len(expected) - 1  # the reader keeps the last piece back, unterminated
    heads = TagTable.heads(text, sep, count)
    assert heads is not None
    got, misses = TagTable().tags(PREFIXES, heads)
    assert list(misses) == [t is None for t in got]
    # pieces under four characters are left to the dictionary ("N1" alone): None here
    assert got == [None if len(p) < 4 else t
                   for p, t in zip(text.split(sep), expected, strict=False)][:count]


def test_a_separator_that_overlaps_itself_is_left_to_the_dictionary():
    assert TagTable.heads("A~~B~~C", "~~", 3) is None


def test_a_prefix_learnt_later_is_found_on_the_next_lookup():
    table, prefixes = TagTable(), {"ZA*Q": "ZA"}
    heads = TagTable.heads("ZA*QS~PO1*1~", "~", 2)
    assert table.tags(prefixes, heads) == (["ZA", None], bytearray(b"\0\1"))
    prefixes["PO1*"] = "PO1"
    assert table.tags(prefixes, heads) == (["ZA", "PO1"], bytearray(b"\0\0"))


def test_an_empty_table_misses_every_piece():
    heads = TagTable.heads("ZA*QS~PO1*1~", "~", 2)
    assert TagTable().tags({}, heads) == ([None, None], bytearray(b"\1\1"))


def test_misses_of_tags_looked_up_one_by_one():
    assert misses_of(["ZA", None, "LIN", None]) == bytearray(b"\0\1\0\1")
    assert misses_of([]) == bytearray()


def _read(data: bytes, chunk: int, *, table: bool, monkeypatch) -> tuple:
    monkeypatch.setattr(x12_reader, "_TABLE_MIN_PIECES", 1 if table else 10**9)
    reader = X12Reader(io.BytesIO(data), retain=True, chunk_size=chunk)
    try:
        segs = [(s.tag, s.raw, s.offset, s.number) for m in reader for s in m.segments]
    except UnreadableStream as exc:
        return ("unreadable", exc.code)
    return segs, [i.as_dict() for i in reader.result.all_issues()]


def _interchange(body: list[str], sep: str = "~") -> str:
    isa = ("ISA*00*          *00*          *ZZ*BUYER          *ZZ*SELLER         *240101*"
           "1200*U*00401*000000001*0*P*>")
    segs = [isa, "GS*PD*BUYER*SELLER*20240101*1200*1*X*004010", "ST*852*0001", *body,
            f"SE*{len(body) + 2}*0001", "GE*1*1", "IEA*1*000000001"]
    return sep.join(segs) + sep


@pytest.mark.parametrize("sep", ["~", "~\n", "~\r\n"])
@pytest.mark.parametrize("chunk", [256, 4096, 1 << 20])
def test_reader_reads_the_same_with_and_without_the_table(sep, chunk, monkeypatch):
    body = ["XQ*H*20240101*20240107", "N1", "lin*1", "LIN**UP*1", "ZA*QS*2*EA", "Q*1",
            "ZA*QA*3*EA", "N9*IA*1", "TOOLONGTAG*1"] * 40
    data = _interchange(body, sep).encode("latin-1")
    with_table = _read(data, chunk, table=True, monkeypatch=monkeypatch)
    assert with_table == _read(data, chunk, table=False, monkeypatch=monkeypatch)
    assert len(with_table[0]) == len(body) + 2
    codes = {i["code"] for i in with_table[1]}
    assert codes == {"1"}  # the unrecognised segment ids, each located


@pytest.mark.parametrize("path", sorted(CORPUS.glob("*")), ids=lambda p: p.name)
def test_corpus_reads_the_same_with_and_without_the_table(path, monkeypatch):
    data = path.read_bytes()
    for chunk in (256, 1 << 20):
        assert _read(data, chunk, table=True, monkeypatch=monkeypatch) == _read(
            data, chunk, table=False, monkeypatch=monkeypatch)


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_mutated_files_read_the_same_with_and_without_the_table(data, monkeypatch):
    base = _interchange(["LIN**UP*1", "ZA*QS*2*EA", "ZA*QA*3*EA"] * 30).encode("latin-1")
    cuts = data.draw(st.lists(st.integers(0, len(base) - 1), max_size=6))
    junk = data.draw(st.binary(min_size=1, max_size=4))
    mutated = bytearray(base)
    for at in sorted(cuts, reverse=True):
        mutated[at:at + 1] = junk
    chunk = data.draw(st.sampled_from([256, 1024, 1 << 20]))
    assert _read(bytes(mutated), chunk, table=True, monkeypatch=monkeypatch) == _read(
        bytes(mutated), chunk, table=False, monkeypatch=monkeypatch)


def test_learning_thousands_of_tags_looks_up_a_bounded_number_of_windows(monkeypatch):
    """Each of 4,000 tags first seen alone, then again: at most one look-up of a window per
    64 pieces after learning (it was one per new tag, quadratic: 4 s for 8,000 segments)."""
    import itertools

    letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    tags = ["".join(t) for t in itertools.product(letters, repeat=3)][:4000]
    data = _interchange([s for t in tags for s in (f"{t}*1", f"{t}*2")]).encode("latin-1")
    calls = []
    look_up = TagTable.look_up

    def counted(self, prefixes, parts, heads, start=0, end=None):
        calls.append(start)
        return look_up(self, prefixes, parts, heads, start, end)

    monkeypatch.setattr(TagTable, "look_up", counted)
    reader = X12Reader(io.BytesIO(data), retain=True)
    assert [len(m.segments) for m in reader] == [8002]
    assert reader.result.all_issues() == []
    assert len(calls) <= 8008 // 64 + 2


def test_the_table_takes_in_prefixes_added_one_by_one_as_a_new_table_would():
    grown, table = {}, TagTable()
    heads = TagTable.heads("ZA*QS~PO1*1~LIN*1~N1*RL~CTT*1~X", "~", 5)
    for prefix, tag in [("LIN*", "LIN"), ("ZA*Q", "ZA"), ("CTT*", "CTT"), ("PO1*", "PO1")]:
        grown[prefix] = tag
        assert table.tags(grown, heads) == TagTable().tags(dict(grown), heads)
