"""Write and send a case's letter when the schedule reaches it: the first letter (planned when the
case opened, `open_case.py`) or a follow-up letter (instead of a visit). After the first letter the
case's next contact is planned: a call, a visit or a second letter (`domain/plan.py`)."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

from vroeg_contracts.events import LetterSent, OutreachAction
from vroeg_contracts.partner_report import Category
from vroeg_runtime.unit_of_work import UnitOfWork

from ..adapters.letters import LetterSignal, to_pdf
from ..adapters.mail import letter_id_of
from ..adapters.repository import CaseRepository
from ..adapters.schedule import DueTask, Schedule
from ..config import SERVICE
from ..domain.calendar import AMSTERDAM, day_part
from ..domain.case import Case, reference
from ..domain.plan import ContactRules, Step, after_first_letter
from .case_events import case_envelope
from .dependencies import OutreachDependencies


async def send_letter(uow: UnitOfWork, case: Case, task: DueTask, deps: OutreachDependencies,
                      rules: ContactRules) -> None:
    cases = CaseRepository(uow.conn)
    # The letter id derives from the task, so a send interrupted before it was recorded is resent
    # under the same id, and the mailbox treats it as the same letter.
    letter_id = letter_id_of(task.task_id)
    sent_at = datetime.now(UTC)
    first = task.step is Step.FIRST_LETTER
    planned = after_first_letter(OutreachAction(case.action), sent_at, case.has_phone, rules) if first else None
    # The letter names the arrears still open, not those withdrawn or resolved meanwhile. (A case whose
    # every signal ended is closed, and sends nothing; should one still be open, it names them all.)
    signals = [LetterSignal(s["partner_id"], Category(s["category"]),
                            str(s["amount"]) if isinstance(s["amount"], Decimal) else None, s["arrears_since"])
               for s in await cases.signals(case.case_id, open_only=True) or await cases.signals(case.case_id)]
    writer = deps.writers[case.municipality_code]
    text = writer.render_text("first_letter" if first else "follow_up_letter", contact=case.contact, signals=signals,
                              sent_on=sent_at.astimezone(AMSTERDAM).date(), reference=reference(case.case_id),
                              next_step=planned.step.value if planned else None,
                              urgent=case.action == OutreachAction.URGENT.value)
    delivered_to = await deps.mailbox.send(letter_id, to_pdf(text, title=f"Brief {reference(case.case_id)}"),
                                           municipality_code=case.municipality_code)
    kind = "first" if first else "follow_up"
    await cases.add_letter(letter_id, case.case_id, kind, sent_at, delivered_to)
    # Each letter is a DDAS contact attempt of kind Brief; it cannot "reach" anyone by itself.
    await cases.add_contact_attempt(case_id=case.case_id, kind="Brief", reached=False,
                                    attempted_on=sent_at.astimezone(AMSTERDAM).date(), day_part=day_part(sent_at),
                                    registered_by=SERVICE, attempt_id=letter_id)
    await cases.add_timeline(case.case_id, "letter_sent", {"letter_kind": kind}, occurred_at=sent_at)
    uow.emit(case_envelope(case, LetterSent(case_id=case.case_id, letter_id=letter_id, letter_kind=kind,
                                            sent_at=sent_at), task.cause_id))
    if planned is not None:
        await Schedule(uow.conn).plan(case.case_id, planned.step, at=planned.due_at, cause_id=letter_id)
