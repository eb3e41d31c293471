"""The events Vroeg's services exchange. Names are past tense: each records something that happened."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Literal

from pydantic import BaseModel, ConfigDict

from . import topics
from .envelope import Event
from .partner_report import Category, ReportStatus
from .privacy import SealedContact


class ArrearsReported(Event):
    """Intake accepted a partner report (new, or a change of status of an earlier one)."""

    event_type = "ArrearsReported"
    topic = topics.ARREARS_REPORTED

    signal_id: uuid.UUID
    partner_id: str
    report_id: str
    category: Category
    status: ReportStatus
    amount: Decimal | None
    signal_date: date
    arrears_since: date
    crisis: bool
    warm_handover: bool
    person_key: str | None
    contact: SealedContact


class Intensity(StrEnum):
    SINGLE = "single"
    MULTIPLE = "multiple"
    CRISIS = "crisis"


class OutreachAction(StrEnum):
    LETTER_ONLY = "letter_only"
    LETTER_AND_CALL = "letter_and_call"
    URGENT = "urgent"


class SignalRef(BaseModel):
    """One signal a decision rests on."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    signal_id: uuid.UUID
    partner_id: str
    report_id: str
    category: Category
    signal_date: date
    arrears_since: date
    amount: Decimal | None
    crisis: bool
    warm_handover: bool = False
    person_key: str | None = None  # the resident's pseudonym, when the partner gave a BSN


class HouseholdAtRisk(Event):
    """Matching decided that a household needs outreach: a new case."""

    event_type = "HouseholdAtRisk"
    topic = topics.MATCHING_DECISIONS

    decision_id: uuid.UUID
    episode_id: uuid.UUID  # the case-to-be; escalations name it too
    intensity: Intensity
    action: OutreachAction
    rule: str
    signals: list[SignalRef]
    matched_on: date
    window_start: date
    window_end: date
    contact: SealedContact


class HouseholdRiskEscalated(Event):
    """An open case got a new category or a crisis: outreach may need to do more, sooner."""

    event_type = "HouseholdRiskEscalated"
    topic = topics.MATCHING_DECISIONS

    decision_id: uuid.UUID
    episode_id: uuid.UUID
    intensity: Intensity
    action: OutreachAction
    rule: str
    signals: list[SignalRef]
    matched_on: date
    contact: SealedContact


class SignalsJoinedCase(Event):
    """Picked-up signals joined an open case without changing it: no new category, no crisis, no
    higher intensity (a second insurer of the same kind, a partner's earlier report arriving late).
    Outreach adds them to the case and its DDAS delivery and tells their partners; it sends no new
    letter and plans nothing. `signals` are only the signals that joined, never the case's others;
    the case keeps its contact details, so none travel here."""

    event_type = "SignalsJoinedCase"
    topic = topics.MATCHING_DECISIONS

    decision_id: uuid.UUID
    episode_id: uuid.UUID
    rule: str
    signals: list[SignalRef]
    matched_on: date


class SignalEnd(BaseModel):
    """One signal of a case that a later report ended."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    signal_id: uuid.UUID
    partner_id: str
    report_id: str
    ended: Literal["withdrawn", "resolved"]  # sent in error / paid or arranged
    on: date  # the date of the report that ended it


class CaseBasisChanged(Event):
    """Signals an open case rests on were withdrawn (sent in error) or resolved (paid or arranged).

    `ended` are only the signals that ended since the last announcement; `remaining` are the case's
    signals that are still open. When none remain the case rests on nothing: `closes_with` is then
    the DDAS outcome (`EnumEindresultaat`) outreach closes it with, and matching counts the case as
    ended from then on, so a later signal opens a new case (ADR 0015). While signals remain,
    `closes_with` is None and the case goes on."""

    event_type = "CaseBasisChanged"
    topic = topics.MATCHING_DECISIONS

    decision_id: uuid.UUID
    episode_id: uuid.UUID
    ended: list[SignalEnd]
    remaining: list[uuid.UUID]
    closes_with: Literal["Niet opgepakt: onterecht signaal",
                         "Inwoner heeft zelf al betaald/betalingsregeling getroffen"] | None = None
    decided_on: date


class SignalNotPickedUp(Event):
    """A signal starts nothing: below the threshold, a repeat, or left alone by the policy."""

    event_type = "SignalNotPickedUp"
    topic = topics.MATCHING_DECISIONS

    decision_id: uuid.UUID
    signal_id: uuid.UUID
    partner_id: str
    report_id: str
    category: Category
    ddas_status: Literal[
        "Niet opgepakt: onterecht signaal", "Niet opgepakt: herhaalde melding", "Niet opgepakt: andere reden"
    ]
    reason: str
    # What the DDAS delivery reports about a signal, also when it started nothing.
    signal_date: date | None = None
    arrears_since: date | None = None
    amount: Decimal | None = None
    crisis: bool | None = None
    warm_handover: bool | None = None
    # The signal's own sealed contact details, for the DDAS client (BSN, or postcode and house
    # number) of a household that never had a case. Absent in events from before it was added.
    contact: SealedContact | None = None


class LetterSent(Event):
    """Outreach sent a letter to a household (a DDAS contact attempt of kind `Brief`)."""

    event_type = "LetterSent"
    topic = topics.OUTREACH_CASE_EVENTS

    case_id: uuid.UUID
    letter_id: uuid.UUID
    letter_kind: Literal["first", "follow_up"]
    sent_at: datetime


class CallDue(Event):
    """A call to the household is due: the team's worklist picks it up."""

    event_type = "CallDue"
    topic = topics.OUTREACH_CASE_EVENTS

    case_id: uuid.UUID
    due_on: date
    letter_id: uuid.UUID


class VisitDue(Event):
    """No phone number is known and visits are allowed: a home visit is due."""

    event_type = "VisitDue"
    topic = topics.OUTREACH_CASE_EVENTS

    case_id: uuid.UUID
    due_on: date
    letter_id: uuid.UUID


class CaseClosed(Event):
    """Outreach closed a case with a DDAS outcome (`EnumEindresultaat`)."""

    event_type = "CaseClosed"
    topic = topics.OUTREACH_CASE_EVENTS

    case_id: uuid.UUID
    outcome: str
    closed_at: datetime
    unreached_attempts: int = 0


class DataShareRequested(Event):
    """Someone wants to share a resident's data outside the municipality; consent decides."""

    event_type = "DataShareRequested"
    topic = topics.DATA_SHARE_REQUESTED

    request_id: uuid.UUID
    person_key: str | None
    requester: str
    recipient: str
    purpose: str
    data_categories: list[str]


class DataShareGranted(Event):
    event_type = "DataShareGranted"
    topic = topics.DATA_SHARE_DECIDED

    request_id: uuid.UUID
    permitted_fields: list[str]
    consent_id: uuid.UUID


class DataShareDenied(Event):
    event_type = "DataShareDenied"
    topic = topics.DATA_SHARE_DECIDED

    request_id: uuid.UUID
    reason: str


class ErasureRequested(Event):
    """Consent asks every service to delete what it holds about a household (AVG art. 17 or 21)."""

    event_type = "ErasureRequested"
    topic = topics.ERASURE_REQUESTED

    request_id: uuid.UUID
    person_key: str | None
    reason: Literal["objection", "right_to_erasure", "retention"]


class ErasureCompleted(Event):
    """A service deleted a household's data for an erasure request; counts only, never content."""

    event_type = "ErasureCompleted"
    topic = topics.ERASURE_COMPLETED

    request_id: uuid.UUID
    service: str
    deleted: dict[str, int]
