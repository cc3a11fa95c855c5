"""Queries for partners, their identifiers, API keys and locations."""

from __future__ import annotations

import re
from datetime import datetime

from sqlalchemy import Row, select, update
from sqlalchemy.orm import Session

from app.store.models import ApiKey, Location, Partner, PartnerIdentifier


def slugify(name: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")
    return slug[:60] or "partner"


def get_by_id(session: Session, partner_id: int) -> Partner | None:
    return session.get(Partner, partner_id)


def get_by_slug(session: Session, slug: str) -> Partner | None:
    return session.scalar(select(Partner).where(Partner.slug == slug))


def get_by_identifier(session: Session, scheme: str, value: str) -> Partner | None:
    return session.scalar(
        select(Partner)
        .join(PartnerIdentifier)
        .where(PartnerIdentifier.scheme == scheme, PartnerIdentifier.value == value)
    )


def list_all(session: Session) -> list[Partner]:
    return list(session.scalars(select(Partner).order_by(Partner.id)))


def unique_slug(session: Session, name: str) -> str:
    base = slugify(name)
    slug, n = base, 1
    while get_by_slug(session, slug) is not None:
        n += 1
        slug = f"{base}-{n}"
    return slug


def add(session: Session, *, name: str, role: str, identifiers: list[tuple[str, str]],
        needs_review: bool = False) -> Partner:
    partner = Partner(name=name, role=role, slug=unique_slug(session, name),
                      needs_review=needs_review)
    partner.identifiers = [PartnerIdentifier(scheme=s, value=v) for s, v in identifiers]
    session.add(partner)
    session.flush()
    return partner


def add_api_key(session: Session, partner: Partner, *, prefix: str, key_hash: str, role: str,
                label: str | None = None) -> ApiKey:
    key = ApiKey(partner_id=partner.id, prefix=prefix, key_hash=key_hash, role=role, label=label)
    session.add(key)
    session.flush()
    return key


def get_api_key(session: Session, prefix: str) -> ApiKey | None:
    return session.scalar(select(ApiKey).where(ApiKey.prefix == prefix))



def get_key_check(session: Session, prefix: str) -> Row | None:
    """What checking a key needs, in one round trip and no ORM objects: id, partner_id,
    partner_slug, role, key_hash, revoked_at, last_used_at."""
    return session.execute(
        select(ApiKey.id, ApiKey.partner_id, Partner.slug.label("partner_slug"), ApiKey.role,
               ApiKey.key_hash, ApiKey.revoked_at, ApiKey.last_used_at)
        .join(Partner, Partner.id == ApiKey.partner_id)
        .where(ApiKey.prefix == prefix)).first()


def touch_api_key_id(session: Session, key_id: int, when: datetime) -> None:
    session.execute(update(ApiKey).where(ApiKey.id == key_id).values(last_used_at=when))


def revoke_api_key(session: Session, prefix: str, when: datetime) -> ApiKey | None:
    """Revoke the key with this prefix (at once: every request checks its key); the key, or
    None when there is none. Revoking twice keeps the first time."""
    key = get_api_key(session, prefix)
    if key is not None and key.revoked_at is None:
        key.revoked_at = when
        session.flush()
    return key


def get_location(session: Session, partner_id: int, code: str) -> Location | None:
    return session.scalar(
        select(Location).where(Location.partner_id == partner_id, Location.code == code)
    )


def get_location_by_gln(session: Session, gln: str) -> Location | None:
    return session.scalar(select(Location).where(Location.gln == gln).order_by(Location.id))


def add_location(session: Session, *, partner_id: int, code: str, gln: str | None = None,
                 name: str | None = None, needs_review: bool = False) -> Location:
    location = Location(partner_id=partner_id, code=code, gln=gln, name=name,
                        needs_review=needs_review)
    session.add(location)
    session.flush()
    return location


def list_locations(session: Session, partner_id: int) -> list[Location]:
    return list(session.scalars(select(Location).where(Location.partner_id == partner_id)
                                .order_by(Location.code)))


def get_location_by_id(session: Session, location_id: int) -> Location | None:
    return session.get(Location, location_id)


def end_ui_sessions(session: Session, key_id: int, when: datetime) -> None:
    """Every dashboard session of this key signed in before `when` is over."""
    key = session.get(ApiKey, key_id)
    if key is not None:
        key.ui_signed_out_at = when
        session.flush()
