"""The DDAS delivery (Uitwisselmodel v1.2) for CBS, mapped from outreach's records: pure, no I/O.

What a delivery for the period [start, end] holds, one `levering` per municipality:
- every case active in the period (opened on or before `end`, not closed before `start`), with its
  contact attempts up to `end` and its result when it closed on or before `end`;
- every signal those cases rest on, and every signal that was not picked up in the period, with the
  minimised client v1.2 asks for: the BSN, or else the postcode and house number (with the birth date).
  No name, street or city ever leaves. A signal not picked up has the client matching passed on with
  it (`client_details`), or else its household's case's; one for which outreach knows neither (from
  before matching passed the contact on) cannot be delivered validly and is withheld (`withheld`).
- each signal with its true status (`status_of`): a signal its partner withdrew is "Niet opgepakt:
  onterecht signaal", also in a case; a case that rests on withdrawn signals alone is still delivered
  (its letter was a contact attempt) and keeps referring to them.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from vroeg_contracts.partner_report import DDAS_PARTNER_TYPE, Category
from vroeg_contracts.privacy import ContactDetails

from .ddas_lists import IN_A_CASE, SIGNAL_STATUSES, WITHDRAWN_STATUS
from .signal_ends import WITHDRAWN, Ended

BSN_LENGTH = 9


@dataclass(frozen=True)
class SignalRecord:
    signal_id: uuid.UUID
    municipality_code: str
    category: Category
    status: str  # EnumSignaalstatus
    contact: ContactDetails | None
    signal_date: date | None = None
    arrears_since: date | None = None
    amount: Decimal | None = None
    crisis: bool | None = None
    ended: Ended | None = None  # a signal of a case that ended before the case: withdrawn or resolved

    @property
    def partner_type(self) -> str:
        return DDAS_PARTNER_TYPE[self.category]


@dataclass(frozen=True)
class AttemptRecord:
    kind: str  # EnumContactsoort
    reached: bool
    on: date
    day_part: str | None  # EnumDagdeel


@dataclass(frozen=True)
class CaseRecord:
    case_id: uuid.UUID
    municipality_code: str
    signal_ids: tuple[uuid.UUID, ...]
    opened_on: date
    matched_on: date | None
    window_start: date | None
    window_end: date | None
    outcome: str | None  # EnumEindresultaat, once closed
    attempts: tuple[AttemptRecord, ...] = ()


@dataclass(frozen=True)
class Organisation:
    """The `aanleverendeOrganisatie` of one municipality."""

    name: str
    kvk_number: str | None = None
    contacts: tuple[dict[str, str], ...] = ()


@dataclass(frozen=True)
class PeriodRecords:
    signals: list[SignalRecord] = field(default_factory=list)
    cases: list[CaseRecord] = field(default_factory=list)

    def within(self, municipalities: tuple[str, ...]) -> PeriodRecords:
        """Only these municipalities' records: a supervisor delivers for their own."""
        return PeriodRecords([s for s in self.signals if s.municipality_code in municipalities],
                             [c for c in self.cases if c.municipality_code in municipalities])


