"""Which store errors make an upload run again (`ingest._lost_race`): only those a concurrent
upload causes. Anything else is bad data or a defect and must surface, not be retried and
reported as a race."""

from __future__ import annotations

import sqlite3

import psycopg.errors
import pytest
from sqlalchemy.exc import IntegrityError, OperationalError

from app.services.ingest import _lost_race


def _integrity(orig: Exception) -> IntegrityError:
    return IntegrityError("INSERT ...", {}, orig)


@pytest.mark.parametrize("orig", [
    psycopg.errors.UniqueViolation("duplicate key value violates unique constraint"),
    sqlite3.IntegrityError("UNIQUE constraint failed: interchanges.standard"),
])
def test_a_unique_key_taken_by_a_concurrent_upload_is_a_lost_race(orig):
    assert _lost_race(_integrity(orig))


@pytest.mark.parametrize("orig", [
    psycopg.errors.ForeignKeyViolation("insert or update violates foreign key constraint"),
    psycopg.errors.NotNullViolation("null value in column violates not-null constraint"),
    sqlite3.IntegrityError("NOT NULL constraint failed: orders.buyer_id"),
    sqlite3.IntegrityError("FOREIGN KEY constraint failed"),
])
def test_other_constraint_failures_are_not_retried(orig):
    assert not _lost_race(_integrity(orig))


@pytest.mark.parametrize(("orig", "lost"), [
    (psycopg.errors.DeadlockDetected("deadlock detected"), True),
    (psycopg.errors.SerializationFailure("could not serialize access"), True),
    (psycopg.errors.AdminShutdown("terminating connection"), False),
])
def test_deadlocks_and_serialization_failures_are_lost_races(orig, lost):
    assert _lost_race(OperationalError("UPDATE ...", {}, orig)) is lost
