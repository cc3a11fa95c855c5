"""A stored file's bytes, written in chunks and read back as a stream, come back exactly."""

from __future__ import annotations

import io
import random

import pytest
from sqlalchemy import func, select

from app.store import interchange as ic_store
from app.store.models import StoredFile, StoredFileChunk

CHUNK = ic_store.CHUNK_BYTES


def binary(size: int) -> bytes:
    """`size` random bytes, NULs and all, starting with one."""
    return (b"\x00" + random.Random(size).randbytes(size))[:size]


def stored(session, content: bytes, piece: int = CHUNK) -> StoredFile:
    file = ic_store.add_file(session, StoredFile(sha256="0" * 64, size=len(content),
                                                 source="cli"))
    ic_store.add_content(session, file.id, (content[i:i + piece]
                                            for i in range(0, len(content), piece)))
    return file


def chunk_count(session, file: StoredFile) -> int:
    return session.scalar(select(func.count()).select_from(StoredFileChunk)
                          .where(StoredFileChunk.file_id == file.id))


SIZES = {"one byte": 1, "a chunk less one": CHUNK - 1, "exactly a chunk": CHUNK,
         "a chunk and one": CHUNK + 1, "several MB": 5 * CHUNK + 12_345}


@pytest.mark.parametrize("size", SIZES.values(), ids=SIZES)
def test_the_bytes_come_back_exactly(session, size):
    content = binary(size)
    file = stored(session, content)
    assert chunk_count(session, file) == -(-size // CHUNK)
    assert ic_store.open_content(session, file).read() == content


def test_an_empty_file_has_no_chunks_and_reads_empty(session):
    file = stored(session, b"")
    assert chunk_count(session, file) == 0
    assert ic_store.open_content(session, file).read() == b""


def test_any_range_reads_back_whatever_size_the_chunks_were_written_in(session):
    content = binary(50_000)
    file = stored(session, content, piece=999)
    stream = ic_store.open_content(session, file)
    assert b"".join(iter(lambda: stream.read(7_777), b"")) == content
    for start, length in ((0, 10), (998, 2), (12_345, 20_000), (49_990, 100)):
        stream.seek(start)
        assert stream.read(length) == content[start:start + length]
    assert stream.seek(-5, io.SEEK_END) == 49_995 and stream.read() == content[-5:]


def test_a_missing_chunk_is_an_error_not_a_short_file(session):
    file = stored(session, binary(3_000), piece=1_000)
    session.delete(session.get(StoredFileChunk, (file.id, 1_000)))
    session.flush()
    stream = ic_store.open_content(session, file)
    assert len(stream.read(1_000)) == 1_000
    with pytest.raises(LookupError, match="lacks its byte 1000"):
        stream.read(1_000)
