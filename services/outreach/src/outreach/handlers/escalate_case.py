"""Escalate an open case (matching's HouseholdRiskEscalated): new signals, a new intensity and
action, fresh contact details; after the first letter, plan the contact the new action asks for,
and bring a planned call forward for a crisis."""

from __future__ import annotations

from datetime import UTC, datetime

from vroeg_contracts.envelope import Envelope
from vroeg_contracts.events import HouseholdRiskEscalated
from vroeg_contracts.privacy import unseal
from vroeg_runtime.unit_of_work import UnitOfWork

from ..adapters.repository import CaseRepository
from ..adapters.schedule import Schedule
from ..domain.plan import after_escalation
from .dependencies import OutreachDependencies
from .partner_feedback import tell_picked_up
from .switch_visits import rules_in_force


async def escalate_case(uow: UnitOfWork, envelope: Envelope[HouseholdRiskEscalated], deps: OutreachDependencies) -> None:
    decision = envelope.payload
    cases, schedule = CaseRepository(uow.conn), Schedule(uow.conn)
    case = await cases.case_for_update(decision.episode_id)
    if case is None or not case.is_open:
        return  # a closed case is not reopened by an escalation; matching opens a new episode instead
    contact = unseal(decision.contact, deps.private_keys)
    await cases.update_case(case.case_id, intensity=decision.intensity.value, action=decision.action.value,
                            rule=decision.rule, contact=contact)
    await cases.add_signals(case.case_id, decision.signals)
    await cases.add_timeline(case.case_id, "escalated", {"intensity": decision.intensity.value,
                                                         "action": decision.action.value, "rule": decision.rule})
    await tell_picked_up(uow, envelope.household_key, decision.signals)
    sent_at = await cases.first_letter_sent_at(case.case_id)
    if sent_at is None:
        return  # the letter step plans the follow-up itself, with the new action
    planned = after_escalation(decision.action, sent_at, bool(contact.phone), await rules_in_force(uow, deps, case.municipality_code),
                               datetime.now(UTC))
    if planned is None:
        return
    pending = await schedule.pending(case.case_id, (planned.step,))
    if pending:
        # A crisis may not wait for the call planned a week out: bring it forward.
        if planned.due_at < pending[0].due_at:
            await schedule.reschedule(pending[0].task_id, planned.due_at)
    elif not await schedule.contact_planned(case.case_id):
        await schedule.plan(case.case_id, planned.step, at=planned.due_at, cause_id=envelope.event_id)
