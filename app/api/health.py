"""Liveness, readiness and metrics."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response
from fastapi.concurrency import run_in_threadpool
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from app.metrics import REGISTRY
from app.services.readiness import check_ready
from schemas.api import Health

router = APIRouter(tags=["health"])


@router.get("/healthz", response_model=Health, summary="The process is up")
def healthz() -> Health:
    return Health(status="ok")


@router.get("/readyz", response_model=Health, summary="The database answers and is migrated",
            responses={503: {"description": "Not ready", "model": Health}})
async def readyz(request: Request, response: Response) -> Health:
    problem = await run_in_threadpool(check_ready, request.app.state.sessions)
    if problem:
        response.status_code = 503
        response.headers["Retry-After"] = "5"
        return Health(status=problem)
    return Health(status="ok")


@router.get("/metrics", summary="Prometheus metrics", response_class=Response)
def metrics() -> Response:
    return Response(generate_latest(REGISTRY), media_type=CONTENT_TYPE_LATEST)
