"""The raw bytes of intake's topics hold no name, BSN, address, phone or e-mail of a resident; the
sealed contact details open for outreach alone, with Unicode names exactly as sent."""

import json
import os
import re
from pathlib import Path

from vroeg_contracts import topics
from vroeg_contracts.privacy import SealedContact, unseal
from vroeg_devtools import bus

NAMES = ["Çelik", "d'Hondt", "Nguyễn", "Øzdemir-Łukasz"]


def leaked(secrets, raw: bytes) -> set[str]:
    """The secrets in the raw bytes. A value of digits only (a phone number, a BSN) counts where it
    stands on its own, not inside a longer run of hex digits: a topic full of ids, keys and trace
    ids holds any 7 given digits somewhere now and then (a test once failed on that)."""
    text = raw.decode("utf-8", errors="replace")
    return {s for s in secrets if (re.search(rf"(?<![0-9A-Fa-f]){re.escape(s)}(?![0-9A-Fa-f])", text)
                                   if s.isdigit() else s in text)}


def plain_forms(client):
    """Every form in which a client's personal data could show up in bytes."""
    forms = set()
    for name in ("surname", "street", "bsn", "email", "phone", "city"):
        value = client.get(name)
        if value:
            forms |= {value, json.dumps(value)[1:-1], value.lstrip("+")}
    postcode = client["postcode"]
    forms |= {postcode, postcode.replace(" ", "")}
    return forms


async def test_topics_carry_no_personal_data_in_plain_text(kafka_intake, residents):
    clients = [residents.client(surname=f"{name}{residents.run}", street=f"Straße {residents.run}", initials="Ş.")
               for name in NAMES]
    accepted = [residents.report("eigen-haard", "rent", client) for client in clients]
    # Refused reports carry personal data too: their rejections must not repeat it. A bad e-mail
    # address or phone number alone is accepted without it: the warning must not repeat it either.
    refused_clients = [residents.client(surname=f"Weigering{residents.run}", bsn="123456789"),
                       residents.client(email=f"kapot{residents.run}@@example.nl"),
                       {**residents.client(), "phone": "0612" + str(int(residents.run, 16))[-3:]}]  # too short
    refused = [residents.report("eigen-haard", "rent", client) for client in refused_clients]
    await bus.send_reports([("eigen-haard", r) for r in accepted + refused])

    wanted = {r["report_id"] for r in accepted}
    arrears = await bus.read_topic(topics.ARREARS_REPORTED, timeout=60, until=lambda rs: wanted <= {
        e["payload"]["report_id"] for e in bus.events(rs, "ArrearsReported")})
    refused_ids = {r["report_id"] for r in refused}
    rejections = await bus.read_topic(topics.partner_rejections("eigen-haard"), timeout=60,
                                      until=lambda rs: refused_ids <= {r.json()["report_id"] for r in rs})

    secrets = set().union(*(plain_forms(c) for c in clients + refused_clients))
    for records in (arrears, rejections):
        raw = b"".join(r.value + (r.key or b"") + json.dumps(r.headers).encode() for r in records)
        found = leaked(secrets, raw)
        assert not found, f"{records[0].topic} carries personal data in plain text: {found}"

    # Outreach (and only a holder of its private key) reads the details back, names untouched.
    keys_dir = Path(os.environ["VROEG_KEYS_DIR"])
    private_keys = {p.stem.removeprefix("outreach-"): bytes.fromhex(p.read_text().strip())
                    for p in keys_dir.glob("outreach-*.key")}
    events = {e["payload"]["report_id"]: e for e in bus.events(arrears, "ArrearsReported")}
    for report, client in zip(accepted, clients, strict=True):
        payload = events[report["report_id"]]["payload"]
        details = unseal(SealedContact.model_validate(payload["contact"]), private_keys)
        assert (details.surname, details.street, details.initials) == (client["surname"], client["street"], "Ş.")
        assert details.bsn == client["bsn"] and details.email == client["email"]
