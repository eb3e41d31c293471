"""The DDAS v1.2 value lists outreach records in: contact kinds, day parts, outcomes, signal statuses."""

from __future__ import annotations

from typing import Literal, get_args

# The lists are exactly the official schema's, in its (alphabetical) order; a unit test holds them to
# it. EnumDagdeel keeps its order of the day.

# EnumContactsoort
ContactKind = Literal["Administratief", "Afspraak op locatie", "Brief", "Huisbezoek", "Kaartje", "Mail", "Onbekend",
                      "Overige", "SMS/Whatsapp", "Telefoon"]
# EnumDagdeel
DayPart = Literal["Ochtend", "Middag", "Avond"]
# EnumEindresultaat
Outcome = Literal[
    "(Budget)advies en/of quick fix",
    "Definitief geen contact kunnen krijgen",
    "Geen reactie na eerder contact",
    "Inwoner al bekend bij schuldhulpverlening",
    "Inwoner heeft al een ander lopend traject",
    "Inwoner heeft zelf al betaald/betalingsregeling getroffen",
    "Inwoner is overleden",
    "Inwoner regelt het zelf/hoeft geen hulp vanuit vroegsignalering",
    "Niet opgepakt: andere reden",
    "Niet opgepakt: herhaalde melding",
    "Niet opgepakt: onterecht signaal",
    "Persoon is geen inwoner (meer) in de gemeente",
    "Vervolghulp en/of verwijzing",
    "Vervolghulp en/of verwijzing financieel",
    "Vervolghulp en/of verwijzing niet financieel",
    "Verwijzing zonder tussenkomst inwoner",
]
# EnumSignaalstatus
SignalStatus = Literal[
    "Inwoner al bekend bij schuldhulpverlening",
    "Inwoner is overleden",
    "Niet opgepakt: andere reden",
    "Niet opgepakt: herhaalde melding",
    "Niet opgepakt: onterecht signaal",
    "Nog niet opgepakt",
    "Opgepakt",
    "Persoon is geen inwoner (meer) in de gemeente",
]

CONTACT_KINDS: tuple[str, ...] = get_args(ContactKind)
DAY_PARTS: tuple[str, ...] = get_args(DayPart)
OUTCOMES: tuple[str, ...] = get_args(Outcome)
SIGNAL_STATUSES: tuple[str, ...] = get_args(SignalStatus)

NO_CONTACT: Outcome = "Definitief geen contact kunnen krijgen"
# A signal that became part of a case. Its case carries the result; a case that ends in a status of
# the list (the resident died, moved away, was already known) hands that status to its signals.
IN_A_CASE: SignalStatus = "Opgepakt"
# A signal its partner withdrew (sent in error), also when it had become part of a case.
WITHDRAWN_STATUS: SignalStatus = "Niet opgepakt: onterecht signaal"
# Outcomes in which the resident accepted help. They count as "help accepted" in the KPIs, and a
# case that ends in one of them is kept beyond the retention period for no-help data.
HELP_OUTCOMES: frozenset[str] = frozenset({
    "(Budget)advies en/of quick fix",
    "Vervolghulp en/of verwijzing",
    "Vervolghulp en/of verwijzing financieel",
    "Vervolghulp en/of verwijzing niet financieel",
})
# Outcomes that may carry a referral to another organisation (which needs the resident's consent).
REFERRAL_OUTCOMES: frozenset[str] = frozenset({
    "Vervolghulp en/of verwijzing",
    "Vervolghulp en/of verwijzing financieel",
    "Vervolghulp en/of verwijzing niet financieel",
})
