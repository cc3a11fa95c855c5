"""Describe what an upload became: envelopes, messages, issues, acknowledgements."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from datetime import datetime
from typing import BinaryIO

from sqlalchemy.orm import Session, sessionmaker

from app.errors import (
    EmptyUpload,
    InterchangeRejected,
    InvalidParameter,
    NotFound,
    SenderNotUploader,
    UnreadableUpload,
)
from app.security import Caller
from app.services.ingest import Upload, ingest_upload, reprocess_file
from app.services.paging import cursor_int, encode_cursor
from app.settings import Settings
from app.store import interchange as ic_store
from app.store.db import session_scope
from app.store.models import Acknowledgement, StoredFile
from schemas.api import (
    AcknowledgementLink,
    InterchangeRead,
    IssueRead,
    MessageRead,
    Page,
    UploadRead,
)
from schemas.upload import UploadSummary


def get_visible_file(session: Session, file_id: int, caller: Caller | None) -> StoredFile:
    file = ic_store.get_file(session, file_id)
    if file is None or (caller is not None and not caller.is_ops
                        and file.uploader_id != caller.partner_id):
        raise NotFound(f"interchange upload {file_id} does not exist")
    return file


def open_stored(session: Session, file: StoredFile) -> BinaryIO:
    """A stored file's bytes as a seekable stream that fetches one chunk at a time while
    `session` stays open: a view reads only the part it shows."""
    return ic_store.open_content(session, file)


def stored_bytes(session: Session, file: StoredFile) -> Iterator[bytes]:
    """A stored file's bytes, a chunk at a time, read through `session`: a response streams
    them in the request's own transaction, which ends once the response is sent."""
    stream = ic_store.open_content(session, file)
    return iter(lambda: stream.read(ic_store.CHUNK_BYTES), b"")


def describe_upload(session: Session, file_id: int, caller: Caller | None) -> UploadRead:
    file = get_visible_file(session, file_id, caller)
    shown = file
    if file.duplicate_of_id is not None:
        shown = ic_store.get_file(session, file.duplicate_of_id) or file
    issues = ic_store.list_issues_of_file(session, shown.id)
    by_message: dict[int, list[IssueRead]] = defaultdict(list)
    by_interchange: dict[int, list[IssueRead]] = defaultdict(list)
    file_issues: list[IssueRead] = []
    for issue in issues:
        read = IssueRead.model_validate(issue)
        if issue.message_id is not None:
            by_message[issue.message_id].append(read)
        elif issue.interchange_id is not None:
            by_interchange[issue.interchange_id].append(read)
        else:
            file_issues.append(read)
    interchanges = []
    for row in ic_store.list_interchanges_of_file(session, shown.id):
        messages = [
            MessageRead(id=m.id, type=m.type, control_number=m.control_number,
                        version=m.version, status=m.status, issues=by_message[m.id])
            for m in ic_store.list_messages(session, row.id)
        ]
        interchanges.append(InterchangeRead(
            id=row.id, control_number=row.control_number, sender=row.sender,
            sender_qualifier=row.sender_qualifier, receiver=row.receiver,
            receiver_qualifier=row.receiver_qualifier, version=row.version, test=row.test,
            status=row.status, issues=by_interchange[row.id], messages=messages,
        ))
    acks = [_ack_link(file.id, a, shown.standard)
            for a in ic_store.list_acknowledgements_of_file(session, shown.id)]
    primary = next((a for a in acks if a.kind != "TA1"), acks[0] if acks else None)
    return UploadRead(
        id=file.id, standard=file.standard, status=file.status,
        duplicate=file.status == "duplicate", duplicate_of=file.duplicate_of_id,
        sha256=file.sha256, size=file.size, received_at=file.received_at,
        issues=file_issues, interchanges=interchanges, acknowledgement=primary,
        acknowledgements=acks,
    )


def _ack_link(file_id: int, ack: Acknowledgement, standard: str | None) -> AcknowledgementLink:
    return AcknowledgementLink(
        kind=ack.kind, standard=standard or "", status=ack.status,
        url=f"/v1/interchanges/{file_id}/ack" + (f"?kind={ack.kind}" if ack.kind == "TA1" else ""),
    )


def get_acknowledgement(session: Session, file_id: int, caller: Caller,
                        kind: str | None) -> Acknowledgement:
    file = get_visible_file(session, file_id, caller)
    source_id = file.duplicate_of_id or file.id
    acks = ic_store.list_acknowledgements_of_file(session, source_id)
    if kind:
        acks = [a for a in acks if a.kind == kind]
    else:
        acks = [a for a in acks if a.kind != "TA1"] or acks
    if not acks:
        raise NotFound(f"no acknowledgement was sent for upload {file_id}")
    return acks[0]


