"""Ingest: store the raw bytes, parse, map, write the facts, acknowledge.

The same pipeline serves the upload endpoint, the CLI and the inbox job. It runs as two
transactions, which is why `ingest_upload` is given a session factory (it is the
transaction boundary, like a request or a job):

1. the raw bytes are stored and committed before anything else, so nothing a partner sent
   is ever lost, even when parsing fails or the process dies half-way;
2. the file is parsed and each interchange is written in a savepoint: all its facts or none.
"""

from __future__ import annotations

import gc
import hashlib
import io
import logging
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from typing import BinaryIO

from sqlalchemy.exc import IntegrityError, OperationalError, StatementError
from sqlalchemy.orm import Session, sessionmaker

import edi
from adapters import MappingError, adapter_for
from adapters.common import is_digits
from app import metrics
from app.errors import Conflict, IdempotencyKeyReused, NotFound
from app.services import acknowledgement, parties
from app.services.demand import apply_planning_schedule, apply_product_activity
from app.services.invoices import apply_invoice
from app.services.orders import (
    apply_new_orders,
    apply_order,
    apply_order_response,
    po_numbers_with_history,
)
from app.services.outbound import apply_functional_ack
from app.services.parties import FactContext
from app.services.shipments import apply_ship_notice
from app.settings import Settings
from app.store import bulk
from app.store import interchange as ic_store
from app.store import partner as partner_store
from app.store.db import session_scope
from app.store.models import EdiIssue, Interchange, Message, Partner, StoredFile
from app.store.types import utcnow
from edi.edifact.syntax import UNSPECIFIED as UNSPECIFIED_ERROR
from edi.model import Issue, Scope, Severity
from schemas.documents import (
    FunctionalAckDoc,
    InvoiceDoc,
    OrderDoc,
    OrderResponseDoc,
    PlanningScheduleDoc,
    ProductActivityDoc,
    ShipNoticeDoc,
)

log = logging.getLogger("edihub.ingest")

APPLY = {
    OrderDoc: apply_order,
    OrderResponseDoc: apply_order_response,
    ShipNoticeDoc: apply_ship_notice,
    ProductActivityDoc: apply_product_activity,
    InvoiceDoc: apply_invoice,
    PlanningScheduleDoc: apply_planning_schedule,
    FunctionalAckDoc: apply_functional_ack,
}


@dataclass(frozen=True, slots=True)
class Upload:
    """One file to ingest. Its bytes come whole (`content`) or as a seekable binary `file`
    (an HTTP body spooled to disk, a file the CLI or the inbox opened), which is read in
    pieces so a large upload is never held whole."""

    source: str  # upload | inbox | cli | demo
    content: bytes | None = None
    file: BinaryIO | None = None
    uploader_id: int | None = None  # the partner whose key sent it
    uploader_is_ops: bool = True
    filename: str | None = None
    content_type: str | None = None
    idempotency_key: str | None = None

    def __post_init__(self) -> None:
        if (self.content is None) == (self.file is None):
            raise ValueError("an Upload takes its bytes as either content or file")

    def open(self) -> BinaryIO:
        """The upload's bytes from the start (the caller's file is rewound, not closed)."""
        if self.file is None:
            return io.BytesIO(self.content)
        self.file.seek(0)
        return self.file

    def pieces(self) -> Iterator[bytes]:
        """The upload's bytes from the start, one stored chunk's worth at a time."""
        stream = self.open()
        return iter(lambda: stream.read(ic_store.CHUNK_BYTES), b"")


@dataclass(frozen=True, slots=True)
class Outcome:
    file_id: int
    duplicate: bool
    created: bool  # False when an Idempotency-Key or identical bytes found an earlier upload


