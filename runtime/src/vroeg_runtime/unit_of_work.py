"""The unit of work (cosmicpython, chapter 6): one database transaction, the inbox claims made in it,
and the events it will publish. Nothing else in a service opens a transaction or writes the outbox.

Whoever drives a use case opens the unit (the Kafka consumer for a batch of records, an HTTP route
for a request, a loop for one sweep, a command for one step) and hands it to the handler. The
handler reads and writes through repositories built on `uow.conn` and calls `emit` for what it has
to say; when the unit closes without an error, the emitted events are written to the outbox in the
order they were emitted, in the same transaction as the state, and the transaction commits. On an
error nothing is written and nothing is published.

Each event is turned into an outbox message at `emit`, inside the caller's span, so the relay's
publish continues the trace of the work that caused it.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import asyncpg

from vroeg_contracts.envelope import Envelope

from . import inbox, outbox
from .outbox import OutboxMessage


class UnitOfWork:
    """An open transaction on `conn`, and the messages to publish when it commits."""

    def __init__(self, conn: asyncpg.Connection) -> None:
        self.conn = conn
        self.emitted: list[OutboxMessage] = []

    def emit(self, envelope: Envelope[Any], *, topic: str | None = None, key: str | None = None,
             headers: dict[str, str] | None = None) -> None:
        """Publish `envelope` once this unit commits (to its event's topic unless `topic` is given)."""
        self.emitted.append(OutboxMessage.of(envelope, topic=topic, key=key, headers=headers))

    def emit_raw(self, *, event_id: uuid.UUID, topic: str, key: str | None, payload: bytes,
                 headers: dict[str, str]) -> None:
        """Publish a message that is not an envelope (a rejection or feedback to a partner, say)."""
        self.emitted.append(OutboxMessage.raw(event_id=event_id, topic=topic, key=key, payload=payload,
                                              headers=headers))

    async def claim(self, consumer: str, message_id: str) -> bool:
        """The inbox claim of one message: True the first time `consumer` sees it."""
        return await inbox.claim(self.conn, consumer, message_id)

    async def claim_many(self, consumer: str, message_ids: list[str]) -> set[str]:
        """The ids among `message_ids` that `consumer` has not seen before, claimed in one round trip."""
        return await inbox.claim_many(self.conn, consumer, message_ids)

    @asynccontextmanager
    async def savepoint(self) -> AsyncIterator[None]:
        """A part of the unit that may fail on its own: on an error its statements are rolled back
        to a savepoint and its emitted events dropped, the error goes to the caller, and the rest of
        the unit carries on (a batch in which one step fails, say)."""
        emitted = len(self.emitted)
        try:
            async with self.conn.transaction():  # nested in the unit's transaction: a savepoint
                yield
        except BaseException:
            del self.emitted[emitted:]
            raise

    async def flush(self) -> None:
        """Write what was emitted so far to the outbox, in one statement. Closing the unit does this."""
        messages, self.emitted = self.emitted, []
        await outbox.add_many(self.conn, messages)


@asynccontextmanager
async def unit_of_work(conn: asyncpg.Connection) -> AsyncIterator[UnitOfWork]:
    """A unit on a connection the caller holds (a command-line tool's, say)."""
    async with conn.transaction():
        uow = UnitOfWork(conn)
        yield uow
        await uow.flush()


@asynccontextmanager
async def pooled_unit_of_work(pool: asyncpg.Pool) -> AsyncIterator[UnitOfWork]:
    """A unit on a connection taken from `pool` for as long as the unit lasts."""
    async with pool.acquire() as conn, unit_of_work(conn) as uow:
        yield uow
