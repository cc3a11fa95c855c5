"""Queries for partners, their identifiers, API keys and locations."""

from __future__ import annotations

import re
from datetime import datetime

from sqlalchemy import select
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


def touch_api_key(key: ApiKey, when: datetime) -> None:
    key.last_used_at = when


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


def location_codes_of(session: Session, location_ids: set[int]) -> dict[int, str]:
    if not location_ids:
        return {}
    return dict(session.execute(
        select(Location.id, Location.code).where(Location.id.in_(location_ids))).all())