def ingest_upload(sessions: sessionmaker[Session], upload: Upload, settings: Settings) -> Outcome:
    """Store, then process, one upload; returns the file to describe to the caller."""
    conflict: IdempotencyKeyReused | None = None
    with session_scope(sessions) as session:
        if upload.idempotency_key:
            earlier = ic_store.get_by_idempotency_key(
                session, upload.idempotency_key, upload.uploader_id)
            if earlier is not None and earlier.sha256 == _sha256(upload.pieces()):
                return Outcome(earlier.id, duplicate=earlier.status == "duplicate", created=False)
            if earlier is not None:
                # A reused key with other bytes: keep the bytes (nothing sent is lost), process
                # nothing, and tell the caller which upload the key belongs to.
                stored = receive_file(session, replace(upload, idempotency_key=None))
                stored.status = "rejected"
                stored.error = (f"Idempotency-Key {upload.idempotency_key!r} was used for "
                                f"upload {earlier.id} with different content")
                conflict = IdempotencyKeyReused(
                    stored.error, extra={"upload_id": stored.id, "original_upload_id":
                                         earlier.id})
        if conflict is None:
            stored = receive_file(session, upload)
        file_id = stored.id
    if conflict is not None:
        raise conflict
    started = time.perf_counter()
    for attempt in range(1, RACE_ATTEMPTS + 1):
        try:
            with session_scope(sessions) as session:
                duplicate = process_file(session, file_id, settings,
                                         uploader_is_ops=upload.uploader_is_ops,
                                         content=upload.open())
            break
        except (IntegrityError, OperationalError) as exc:
            # A concurrent upload committed this interchange (or a row this one was creating)
            # first, or the two deadlocked: run again, now seeing what it committed.
            if not _lost_race(exc):
                raise
            log.info("upload %s lost a race (%s); attempt %d", file_id,
                     type(exc.orig).__name__, attempt)
            if attempt == RACE_ATTEMPTS:
                raise Conflict(f"interchange upload {file_id} raced with concurrent uploads; "
                               "send it again") from exc
    with session_scope(sessions) as session:
        _count(session, file_id, upload.source, time.perf_counter() - started)
    return Outcome(file_id, duplicate=duplicate, created=True)


# How often an ingest that lost a race with a concurrent one is run again.
RACE_ATTEMPTS = 3
# PostgreSQL SQLSTATEs of a transaction that lost to a concurrent one and may simply be re-run.
_RETRYABLE_SQLSTATES = {"40001", "40P01"}  # serialization_failure, deadlock_detected


def _lost_race(exc: IntegrityError | OperationalError) -> bool:
    """Whether re-running can succeed: a unique key a concurrent upload took first, a
    deadlock or a serialization failure. Any other constraint failure is bad data or a
    defect, and re-running would only hide it."""
    if isinstance(exc, IntegrityError):
        return (getattr(exc.orig, "sqlstate", None) == "23505"  # unique_violation
                or str(exc.orig).startswith("UNIQUE constraint failed"))  # SQLite
    return getattr(exc.orig, "sqlstate", None) in _RETRYABLE_SQLSTATES


def _count(session: Session, file_id: int, source: str, seconds: float) -> None:
    file = ic_store.get_file(session, file_id)
    standard = file.standard or "unknown"
    metrics.UPLOADS.labels(source, standard, file.status).inc()
    metrics.INGEST_SECONDS.labels(standard).observe(seconds)
    for kind, status, count in ic_store.count_messages_of_file(session, file_id):
        metrics.MESSAGES.labels(standard, kind, status).inc(count)


def reprocess_file(sessions: sessionmaker[Session], file_id: int,
                   settings: Settings) -> Outcome:
    """Run a stored file's bytes through the pipeline again, in a transaction of its own.

    For a file that was never processed (`received`: the process died after storing the
    bytes) or could not be read (`failed`) this is its processing. Interchanges an earlier run
    stored keep their facts and status; only interchanges not yet stored are ingested, and
    the file's status is computed again. Issues outside any interchange are derived afresh;
    when they come out the same the earlier rows are kept, so running it twice changes
    nothing. The uploader's role is taken from its partner record (as the CLI does).
    """
    with session_scope(sessions) as session:
        file = ic_store.get_file_for_update(session, file_id)
        if file is None:
            raise NotFound(f"interchange upload {file_id} does not exist")
        uploader = partner_store.get_by_id(session, file.uploader_id) if file.uploader_id \
            else None
        earlier_issues = ic_store.list_file_level_issues(session, file.id)
        if file.status in ("received", "failed"):
            file.error = None
        file.duplicate_of_id = None  # found again by process_file when it still is one
        try:
            duplicate = process_file(session, file.id, settings,
                                     uploader_is_ops=uploader is None or uploader.role == "ops")
        except IntegrityError as exc:  # another run stored one of its interchanges meanwhile
            raise Conflict(f"interchange upload {file_id} is being processed by another "
                           "request; try again") from exc
        _keep_earlier_issues(session, file.id, earlier_issues)
    return Outcome(file_id, duplicate=duplicate, created=False)


