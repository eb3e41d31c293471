"""The CBS pull (DDAS-VS.yaml, `POST /gegevens`): who may ask (an access token for this service, a
payload signature over the body's digest by a signer the trust anchor vouches for, and no replay),
the DDAS delivery of the period paged over its records, and the answer's own digest and signature.
Every pull is in the audit log, with the FSC headers it came with (hashes of tokens, never tokens).

Paging: the records are the items of every levering's `vroegsignalen` and `vroegsignaalzaken`, in
the delivery's order (levering by levering, its signals before its cases). A page is a complete
Uitwisselmodel document holding the leveringen with records on that page, each with only those
records; page 1 also holds the leveringen without records, so the pages together hold the delivery.
The answer is paged (with `paginering`) when the request names a page or a page size, or when the
delivery has more records than the default page size."""

from __future__ import annotations

import enum
import math
import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

import structlog

from vroeg_runtime.unit_of_work import UnitOfWork

from ..adapters import audit, jades, replay
from ..adapters.access_tokens import TokenCheck, TokenRefused, fingerprint
from ..adapters.ddas_schema import DeliveryInvalid
from ..adapters.letters import LetterWriter
from ..adapters.trust import TrustAnchor, Untrusted, common_name
from ..domain.errors import InvalidInput
from .reporting import ddas_delivery, organisations

log = structlog.get_logger(__name__)

LEVERINGEN = "leveringen"
RECORD_LISTS = ("vroegsignalen", "vroegsignaalzaken")
SAFE_ID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")


class Refusal(enum.Enum):
    """Why a pull is refused; entrypoints/cbs/problems.py says which status and problem each gets."""

    TOKEN_MISSING = "token-missing"
    TOKEN_INVALID = "token-invalid"
    TOKEN_EXPIRED = "token-expired"
    TOKEN_NOT_FOR_THIS_SERVICE = "token-not-for-this-service"
    DIGEST_INVALID = "digest-invalid"
    SIGNATURE_MALFORMED = "signature-malformed"
    SIGNATURE_INVALID = "signature-invalid"
    SIGNER_UNTRUSTED = "signer-untrusted"
    REPLAYED = "replayed"
    PERIOD_INVALID = "period-invalid"
    ORGANISATION_UNKNOWN = "organisation-unknown"
    PAGE_OUT_OF_RANGE = "page-out-of-range"
    DELIVERY_INVALID = "delivery-invalid"


class PullRefused(Exception):
    def __init__(self, refusal: Refusal, detail: str) -> None:
        super().__init__(detail)
        self.refusal = refusal
        self.detail = detail


TOKEN_REFUSALS = {"missing": Refusal.TOKEN_MISSING, "invalid": Refusal.TOKEN_INVALID,
                  "expired": Refusal.TOKEN_EXPIRED, "not_for_this_service": Refusal.TOKEN_NOT_FOR_THIS_SERVICE}


@dataclass(frozen=True)
class CbsPullDependencies:
    tokens: TokenCheck
    trust: TrustAnchor
    signer: jades.Signer  # the supplier's key and chain, for the answers
    replay_window: timedelta
    page_size: int  # the default
    supplier_code: str
    writers: dict[str, LetterWriter]  # each municipality's organisation, as the delivery names it


@dataclass(frozen=True)
class Caller:
    """Who pulls: the signer's certificate name, the token's hash, and the signature (for replays)."""

    signer: str
    token_fingerprint: str
    signature: str


@dataclass(frozen=True)
class PullQuery:
    start: date
    end: date
    organisation: str | None = None
    page: int | None = None
    page_size: int | None = None


@dataclass(frozen=True)
class FscHeaders:
    """The FSC headers as the audit log keeps them: a hash of `Fsc-Authorization`, the transaction id."""

    authorization: str | None = None
    transaction_id: str | None = None

    def detail(self) -> str:
        transaction = self.transaction_id if self.transaction_id is None or SAFE_ID.match(self.transaction_id) \
            else "(not a valid id)"
        authorization = fingerprint(self.authorization) if self.authorization else "-"
        return f"fsc-transaction-id {transaction or '-'}; fsc-authorization sha256:{authorization}"


def authenticate(body: bytes, *, token: str | None, digest: str | None, signature: str | None,
                 deps: CbsPullDependencies, now: datetime) -> Caller:
    """Check the access token, the body's `Digest`, the payload signature over it and its signer's
    chain at `now`; raises PullRefused. The replay check needs the database: `pull` does it."""
    try:
        deps.tokens.verify(token, now)
    except TokenRefused as error:
        raise PullRefused(TOKEN_REFUSALS[error.problem.value], str(error)) from None
    assert token is not None
    if digest is None or not jades.DIGEST.match(digest.strip()):
        raise PullRefused(Refusal.DIGEST_INVALID, "the Digest header is missing or not SHA-256=<base64>")
    if not jades.digest_matches(digest, body):
        raise PullRefused(Refusal.DIGEST_INVALID, "the Digest header does not match the body")
    if signature is None:
        raise PullRefused(Refusal.SIGNATURE_MALFORMED, "the nlgov-adr-payload-sig header is missing")
    try:
        verified = jades.verify(signature, digest)
    except jades.SignatureMalformed as error:
        raise PullRefused(Refusal.SIGNATURE_MALFORMED, f"nlgov-adr-payload-sig: {error}") from None
    except jades.SignatureInvalid:
        raise PullRefused(Refusal.SIGNATURE_INVALID, "the payload signature does not verify over the digest") from None
    try:
        certificate = deps.trust.verify(verified.chain, now)
    except Untrusted as error:
        raise PullRefused(Refusal.SIGNER_UNTRUSTED, f"the signing certificate is not trusted: {error}") from None
    return Caller(signer=common_name(certificate), token_fingerprint=fingerprint(token), signature=signature.strip())


