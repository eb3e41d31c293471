"""Per-partner limits on the partner API (`domain.rate_limits` on HTTP): a partner that floods is
answered 429 with `Retry-After`, and only that partner; the others have buckets of their own.

- Every call (`POST /v1/reports`, `GET /v1/rejections`, `GET /v1/feedback`) costs one of the
  partner's requests (`INTAKE_PARTNER_REQUESTS_PER_MINUTE`, `INTAKE_PARTNER_REQUEST_BURST`), before
  its body is read: refused attempts are bounded too.
- Every report of a `POST /v1/reports` costs one of the partner's reports
  (`INTAKE_PARTNER_REPORTS_PER_MINUTE`, `INTAKE_PARTNER_BURST`). A post is refused before its body
  is read when not even one is left, and after it is read when its reports are more than are left:
  then none of them is taken. The burst is at least `INTAKE_HTTP_MAX_REPORTS`, so every request the
  other limits allow can pass once the bucket has filled.

The buckets are this process's: with several intake processes behind one address, a partner gets
the limits once per process.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any, Literal

import structlog
from fastapi import Depends, FastAPI, Request
from fastapi.responses import JSONResponse
from prometheus_client import Counter
from pydantic import BaseModel

from vroeg_runtime import metrics

from ...config import IntakeSettings
from ...domain.partners import Partner
from ...domain.rate_limits import Rate, TokenBuckets, whole_seconds

log = structlog.get_logger(__name__)
LIMITED = Counter("vroeg_intake_partner_limited_total", "Partner API calls refused with 429, by partner and limit",
                  ["partner", "limit"], registry=metrics.REGISTRY)

LimitName = Literal["requests_per_minute", "reports_per_minute"]


class LimitExceeded(BaseModel):
    """The answer 429: which limit, its numbers, and when to come back (also in `Retry-After`)."""

    detail: str
    partner_id: str
    limit: LimitName
    per_minute: int
    burst: int
    retry_after: int  # seconds
    reports_taken: int = 0  # always 0: a refused request takes none of its reports


RESPONSES: dict[int | str, dict[str, Any]] = {429: {
    "model": LimitExceeded,
    "description": "Over the partner's limit of requests or reports a minute; nothing of this request was taken",
    "headers": {"Retry-After": {"description": "seconds until the request can pass", "schema": {"type": "integer"}}},
}}


class PartnerLimitExceeded(Exception):
    def __init__(self, answer: LimitExceeded) -> None:
        super().__init__(answer.detail)
        self.answer = answer


class PartnerLimits:
    """The requests and reports buckets of every partner, and the answer when one is empty."""

    def __init__(self, settings: IntakeSettings, clock: Callable[[], float] = time.monotonic) -> None:
        if settings.partner_burst < settings.http_max_reports:
            raise ValueError(f"INTAKE_PARTNER_BURST ({settings.partner_burst}) must be at least INTAKE_HTTP_MAX_REPORTS"
                             f" ({settings.http_max_reports}): a request with that many reports could never pass")
        self.requests = TokenBuckets(Rate(settings.partner_requests_per_minute, settings.partner_request_burst), clock)
        self.reports = TokenBuckets(Rate(settings.partner_reports_per_minute, settings.partner_burst), clock)

    def install(self, app: FastAPI) -> None:
        app.add_exception_handler(PartnerLimitExceeded, _answer)  # type: ignore[arg-type]

    def admitting(self, authenticated: Callable[..., Partner], *, posts_reports: bool = False) -> Callable[..., Partner]:
        """A dependency: the authenticated partner, once this call is within its limits (else 429)."""

        def admitted(partner: Partner = Depends(authenticated)) -> Partner:
            self.admit(partner, posts_reports=posts_reports)
            return partner

        return admitted

    def admit(self, partner: Partner, *, posts_reports: bool = False) -> None:
        """Take one of the partner's requests; for a post of reports, check that one report is left."""
        if wait := self.requests.take(partner.id):
            raise _exceeded(partner, self.requests, "requests_per_minute", wait,
                            "nothing of this request was taken; try again")
        if posts_reports and (wait := self.reports.wait(partner.id)):
            raise _exceeded(partner, self.reports, "reports_per_minute", wait,
                            "nothing of this request was taken; send it again")

    def charge(self, partner: Partner, count: int) -> None:
        """Take the reports of a request that holds `count` (at least one, as a request that holds
        none is still answered); or take none, and refuse them all."""
        if wait := self.reports.take(partner.id, max(1, count)):
            raise _exceeded(partner, self.reports, "reports_per_minute", wait,
                            f"none of the {count} reports of this request was taken; send them again")


def _exceeded(partner: Partner, buckets: TokenBuckets, limit: LimitName, wait: float,
              refused: str) -> PartnerLimitExceeded:
    rate, seconds = buckets.rate, whole_seconds(wait)
    LIMITED.labels(partner=partner.id, limit=limit).inc()
    log.warning("partner_limited", partner_id=partner.id, limit=limit, retry_after=seconds)
    what = limit.removesuffix("_per_minute")
    return PartnerLimitExceeded(LimitExceeded(
        detail=f"more than {rate.per_minute} {what} a minute (bursts of up to {rate.burst}): {refused} in {seconds} s",
        partner_id=partner.id, limit=limit, per_minute=rate.per_minute, burst=rate.burst, retry_after=seconds))


async def _answer(_request: Request, error: PartnerLimitExceeded) -> JSONResponse:
    # A body left unread is read and dropped by the server, as after a 401: closing the connection
    # under it would reset it, and a client that sends its whole body first would not see the 429.
    return JSONResponse(error.answer.model_dump(mode="json"), status_code=429,
                        headers={"Retry-After": str(error.answer.retry_after)})
