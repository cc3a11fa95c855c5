"""Uploads: `POST /v1/interchanges` and what became of them."""

from __future__ import annotations

import io
import tempfile
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import datetime
from typing import Annotated, BinaryIO

from fastapi import APIRouter, Header, Query, Request, Response
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import StreamingResponse

from app.deps import (
    MAX_ID,
    CallerDep,
    IdPath,
    OpsDep,
    SessionDep,
    SessionsDep,
    SettingsDep,
)
from app.errors import (
    Conflict,
    EmptyUpload,
    IdempotencyKeyReused,
    InterchangeRejected,
    InvalidApiKey,
    InvalidParameter,
    NotFound,
    ScopeDenied,
    SenderNotUploader,
    UnreadableUpload,
    UploadTooLarge,
    problem_responses,
)
from app.services.ingest import Upload
from app.services.uploads import (
    describe_upload,
    get_acknowledgement,
    get_visible_file,
    list_uploads,
    raise_for_rejection,
    reprocess_upload,
    stored_bytes,
    take_upload,
)
from schemas.api import Page, UploadRead
from schemas.upload import FileStatus, UploadSummary

router = APIRouter(prefix="/v1/interchanges", tags=["interchanges"])

# A raw body up to this size is spooled in memory, a larger one on disk (as Starlette does
# with multipart files), so an upload's size never shows in the process's memory.
SPOOL_BYTES = 4 * 1024 * 1024


@router.post(
    "",
    status_code=201,
    response_model=UploadRead,
    summary="Upload one EDI file (raw body or multipart `file`)",
    description=(
        "Send the file as the raw body (Content-Type application/edi-x12, application/edifact, "
        "application/xml or application/octet-stream; the standard is detected from the "
        "first bytes) or as multipart/form-data field `file`. The raw bytes are stored before "
        "parsing. Answers 201 with what was found, 200 with `duplicate: true` for a repeat of "
        "an earlier file or interchange, 422 when nothing in it could be accepted (the "
        "problem document carries the same description under `upload`)."
    ),
    responses={200: {"description": "A duplicate of an earlier upload", "model": UploadRead},
               **problem_responses(EmptyUpload, InvalidApiKey, SenderNotUploader,
                                   UploadTooLarge, UnreadableUpload, InterchangeRejected,
                                   IdempotencyKeyReused)},
)
async def upload_interchange(
    request: Request,
    response: Response,
    caller: CallerDep,
    settings: SettingsDep,
    sessions: SessionsDep,
    idempotency_key: Annotated[str | None, Header(max_length=100)] = None,
) -> UploadRead:
    async with _received_body(request, settings.max_upload_bytes) as (
            file, filename, content_type):
        upload = Upload(
            file=file, source="upload", uploader_id=caller.partner_id,
            uploader_is_ops=caller.is_ops, filename=filename, content_type=content_type,
            idempotency_key=idempotency_key,
        )
        described, repeat = await run_in_threadpool(take_upload, sessions, upload, settings,
                                                    caller)
    if repeat:
        response.status_code = 200
        return described
    raise_for_rejection(described)
    return described


@asynccontextmanager
async def _received_body(request: Request, limit: int
                         ) -> AsyncIterator[tuple[BinaryIO, str | None, str | None]]:
    """The uploaded file as a seekable spooled file, with its name and content type: the
    multipart part as Starlette spooled it, or the raw body spooled here. Refused (413)
    as soon as it is over `limit` bytes, before anything is stored. The file is closed
    (and its disk copy removed) on leaving."""
    content_type = request.headers.get("content-type", "application/octet-stream")
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > limit + 64 * 1024:
        raise UploadTooLarge(f"the upload is {declared} bytes; the limit is {limit} bytes")
    if content_type.startswith("multipart/form-data"):
        async with request.form(max_files=1, max_fields=5) as form:  # closes the spooled file
            part = form.get("file")
            if part is None or isinstance(part, str):
                raise EmptyUpload(
                    "multipart uploads must carry the file in a field named 'file'")
            if part.file.seek(0, io.SEEK_END) > limit:
                raise UploadTooLarge(f"the upload is over the limit of {limit} bytes")
            yield part.file, part.filename, part.content_type
        return
    with tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES) as spooled:
        size = 0
        async for chunk in request.stream():
            size += len(chunk)
            if size > limit:
                raise UploadTooLarge(f"the upload is over the limit of {limit} bytes")
            spooled.write(chunk)
        yield spooled, None, content_type


