"""Queries for what arrived: stored files, interchanges, messages, issues, acknowledgements,
and the control-number counters of outbound envelopes."""

from __future__ import annotations

from sqlalchemy import select, update
from sqlalchemy.orm import Session, undefer

from app.store.models import (
    Acknowledgement,
    ControlCounter,
    EdiIssue,
    Interchange,
    Message,
    StoredFile,
)


def add_file(session: Session, file: StoredFile) -> StoredFile:
    session.add(file)
    session.flush()
    return file


def get_file(session: Session, file_id: int, *, with_content: bool = False) -> StoredFile | None:
    options = [undefer(StoredFile.content)] if with_content else []
    return session.get(StoredFile, file_id, options=options)


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


def get_by_idempotency_key(session: Session, key: str,
                           uploader_id: int | None) -> StoredFile | None:
    return session.scalar(
        select(StoredFile)
        .where(StoredFile.idempotency_key == key, StoredFile.uploader_id == uploader_id)
        .order_by(StoredFile.id)
    )


def get_interchange_by_key(session: Session, standard: str, sender: str, receiver: str,
                           control_number: str) -> Interchange | None:
    return session.scalar(
        select(Interchange).where(
            Interchange.standard == standard,
            Interchange.sender == sender,
            Interchange.receiver == receiver,
            Interchange.control_number == control_number,
        )
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
        if number.isdigit():
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