async def pull(uow: UnitOfWork, query: PullQuery, caller: Caller, fsc: FscHeaders, deps: CbsPullDependencies,
               now: datetime) -> dict[str, Any]:
    """The answer's content: `gegevens` (one page of the delivery, or all of it) and `paginering`
    when paged. Raises PullRefused for a replay, a bad period, an unknown organisation, a page
    past the last, or a delivery that fails the schema (never sent)."""
    if not await replay.first_seen(uow.conn, caller.signature, now=now, window=deps.replay_window):
        raise PullRefused(Refusal.REPLAYED, "this payload signature was seen before")
    reader = audit.Reader(f"cbs:{_safe_name(caller.signer)}", "cbs", None)  # CBS reads the whole installation
    try:
        report = await ddas_delivery(uow, query.start, query.end, reader=reader, supplier_code=deps.supplier_code,
                                     writers=deps.writers, now=now)
    except InvalidInput as error:
        raise PullRefused(Refusal.PERIOD_INVALID, f"{_field(error.field)}: {error.reason}") from None
    except DeliveryInvalid:
        # The error names values of the delivery: it stays out of the log and the answer.
        log.error("cbs_pull_delivery_invalid", start=query.start.isoformat(), end=query.end.isoformat())
        raise PullRefused(Refusal.DELIVERY_INVALID, "the delivery failed its schema check and is not sent") from None
    document = for_organisation(report.content, query.organisation, deps.writers)
    answer = paged(document, query.page, query.page_size, deps.page_size)
    shown = answer.get("paginering")
    await audit.record(uow.conn, reader, "cbs:pull", (), "; ".join([
        f"{query.start.isoformat()}..{query.end.isoformat()}",
        f"page {shown['currentPage']}/{shown['totalPages']} of {shown['totalRecords']} records" if shown else "whole",
        f"signer {_safe_name(caller.signer)}", f"token sha256:{caller.token_fingerprint}", fsc.detail()]))
    return answer


def signed_headers(body: bytes, deps: CbsPullDependencies) -> dict[str, str]:
    """The answer's `Digest` and its payload signature by the supplier."""
    digest = jades.digest_of(body)
    return {"Digest": digest, "nlgov-adr-payload-sig": deps.signer.sign(digest)}


def for_organisation(document: dict[str, Any], organisation: str | None,
                     writers: dict[str, LetterWriter]) -> dict[str, Any]:
    """Only the leveringen of the organisation named (by `aanleverendeOrganisatie.naam`, case aside)."""
    if organisation is None:
        return document
    wanted = organisation.strip().casefold()
    known = {o.name.strip().casefold() for o in organisations(writers).values()}
    kept = [lev for lev in document.get(LEVERINGEN, [])
            if str((lev.get("aanleverendeOrganisatie") or {}).get("naam", "")).strip().casefold() == wanted]
    if wanted not in known or not kept:
        raise PullRefused(Refusal.ORGANISATION_UNKNOWN, "this supplier delivers for no organisation of that name")
    return {**document, LEVERINGEN: kept}


def paged(document: dict[str, Any], page: int | None, page_size: int | None, default_size: int) -> dict[str, Any]:
    """The answer for `document`: whole, or the page asked for with `paginering` (see the module)."""
    records = [(index, name, item) for index, levering in enumerate(document.get(LEVERINGEN, []))
               for name in RECORD_LISTS for item in levering.get(name, [])]
    size = page_size or default_size
    total_pages = max(1, math.ceil(len(records) / size))
    if page is None and page_size is None and len(records) <= default_size:
        return {"gegevens": document}
    current = page or 1
    if current > total_pages:
        raise PullRefused(Refusal.PAGE_OUT_OF_RANGE, f"page {current} is past the last page ({total_pages})")
    on_page = records[(current - 1) * size: current * size]
    leveringen = []
    for index, levering in enumerate(document.get(LEVERINGEN, [])):
        mine = [(name, item) for i, name, item in on_page if i == index]
        has_records = any(levering.get(name) for name in RECORD_LISTS)
        if not mine and (has_records or current != 1):
            continue
        leveringen.append({**levering, **{name: [item for n, item in mine if n == name]
                                          for name in RECORD_LISTS if name in levering}})
    return {"gegevens": {**document, LEVERINGEN: leveringen},
            "paginering": {"pageSize": size, "currentPage": current, "totalPages": total_pages,
                           "totalRecords": len(records)}}


def _safe_name(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "-", name).strip("-")[:80] or "unnamed"


def _field(field: str) -> str:
    """The request's name of a period field the use case refused."""
    return {"from": "aanleverperiodeStartdatum", "to": "aanleverperiodeEinddatum"}.get(field, field)