def list_uploads(session: Session, caller: Caller, *, status: str | None, partner_id: int | None,
                 message_type: str | None, received_from: datetime | None,
                 received_to: datetime | None, cursor: str | None,
                 limit: int) -> Page[UploadSummary]:
    """Uploads, newest first. Ops see every file (`partner_id` narrows to one uploader); any
    other caller sees only the files it uploaded, whatever `partner_id` says."""
    for name, value in (("received_from", received_from), ("received_to", received_to)):
        if value is not None and value.tzinfo is None:
            raise InvalidParameter(f"{name} needs a time zone (e.g. 2026-11-20T00:00:00Z)",
                                   location={"parameter": name})
    if received_from and received_to and received_from > received_to:
        raise InvalidParameter("received_from is after received_to",
                               location={"parameter": "received_from"})
    before_id = cursor_int(cursor, "before_id")
    if not caller.is_ops:
        if partner_id is not None and partner_id != caller.partner_id:
            return Page[UploadSummary](items=[])
        partner_id = caller.partner_id
    rows = ic_store.list_files(
        session, uploader_id=partner_id, status=status, message_type=message_type,
        received_from=received_from, received_to=received_to, before_id=before_id,
        limit=limit + 1)
    items = [
        UploadSummary(
            id=file.id, standard=file.standard, status=file.status, size=file.size,
            sha256=file.sha256, received_at=file.received_at, filename=file.filename,
            source=file.source, uploader_id=file.uploader_id, message_count=messages,
            interchange_count=interchanges, duplicate_of=file.duplicate_of_id)
        for file, interchanges, messages in rows[:limit]
    ]
    more = len(rows) > limit
    return Page[UploadSummary](
        items=items,
        next_cursor=encode_cursor({"before_id": items[-1].id}) if more and items else None)


def take_upload(sessions: sessionmaker[Session], upload: Upload, settings: Settings,
                caller: Caller | None) -> tuple[UploadRead, bool]:
    """Ingest one upload and describe what it became; `(described, repeat)`, repeat being
    True for an answer about an earlier upload (a duplicate, or a repeated Idempotency-Key).

    A transaction boundary (like a request): ingest commits its own transactions, then the
    description is read in one more. Callers that answer over HTTP pass the result to
    `raise_for_rejection`.
    """
    if not any(piece.strip() for piece in upload.pieces()):
        raise EmptyUpload("the upload is empty: send the EDI file itself")
    outcome = ingest_upload(sessions, upload, settings)
    with session_scope(sessions) as session:
        described = describe_upload(session, outcome.file_id, caller)
    return described, outcome.duplicate or not outcome.created


def raise_for_rejection(described: UploadRead) -> None:
    """The problem document for an upload nothing of which was accepted, naming where."""
    extra = {"upload": described.model_dump(mode="json")}
    if described.status == "failed":
        first = described.issues[0] if described.issues else None
        raise UnreadableUpload(
            first.text if first else "the upload cannot be read",
            location=first.location if first else None, extra=extra)
    for interchange in described.interchanges:
        for issue in interchange.issues:
            if issue.code == "sender-not-uploader":
                raise SenderNotUploader(issue.text, location=issue.location, extra=extra)
    if described.status == "rejected":
        # (interchange control number or None, issue): the detail names the interchange
        issues = [(ic.control_number, i) for ic in described.interchanges for i in ic.issues] + [
            (ic.control_number, i) for ic in described.interchanges for m in ic.messages
            for i in m.issues
        ] + [(None, i) for i in described.issues]
        errors = [pair for pair in issues if pair[1].severity == "error"] or issues
        control, first = errors[0] if errors else (None, None)
        detail = "nothing in the upload was accepted"
        if first is not None:
            where = ", ".join(f"{k} {v}" for k, v in first.location.items())
            detail = f"{first.text} ({where})" if where else first.text
            if control:
                detail = f"interchange {control}: {detail}"
        raise InterchangeRejected(detail, location=first.location if first else None,
                                  extra=extra)


def reprocess_upload(sessions: sessionmaker[Session], file_id: int, caller: Caller | None,
                     settings: Settings) -> UploadRead:
    """Run an upload's stored bytes through the pipeline again (ops, or the inbox with no
    caller); what it became now. A transaction boundary, like `take_upload`."""
    reprocess_file(sessions, file_id, settings)
    with session_scope(sessions) as session:
        return describe_upload(session, file_id, caller)