@router.get(
    "",
    response_model=Page[UploadSummary],
    summary="Uploads, newest first",
    description=(
        "Ops see every upload; any other key sees only the files its partner uploaded. "
        "`type` keeps files that stored at least one message of that type (850, ORDERS, "
        "cxml:OrderRequest, ...); the window is received_from <= received_at < received_to "
        "(both with a time zone). Pass `next_cursor` back as `cursor` for the next page."
    ),
    responses=problem_responses(InvalidApiKey, InvalidParameter),
)
def read_uploads(
    session: SessionDep, caller: CallerDep, settings: SettingsDep,
    status: Annotated[FileStatus | None, Query(description="The file's status")] = None,
    partner: Annotated[int | None, Query(
        ge=1, le=MAX_ID, description="Uploader partner id (ops only)")] = None,
    message_type: Annotated[str | None, Query(alias="type", max_length=255,
                                              description="A message type in the file")] = None,
    received_from: datetime | None = None,
    received_to: datetime | None = None,
    cursor: Annotated[str | None, Query(max_length=200)] = None,
    limit: Annotated[int, Query(ge=1)] = 50,
) -> Page[UploadSummary]:
    return list_uploads(session, caller, status=status, partner_id=partner,
                        message_type=message_type, received_from=received_from,
                        received_to=received_to, cursor=cursor,
                        limit=min(limit, settings.page_size_max))


@router.get("/{upload_id}", response_model=UploadRead, summary="What an upload became",
            responses=problem_responses(NotFound, InvalidApiKey))
def read_upload(upload_id: IdPath, session: SessionDep, caller: CallerDep) -> UploadRead:
    return describe_upload(session, upload_id, caller)


@router.get("/{upload_id}/raw", summary="The exact bytes that were uploaded",
            response_class=Response, responses=problem_responses(NotFound, InvalidApiKey))
def read_raw(upload_id: IdPath, session: SessionDep, caller: CallerDep) -> StreamingResponse:
    file = get_visible_file(session, upload_id, caller)
    return StreamingResponse(stored_bytes(session, file),
                             media_type=file.content_type or "application/octet-stream",
                             headers={"X-Content-SHA256": file.sha256,
                                      "Content-Length": str(file.size)})


@router.get("/{upload_id}/ack", summary="The acknowledgement the hub sent for an upload",
            response_class=Response, responses=problem_responses(NotFound, InvalidApiKey))
def read_ack(upload_id: IdPath, session: SessionDep, caller: CallerDep,
             kind: Annotated[str | None, Query(pattern="^(997|999|TA1|CONTRL)$")] = None
             ) -> Response:
    ack = get_acknowledgement(session, upload_id, caller, kind)
    media = "application/edifact" if ack.kind == "CONTRL" else "application/edi-x12"
    return Response(content=ack.content, media_type=media,
                    headers={"X-Acknowledgement-Kind": ack.kind,
                             "X-Acknowledgement-Status": ack.status})


@router.post(
    "/{upload_id}/reprocess",
    response_model=UploadRead,
    summary="Run an upload's stored bytes through the pipeline again (ops)",
    description=(
        "Re-reads the bytes stored for the upload, never new ones. A file that was never "
        "processed or could not be read is processed now; interchanges already stored keep "
        "their facts (nothing is counted twice) and only those not yet stored are ingested. "
        "Idempotent: a second call changes nothing."
    ),
    responses=problem_responses(NotFound, InvalidApiKey, ScopeDenied, Conflict),
)
def reprocess(upload_id: IdPath, caller: OpsDep, settings: SettingsDep,
              sessions: SessionsDep) -> UploadRead:
    return reprocess_upload(sessions, upload_id, caller, settings)