def whole_euros(amount: Decimal) -> int:
    """DDAS `bedrag` is whole euros; half a euro rounds up, as on a bill."""
    return int(amount.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def client(contact: ContactDetails | None) -> dict[str, str] | None:
    """The DDAS `client` of a signal: the BSN alone (the schema allows nothing beside it), or else the
    postcode and house number with the addition and birth date where known; None when outreach knows
    neither. Names, street and city are never part of it (v1.2 minimises the client)."""
    if contact is None:
        return None
    if contact.bsn and len(contact.bsn.strip()) == BSN_LENGTH:
        return {"burgerservicenummer": contact.bsn.strip()}
    if not contact.postcode or contact.house_number is None:
        return None
    fields = {
        "geboortedatum": contact.birth_date.isoformat() if contact.birth_date else None,
        "postcode": contact.postcode.replace(" ", "").upper(),
        "huisnummer": str(contact.house_number),
        # The house letter and the addition together, as the BAG writes them (12 A-2 -> "A2").
        "huisnummertoevoeging": ((contact.house_letter or "") + (contact.house_number_addition or "")) or None,
    }
    return {k: v for k, v in fields.items() if v}


def client_details(contact: ContactDetails) -> ContactDetails | None:
    """What outreach keeps of a signal's contact details when the signal is not picked up: exactly
    the fields its DDAS client is made of (`client`), nothing to reach the resident by; None when
    they cannot tell the client."""
    identity = client(contact)
    if identity is None:
        return None
    if "burgerservicenummer" in identity:
        return ContactDetails(bsn=contact.bsn)
    return ContactDetails(birth_date=contact.birth_date, postcode=contact.postcode, house_number=contact.house_number,
                          house_letter=contact.house_letter, house_number_addition=contact.house_number_addition)


def vroegsignaal(signal: SignalRecord) -> dict[str, Any] | None:
    """The signal as DDAS has it, or None when its client cannot be told (see `client`)."""
    identity = client(signal.contact)
    if identity is None:
        return None
    entry: dict[str, Any] = {"ID": str(signal.signal_id)}
    if signal.crisis is not None:
        entry["crisissignaal"] = signal.crisis
    if signal.amount is not None:
        entry["bedrag"] = whole_euros(signal.amount)
    if signal.arrears_since is not None:
        entry["ontstaansdatum"] = signal.arrears_since.isoformat()
    if signal.signal_date is not None:
        entry["signaaldatum"] = signal.signal_date.isoformat()
    entry["status"] = signal.status
    entry["signaalpartner"] = {"type": signal.partner_type}
    entry["client"] = identity
    return entry


def contactpoging(attempt: AttemptRecord) -> dict[str, Any]:
    entry: dict[str, Any] = {"soort": attempt.kind, "bereikt": attempt.reached, "datum": attempt.on.isoformat()}
    if attempt.day_part:
        entry["dagdeel"] = attempt.day_part
    return entry


def vroegsignaalzaak(case: CaseRecord) -> dict[str, Any]:
    entry: dict[str, Any] = {}
    if case.outcome is not None:
        entry["resultaat"] = case.outcome
    if case.matched_on is not None:
        entry["matchingsdatum"] = case.matched_on.isoformat()
    if case.window_start is not None:
        entry["startdatumMatchingperiode"] = case.window_start.isoformat()
    entry["datumOpgepakt"] = case.opened_on.isoformat()
    if case.window_end is not None:
        entry["einddatumMatchingperiode"] = case.window_end.isoformat()
    entry["vroegsignalen"] = [{"ID": str(signal_id)} for signal_id in case.signal_ids]
    entry["contactpogingen"] = [contactpoging(a) for a in sorted(case.attempts, key=lambda a: (a.on, a.kind))]
    return entry


def merge_signals(signals: Iterable[SignalRecord]) -> list[SignalRecord]:
    """One record per signal id. A signal both in a case and not picked up (a repeat that joined its
    household's case) keeps its not-picked-up status, how it ended in the case, and the fullest
    details of the two."""
    merged: dict[uuid.UUID, SignalRecord] = {}
    for signal in signals:
        known = merged.get(signal.signal_id)
        if known is None:
            merged[signal.signal_id] = signal
            continue
        status = known.status if known.status != IN_A_CASE else signal.status
        fuller = known if known.signal_date is not None else signal
        contact = fuller.contact or known.contact or signal.contact
        merged[signal.signal_id] = SignalRecord(signal.signal_id, fuller.municipality_code, fuller.category, status,
                                                contact, fuller.signal_date, fuller.arrears_since, fuller.amount,
                                                fuller.crisis, known.ended or signal.ended)
    return sorted(merged.values(), key=lambda s: (s.signal_date or date.min, str(s.signal_id)))


def status_of(signal: SignalRecord, case_outcome: str | None) -> str:
    """A signal's EnumSignaalstatus in the delivery, given the result of its case (None: no case, or
    not closed). A withdrawn signal was sent in error, whatever became of its case. A signal of a case
    that ended in a status of the list (the resident died, moved away, was already known to debt
    counselling, ...) carries that status instead of "Opgepakt", unless it was resolved before (it was
    picked up, and then paid or arranged). Any other keeps its own: "Opgepakt", or the newest status
    matching gave it when it did not pick it up."""
    if signal.ended == WITHDRAWN:
        return WITHDRAWN_STATUS
    if signal.status == IN_A_CASE and signal.ended is None and case_outcome in SIGNAL_STATUSES:
        return case_outcome
    return signal.status


def delivered_signals(records: PeriodRecords) -> list[SignalRecord]:
    """The period's signals as DDAS reports them: merged (`merge_signals`), each with its status
    (`status_of`)."""
    outcomes = {signal_id: case.outcome for case in records.cases for signal_id in case.signal_ids}
    return [replace(s, status=status_of(s, outcomes.get(s.signal_id))) for s in merge_signals(records.signals)]


def withheld(records: PeriodRecords) -> int:
    """How many of the period's signals the delivery leaves out, for want of a BSN or an address."""
    return sum(1 for s in delivered_signals(records) if client(s.contact) is None)


def delivery(records: PeriodRecords, *, start: date, end: date, delivered_at: datetime, supplier_code: str,
             organisations: dict[str, Organisation]) -> dict[str, Any]:
    """The Uitwisselmodel document: one `levering` per municipality, numbered by `teller`."""
    codes = sorted(set(organisations) | {s.municipality_code for s in records.signals}
                   | {c.municipality_code for c in records.cases})
    signals = [(s.municipality_code, entry) for s in delivered_signals(records) if (entry := vroegsignaal(s))]
    cases = sorted(records.cases, key=lambda c: (c.opened_on, str(c.case_id)))
    leveringen = []
    for counter, code in enumerate(codes, start=1):
        organisation = organisations.get(code, Organisation(name=f"Gemeente {code}"))
        supplier: dict[str, Any] = {"naam": organisation.name}
        if organisation.kvk_number:
            supplier["kvk-nummer"] = organisation.kvk_number
        if organisation.contacts:
            supplier["contactpersonen"] = [dict(c) for c in organisation.contacts]
        leveringen.append({
            "teller": counter,
            "gemeentecode": code,
            "aanleverendeOrganisatie": supplier,
            "vroegsignalen": [entry for municipality, entry in signals if municipality == code],
            "vroegsignaalzaken": [vroegsignaalzaak(c) for c in cases if c.municipality_code == code],
        })
    document: dict[str, Any] = {
        "codeGegevensleverancier": supplier_code,
        "startdatumLevering": start.isoformat(),
        "einddatumLevering": end.isoformat(),
        "aanleverdatumEnTijd": delivered_at.astimezone(UTC).replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%SZ"),
    }
    if leveringen:  # the schema wants at least one levering when the list is there
        document["leveringen"] = leveringen
    return document
