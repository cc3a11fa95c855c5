"""Queries for what arrived: stored files, interchanges, messages, issues, acknowledgements,
and the control-number counters of outbound envelopes."""

from __future__ import annotations

import io
from collections.abc import Iterable
from datetime import datetime
from typing import BinaryIO

from sqlalchemy import exists, func, insert, select, update
from sqlalchemy.orm import Session

from app.store.models import (
    Acknowledgement,
    ControlCounter,
    EdiIssue,
    Interchange,
    Message,
    StoredFile,
    StoredFileChunk,
)

# The size of the pieces a stored file's bytes are written in: large enough that a file of
# hundreds of MB is a few hundred rows, small enough that holding one costs nothing.
CHUNK_BYTES = 1024 * 1024


def add_file(session: Session, file: StoredFile) -> StoredFile:
    session.add(file)
    session.flush()
    return file


def add_content(session: Session, file_id: int, pieces: Iterable[bytes]) -> None:
    """Store a file's bytes, each piece written as it comes and let go (never kept in the
    session), so memory holds one piece whatever the file's size."""
    start = 0
    for piece in pieces:
        if piece:
            session.execute(insert(StoredFileChunk),
                            {"file_id": file_id, "start": start, "data": piece})
            start += len(piece)


def open_content(session: Session, file: StoredFile) -> BinaryIO:
    """A stored file's bytes as a seekable binary stream that fetches one chunk at a time
    through `session` (which must stay open while it is read)."""
    return io.BufferedReader(_ChunkReader(session, file.id, file.size),
                             buffer_size=CHUNK_BYTES)


class _ChunkReader(io.RawIOBase):
    """Reads a stored file from its chunks, holding only the chunk under the read position."""

    def __init__(self, session: Session, file_id: int, size: int) -> None:
        self._session = session
        self._file_id = file_id
        self._size = size
        self._position = 0
        self._chunk_start = 0
        self._chunk = memoryview(b"")

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self._position

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        base = {io.SEEK_SET: 0, io.SEEK_CUR: self._position, io.SEEK_END: self._size}[whence]
        if base + offset < 0:
            raise ValueError(f"negative seek position {base + offset}")
        self._position = base + offset
        return self._position

    def readinto(self, buffer) -> int:  # type: ignore[override]
        if self._position >= self._size:
            return 0
        within = self._position - self._chunk_start
        if not 0 <= within < len(self._chunk):
            self._chunk_start, data = self._chunk_at(self._position)
            self._chunk = memoryview(data)
            within = self._position - self._chunk_start
        n = min(len(buffer), len(self._chunk) - within)
        buffer[:n] = self._chunk[within:within + n]
        self._position += n
        return n

    def _chunk_at(self, position: int) -> tuple[int, bytes]:
        """The chunk holding the byte at `position`: the last one starting at or before it."""
        row = self._session.execute(
            select(StoredFileChunk.start, StoredFileChunk.data)
            .where(StoredFileChunk.file_id == self._file_id, StoredFileChunk.start <= position)
            .order_by(StoredFileChunk.start.desc()).limit(1)
        ).first()
        if row is None or row.start + len(row.data) <= position:
            raise LookupError(f"stored file {self._file_id} lacks its byte {position} "
                              f"of {self._size}")
        return row.start, row.data


def get_file(session: Session, file_id: int) -> StoredFile | None:
    return session.get(StoredFile, file_id)


def get_processed_by_sha256(session: Session, sha256: str, uploader_id: int | None,
                            exclude_id: int) -> StoredFile | None:
    """An earlier file with the same bytes from the same uploader that was not a duplicate."""
    return session.scalar(
        select(StoredFile)
        .where(
            StoredFile.sha256 == sha256,
            StoredFile.uploader_id == uploader_id,
            StoredFile.id != exclude_id,
            StoredFile.duplicate_of_id.is_(None),
            StoredFile.status.in_(("processed", "partially_accepted", "rejected")),
        )
        .order_by(StoredFile.id)
    )


def get_unfinished_by_sha256(session: Session, sha256: str, uploader_id: int | None,
                             source: str) -> StoredFile | None:
    """The latest file with these bytes from this uploader and source whose processing never
    ended (still `received`: the process died after storing its bytes)."""
    return session.scalar(
        select(StoredFile)
        .where(StoredFile.sha256 == sha256, StoredFile.uploader_id == uploader_id,
               StoredFile.source == source, StoredFile.status == "received")
        .order_by(StoredFile.id.desc()).limit(1)
    )


def get_by_idempotency_key(session: Session, key: str,
                           uploader_id: int | None) -> StoredFile | None:
    return session.scalar(
        select(StoredFile)
        .where(StoredFile.idempotency_key == key, StoredFile.uploader_id == uploader_id)
        .order_by(StoredFile.id)
    )


def get_interchange_by_key(session: Session, standard: str, sender: str, receiver: str,
                           control_number: str) -> Interchange | None:
    """The interchange holding this key: one the hub did not reject (a rejected one frees
    its key, see the partial unique index `uq_interchanges_key`)."""
    return session.scalar(
        select(Interchange).where(
            Interchange.standard == standard,
            Interchange.sender == sender,
            Interchange.receiver == receiver,
            Interchange.control_number == control_number,
            Interchange.status != "rejected",
        )
    )


def get_interchange_at(session: Session, file_id: int, position: int) -> Interchange | None:
    """The interchange an earlier run of this file stored at this position, if any."""
    return session.scalar(
        select(Interchange).where(Interchange.file_id == file_id,
                                  Interchange.position == position)
    )