def _keep_earlier_issues(session: Session, file_id: int, earlier: list[EdiIssue]) -> None:
    """After a re-run: keep the earlier file-level issues if the run found the same ones,
    else replace them with the new ones."""
    known = {issue.id for issue in earlier}
    fresh = [i for i in ic_store.list_file_level_issues(session, file_id) if i.id not in known]

    def signature(issues: list[EdiIssue]) -> list[tuple]:
        return [(i.code, i.severity, i.scope, i.location, i.text, i.message_id)
                for i in issues]

    ic_store.delete_issues(session, fresh if signature(fresh) == signature(earlier)
                           else earlier)


def _sha256(pieces: Iterator[bytes]) -> str:
    digest = hashlib.sha256()
    for piece in pieces:
        digest.update(piece)
    return digest.hexdigest()


def receive_file(session: Session, upload: Upload) -> StoredFile:
    """Store an upload's bytes chunk by chunk, its sha256 and size taken on the way (the
    row is written first, as the chunks point to it; its placeholders are replaced before
    the transaction ends)."""
    file = ic_store.add_file(session, StoredFile(
        sha256="",
        size=0,
        source=upload.source,
        uploader_id=upload.uploader_id,
        filename=upload.filename,
        content_type=upload.content_type,
        idempotency_key=upload.idempotency_key,
        status="received",
    ))
    digest = hashlib.sha256()

    def hashed(pieces: Iterator[bytes]) -> Iterator[bytes]:
        for piece in pieces:
            digest.update(piece)
            file.size += len(piece)
            yield piece

    ic_store.add_content(session, file.id, hashed(upload.pieces()))
    file.sha256 = digest.hexdigest()
    session.flush()
    return file


def process_file(session: Session, file_id: int, settings: Settings, *,
                 uploader_is_ops: bool, content: BinaryIO | None = None) -> bool:
    """Parse and map a stored file; returns True when it was a duplicate of an earlier one.

    `content`: the file's bytes as a stream from the start when the caller still has them
    (an upload just stored), so they are not fetched back from the store."""
    file = ic_store.get_file(session, file_id)
    if file is None:
        raise LookupError(f"stored file {file_id} does not exist")
    # A file that already holds interchanges (a reprocess) keeps them: it is no duplicate.
    earlier = None if ic_store.has_interchanges(session, file.id) else (
        ic_store.get_processed_by_sha256(session, file.sha256, file.uploader_id, file.id))
    if earlier is not None:
        file.status, file.duplicate_of_id, file.standard = "duplicate", earlier.id, earlier.standard
        return True
    limits = edi.Limits(
        max_segments_per_interchange=settings.max_segments_per_interchange,
        xml_max_bytes=settings.xml_max_bytes,
        xml_max_depth=settings.xml_max_depth,
    )
    uploader = partner_store.get_by_id(session, file.uploader_id) if file.uploader_id \
        else None
    statuses: list[str] = []
    duplicates: list[Issue] = []
    try:
        # The file is read as a stream, one interchange at a time, each written as soon as
        # it is complete: memory is bounded by the largest interchange, not the file. A
        # stream that turns out unreadable half-way leaves nothing of the file behind, as if
        # it had been refused at once.
        with fewer_full_collections(), session.begin_nested():
            reader = _reader(ic_store.open_content(session, file) if content is None
                             else content, limits)
            for position, interchange in enumerate(_interchanges(reader), start=1):
                status = _ingest_interchange(session, file, position, interchange, uploader,
                                             uploader_is_ops)
                statuses.append(status)
                if status == "duplicate":
                    env = interchange.envelope
                    where = (env.header.location() if env.header
                             else edi.Location(offset=env.offset))
                    duplicates.append(Issue(
                        "duplicate-interchange", Severity.WARNING, Scope.INTERCHANGE, where,
                        f"interchange {env.control_number} from {env.sender.strip()} to "
                        f"{env.receiver.strip()} was received before; its facts are counted "
                        "once"))
    except edi.UnreadableStream as exc:
        parties.forget_resolved(session)
        file.status, file.error = "failed", exc.message
        session.add(EdiIssue(file_id=file.id, code=exc.code, severity="error",
                             scope="interchange", location=exc.location.as_dict(),
                             text=exc.message))
        return False
    parsed = reader.result
    file.standard = parsed.standard.value
    _record_issues(session, file.id, None, None, [*parsed.issues, *duplicates])
    file.status = _file_status(statuses, bool(parsed.issues))
    if statuses and all(s == "duplicate" for s in statuses):
        file.status = "duplicate"
        return True
    return False


