"""Take matching's decisions: open a case, escalate it, join signals to it, end signals on it, or
note a signal not picked up. One at a time (`take_decision`), or a batch (`take_decisions`): the
batch goes in waves (`domain/decision_waves.py`), and in each wave the cases to open are opened
together (`open_cases`) and the signals not picked up noted together (`notes_not_picked_up`); the
other decisions are taken one by one, where they stand in the wave.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import structlog

from vroeg_contracts.envelope import Envelope
from vroeg_contracts.events import (
    CaseBasisChanged,
    HouseholdAtRisk,
    HouseholdRiskEscalated,
    SignalNotPickedUp,
    SignalsJoinedCase,
)
from vroeg_runtime.consuming import Within
from vroeg_runtime.unit_of_work import UnitOfWork

from ..domain.decision_waves import decision_waves
from .dependencies import OutreachDependencies
from .end_signals import end_signals
from .escalate_case import escalate_case
from .join_case import join_case
from .note_not_picked_up import note_not_picked_up, notes_not_picked_up
from .open_case import open_case, open_cases

log = structlog.get_logger(__name__)


async def take_decision(uow: UnitOfWork, envelope: Envelope[Any], deps: OutreachDependencies) -> None:
    match envelope.payload:
        case HouseholdAtRisk():
            await open_case(uow, envelope, deps)
        case HouseholdRiskEscalated():
            await escalate_case(uow, envelope, deps)
        case SignalsJoinedCase():
            await join_case(uow, envelope)
        case CaseBasisChanged():
            await end_signals(uow, envelope)
        case SignalNotPickedUp():
            await note_not_picked_up(uow, envelope, deps)
    _log_taken(envelope)


async def take_decisions(uow: UnitOfWork, envelopes: Sequence[Envelope[Any]], deps: OutreachDependencies,
                         within: Within) -> None:
    """A batch of decisions, each household's in their order; `within(i)` is the trace span of decision i."""
    for wave in decision_waves([e.household_key for e in envelopes]):
        opening = [i for i in wave if isinstance(envelopes[i].payload, HouseholdAtRisk)]
        noting = [i for i in wave if isinstance(envelopes[i].payload, SignalNotPickedUp)]
        if opening:
            await open_cases(uow, [envelopes[i] for i in opening], deps, within=_spans_of(opening, within))
        if noting:
            await notes_not_picked_up(uow, [envelopes[i] for i in noting], deps, within=_spans_of(noting, within))
        for i in (*opening, *noting):
            _log_taken(envelopes[i])
        together = {*opening, *noting}
        for i in wave:
            if i not in together:
                with within(i):
                    await take_decision(uow, envelopes[i], deps)


def _spans_of(positions: list[int], within: Within) -> Within:
    """The spans of a subset of the batch, by its own index."""
    return lambda k: within(positions[k])


def _log_taken(envelope: Envelope[Any]) -> None:
    log.info("decision_handled", event_type=envelope.event_type, event_id=str(envelope.event_id),
             correlation_id=str(envelope.correlation_id))
