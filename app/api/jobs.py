"""The record of scheduled job runs (ops)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from app.deps import OpsDep, SessionDep, SettingsDep
from app.errors import InvalidApiKey, InvalidParameter, ScopeDenied, problem_responses
from app.services.jobs import list_job_runs
from schemas.api import JobRunRead, Page

router = APIRouter(prefix="/v1/jobs", tags=["operations"])


@router.get("", response_model=Page[JobRunRead], summary="Scheduled job runs, newest first",
            responses=problem_responses(InvalidApiKey, ScopeDenied, InvalidParameter))
def read_job_runs(session: SessionDep, caller: OpsDep, settings: SettingsDep,
                  job: str | None = None, cursor: str | None = None,
                  limit: Annotated[int, Query(ge=1)] = 50) -> Page[JobRunRead]:
    return list_job_runs(session, job_id=job, cursor=cursor,
                         limit=min(limit, settings.page_size_max))