# Python collects its oldest generation (the whole heap: ~90 ms with the app loaded) once
# this many younger collections have run (and enough objects have been promoted since the
# last time); its default is 10. An interchange's segments, documents and rows live until it
# is written, so they are promoted wholesale: at the default, an 850 ingest ran a full
# collection every ~170 orders, a quarter of its CPU, and those collections found next to
# nothing to free (the ingest's garbage is freed by reference counting, or young). At 1,000
# a full collection still comes every ~15,000 orders. Young generations are collected as
# before.
FULL_COLLECTION_THRESHOLD = 1000
_collections_lock = threading.Lock()
_ingests_running = 0
_threshold_before: tuple[int, ...] = ()


@contextmanager
def fewer_full_collections() -> Iterator[None]:
    """Raise the oldest generation's collection threshold to `FULL_COLLECTION_THRESHOLD`
    while any ingest runs in this process (ingests may overlap in threads); the threshold
    found before the first is put back when the last one ends."""
    global _ingests_running, _threshold_before
    with _collections_lock:
        if _ingests_running == 0:
            _threshold_before = gc.get_threshold()
            young, middle, oldest = _threshold_before
            gc.set_threshold(young, middle, max(oldest, FULL_COLLECTION_THRESHOLD))
        _ingests_running += 1
    try:
        yield
    finally:
        with _collections_lock:
            _ingests_running -= 1
            if _ingests_running == 0:
                gc.set_threshold(*_threshold_before)


def _reader(stream: BinaryIO, limits: edi.Limits):
    """A streaming reader of the standard the stream starts with (`edi.parse`, without
    keeping every message): iterating it yields messages, `result` keeps the envelopes.
    `stream` is seekable and at its start; it is rewound after its head is sniffed."""
    standard = edi.detect(stream.read(4096))
    stream.seek(0)
    # Imported on first use, as `edi` does, so X12 work never loads lxml or pydifact.
    if standard is edi.Standard.X12:
        from edi.x12.reader import X12Reader

        return X12Reader(stream, limits, retain=False)
    if standard is edi.Standard.EDIFACT:
        from edi.edifact.reader import EdifactReader

        return EdifactReader(stream, limits, retain=False)
    from edi.xml.reader import XmlReader

    return XmlReader(stream, limits, retain=False)


def _interchanges(reader) -> Iterator[edi.Interchange]:
    """Each interchange of the stream once it is complete (its trailer checks made), with its
    groups' messages; they are let go once the caller is done with it."""
    found = reader.result.interchanges
    done = 0

    def finished(until: int) -> Iterator[edi.Interchange]:
        nonlocal done
        while done < until:
            interchange = found[done]
            yield interchange
            done += 1
            for group in interchange.groups:
                group.messages = []

    for message in reader:
        index = next((k for k in range(len(found) - 1, done - 1, -1)
                      if found[k].envelope is message.interchange), len(found) - 1)
        yield from finished(index)
        groups = found[index].groups
        group = next((g for g in reversed(groups) if g.envelope is message.group), None)
        if group is None:
            group = edi.Group(envelope=message.group or edi.Envelope())
            groups.append(group)
        group.messages.append(message)
    yield from finished(len(found))


