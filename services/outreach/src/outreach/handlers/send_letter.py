"""Write and send a case's letter when the schedule reaches it: the first letter (planned when the
case opened, `open_case.py`) or a follow-up letter (instead of a visit). After the first letter the
case's next contact is planned: a call, a visit or a second letter (`domain/plan.py`)."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from vroeg_contracts.events import LetterSent, OutreachAction
from vroeg_contracts.partner_report import Category
from vroeg_runtime.unit_of_work import UnitOfWork

from ..adapters.letters import LetterSignal, fpdf2_pdf, prepared_pdf
from ..adapters.mail import letter_id_of
from ..adapters.repository import CaseRepository, SentLetter
from ..adapters.schedule import DueTask, Schedule
from ..config import SERVICE
from ..domain.calendar import AMSTERDAM, day_part
from ..domain.case import Case, reference
from ..domain.plan import ContactRules, PlannedStep, Step, after_first_letter
from .case_events import case_envelope
from .dependencies import OutreachDependencies


@dataclass(frozen=True)
class Written:
    """A letter written and delivered, with what to store and publish for it."""

    letter: SentLetter
    sent: LetterSent
    planned: PlannedStep | None


async def write_letter(case: Case, task: DueTask, signal_rows: list[dict[str, Any]], deps: OutreachDependencies,
                       rules: ContactRules) -> Written:
    """Write the letter and hand it to the mailbox (the PDF is there when this returns); nothing stored yet."""
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
               for s in [r for r in signal_rows if r["ended"] is None] or signal_rows]
    writer = deps.writers[case.municipality_code]
    text = writer.render_text("first_letter" if first else "follow_up_letter", contact=case.contact, signals=signals,
                              sent_on=sent_at.astimezone(AMSTERDAM).date(), reference=reference(case.case_id),
                              next_step=planned.step.value if planned else None,
                              urgent=case.action == OutreachAction.URGENT.value)
    # The prepared writer takes about a millisecond of CPU: on the loop, since a hop to a thread and back
    # costs more than that while the loop is busy (issue 23: the transaction then sat idle, holding its
    # locks). A letter with characters outside the prepared fonts takes fpdf2 (100 to 200 ms): in a thread.
    title = f"Brief {reference(case.case_id)}"
    pdf = prepared_pdf(text, title=title) or await asyncio.to_thread(fpdf2_pdf, text, title=title)
    delivered_to = await deps.mailbox.send(letter_id, pdf, municipality_code=case.municipality_code)
    kind = "first" if first else "follow_up"
    # Each letter is a DDAS contact attempt of kind Brief; it cannot "reach" anyone by itself.
    letter = SentLetter(letter_id, case.case_id, kind, sent_at, delivered_to,
                        attempted_on=sent_at.astimezone(AMSTERDAM).date(), day_part=day_part(sent_at),
                        registered_by=SERVICE)
    return Written(letter, LetterSent(case_id=case.case_id, letter_id=letter_id, letter_kind=kind, sent_at=sent_at),
                   planned)


async def send_letter(uow: UnitOfWork, case: Case, task: DueTask, deps: OutreachDependencies,
                      rules: ContactRules) -> None:
    cases = CaseRepository(uow.conn)
    written = await write_letter(case, task, await cases.signals(case.case_id), deps, rules)
    letter = written.letter
    await cases.record_letter(letter.letter_id, case.case_id, letter.kind, letter.sent_at, letter.delivered_to,
                              attempted_on=letter.attempted_on, day_part=letter.day_part,
                              registered_by=letter.registered_by)
    uow.emit(case_envelope(case, written.sent, task.cause_id))
    if written.planned is not None:
        await Schedule(uow.conn).plan(case.case_id, written.planned.step, at=written.planned.due_at,
                                      cause_id=letter.letter_id)
