"""Per-partner limits: the token buckets on a clock moved by hand, the 429s they lead to, and that
one partner's flood leaves another partner's bucket alone."""

import httpx
import pytest

from intake.bootstrap import build
from intake.config import IntakeSettings
from intake.domain.partners import Partner
from intake.domain.rate_limits import Rate, TokenBuckets, whole_seconds
from intake.entrypoints.http.partner_limits import PartnerLimitExceeded, PartnerLimits


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def partner(partner_id: str) -> Partner:
    return Partner(id=partner_id, name=partner_id, categories=frozenset(), token_sha256="0" * 64,
                   municipalities=frozenset({"0437"}))


@pytest.fixture
def clock() -> Clock:
    return Clock()


def test_a_full_bucket_gives_its_burst_at_once_then_the_rate(clock):
    buckets = TokenBuckets(Rate(per_minute=60, burst=5), clock)
    assert [buckets.take("a") for _ in range(5)] == [0.0] * 5
    assert buckets.take("a") == pytest.approx(1.0)  # one a second
    clock.now += 1
    assert buckets.take("a") == 0.0
    assert buckets.take("a") == pytest.approx(1.0)


def test_a_refused_take_takes_nothing_and_says_how_long(clock):
    buckets = TokenBuckets(Rate(per_minute=60, burst=10), clock)
    assert buckets.take("a", 8) == 0.0
    assert buckets.take("a", 5) == pytest.approx(3.0)  # 2 left, 3 missing at 1 a second
    assert buckets.available("a") == pytest.approx(2.0)
    clock.now += 3
    assert buckets.take("a", 5) == 0.0


def test_a_bucket_fills_up_to_its_burst_and_no_further(clock):
    buckets = TokenBuckets(Rate(per_minute=600, burst=4), clock)
    buckets.take("a", 4)
    clock.now += 3600
    assert buckets.available("a") == 4
    assert buckets.wait("a", 4) == 0.0 and buckets.available("a") == 4  # waiting takes nothing


def test_each_key_has_a_bucket_of_its_own(clock):
    buckets = TokenBuckets(Rate(per_minute=1, burst=3), clock)
    buckets.take("flood", 3)
    assert buckets.take("flood") == pytest.approx(60.0)
    assert [buckets.take("other") for _ in range(3)] == [0.0] * 3


def test_a_clock_that_steps_back_refills_nothing(clock):
    buckets = TokenBuckets(Rate(per_minute=60, burst=2), clock)
    buckets.take("a", 2)
    clock.now -= 100
    assert buckets.available("a") == 0
    clock.now += 1  # one second after the step back: one token, not 101
    assert buckets.available("a") == pytest.approx(1.0)


@pytest.mark.parametrize("cost", [0, 6])
def test_a_cost_outside_one_to_the_burst_is_a_mistake(clock, cost):
    with pytest.raises(ValueError, match="can never be taken"):
        TokenBuckets(Rate(per_minute=60, burst=5), clock).take("a", cost)


def test_a_rate_needs_at_least_one():
    with pytest.raises(ValueError):
        Rate(per_minute=0, burst=1)


@pytest.mark.parametrize(("wait", "seconds"), [(0.01, 1), (1.0, 1), (1.2, 2), (59.99, 60), (60.000000000001, 60)])
def test_retry_after_is_whole_seconds_rounded_up(wait, seconds):
    assert whole_seconds(wait) == seconds


def settings(**limits) -> IntakeSettings:
    return IntakeSettings(**{"http_max_reports": 10, "partner_reports_per_minute": 60, "partner_burst": 10,
                             "partner_requests_per_minute": 6, "partner_request_burst": 3, **limits})


def test_a_flooding_partner_is_refused_and_the_others_are_not(clock):
    limits, flood, other = PartnerLimits(settings(), clock), partner("flood"), partner("other")
    limits.admit(flood, posts_reports=True)
    limits.charge(flood, 10)
    with pytest.raises(PartnerLimitExceeded) as refused:
        limits.admit(flood, posts_reports=True)  # no report left: refused before the body is read
    answer = refused.value.answer
    assert (answer.limit, answer.per_minute, answer.burst, answer.retry_after) == ("reports_per_minute", 60, 10, 1)
    assert answer.reports_taken == 0
    limits.admit(other, posts_reports=True)
    limits.charge(other, 10)


def test_reports_over_what_is_left_are_refused_whole(clock):
    limits, sender = PartnerLimits(settings(), clock), partner("eigen-haard")
    limits.charge(sender, 7)
    with pytest.raises(PartnerLimitExceeded) as refused:
        limits.charge(sender, 5)
    assert refused.value.answer.retry_after == 2  # 3 left, 2 missing at 1 a second
    assert "none of the 5 reports of this request was taken; send them again in 2 s" in refused.value.answer.detail
    limits.charge(sender, 3)  # the refused request took nothing


def test_calls_are_limited_whatever_they_carry(clock):
    limits, sender = PartnerLimits(settings(), clock), partner("eigen-haard")
    for _ in range(3):
        limits.admit(sender)
    with pytest.raises(PartnerLimitExceeded) as refused:
        limits.admit(sender)
    answer = refused.value.answer
    assert (answer.limit, answer.retry_after) == ("requests_per_minute", 10)
    assert answer.detail == "more than 6 requests a minute (bursts of up to 3): nothing of this request was taken; try again in 10 s"
    clock.now += 10
    limits.admit(sender)


def test_a_burst_below_the_most_reports_in_one_request_stops_start_up():
    with pytest.raises(ValueError, match="INTAKE_PARTNER_BURST .* INTAKE_HTTP_MAX_REPORTS"):
        PartnerLimits(settings(partner_burst=9))


@pytest.fixture
def app():
    with pytest.MonkeyPatch.context() as env:
        env.setenv("VROEG_KAFKA_SECURITY", "plaintext")  # nothing here reaches the broker
        _, app = build(settings(partner_requests_per_minute=1, partner_request_burst=2))
    return app


async def test_over_the_request_limit_the_answer_is_429_before_the_body_is_read(app):
    read = []

    async def body():
        read.append(True)
        yield b"[]"

    def headers(partner):  # a media type intake refuses (415) once it has read the body: no database needed
        return {"Authorization": f"Bearer dev-token-{partner}", "Content-Type": "application/xml"}

    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://intake") as client:
        for _ in range(2):
            assert (await client.post("/v1/reports", headers=headers("eigen-haard"), content=b"<r/>")).status_code == 415
        response = await client.post("/v1/reports", headers=headers("eigen-haard"), content=body())
        other = await client.post("/v1/reports", headers=headers("waternet"), content=b"<r/>")
    assert response.status_code == 429 and not read
    assert response.headers["retry-after"] == "60"
    assert response.json() == {
        "detail": "more than 1 requests a minute (bursts of up to 2): nothing of this request was taken; try again in 60 s",
        "partner_id": "eigen-haard", "limit": "requests_per_minute", "per_minute": 1, "burst": 2, "retry_after": 60,
        "reports_taken": 0}
    assert other.status_code == 415  # another partner's calls go on


def test_the_openapi_document_names_the_429(app):
    paths = app.openapi()["paths"]
    for path, method in [("/v1/reports", "post"), ("/v1/rejections", "get"), ("/v1/feedback", "get")]:
        assert "Retry-After" in paths[path][method]["responses"]["429"]["headers"]