def _ingest_interchange(session: Session, file: StoredFile, position: int,
                        interchange: edi.Interchange, uploader: Partner | None,
                        uploader_is_ops: bool) -> str:
    env = interchange.envelope
    standard = interchange.standard.value
    clip = ic_store.clip
    earlier_run = ic_store.get_interchange_at(session, file.id, position)
    if earlier_run is not None:
        # This very interchange, stored by an earlier run of this file (a reprocess): its
        # facts stay as they are, and it counts with the status it was given then.
        return earlier_run.status
    scheme, sender_id = parties.sender_identifier(standard, env)
    sender = parties.resolve_identifier(session, scheme, sender_id)
    sender_rejected = (
        not uploader_is_ops and uploader is not None
        and (sender is None or sender.id != uploader.id)
    )
    # The sender is checked before the duplicate look-up: an uploader is never told whether
    # another partner's interchange was received, and its refused copy takes no key.
    if not sender_rejected and ic_store.get_interchange_by_key(
            session, standard, clip(env.sender.strip(), Interchange.sender),
            clip(env.receiver.strip(), Interchange.receiver),
            clip(env.control_number, Interchange.control_number)) is not None:
        return "duplicate"
    if sender is None and not sender_rejected:
        sender = parties.resolve_or_create(session, scheme, sender_id, name=None, role="other")
    receiver = parties.resolve_identifier(session, *parties.receiver_identifier(standard, env))

    with session.begin_nested():
        row = Interchange(
            file_id=file.id, position=position, standard=standard,
            version=clip(env.version, Interchange.version),
            sender=clip(env.sender.strip(), Interchange.sender),
            sender_qualifier=clip(env.sender_qualifier.strip() or None,
                                  Interchange.sender_qualifier),
            receiver=clip(env.receiver.strip(), Interchange.receiver),
            receiver_qualifier=clip(env.receiver_qualifier.strip() or None,
                                    Interchange.receiver_qualifier),
            control_number=clip(env.control_number, Interchange.control_number),
            # a refused interchange is stored as rejected from the start: it takes no key
            test=env.test, status="rejected" if sender_rejected else "accepted",
            partner_id=sender.id if sender is not None and not sender_rejected else None,
        )
        session.add(row)
        session.flush()
        _record_issues(session, file.id, row.id, None, interchange.issues)
        _record_issues(session, file.id, row.id, None, _control_number_ledger(session, row))
        if sender_rejected:
            issue = Issue("sender-not-uploader", Severity.ERROR, Scope.INTERCHANGE,
                          env.header.location() if env.header else edi.Location(),
                          f"the interchange sender {scheme}:{sender_id} is not an identifier "
                          "of the uploading partner")
            _record_issues(session, file.id, row.id, None, [issue])
            row.status = "rejected"
            file.error = issue.message
            return "rejected"
        envelope_rejected = any(
            i.severity is Severity.ERROR for i in interchange.envelope.issues)
        statuses = _ingest_messages(session, file, row, interchange, sender, receiver,
                                    envelope_rejected)
        row.status = _interchange_status(envelope_rejected, statuses)
        acknowledgement.acknowledge(session, file.id, row, interchange, utcnow())
        return row.status


# At most this many new orders are written together (bounding what is held mapped at once
# and the size of each statement).
BATCH_MESSAGES = 500


@dataclass(slots=True)
class _Prepared:
    """A message mapped (or refused) but not written yet. `documents` are what its facts
    come from; None when it is refused or unsupported, which `status` then says."""

    message: edi.Message
    issues: list[Issue]  # recorded against it
    documents: list | None = None
    status: str = "accepted"

    @property
    def new_order(self) -> OrderDoc | None:
        """The order it places when it may be written together with others: one order
        document that does not cancel (whether the store knows its PO is asked later)."""
        if self.documents is None or len(self.documents) != 1:
            return None
        document = self.documents[0]
        return document if isinstance(document, OrderDoc) and document.purpose != "cancel" \
            else None


