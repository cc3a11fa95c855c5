"""API payloads for the list of uploads (`GET /v1/interchanges`)."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field

FileStatus = Literal["received", "processed", "partially_accepted", "rejected", "failed",
                     "duplicate"]


class UploadSummary(BaseModel):
    """One uploaded file as a line of a list; `GET /v1/interchanges/{id}` has the details."""

    id: int
    standard: str | None = Field(description="x12 | edifact | xml; null until it was parsed")
    status: FileStatus = Field(description=(
        "received (stored, not processed yet) | processed | partially_accepted | rejected | "
        "failed (cannot be read as EDI) | duplicate"))
    size: int = Field(description="Bytes")
    sha256: str
    received_at: datetime
    filename: str | None
    source: str = Field(description="upload | inbox | cli | demo")
    uploader_id: int | None = Field(description="The partner whose key sent it")
    message_count: int = Field(description="Messages stored from this file (a duplicate "
                                           "stores none: see duplicate_of)")
    interchange_count: int = Field(description="Interchanges stored from this file")
    duplicate_of: int | None = None
