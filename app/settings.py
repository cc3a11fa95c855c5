"""Configuration: one `Settings`, read from `EDIHUB_*` environment variables by `get_settings()`.

Nothing here runs at import time; tests build `Settings(...)` explicitly.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="EDIHUB_", extra="ignore")

    database_url: str = Field(
        default="sqlite:///./edihub.db",
        description="SQLAlchemy URL; PostgreSQL as postgresql+psycopg://user@host/db",
    )
    max_upload_bytes: int = Field(default=16 * 1024 * 1024, ge=1)
    max_segments_per_interchange: int = Field(default=5_000_000, ge=1)
    xml_max_bytes: int = Field(default=50_000_000, ge=1)
    xml_max_depth: int = Field(default=200, ge=1)
    page_size_max: int = Field(default=500, ge=1)
    base_currency: str = "EUR"
    replenishment_lead_time_days: int = Field(default=7, ge=0)
    replenishment_review_days: int = Field(default=7, ge=0)
    replenishment_service_level: float = Field(default=0.95, gt=0, lt=1)
    replenishment_window_days: int = Field(default=28, ge=1)
    inbox_dir: Path = Path("./inbox")
    inbox_interval_seconds: int = Field(default=30, ge=1)
    inbox_settle_seconds: float = Field(default=5.0, ge=0)
    job_lock_ttl_seconds: int = Field(default=3600, ge=1)
    customer_scores_interval_hours: int = Field(default=24, ge=1)
    followup_days: int = Field(default=90, ge=1)
    log_json: bool = False
    echo_sql: bool = False


@lru_cache
def get_settings() -> Settings:
    return Settings()