def _ingest_messages(session: Session, file: StoredFile, row: Interchange,
                     interchange: edi.Interchange, sender: Partner, receiver: Partner | None,
                     envelope_rejected: bool) -> list[str]:
    """Write the messages of an interchange; returns their statuses, in order.

    New orders (a PO not seen before: the usual 850) are written together, one statement
    per table (`_write_new_orders`); any other message ends the batch and is written alone,
    as are orders that change, replace or cancel, repeat a PO of the batch, or that a
    promise or ship notice waits for. So everything is written in the order it was sent,
    and each message ends up as it would alone."""
    statuses: list[str] = []
    batch: dict[str, _Prepared] = {}  # by PO number

    def write_batch() -> None:
        statuses.extend(_write_new_orders(session, file, row, list(batch.values()), sender,
                                          receiver))
        batch.clear()

    for group in interchange.groups:
        group_rejected = envelope_rejected or any(
            i.severity is Severity.ERROR for i in group.envelope.issues)
        for message in group.messages:
            prepared = _prepare(message, group_rejected)
            order = prepared.new_order
            if order is not None and order.po_number not in batch:
                batch[order.po_number] = prepared
                if len(batch) == BATCH_MESSAGES:
                    write_batch()
                continue
            write_batch()
            statuses.append(_write_message(session, file, row, prepared, sender, receiver))
    write_batch()
    return statuses


def _prepare(message: edi.Message, rejected_above: bool) -> _Prepared:
    """Map a message (no store access); what the mapping reports is added to the message's
    issues, so the acknowledgement reports it."""
    issues = list(message.issues)
    if rejected_above or not message.accepted:
        return _Prepared(message, issues, status="rejected")
    adapter = adapter_for(message)
    if adapter is None:
        return _Prepared(message, issues, status="unsupported")
    try:
        mapped = _map(adapter, message)
    except MappingError as exc:
        issues.append(exc.issue)
        message.issues.append(exc.issue)
        return _Prepared(message, issues, status="rejected")
    issues.extend(mapped.issues)
    message.issues.extend(mapped.issues)
    return _Prepared(message, issues, documents=mapped.documents)


def _write_message(session: Session, file: StoredFile, row: Interchange, prepared: _Prepared,
                   sender: Partner, receiver: Partner | None) -> str:
    """Write one message alone: its row, its facts in a savepoint of their own
    (`_apply_all`), its issues."""
    record = _message_row(row, prepared.message, "accepted")
    session.add(record)
    session.flush()
    issues = prepared.issues
    if prepared.documents is None:
        record.status = prepared.status
    else:
        ctx = FactContext(message_id=record.id, sender=sender, receiver=receiver,
                          test=row.test, received_at=file.received_at or utcnow())
        failure = _apply_all(session, prepared.documents, ctx, prepared.message)
        if failure is not None:
            issues = [*issues, failure]
            prepared.message.issues.append(failure)
            record.status = "rejected"
        else:
            record.status = _status_of_mapped(issues)
    _record_issues(session, file.id, row.id, record.id, issues)
    return record.status


def _write_new_orders(session: Session, file: StoredFile, row: Interchange,
                      batch: list[_Prepared], sender: Partner,
                      receiver: Partner | None) -> list[str]:
    """Write messages that each place a new order (`_Prepared.new_order`, no two with the
    same PO); returns their statuses. Those whose PO the store knows after all (an order,
    a waiting promise or ship notice) are written alone, in their place."""
    if not batch:
        return []
    known = po_numbers_with_history(
        session, sender, [prepared.new_order.po_number for prepared in batch], row.test)
    statuses: list[str] = []
    start = 0
    for end, prepared in enumerate(batch):
        if prepared.new_order.po_number in known:
            statuses += _write_together(session, file, row, batch[start:end], sender, receiver)
            statuses.append(_write_message(session, file, row, prepared, sender, receiver))
            start = end + 1
    statuses += _write_together(session, file, row, batch[start:], sender, receiver)
    return statuses


