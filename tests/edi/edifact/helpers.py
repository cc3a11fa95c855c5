"""Helpers shared by the EDIFACT tests."""

from __future__ import annotations

import io
import warnings

from edi.edifact.reader import EdifactReader
from edi.limits import Limits
from edi.model import ParseResult


def read(data: bytes | str, chunk_size: int = 1 << 20, limits: Limits | None = None,
         ) -> ParseResult:
    """Read everything (retain=True) with a given chunk size."""
    raw = data.encode("latin-1") if isinstance(data, str) else data
    reader = EdifactReader(io.BytesIO(raw), limits, retain=True, chunk_size=chunk_size)
    for _ in reader:
        pass
    return reader.result


def issue_rows(result: ParseResult) -> list[tuple]:
    """(code, severity, scope, tag, segment number, element, component, offset) per issue."""
    rows = []
    for issue in result.all_issues():
        loc = issue.location
        rows.append((issue.code, issue.severity.value, issue.scope.value, loc.segment_tag,
                     loc.segment_number, loc.element, loc.component, loc.offset))
    return rows


def shape(result: ParseResult) -> list[tuple]:
    """Tag, number, offset and elements of every message segment, in order."""
    return [(s.tag, s.number, s.offset, s.elements) for m in result.messages for s in m.segments]


def pydifact_segments(text: str) -> list[tuple[str, list]]:
    """(tag, elements) of every segment pydifact reads, UNA excluded."""
    from pydifact.segmentcollection import RawSegmentCollection

    with warnings.catch_warnings():
        # pydifact warns about its missing directories and empty segments
        warnings.simplefilter("ignore")
        collection = RawSegmentCollection.from_str(text)
        return [(s.tag, list(s.elements)) for s in collection.segments if s.tag != "UNA"]


def as_pydifact(elements: tuple) -> list:
    """Our (repetitions x components) elements in pydifact's shape (str or list of str)."""
    out = []
    for reps in elements:
        comps = list(reps[0])
        out.append(comps[0] if len(comps) == 1 else comps)
    return out
