"""Liveness."""

from __future__ import annotations

from fastapi import APIRouter

from schemas.api import Health

router = APIRouter(tags=["health"])


@router.get("/healthz", response_model=Health, summary="The process is up")
def healthz() -> Health:
    return Health(status="ok")
