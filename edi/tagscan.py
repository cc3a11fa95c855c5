"""Segment tags of a whole chunk at once: the first four characters of every piece, looked up
in a table of the prefixes a reader has already checked, with numpy instead of one Python
slice, hash and dictionary look-up per segment.

A reader keeps a dictionary `prefix -> tag` of the four-character prefixes it has checked
(an X12 `ZA*Q` -> `ZA`, an EDIFACT `LIN+` -> `LIN`). `TagTable.heads` reads the four bytes
at the start of every piece of a chunk as one big-endian code (`heads_at` does the same for
pieces given by their lengths, as the EDIFACT reader's are, whose released terminators make
them no plain split); `TagTable.tags` turns the dictionary into a sorted array
of such codes (again only when it has grown) and finds each head with `searchsorted`:
about 400 instructions per segment against about 1,200 for
`map(prefixes.get, map(head, pieces))`. A piece whose prefix is not in the table, or which
is shorter than four characters, gets `None`, exactly as the dictionary would answer for a
prefix it has not seen, and a byte of 1 in the misses that come with the tags; the reader
finds those pieces with `bytearray.find` and looks at them one at a time.
The tags handed out are the dictionary's own string objects, so later look-ups by tag find
their hash already computed.
"""

from __future__ import annotations

import operator
from itertools import islice, repeat

import numpy as np

__all__ = ["HEAD", "RELOOKUP_GAP", "RELOOKUP_WINDOW", "TagTable", "misses_of"]

_PAD = b"\0\0\0\0"
HEAD = operator.itemgetter(slice(0, 4))  # a piece's prefix, the key of its known tag
# After a tag is learnt, a reader looks pieces it had already looked up again: a window of
# RELOOKUP_WINDOW pieces, at most once every RELOOKUP_GAP pieces, so that the work stays
# linear however many tags it learns (in between, a piece it now knows joins the next run).
RELOOKUP_WINDOW = 2048
RELOOKUP_GAP = 64


class TagTable:
    """The tags of a chunk's pieces, from a reader's `prefix -> tag` dictionary."""

    __slots__ = ("_codes", "_prefixes", "_seen", "_tags")

    def __init__(self) -> None:
        self._prefixes: dict[str, str] | None = None
        self._seen = -1
        self._codes = np.zeros(0, dtype=np.uint32)
        self._tags = np.empty(1, dtype=object)

    def _rebuild(self, prefixes: dict[str, str]) -> None:
        """Take in the prefixes added to `prefixes` since the last call (a reader's
        dictionary only grows, and keeps insertion order), or all of a new dictionary:
        each new prefix costs one insertion into the sorted arrays, so a reader that learns
        thousands of tags one by one does not sort them all again each time."""
        if prefixes is self._prefixes and len(prefixes) > self._seen:
            added = list(islice(prefixes, self._seen, None))
            codes, tags = self._codes, self._tags[:-1]
        else:
            added = list(prefixes)
            codes, tags = np.zeros(0, dtype=np.uint32), np.empty(0, dtype=object)
        keys = sorted(k for k in added if len(k) == 4 and k.isascii())
        new_codes = np.array([int.from_bytes(k.encode("ascii"), "big") for k in keys],
                             dtype=np.uint32)
        new_tags = np.empty(len(keys), dtype=object)
        new_tags[:] = [prefixes[k] for k in keys]
        at = np.searchsorted(codes, new_codes)
        self._codes = np.insert(codes, at, new_codes)
        merged = np.empty(len(self._codes) + 1, dtype=object)  # the last one: None, a miss
        merged[:-1] = np.insert(tags, at, new_tags)
        self._tags = merged
        self._prefixes = prefixes
        self._seen = len(prefixes)

    @staticmethod
    def heads(text: str, sep: str, count: int) -> np.ndarray | None:
        """The first four characters of each of the first `count` pieces of
        `text.split(sep)`, each as one big-endian number; None when the separators
        cannot be located this way (the caller then uses its dictionary)."""
        if not sep or sep[0] in sep[1:] or count <= 0:
            return None
        try:
            data = text.encode("latin-1") + _PAD
        except UnicodeEncodeError:
            return None
        chars = np.frombuffer(data, dtype=np.uint8)
        ends = np.flatnonzero(chars[: len(text)] == ord(sep[0]))
        for k in range(1, len(sep)):
            ends = ends[chars[ends + k] == ord(sep[k])]
        if len(ends) < count - 1:
            return None
        starts = np.empty(count, dtype=np.int64)
        starts[0] = 0
        np.add(ends[: count - 1], len(sep), out=starts[1:])
        return np.ndarray((len(data) - 3,), dtype=">u4", buffer=data, strides=(1,))[starts]

    @staticmethod
    def heads_at(text: str, lengths: list[int], gap: int) -> np.ndarray | None:
        """The first four characters of each piece of `text`, as `heads` gives them, for
        pieces laid end to end from its start: `lengths[k]` characters, then `gap`
        separator characters. For a reader whose pieces are not a plain split (EDIFACT:
        a released terminator is data). None when `text` is not latin-1."""
        if not lengths:
            return None
        try:
            data = text.encode("latin-1") + _PAD
        except UnicodeEncodeError:
            return None
        starts = np.empty(len(lengths), dtype=np.int64)
        starts[0] = 0
        np.cumsum(np.fromiter(lengths, dtype=np.int64, count=len(lengths))[:-1] + gap,
                  out=starts[1:])
        return np.ndarray((len(data) - 3,), dtype=">u4", buffer=data, strides=(1,))[starts]

    def look_up(self, prefixes: dict[str, str], pieces: list[str], heads: np.ndarray | None,
                start: int = 0, end: int | None = None
                ) -> tuple[list[str | None], bytearray]:
        """The known tags of `pieces[start:end]` (None where unknown) and their misses:
        by `heads` (of all `pieces`) when the reader could locate them, else one
        dictionary look-up per piece."""
        if heads is None:
            tags = list(map(prefixes.get, map(HEAD, pieces[start:end])))
            return tags, misses_of(tags)
        return self.tags(prefixes, heads[start:end])

    def tags(self, prefixes: dict[str, str], heads: np.ndarray
             ) -> tuple[list[str | None], bytearray]:
        """The tag of each head: `prefixes[head]`, or None for a prefix not in `prefixes`
        (including every piece shorter than four characters); and the misses, a byte per
        head (1 where the tag is None), so that a reader finds the next piece to look at
        with `bytearray.find` (memchr) instead of `list.index(None)` (~170 instructions a
        piece)."""
        if prefixes is not self._prefixes or len(prefixes) != self._seen:
            self._rebuild(prefixes)
        codes = self._codes
        if not len(codes):
            return [None] * len(heads), bytearray(b"\1" * len(heads))
        at = np.searchsorted(codes, heads)
        np.minimum(at, len(codes) - 1, out=at)
        miss = codes[at] != heads
        at[miss] = len(codes)
        return self._tags.take(at).tolist(), bytearray(miss)


def misses_of(tags: list[str | None]) -> bytearray:
    """The misses of tags looked up one by one: a byte per tag, 1 where it is None."""
    return bytearray(map(operator.is_, tags, repeat(None)))
