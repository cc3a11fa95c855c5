"""`edi.model._split_released` (the lazy element splitter when a release character occurs)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from edi.model import Delimiters, _split_released

D3 = Delimiters("+", "'", ":", None, "?")
D4 = Delimiters("+", "'", ":", "*", "?")


def scan(raw: str, d: Delimiters) -> tuple:
    """Reference: a left-to-right scan after the tag."""
    i = raw.find(d.element)
    if i < 0:
        return ()
    elements, reps, comps, buf = [], [], [], []
    i += 1
    while i < len(raw):
        ch = raw[i]
        if ch == d.release and i + 1 < len(raw):
            buf.append(raw[i + 1])
            i += 2
            continue
        if ch == d.component:
            comps.append("".join(buf))
            buf = []
        elif d.repetition and ch == d.repetition:
            comps.append("".join(buf))
            reps.append(tuple(comps))
            comps, buf = [], []
        elif ch == d.element:
            comps.append("".join(buf))
            reps.append(tuple(comps))
            elements.append(tuple(reps))
            reps, comps, buf = [], [], []
        else:
            buf.append(ch)
        i += 1
    comps.append("".join(buf))
    reps.append(tuple(comps))
    elements.append(tuple(reps))
    return tuple(elements)


def test_released_service_characters():
    assert _split_released("FTX+A?+B:C?:D+??'+E?'", D3) == (
        (("A+B", "C:D"),), (("?'",),), (("E'",),))


def test_release_before_an_ordinary_character_and_at_the_end():
    assert _split_released("FTX+?A?", D3) == ((("A?",),),)


def test_syntax_4_repetition():
    assert _split_released("FTX+a*b?*c:d", D4) == ((("a",), ("b*c", "d")),)


def test_placeholder_characters_in_the_input_take_the_scan():
    assert _split_released("FTX+\ue001?+x", D3) == ((("\ue001+x",),),)


@settings(max_examples=300, deadline=None, derandomize=True)
@given(st.text(alphabet="AB+:*?'\ue000", min_size=0, max_size=30), st.booleans())
def test_equals_a_left_to_right_scan(body, syntax4):
    d = D4 if syntax4 else D3
    raw = "FTX+" + body
    assert _split_released(raw, d) == scan(raw, d)