def get_last_numeric_control(session: Session, standard: str, sender: str,
                             exclude_id: int) -> int | None:
    """The control number of the latest earlier interchange from a sender, if numeric."""
    for number in session.scalars(
        select(Interchange.control_number)
        .where(Interchange.standard == standard, Interchange.sender == sender,
               Interchange.id != exclude_id)
        .order_by(Interchange.id.desc()).limit(5)
    ):
        if number.isascii() and number.isdigit():
            return int(number)
    return None


def list_interchanges_of_file(session: Session, file_id: int) -> list[Interchange]:
    return list(session.scalars(
        select(Interchange).where(Interchange.file_id == file_id).order_by(Interchange.position)
    ))


def list_messages(session: Session, interchange_id: int) -> list[Message]:
    return list(session.scalars(
        select(Message).where(Message.interchange_id == interchange_id).order_by(Message.position)
    ))


def count_messages_of_file(session: Session, file_id: int) -> list[tuple[str, str, int]]:
    """(message type, status, how many) over every interchange of a file."""
    return [(kind, status, count) for kind, status, count in session.execute(
        select(Message.type, Message.status, func.count())
        .join(Interchange, Interchange.id == Message.interchange_id)
        .where(Interchange.file_id == file_id)
        .group_by(Message.type, Message.status)
    )]


def list_issues_of_file(session: Session, file_id: int) -> list[EdiIssue]:
    return list(session.scalars(
        select(EdiIssue).where(EdiIssue.file_id == file_id).order_by(EdiIssue.id)
    ))


def list_acknowledgements_of_file(session: Session, file_id: int) -> list[Acknowledgement]:
    return list(session.scalars(
        select(Acknowledgement)
        .where(Acknowledgement.file_id == file_id, Acknowledgement.direction == "outbound")
        .order_by(Acknowledgement.id)
    ))


def next_control_number(session: Session, partner_key: str, kind: str) -> int:
    """Take the next control number towards a partner (1, 2, ...), row-locked where the
    database supports it so concurrent ingests never hand out the same number."""
    counter = session.scalar(
        select(ControlCounter)
        .where(ControlCounter.partner_key == partner_key, ControlCounter.kind == kind)
        .with_for_update()
    )
    if counter is None:
        counter = ControlCounter(partner_key=partner_key, kind=kind, next_value=1)
        session.add(counter)
        session.flush()
    value = counter.next_value
    session.execute(
        update(ControlCounter)
        .where(ControlCounter.id == counter.id)
        .values(next_value=ControlCounter.next_value + 1)
    )
    session.expire(counter)
    return value


def clip(value: str | None, attribute) -> str | None:
    """A partner's text cut to the length of the column it goes into (envelope fields are
    recorded before anything can reject them, so they must always fit)."""
    length = attribute.property.columns[0].type.length
    return value if value is None or length is None or len(value) <= length else value[:length]


def get_file_for_update(session: Session, file_id: int) -> StoredFile | None:
    """A stored file, row-locked where the database supports it, so two reprocess runs of
    the same file take turns (the second finds what the first stored)."""
    return session.scalar(
        select(StoredFile).where(StoredFile.id == file_id).with_for_update()
        .execution_options(populate_existing=True)
    )


def has_interchanges(session: Session, file_id: int) -> bool:
    return session.scalar(select(exists().where(Interchange.file_id == file_id))) or False


def list_file_level_issues(session: Session, file_id: int) -> list[EdiIssue]:
    """The issues of a file that belong to no interchange (reading the stream, duplicates)."""
    return list(session.scalars(
        select(EdiIssue)
        .where(EdiIssue.file_id == file_id, EdiIssue.interchange_id.is_(None))
        .order_by(EdiIssue.id)
    ))


def delete_issues(session: Session, issues: list[EdiIssue]) -> None:
    for issue in issues:
        session.delete(issue)
    session.flush()


def list_files(session: Session, *, uploader_id: int | None, status: str | None,
               message_type: str | None, received_from: datetime | None,
               received_to: datetime | None, before_id: int | None,
               limit: int) -> list[tuple[StoredFile, int, int]]:
    """Stored files, newest first, each with its interchange and message counts.

    `uploader_id` narrows to one uploader; `message_type` keeps files that stored at least
    one message of that type; the window is `received_from <= received_at < received_to`.
    """
    interchange_count = (
        select(func.count(Interchange.id))
        .where(Interchange.file_id == StoredFile.id)
        .correlate(StoredFile).scalar_subquery()
    )
    message_count = (
        select(func.count(Message.id))
        .join(Interchange, Interchange.id == Message.interchange_id)
        .where(Interchange.file_id == StoredFile.id)
        .correlate(StoredFile).scalar_subquery()
    )
    query = select(StoredFile, interchange_count, message_count)
    if uploader_id is not None:
        query = query.where(StoredFile.uploader_id == uploader_id)
    if status is not None:
        query = query.where(StoredFile.status == status)
    if message_type is not None:
        query = query.where(
            select(Message.id)
            .join(Interchange, Interchange.id == Message.interchange_id)
            .where(Interchange.file_id == StoredFile.id, Message.type == message_type)
            .correlate(StoredFile).exists()
        )
    if received_from is not None:
        query = query.where(StoredFile.received_at >= received_from)
    if received_to is not None:
        query = query.where(StoredFile.received_at < received_to)
    if before_id is not None:
        query = query.where(StoredFile.id < before_id)
    rows = session.execute(query.order_by(StoredFile.id.desc()).limit(limit))
    return [(file, interchanges or 0, messages or 0) for file, interchanges, messages in rows]
