"""The inbox: partners (or their transfer software) drop files in `<inbox>/<partner-slug>/`;
each settled file is ingested exactly like an upload by that partner, then moved to
`archive/` or `error/` beside it with a `.reason.txt` saying what happened. Run by the inbox
job, this is a transaction boundary: each file is ingested in its own transactions.

A file still being written is left for the next run: it is taken only once its size and
modification time have not changed for `settle_seconds`.
"""

from __future__ import annotations

import hashlib
import os
import time
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy.orm import Session, sessionmaker

from app.errors import EmptyUpload
from app.services.ingest import Upload
from app.services.partners import Uploader, uploader_of
from app.services.uploads import reprocess_upload, take_upload
from app.settings import Settings
from app.store import interchange as ic_store
from app.store.db import session_scope
from app.store.types import utcnow
from schemas.api import UploadRead

ARCHIVE, ERROR = "archive", "error"
OK_STATUSES = ("processed", "partially_accepted", "duplicate")


@dataclass(slots=True)
class InboxReport:
    ingested: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    waiting: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {"ingested": self.ingested, "failed": self.failed, "waiting": self.waiting}


def scan_inbox(sessions: sessionmaker[Session], settings: Settings,
               settle_seconds: float) -> InboxReport:
    report = InboxReport()
    root = Path(settings.inbox_dir)
    if not root.is_dir():
        return report
    for folder in sorted(p for p in root.iterdir() if p.is_dir()):
        for path in sorted(p for p in folder.iterdir() if p.is_file()):
            if path.name.startswith(".") or path.name.endswith(".part"):
                continue
            if not _settled(path, settle_seconds):
                report.waiting.append(str(path.relative_to(root)))
                continue
            _take(sessions, settings, folder, path, report, root)
    return report


def _settled(path: Path, settle_seconds: float) -> bool:
    first = path.stat()
    if time.time() - first.st_mtime < settle_seconds:
        return False
    return path.stat().st_size == first.st_size


def _take(sessions, settings: Settings, folder: Path, path: Path, report: InboxReport,
          root: Path) -> None:
    with session_scope(sessions) as session:
        uploader = uploader_of(session, folder.name)
    name = str(path.relative_to(root))
    if uploader is None:
        _move(path, ERROR, f"no partner has the slug {folder.name!r}; the folder name must be "
                           "the uploading partner's slug")
        report.failed.append(name)
        return
    try:
        described = _ingest(sessions, settings, path, uploader)
    except EmptyUpload as refused:
        _move(path, ERROR, refused.detail)
        report.failed.append(name)
        return
    reason = f"upload {described.id}: {described.status}"
    problems = [i.text for i in described.issues] + [
        i.text for ic in described.interchanges for i in ic.issues if i.severity == "error"]
    if problems:
        reason += "\n" + "\n".join(problems[:20])
    if described.status in OK_STATUSES:
        _move(path, ARCHIVE, reason)
        report.ingested.append(name)
    else:
        _move(path, ERROR, reason)
        report.failed.append(name)


def _ingest(sessions, settings: Settings, path: Path, uploader: Uploader) -> UploadRead:
    """Ingest one inbox file as an upload by its folder's partner, read from disk in pieces
    (a large file is never held whole)."""
    with path.open("rb") as file:
        with session_scope(sessions) as session:
            # A run that died after storing this file's bytes left it unprocessed: finish
            # that one rather than storing the same bytes a second time.
            unfinished = ic_store.get_unfinished_by_sha256(
                session, hashlib.file_digest(file, "sha256").hexdigest(), uploader.partner_id,
                "inbox")
        if unfinished is not None:
            return reprocess_upload(sessions, unfinished.id, None, settings)
        described, _ = take_upload(sessions, Upload(
            file=file, source="inbox", uploader_id=uploader.partner_id,
            uploader_is_ops=uploader.trusted, filename=path.name), settings, None)
        return described


def _move(path: Path, where: str, reason: str) -> None:
    target_dir = path.parent / where
    target_dir.mkdir(exist_ok=True)
    stamp = utcnow().strftime("%Y%m%dT%H%M%S%f")
    target = target_dir / f"{stamp}-{path.name}"
    os.replace(path, target)
    target.with_name(target.name + ".reason.txt").write_text(reason + "\n")
