"""Per-partner limits on the real database: a partner over its reports a minute gets 429 with
Retry-After and none of that request's reports is taken, while another partner's reports are still
accepted; a streamed upload far over the body limit gets 413 before intake has read most of it."""

import pytest

from intake.config import IntakeSettings

from .conftest import running

BURST = 5


@pytest.fixture(scope="module")
async def limited_intake(platform):
    # Five reports at once per partner, then one a minute: the second request of three is over it.
    settings = IntakeSettings(kafka_ingress=False, http_max_reports=BURST, partner_burst=BURST,
                              partner_reports_per_minute=1)
    async for started in running(settings):
        yield started


async def stored(intake_db, partner: str, reports: list[dict]) -> tuple[int, int]:
    """How many raw reports the partner has in intake's database, and how many of `reports` became a signal."""
    return (await intake_db.fetchval("SELECT count(*) FROM raw_reports WHERE partner_id = $1", partner),
            await intake_db.fetchval("SELECT count(*) FROM signals WHERE partner_id = $1 AND report_id = ANY($2::text[])",
                                     partner, [r["report_id"] for r in reports]))


async def test_a_partner_over_its_rate_gets_429_and_the_others_go_on(limited_intake, intake_db, residents):
    def reports(partner, category, count):
        return [residents.report(partner, category, residents.client()) for _ in range(count)]

    first, second = reports("eigen-haard", "rent", 3), reports("eigen-haard", "rent", 3)
    assert (await limited_intake.post(first)).json()["accepted"] == 3
    before = await stored(intake_db, "eigen-haard", second)

    refused = await limited_intake.post(second)  # 3 more, with 2 left: none of them is taken
    assert refused.status_code == 429
    assert refused.headers["retry-after"] == "60"  # the missing one, at one a minute
    answer = refused.json()
    assert answer["limit"] == "reports_per_minute" and answer["retry_after"] == 60 and answer["reports_taken"] == 0
    assert answer["partner_id"] == "eigen-haard" and (answer["per_minute"], answer["burst"]) == (1, BURST)
    assert "none of the 3 reports of this request was taken" in answer["detail"]
    assert await stored(intake_db, "eigen-haard", second) == before == (before[0], 0)

    # Another partner's bucket is its own: all its reports are taken meanwhile.
    others = reports("waternet", "water", BURST)
    answer = await limited_intake.post(others, partner="waternet")
    assert answer.status_code == 200 and answer.json()["accepted"] == BURST

    # What is left of the flooding partner's bucket still passes, and then nothing until it refills.
    assert (await limited_intake.post(second[:2])).json()["accepted"] == 2
    empty = await limited_intake.post(second[2:])
    assert empty.status_code == 429 and "nothing of this request was taken" in empty.json()["detail"]
    assert (await stored(intake_db, "eigen-haard", second))[1] == 2


async def test_a_streamed_upload_over_the_limit_gets_413_before_most_of_it_is_read(limited_intake):
    limit, chunk, total = limited_intake.intake.settings.http_max_body_bytes, 64 * 1024, 50 * 1024 * 1024
    pulled = 0

    async def body():  # 50 MB, streamed (chunked): intake learns the size only by counting
        nonlocal pulled
        while pulled < total:
            pulled += chunk
            yield b"x" * chunk

    response = await limited_intake.client.post("/v1/reports", content=body(), headers={
        "Authorization": "Bearer dev-token-vgz", "Content-Type": "text/csv"})
    assert response.status_code == 413 and f"body larger than {limit} bytes" in response.json()["detail"]
    assert response.headers["connection"] == "close"  # over twice the limit: not read to its end
    assert pulled <= 2 * limit + 2 * chunk, pulled  # the limit, and the limit again read and dropped
