"""Reading a household's decision history (the read API and the command): every decision with its
rule and inputs, and the read itself recorded (who, role, channel, when)."""

from __future__ import annotations

from collections.abc import Callable

from vroeg_runtime.unit_of_work import UnitOfWork

from ..adapters.repository import HouseholdRepository
from ..domain.history import HouseholdHistory


class ReadRefused(PermissionError):
    """The reader may not read the decisions of the household's municipality."""


async def read_history(uow: UnitOfWork, household_key: str, *, reader: str, role: str, channel: str,
                       may_read: Callable[[str], bool] = lambda _municipality: True) -> HouseholdHistory | None:
    """The household's decisions, oldest first, and the read recorded; None if matching holds nothing
    about it. Raises `ReadRefused` (nothing recorded) when `may_read(municipality code)` says no."""
    repo = HouseholdRepository(uow.conn)
    history = await repo.history(household_key)
    if history is None:
        return None
    if not may_read(history.municipality_code):
        raise ReadRefused(f"{reader} may not read the decisions of municipality {history.municipality_code}")
    await repo.record_read(household_key, reader=reader, role=role, channel=channel)
    return history
