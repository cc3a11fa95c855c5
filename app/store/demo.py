"""Queries the demo needs: dating what each generated file left in the store to the day the
story sends it (the hub itself stamps everything with the time it arrives)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from app.store.models import Interaction, Interchange, Message, Order, Promise, StoredFile


def backdate(session: Session, dated: dict[int, datetime]) -> None:
    """Set each file's received time, and the timeline entries, orders and promises it
    produced, to the given moment (file id -> when)."""
    by_message = {
        message_id: dated[file_id]
        for message_id, file_id in session.execute(
            select(Message.id, Interchange.file_id)
            .join(Interchange, Message.interchange_id == Interchange.id)
            .where(Interchange.file_id.in_(list(dated))))
    }
    session.execute(update(StoredFile), [
        {"id": file_id, "received_at": when} for file_id, when in dated.items()])
    for model, column in ((Interaction, "occurred_at"), (Order, "created_at"),
                          (Promise, "created_at")):
        rows = [{"id": row_id, column: by_message[message_id]}
                for row_id, message_id in session.execute(select(model.id, model.message_id))
                if message_id in by_message]
        if rows:
            session.execute(update(model), rows)


def files_by_status(session: Session) -> dict[str, int]:
    return dict(session.execute(
        select(StoredFile.status, func.count()).group_by(StoredFile.status)).all())
