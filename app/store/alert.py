"""Queries for alerts."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.store.models import Alert

ACTIVE = ("open", "acknowledged")


def get_active(session: Session, kind: str, subject: str) -> Alert | None:
    """The open or acknowledged alert of this kind and subject, if any."""
    return session.scalar(
        select(Alert)
        .where(Alert.kind == kind, Alert.subject == subject, Alert.status.in_(ACTIVE))
        .order_by(Alert.id)
        .limit(1)
    )


def add(session: Session, *, kind: str, subject: str, partner_id: int | None, severity: str,
        title: str, details: dict, when: datetime) -> Alert:
    alert = Alert(kind=kind, subject=subject, partner_id=partner_id, severity=severity,
                  title=title, details=details, status="open", raised_at=when)
    session.add(alert)
    session.flush()
    return alert


def resolve(session: Session, *, kind: str, subject: str, when: datetime) -> int:
    alerts = session.scalars(
        select(Alert).where(Alert.kind == kind, Alert.subject == subject,
                            Alert.status.in_(ACTIVE))
    ).all()
    for alert in alerts:
        alert.status, alert.resolved_at = "resolved", when
    session.flush()
    return len(alerts)


def get(session: Session, alert_id: int) -> Alert | None:
    return session.get(Alert, alert_id)


def list_alerts(session: Session, *, visible_to: int | None, statuses: Sequence[str],
                kind: str | None, partner_id: int | None, before_id: int | None,
                limit: int) -> list[Alert]:
    """Newest first. `visible_to`: only alerts of that partner (None: every alert)."""
    query = select(Alert).where(Alert.status.in_(statuses))
    if visible_to is not None:
        query = query.where(Alert.partner_id == visible_to)
    if kind is not None:
        query = query.where(Alert.kind == kind)
    if partner_id is not None:
        query = query.where(Alert.partner_id == partner_id)
    if before_id is not None:
        query = query.where(Alert.id < before_id)
    return list(session.scalars(query.order_by(Alert.id.desc()).limit(limit)))
