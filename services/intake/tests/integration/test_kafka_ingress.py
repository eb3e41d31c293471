"""The Kafka way in: a partner's topic proves the partner; good reports become one ArrearsReported
each, bad ones (even bytes that are not JSON) come back on the partner's rejections topic."""

import json

from vroeg_contracts import topics
from vroeg_devtools import bus


def report_ids(records):
    return [e["payload"]["report_id"] for e in bus.events(records, "ArrearsReported")]


async def test_partner_topic_reports_are_accepted_or_returned_with_reasons(kafka_intake, residents):
    good = residents.report("eigen-haard", "rent", residents.client())
    resend = json.loads(json.dumps(good))  # the same report twice: one event
    bad_postcode = residents.report("eigen-haard", "rent", residents.client(postcode="0000 XX"))
    claims_another = residents.report("waternet", "water", residents.client())
    resolve = {**good, "arrears": {**good["arrears"], "status": "resolved"}}
    not_json = b'{"report_id": "' + residents.run.encode() + b'-garbled", partner'
    await bus.send_reports([("eigen-haard", good), ("eigen-haard", resend), ("eigen-haard", bad_postcode),
                            ("eigen-haard", claims_another), ("eigen-haard", not_json), ("eigen-haard", resolve)])

    def answered(records):
        messages = [r.json() for r in records if r.json()["channel"] == "kafka"]
        by_report = {m["report_id"]: m for m in messages}
        # Bytes that are not JSON have no readable report id; they are answered all the same.
        garbled = [m for m in messages if m["report_id"] is None and m["reasons"][0]["field"] == "(body)"]
        return by_report, garbled

    rejections = await bus.read_topic(topics.partner_rejections("eigen-haard"), timeout=60, until=lambda rs: (
        {bad_postcode["report_id"], claims_another["report_id"]} <= set(answered(rs)[0]) and answered(rs)[1]))
    by_report, _ = answered(rejections)
    assert [x["field"] for x in by_report[bad_postcode["report_id"]]["reasons"]] == ["client.postcode"]
    assert [x["field"] for x in by_report[claims_another["report_id"]]["reasons"]] == ["partner_id", "arrears.category"]

    accepted = await bus.read_topic(topics.ARREARS_REPORTED, timeout=60, settle=1.0,
                                    until=lambda rs: report_ids(rs).count(good["report_id"]) >= 2)
    events = [e for e in bus.events(accepted, "ArrearsReported") if e["payload"]["report_id"] == good["report_id"]]
    assert [e["payload"]["status"] for e in events] == ["open", "resolved"]
    assert claims_another["report_id"] not in report_ids(accepted)
    assert bad_postcode["report_id"] not in report_ids(accepted)
