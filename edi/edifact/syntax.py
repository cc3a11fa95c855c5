"""EDIFACT service characters, character sets and CONTRL 0085 syntax error codes.

Shared by the reader (`edi.edifact.reader`) and the writers (`contrl`, `writer`).
"""

from __future__ import annotations

from edi.model import Delimiters

# CONTRL data element 0085 "Syntax error, coded" (ISO 9735 service code list).
SYNTAX_NOT_SUPPORTED = "2"  # syntax version or level not supported
INVALID_VALUE = "12"
MISSING = "13"
NOT_SUPPORTED_IN_POSITION = "15"
TOO_MANY_CONSTITUENTS = "16"
UNSPECIFIED = "18"

INVALID_CHARACTER = "21"  # not a valid character of the syntax identifier (UNB S001)
DUPLICATE = "26"
REFERENCES_DO_NOT_MATCH = "28"
CONTROL_COUNT = "29"  # control count does not match number of instances received
GROUPS_AND_MESSAGES_MIXED = "30"
LOWER_LEVEL_EMPTY = "32"
OUTSIDE_MESSAGE = "33"  # invalid occurrence outside message, package or group
INVALID_CHARACTER_TYPE = "37"
TOO_LONG = "39"
TOO_SHORT = "40"

# UNB S001 0001 syntax identifier -> Python codec. Values are decoded with the codec; offsets
# are always byte offsets because the reader works on the bytes decoded as latin-1.
CHARSETS: dict[str, str] = {
    "UNOA": "ascii",
    "UNOB": "ascii",
    "UNOC": "latin-1",
    "UNOD": "iso8859_2",
    "UNOE": "iso8859_5",
    "UNOF": "iso8859_7",
    "UNOG": "iso8859_3",
    "UNOH": "iso8859_4",
    "UNOI": "iso8859_6",
    "UNOJ": "iso8859_8",
    "UNOK": "iso8859_9",
    "UNOL": "iso8859_15",
    "UNOW": "utf-8",
    "UNOY": "utf-8",
}

SYNTAX_VERSIONS = frozenset({"1", "2", "3", "4"})

# The default service characters (no UNA): component, element, decimal, release,
# repetition (syntax 4 only), terminator.
DEFAULT_UNA = ":+.?*'"
# Level B defaults without UNA (ISO 9735): IS1 component, IS3 element, IS2 repetition, IS4
# terminator, no release character.
CONTROL_UNA = "\x1f\x1d.\x00\x1e\x1c"


def delimiters_from_una(chars: str, syntax_version: str = "4") -> Delimiters:
    """Delimiters from the six UNA characters (or the defaults), for a syntax version.

    A space (or NUL) in the release or repetition position means "not used"; the repetition
    separator exists from syntax version 4 on.
    """
    component, element, decimal, release, repetition, terminator = chars
    rel = None if release in (" ", "\x00") else release
    rep = None
    if syntax_version >= "4" and repetition not in (" ", "\x00"):
        rep = repetition
    return Delimiters(
        element=element,
        segment=terminator,
        component=component,
        repetition=rep,
        release=rel,
        decimal=decimal if decimal in (".", ",") else ".",
    )


def escape(value: str, d: Delimiters) -> str:
    """Put the release character before every service character in `value`."""
    release = d.release
    if not release:
        return value
    specials = [release, d.element, d.component, d.segment]
    if d.repetition:
        specials.append(d.repetition)
    if not any(c in value for c in specials):
        return value
    out = []
    for ch in value:
        if ch in specials:
            out.append(release)
        out.append(ch)
    return "".join(out)


def una_string(d: Delimiters) -> str:
    return (
        f"UNA{d.component}{d.element}{d.decimal}{d.release or ' '}"
        f"{d.repetition or ' '}{d.segment}"
    )


Element = str | list[str] | tuple[str, ...]


def segment_text(tag: str, elements: list[Element], d: Delimiters) -> str:
    """One segment with its terminator: values escaped, trailing empty constituents dropped."""
    parts = [tag]
    for element in elements:
        if isinstance(element, str):
            parts.append(escape(element, d))
            continue
        comps = [escape(c, d) for c in element]
        while comps and comps[-1] == "":
            comps.pop()
        parts.append(d.component.join(comps))
    while len(parts) > 1 and parts[-1] == "":
        parts.pop()
    return d.element.join(parts) + d.segment
