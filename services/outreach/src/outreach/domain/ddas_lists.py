"""The DDAS v0.9 value lists outreach records in: contact kinds, day parts, outcomes, signal statuses."""

from __future__ import annotations

from typing import Literal, get_args

# EnumContactsoort
ContactKind = Literal["Mail", "Brief", "SMS/Whatsapp", "Telefoon", "Huisbezoek", "Kaartje", "Overige",
                      "Administratief"]
# EnumDagdeel
DayPart = Literal["Ochtend", "Middag", "Avond"]
# EnumEindresultaat
Outcome = Literal[
    "Niet opgepakt: herhaalde melding",
    "Niet opgepakt: onterecht signaal",
    "Inwoner is overleden",
    "Persoon is geen inwoner (meer) in de gemeente",
    "Niet opgepakt: andere reden",
    "Inwoner al bekend bij schuldhulpverlening",
    "Inwoner heeft al een ander lopend traject",
    "Definitief geen contact kunnen krijgen",
    "Geen reactie na eerder contact",
    "Inwoner hoeft geen hulp vanuit vroegsignalering",
    "Inwoner heeft zelf al betaald/betalingsregeling getroffen",
    "(Budget)advies en/of quick fix",
    "Vervolghulp en/of verwijzing financieel",
    "Verwijzing zonder contact",
    "Vervolghulp en/of verwijzing niet financieel",
]
# EnumSignaalstatus
SignalStatus = Literal[
    "Nog niet opgepakt",
    "Niet opgepakt: onterecht signaal",
    "Inwoner is overleden",
    "Persoon is geen inwoner (meer) in de gemeente",
    "Niet opgepakt: herhaalde melding",
    "Niet opgepakt: andere reden",
]

CONTACT_KINDS: tuple[str, ...] = get_args(ContactKind)
DAY_PARTS: tuple[str, ...] = get_args(DayPart)
OUTCOMES: tuple[str, ...] = get_args(Outcome)
SIGNAL_STATUSES: tuple[str, ...] = get_args(SignalStatus)

NO_CONTACT: Outcome = "Definitief geen contact kunnen krijgen"
# The list has no "picked up" status: a signal keeps the status it starts with, and the case it
# belongs to carries the result (as in the official examples).
IN_A_CASE: SignalStatus = "Nog niet opgepakt"
# Outcomes in which the resident accepted help. They count as "help accepted" in the KPIs, and a
# case that ends in one of them is kept beyond the retention period for no-help data.
HELP_OUTCOMES: frozenset[str] = frozenset({
    "(Budget)advies en/of quick fix",
    "Vervolghulp en/of verwijzing financieel",
    "Vervolghulp en/of verwijzing niet financieel",
})
# Outcomes that may carry a referral to another organisation (which needs the resident's consent).
REFERRAL_OUTCOMES: frozenset[str] = frozenset({
    "Vervolghulp en/of verwijzing financieel",
    "Vervolghulp en/of verwijzing niet financieel",
})
