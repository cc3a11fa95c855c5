from __future__ import annotations

import itertools
from datetime import UTC, datetime

import pytest

from app.services.parties import FactContext
from app.store.models import Interchange, Message, StoredFile

_counter = itertools.count(1)


@pytest.fixture
def northwind(make_partner):
    partner, _ = make_partner("Northwind Distribution", "distributor",
                              ["ZZ:NORTHWIND", "GLN:0614141000012"])
    return partner


@pytest.fixture
def acme(make_partner):
    partner, _ = make_partner("Acme Foods", "manufacturer", ["ZZ:ACMEFOODS"])
    return partner


@pytest.fixture
def context(session):
    """context(sender, receiver, test=False) -> a FactContext on a fresh stored message."""

    def make(sender, receiver=None, *, test: bool = False,
             when: datetime = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)) -> FactContext:
        n = next(_counter)
        file = StoredFile(sha256=f"{n:064d}", size=1, source="cli",
                          status="processed")
        session.add(file)
        session.flush()
        interchange = Interchange(file_id=file.id, position=1, standard="x12", sender="S",
                                  receiver="R", control_number=str(n), status="accepted")
        session.add(interchange)
        session.flush()
        message = Message(interchange_id=interchange.id, position=1, type="850",
                          control_number="1", status="accepted")
        session.add(message)
        session.flush()
        return FactContext(message_id=message.id, sender=sender, receiver=receiver,
                           test=test, received_at=when)

    return make
