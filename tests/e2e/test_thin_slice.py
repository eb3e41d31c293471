"""The thin slice on the real broker: partner report -> ArrearsReported -> HouseholdAtRisk ->
LetterSent -> CallDue, across four service processes, with nothing personal on the bus."""

import json
from collections import Counter

from vroeg_contracts import topics
from vroeg_devtools import bus


def _of(records, event_type, **payload):
    return [e for e in bus.events(records, event_type) if all(e["payload"].get(k) == v for k, v in payload.items())]


async def test_reports_become_letters_and_calls(stack, residents):
    stack.start()
    multi = residents.client(phone=True)
    single_no_phone = residents.client(phone=False)
    crisis = residents.client(phone=True)
    reports = [
        ("eigen-haard", residents.report("eigen-haard", "rent", multi, days_ago=3)),
        ("vgz", residents.report("vgz", "health_insurance", multi, days_ago=2)),
        ("waternet", residents.report("waternet", "water", single_no_phone)),
        ("eigen-haard", residents.report("eigen-haard", "rent", crisis, crisis=True)),
    ]
    bad = residents.report("waternet", "water", residents.client(), report_id=f"bad-{residents.run}")
    bad["client"]["postcode"] = "0000 XX"
    await bus.send_reports([*reports, ("waternet", bad)])

    report_ids = {body["report_id"] for _, body in reports}
    accepted = await bus.read_topic(topics.ARREARS_REPORTED, timeout=60, until=lambda rs: report_ids <= {
        e["payload"]["report_id"] for e in bus.events(rs)})
    ours = [e for e in bus.events(accepted) if e["payload"]["report_id"] in report_ids]
    assert Counter(e["payload"]["report_id"] for e in ours) == Counter(report_ids)
    households = {e["payload"]["report_id"]: e["household_key"] for e in ours}

    rejections = await bus.read_topic(topics.partner_rejections("waternet"), timeout=30,
                                      until=lambda rs: any(r.json()["report_id"] == bad["report_id"] for r in rs))
    rejection = next(r.json() for r in rejections if r.json()["report_id"] == bad["report_id"])
    assert [reason["field"] for reason in rejection["reasons"]] == ["client.postcode"]

    multi_key = households[reports[0][1]["report_id"]]
    assert households[reports[1][1]["report_id"]] == multi_key  # one household, two partners
    crisis_key = households[reports[3][1]["report_id"]]
    lone_key = households[reports[2][1]["report_id"]]

    def case_of(records, key):
        return [e["payload"]["episode_id"] for e in bus.events(records, "HouseholdAtRisk") if e["household_key"] == key]

    decisions = await bus.read_topic(topics.MATCHING_DECISIONS, timeout=60, until=lambda rs: all(
        case_of(rs, k) for k in (multi_key, crisis_key, lone_key)))
    multi_case, = case_of(decisions, multi_key)
    crisis_case, = case_of(decisions, crisis_key)
    lone_case, = case_of(decisions, lone_key)
    at_risk = {e["household_key"]: e for e in bus.events(decisions, "HouseholdAtRisk")}
    assert at_risk[crisis_key]["payload"]["intensity"] == "crisis"
    assert at_risk[lone_key]["payload"]["action"] == "letter_only"
    # The multiple rule: both reports are of one household in the window.
    multi_intensities = {e["payload"]["intensity"] for e in bus.events(decisions, "HouseholdAtRisk", "HouseholdRiskEscalated")
                         if e["household_key"] == multi_key}
    assert "multiple" in multi_intensities

    case_events = await bus.read_topic(topics.OUTREACH_CASE_EVENTS, timeout=60, until=lambda rs: (
        _of(rs, "CallDue", case_id=multi_case) and _of(rs, "CallDue", case_id=crisis_case)
        and _of(rs, "LetterSent", case_id=lone_case)))
    for case in (multi_case, crisis_case, lone_case):
        assert len(_of(case_events, "LetterSent", case_id=case, letter_kind="first")) == 1
    letter_at = _of(case_events, "LetterSent", case_id=multi_case)[0]["occurred_at"]
    call = _of(case_events, "CallDue", case_id=multi_case)[0]
    assert call["occurred_at"] > letter_at  # the call comes after the letter, by the configured delay
    assert not _of(case_events, "CallDue", case_id=lone_case)  # a single signal gets a letter only

    # One correlation id follows the report through every service.
    first_report = reports[0][1]["report_id"]
    correlation = next(e["correlation_id"] for e in ours if e["payload"]["report_id"] == first_report)
    assert at_risk[multi_key]["correlation_id"] in {e["correlation_id"] for e in ours if e["household_key"] == multi_key}
    assert call["correlation_id"] in {correlation, at_risk[multi_key]["correlation_id"]}

    # Privacy: nothing personal in plain text on any internal topic, checked on the raw bytes.
    secrets = set()
    for client in (multi, single_no_phone, crisis):
        secrets |= {client["surname"], client["street"], client["bsn"], client["email"],
                    client["postcode"], client["postcode"].replace(" ", "")}
        if "phone" in client:
            secrets |= {client["phone"], client["phone"].lstrip("+")}
    for topic in (topics.ARREARS_REPORTED, topics.MATCHING_DECISIONS, topics.OUTREACH_CASE_EVENTS,
                  topics.partner_rejections("waternet")):
        raw = b"".join(r.value + json.dumps(r.headers).encode() for r in await bus.read_topic(topic, timeout=30))
        leaked = {s for s in secrets if s.encode() in raw}
        assert not leaked, f"{topic} carries personal data in plain text: {leaked}"
