"""Synthetic partner reports for Ouder-Amstel and Amstelveen: plausible households, some in trouble on
several fronts, reported by the partners registered for their municipality."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

# The partners and what they report.
PARTNERS: dict[str, str] = {
    "eigen-haard": "rent",
    "zilveren-kruis": "health_insurance",
    "vgz": "health_insurance",
    "gemeentebelastingen-amstelland": "municipal_tax",
    "waternet": "water",
    "ymere": "rent",
    "vattenfall": "energy",
    "eneco": "energy",
    "cak": "cak",
    "duo": "student_debt",
    "belastingdienst": "tax_office",
    "toeslagen": "benefits",
}
# Those that report for both municipalities (besides the tax office and the health insurers).
EVERYWHERE = ("belastingdienst", "cak", "duo", "eneco", "toeslagen", "vattenfall")
STREETS = [("Dorpsstraat", "1191 BK", "Ouderkerk aan de Amstel"), ("Amstelzijde", "1184 TZ", "Ouderkerk aan de Amstel"),
           ("Rijksstraatweg", "1191 HZ", "Ouderkerk aan de Amstel"), ("Burgemeester Stramanweg", "1191 CA", "Ouderkerk aan de Amstel"),
           ("Rijnstraat", "1115 AB", "Duivendrecht"), ("Dorpsplein", "1115 GT", "Duivendrecht"),
           ("Van der Madeweg", "1114 BD", "Duivendrecht"), ("Kerkstraat", "1191 JB", "Ouderkerk aan de Amstel")]


@dataclass(frozen=True)
class Municipality:
    name: str
    streets: list[tuple[str, str, str]]
    partners: tuple[str, ...]  # those registered to report for it (services/intake/config/partners.toml)
    landlord: str  # the housing corporation, which sends the eviction notice of the demo's crisis


MUNICIPALITIES: dict[str, Municipality] = {
    "0437": Municipality("Ouder-Amstel", STREETS, ("eigen-haard", "gemeentebelastingen-amstelland", "vgz", "waternet",
                                                   "zilveren-kruis", *EVERYWHERE), "eigen-haard"),
    "0362": Municipality("Amstelveen", [
        ("Stadsplein", "1181 ZM", "Amstelveen"), ("Van der Hooplaan", "1185 LN", "Amstelveen"),
        ("Keizer Karelweg", "1185 HL", "Amstelveen"), ("Bovenkerkerweg", "1187 XA", "Amstelveen"),
        ("Ouderkerkerlaan", "1185 AB", "Amstelveen"), ("Zonnestein", "1181 LS", "Amstelveen")],
        ("gemeentebelastingen-amstelland", "vgz", "ymere", "zilveren-kruis", *EVERYWHERE), "ymere"),
}
SURNAMES = [("", "Jansen"), ("de", "Vries"), ("", "Çelik"), ("", "d'Hondt"), ("van", "Dijk"), ("", "Öztürk"),
            ("", "El Amrani"), ("", "Bakker"), ("", "Nguyễn"), ("van der", "Berg"), ("", "Kowalczyk"), ("", "Visser")]
INITIALS = ["A.", "B.J.", "C.", "D.M.", "E.", "F.", "G.H.", "J.", "K.", "L.", "M.A.", "N.", "S.", "T."]


def valid_bsn(rng: random.Random) -> str:
    """A number that passes the BSN 11-check (test data only)."""
    while True:
        digits = [rng.randint(0, 9) for _ in range(8)]
        digits[0] = rng.randint(1, 6)
        total = sum(d * w for d, w in zip(digits, range(9, 1, -1), strict=True))
        last = total % 11
        if last < 10:
            return "".join(map(str, digits)) + str(last)


@dataclass
class Household:
    street: str
    house_number: int
    postcode: str
    city: str
    prefix: str
    surname: str
    initials: str
    phone: str | None
    bsn: str | None
    email: str | None = None
    reports: list[dict[str, Any]] = field(default_factory=list)

    def client(self) -> dict[str, Any]:
        client: dict[str, Any] = {"initials": self.initials, "surname": self.surname, "street": self.street,
                                  "house_number": self.house_number, "postcode": self.postcode, "city": self.city}
        if self.prefix:
            client["prefix"] = self.prefix
        for name in ("phone", "bsn", "email"):
            if getattr(self, name):
                client[name] = getattr(self, name)
        return client


def household(rng: random.Random, number: int, *, phone: bool,
              streets: list[tuple[str, str, str]] = STREETS) -> Household:
    street, postcode, city = rng.choice(streets)
    prefix, surname = rng.choice(SURNAMES)
    return Household(street=street, house_number=number, postcode=postcode, city=city, prefix=prefix,
                     surname=surname, initials=rng.choice(INITIALS),
                     phone=f"06{rng.randint(10_000_000, 49_999_999)}" if phone else None,
                     bsn=valid_bsn(rng) if rng.random() < 0.6 else None,
                     email=f"bewoner{number}@example.nl" if rng.random() < 0.3 else None)


def report(rng: random.Random, run: str, seq: int, partner: str, home: Household, signal_date: date, *,
           days_in_arrears: int, crisis: bool = False, municipality_code: str = "0437") -> dict[str, Any]:
    return {
        "report_id": f"{run}-{seq:05d}",
        "partner_id": partner,
        "arrears": {"category": PARTNERS[partner], "municipality_code": municipality_code,
                    "signal_date": signal_date.isoformat(),
                    "status": "open", "amount": f"{rng.randint(40, 2400)}.{rng.randint(0, 99):02d}",
                    "arrears_since": (signal_date - timedelta(days=days_in_arrears)).isoformat(),
                    "crisis": crisis, "warm_handover": rng.random() < 0.05},
        "client": home.client(),
    }


def month_of_signals(*, seed: int, today: date, reports: int = 60, multi_households: int = 6,
                     run: str | None = None, municipality_code: str = "0437") -> list[tuple[str, dict[str, Any]]]:
    """About a month of (partner_id, report) pairs of one municipality, oldest first. `run` makes
    report ids and house numbers unique per run, so runs never collide on idempotency keys or households."""
    rng = random.Random(seed)
    run = run or f"demo{seed}"
    place = MUNICIPALITIES[municipality_code]
    base_number = rng.randint(1, 400) * 10
    out: list[tuple[date, str, dict[str, Any]]] = []
    seq = 0
    number = base_number
    partners = sorted(place.partners)

    def next_home(phone: bool) -> Household:
        nonlocal number
        number += 1
        return household(rng, number, phone=phone, streets=place.streets)

    def make(partner: str, home: Household, day: date, *, days_in_arrears: int, crisis: bool = False) -> dict[str, Any]:
        return report(rng, run, seq, partner, home, day, days_in_arrears=days_in_arrears, crisis=crisis,
                      municipality_code=municipality_code)

    # Households with two or more categories: the multiple rule.
    for index in range(multi_households):
        home = next_home(phone=index % 3 != 2)  # a third have no phone: visit or second letter
        chosen = rng.sample([p for p in partners if p != "vgz"], k=2 + (index % 2))
        start = today - timedelta(days=rng.randint(8, 30))
        for offset, partner in enumerate(chosen):
            seq += 1
            day = min(start + timedelta(days=offset * rng.randint(0, 4)), today)
            out.append((day, partner, make(partner, home, day, days_in_arrears=rng.randint(35, 120))))
    # One crisis: an eviction notice.
    home = next_home(phone=True)
    seq += 1
    day = today - timedelta(days=rng.randint(1, 10))
    out.append((day, place.landlord, make(place.landlord, home, day, days_in_arrears=90, crisis=True)))
    # The rest: single signals, some below the 30-day threshold, some repeats from the same partner.
    while seq < reports:
        seq += 1
        partner = rng.choice(partners)
        day = today - timedelta(days=rng.randint(0, 30))
        home = next_home(phone=rng.random() < 0.7)
        days = rng.choice([10, 20, 35, 45, 60, 90, 120])
        out.append((day, partner, make(partner, home, day, days_in_arrears=days)))
        if seq < reports and rng.random() < 0.08:  # the same partner again a week later: a repeat
            seq += 1
            later = min(day + timedelta(days=7), today)
            out.append((later, partner, make(partner, home, later, days_in_arrears=days + 7)))
    out.sort(key=lambda item: (item[0], item[2]["report_id"]))
    return [(partner, body) for _, partner, body in out]
