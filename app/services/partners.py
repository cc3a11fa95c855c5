"""Register partners and issue their API keys."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from adapters.common import valid_gln
from app.errors import Conflict, InvalidParameter
from app.security import Role, new_key
from app.services.parties import X12_QUALIFIER_SCHEMES
from app.store import partner as partner_store
from app.store import product as product_store
from app.store.models import Partner

PARTNER_ROLES = ("ops", "distributor", "manufacturer", "retailer", "supplier", "other")


@dataclass(frozen=True, slots=True)
class Registered:
    partner: Partner
    api_key: str | None  # shown once


def parse_identifier(text: str) -> tuple[str, str]:
    """`ZZ:SENDERID`, `GLN:5412345000013`, `DUNS:123456789`, `01:123456789` -> (scheme, value)."""
    scheme, sep, value = text.partition(":")
    scheme, value = scheme.strip().upper(), value.strip()
    if not sep or not scheme or not value:
        raise InvalidParameter(f"identifier {text!r} must look like SCHEME:VALUE, e.g. ZZ:ACME")
    scheme = X12_QUALIFIER_SCHEMES.get(scheme, scheme)
    if scheme == "GLN" and not valid_gln(value):
        raise InvalidParameter(f"GLN {value!r} is not 13 digits with a valid check digit")
    return scheme, value


def register_partner(session: Session, *, name: str, role: str, identifiers: list[str],
                     key_role: str | None = None, with_key: bool = True) -> Registered:
    if role not in PARTNER_ROLES:
        raise InvalidParameter(f"role {role!r} is not one of {', '.join(PARTNER_ROLES)}")
    parsed = [parse_identifier(text) for text in identifiers]
    for scheme, value in parsed:
        owner = partner_store.get_by_identifier(session, scheme, value)
        if owner is not None:
            raise Conflict(f"identifier {scheme}:{value} already belongs to {owner.slug}")
    partner = partner_store.add(session, name=name, role=role, identifiers=parsed)
    key = issue_key(session, partner, key_role or _default_key_role(role)) if with_key else None
    return Registered(partner, key)


def issue_key(session: Session, partner: Partner, role: str, label: str | None = None) -> str:
    Role(role)  # validates
    full, prefix, digest = new_key()
    partner_store.add_api_key(session, partner, prefix=prefix, key_hash=digest, role=role,
                              label=label)
    return full


def _default_key_role(partner_role: str) -> str:
    if partner_role in ("ops", "manufacturer"):
        return partner_role
    return "distributor"


@dataclass(frozen=True, slots=True)
class Uploader:
    """Who files arrive from: a partner, and whether it may upload in others' names (ops)."""

    partner_id: int
    trusted: bool


def uploader_of(session: Session, slug: str) -> Uploader | None:
    partner = partner_store.get_by_slug(session, slug)
    if partner is None:
        return None
    return Uploader(partner.id, partner.role == "ops")


def partner_names(session: Session) -> dict[int, str]:
    """Every partner's name by id (partners are few: hundreds, not millions)."""
    return {p.id: p.name for p in partner_store.list_all(session)}


def location_choices(session: Session, limit: int) -> list[tuple[int, str]]:
    """(id, "partner · code") of the first `limit` locations, partner by partner."""
    return [(loc.id, f"{partner.name} · {loc.code}")
            for partner in partner_store.list_all(session)
            for loc in partner_store.list_locations(session, partner.id)][:limit]


def product_gtins(session: Session, product_ids: set[int]) -> dict[int, str]:
    """The GTIN of each of these products that has one."""
    return product_store.gtins_of(session, product_ids)
