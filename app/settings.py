"""Configuration: one `Settings`, read from `EDIHUB_*` environment variables by `get_settings()`.

Nothing here runs at import time; tests build `Settings(...)` explicitly.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import Field, SecretStr
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
    rate_limit_per_minute: int = Field(
        default=600, ge=0, description="requests a minute per API key, per process; 0: off")
    rate_limit_burst: int = Field(default=200, ge=1,
                                  description="requests a key may make at once")
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
    promise_sweep_interval_minutes: int = Field(default=60, ge=1)
    replenishment_watch_interval_hours: int = Field(default=6, ge=1)
    feed_watch_interval_hours: int = Field(default=6, ge=1)
    ack_watch_interval_minutes: int = Field(default=15, ge=1)
    webhook_interval_seconds: int = Field(default=10, ge=1)
    webhook_timeout_seconds: float = Field(default=10.0, gt=0)
    webhook_max_attempts: int = Field(default=8, ge=1)
    webhook_backoff_base_seconds: float = Field(
        default=30.0, gt=0, description="Delay before the 2nd attempt; doubles after each")
    webhook_backoff_max_seconds: float = Field(default=6 * 3600.0, gt=0)
    webhook_batch_size: int = Field(default=100, ge=1)
    log_json: bool = False
    echo_sql: bool = False
    session_secret: SecretStr | None = Field(
        default=None, min_length=16,
        description="Signs the ops dashboard's session cookies; unset: a random one per app "
                    "(sign-ins then end when the process restarts). Set it when several "
                    "workers or processes serve /ui/")
    session_hours: int = Field(default=12, ge=1, le=24 * 30,
                               description="How long a dashboard sign-in lasts")


@lru_cache
def get_settings() -> Settings:
    return Settings()