def _write_together(session: Session, file: StoredFile, row: Interchange,
                    batch: list[_Prepared], sender: Partner,
                    receiver: Partner | None) -> list[str]:
    """Write new orders in one savepoint: message rows, orders, lines, revisions,
    interactions and issues, one statement per table (`apply_new_orders`). If the store
    refuses any of it, all are written again one by one, so only the message at fault is
    rejected, with the reason it would have been given alone."""
    if not batch:
        return []
    now = utcnow()
    records = [dict(_message_values(row, prepared.message, _status_of_mapped(prepared.issues)),
                    created_at=now) for prepared in batch]
    try:
        with session.begin_nested():
            message_ids = bulk.insert_rows_with_ids(session, Message.__table__, records)
            apply_new_orders(session, [
                (prepared.new_order, FactContext(
                    message_id=message_id, sender=sender, receiver=receiver, test=row.test,
                    received_at=file.received_at or utcnow()))
                for prepared, message_id in zip(batch, message_ids, strict=True)])
            for prepared, message_id in zip(batch, message_ids, strict=True):
                session.add_all(_issue_rows(file.id, row.id, message_id, prepared.issues))
            session.flush()
    except StatementError as exc:  # the store refused a value or a constraint
        parties.forget_resolved(session)  # what the savepoint created is gone
        if isinstance(exc, OperationalError):
            raise  # the database is unavailable: not these messages' fault
        return [_write_message(session, file, row, prepared, sender, receiver)
                for prepared in batch]
    for prepared in batch:
        metrics.ROWS_WRITTEN.labels(prepared.new_order.kind).inc(
            _fact_rows(prepared.new_order))
    return [record["status"] for record in records]


def _message_row(row: Interchange, message: edi.Message, status: str) -> Message:
    return Message(**_message_values(row, message, status))


def _message_values(row: Interchange, message: edi.Message, status: str) -> dict:
    """The columns of a message's row."""
    clip = ic_store.clip
    group = message.group
    return dict(
        interchange_id=row.id, position=message.index or 1,
        type=clip(message.type, Message.type),
        control_number=clip(message.control_number, Message.control_number),
        version=clip(message.version, Message.version),
        group_control_number=clip(group.control_number, Message.group_control_number)
        if group else None,
        functional_id=clip(group.functional_id, Message.functional_id) if group else None,
        segment_count=len(message.segments), offset=message.offset, status=status,
    )


def _status_of_mapped(issues: list[Issue]) -> str:
    """The status of a message whose facts were written."""
    has_warnings = any(i.severity is Severity.WARNING for i in issues)
    return "accepted_with_errors" if has_warnings else "accepted"


def _map(adapter, message: edi.Message):
    """Run an adapter. It reports what it cannot map as a located MappingError; anything
    else it raises on a partner's input is a defect in it, but the partner must still get an
    answer, not a 500: the message is rejected with the reason, and the defect is logged."""
    try:
        return adapter(message)
    except MappingError:
        raise
    except (ValueError, ArithmeticError, LookupError, TypeError) as exc:
        log.exception("adapter for %s %s failed", message.type, message.control_number)
        raise MappingError(Issue(
            STORE_FAILURE_CODES.get(message.standard, "mapping-failed"), Severity.ERROR,
            Scope.TRANSACTION,
            edi.Location(offset=message.offset, segment_number=1,
                         segment_tag=message.segments[0].tag if message.segments else None),
            f"the {message.type} {message.control_number} could not be mapped: "
            f"{type(exc).__name__}: {exc}"[:500])) from exc


# The code a store failure is reported under: X12 AK5/IK5 5 "one or more segments in
# error", EDIFACT 0085 18 "unspecified error".
STORE_FAILURE_CODES = {edi.Standard.X12: "5", edi.Standard.EDIFACT: UNSPECIFIED_ERROR}


def _apply_all(session: Session, documents: list, ctx: FactContext,
               message: edi.Message) -> Issue | None:
    """Write a message's facts in a savepoint of their own: if the store refuses them (a value
    longer than its column, a constraint), only this message is rejected, with the reason."""
    try:
        for attempt in range(1, RACE_ATTEMPTS + 1):
            try:
                with session.begin_nested():
                    for document in documents:
                        APPLY[type(document)](session, document, ctx)
                break
            except IntegrityError:
                # A concurrent upload may have committed a product or location this message
                # was creating: the next statement sees it (read committed), so try again.
                parties.forget_resolved(session)  # what the savepoint created is gone
                if attempt == RACE_ATTEMPTS:
                    raise
        for document in documents:
            metrics.ROWS_WRITTEN.labels(document.kind).inc(_fact_rows(document))
    except StatementError as exc:  # the store refused a value or a constraint
        parties.forget_resolved(session)
        if isinstance(exc, OperationalError):
            raise  # the database is unavailable: not this message's fault
        reason = str(exc.orig).strip().splitlines()[0] if exc.orig else type(exc).__name__
        return Issue(
            STORE_FAILURE_CODES.get(message.standard, "store-failed"), Severity.ERROR,
            Scope.TRANSACTION,
            edi.Location(offset=message.offset, segment_number=1,
                         segment_tag=message.segments[0].tag if message.segments else None),
            f"the {message.type} {message.control_number} could not be stored: {reason}")
    return None


def _control_number_ledger(session: Session, row: Interchange) -> list[Issue]:
    """Control numbers per sender are a ledger: one that goes backwards or skips is noted."""
    if not is_digits(row.control_number):
        return []
    last = ic_store.get_last_numeric_control(session, row.standard, row.sender, row.id)
    if last is None:
        return []
    current = int(row.control_number)
    location = edi.Location(segment_tag="ISA" if row.standard == "x12" else "UNB", element=13
                            if row.standard == "x12" else 5)
    if current <= last:
        text = (f"control number {current} is not after the last one received from "
                f"{row.sender} ({last})")
    elif current > last + 1:
        text = (f"control number {current} skips {current - last - 1} after the last one "
                f"received from {row.sender} ({last})")
    else:
        return []
    return [Issue("control-number-sequence", Severity.WARNING, Scope.INTERCHANGE, location,
                  text)]


def _fact_rows(document) -> int:
    """How many fact rows a document writes (lines, facts, buckets), for the metrics."""
    if isinstance(document, ProductActivityDoc):
        return len(document.sales) + len(document.inventory)
    if isinstance(document, PlanningScheduleDoc):
        return sum(len(line.buckets) for line in document.lines)
    return max(len(getattr(document, "lines", ())), 1)


def _record_issues(session: Session, file_id: int, interchange_id: int | None,
                   message_id: int | None, issues: list[Issue]) -> None:
    session.add_all(_issue_rows(file_id, interchange_id, message_id, issues))
    session.flush()


def _issue_rows(file_id: int, interchange_id: int | None, message_id: int | None,
                issues: list[Issue]) -> list[EdiIssue]:
    return [EdiIssue(file_id=file_id, interchange_id=interchange_id, message_id=message_id,
                     code=issue.code, severity=issue.severity.value, scope=issue.scope.value,
                     location=issue.location.as_dict(), text=issue.message)
            for issue in issues]


def _interchange_status(envelope_rejected: bool, statuses: list[str]) -> str:
    if envelope_rejected:
        return "rejected"
    rejected = sum(1 for s in statuses if s == "rejected")
    if statuses and rejected == len(statuses):
        return "rejected"
    return "partially_accepted" if rejected else "accepted"


def _file_status(statuses: list[str], has_file_issues: bool) -> str:
    real = [s for s in statuses if s != "duplicate"]
    if not real:
        return "rejected" if has_file_issues or not statuses else "processed"
    if all(s == "rejected" for s in real):
        return "rejected"
    if any(s in ("rejected", "partially_accepted") for s in real) or has_file_issues:
        return "partially_accepted"
    return "processed"
