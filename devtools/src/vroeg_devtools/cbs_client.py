"""CBS's side of the DDAS pull API (DDAS-VS.yaml), for the tests and the demo: a request made as CBS
makes it (its client certificate over mutual TLS, an access token from the development issuer, the
`Digest` of the body and the `nlgov-adr-payload-sig` over it), and the answer checked as CBS checks it
(its `Digest`, its signature, the signer's chain against the trust anchor, and `gegevens` against the
official Uitwisselmodel v1.2). The signatures and tokens are outreach's own adapters, not a copy.

The folder is a development set (`python -m outreach cbs-dev-certs`; deploy/local/isolated.sh makes
one in `$VROEG_KEYS_DIR/cbs`).
"""

from __future__ import annotations

import json
import ssl
import time
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import httpx

from outreach.adapters import access_tokens, jades
from outreach.adapters.ddas_schema import DeliveryInvalid, validate
from outreach.adapters.trust import TrustAnchor, Untrusted, load_certificates, load_private_key
from outreach.config import OutreachSettings, cbs_service_name
from vroeg_contracts.partner_report import today_in_amsterdam


class PullFailed(Exception):
    """The answer was refused, or is not what CBS accepts: a wrong digest or signature, an untrusted
    signer, or a delivery that fails the official schema."""


class Cbs:
    """CBS's signing key and chain, and tokens from the (development) issuer."""

    def __init__(self, folder: Path, signer: jades.Signer | None = None, audience: str | None = None) -> None:
        self.folder = Path(folder)
        self.signer = signer or jades.Signer(load_private_key(self.folder / "cbs-signing.key"),
                                             tuple(load_certificates(self.folder / "cbs-signing.pem")), kid="cbs-dev")
        # The FSC service name outreach serves as, the tokens' audience (from the same settings).
        self.audience = audience or cbs_service_name(OutreachSettings())

    def token(self, **claims: Any) -> str:
        return access_tokens.issue(load_private_key(self.folder / "token-issuer.key"), audience=self.audience, **claims)

    def request(self, body: dict[str, Any] | None = None, **extra_headers: str) -> tuple[bytes, dict[str, str]]:
        """The body's bytes and the headers that sign them: token, `Digest`, payload signature."""
        content = json.dumps(body if body is not None else period()).encode()
        digest = jades.digest_of(content)
        headers = {"Content-Type": "application/json", "Authorization": f"Bearer {self.token()}", "Digest": digest,
                   "nlgov-adr-payload-sig": self.signer.sign(digest), **extra_headers}
        return content, headers


def period(start: date | None = None, end: date | None = None, **more: Any) -> dict[str, Any]:
    """A GegevensRequest for [start, end]; by default this month up to today."""
    end = end or today_in_amsterdam()
    start = start or end.replace(day=1)
    return {"aanleverperiodeStartdatum": start.isoformat(), "aanleverperiodeEinddatum": end.isoformat(), **more}


def checked_answer(response: httpx.Response, folder: Path) -> dict[str, Any]:
    """The answer's body, once it is a 200 whose `Digest` matches and whose signature verifies with a
    chain from the trust anchor (`ca.pem`); raises PullFailed otherwise."""
    if response.status_code != 200:
        raise PullFailed(f"answered {response.status_code}: {response.text[:500]}")
    digest = response.headers.get("Digest")
    if not jades.digest_matches(digest, response.content):
        raise PullFailed("the answer's Digest does not match its body")
    try:
        verified = jades.verify(response.headers.get("nlgov-adr-payload-sig", ""), digest or "")
        TrustAnchor.load(Path(folder) / "ca.pem").verify(verified.chain, datetime.now(UTC))
    except (jades.SignatureMalformed, jades.SignatureInvalid, Untrusted) as error:
        raise PullFailed(f"the answer's signature: {type(error).__name__}: {error}") from None
    return response.json()


def client_certificate(folder: Path) -> tuple[str, str]:
    """CBS's TLS client certificate and key in the development set."""
    return str(Path(folder) / "cbs-client.pem"), str(Path(folder) / "cbs-client.key")


def tls_client(folder: Path, cert: tuple[str, str] | None, *, timeout: float = 30) -> httpx.Client:
    """An HTTPS client that trusts the development CA and presents `cert` (None: no certificate)."""
    context = ssl.create_default_context(cafile=str(Path(folder) / "ca.pem"))
    if cert is not None:
        context.load_cert_chain(*cert)
    return httpx.Client(verify=context, timeout=timeout)


@dataclass(frozen=True)
class Pulled:
    """A delivery as pulled: the `gegevens` of each page, each checked and valid."""

    pages: list[dict[str, Any]]

    @property
    def leveringen(self) -> int:
        """How many leveringen (municipalities); page 1 holds every one of them."""
        return len(self.pages[0].get("leveringen", [])) if self.pages else 0

    def signal_ids(self) -> list[str]:
        return [s["ID"] for page in self.pages for lv in page.get("leveringen", []) for s in lv["vroegsignalen"]]

    def cases(self) -> list[dict[str, Any]]:
        return [z for page in self.pages for lv in page.get("leveringen", []) for z in lv["vroegsignaalzaken"]]


def pull(url: str, folder: Path, start: date, end: date, *, connect_for: float = 15.0) -> Pulled:
    """Every page of the delivery of [start, end] from the API at `url`, each answer checked
    (`checked_answer`) and its `gegevens` validated against the official v1.2 schema. Waits up to
    `connect_for` seconds for the port to open (the API starts just after the service is ready)."""
    pages: list[dict[str, Any]] = []
    cbs = Cbs(folder)
    with tls_client(folder, client_certificate(folder)) as client:
        page, total = 1, 1
        while page <= total:
            body = period(start, end) if page == 1 else period(start, end, page=page)
            answer = checked_answer(_post(client, f"{url}/gegevens", cbs, body, connect_for), folder)
            try:
                validate(answer["gegevens"])
            except DeliveryInvalid as error:
                raise PullFailed(f"page {page} is not a valid DDAS v1.2 delivery: {error.problems[:10]}") from None
            pages.append(answer["gegevens"])
            total = answer.get("paginering", {}).get("totalPages", 1)
            page += 1
    return Pulled(pages)


def _post(client: httpx.Client, url: str, cbs: Cbs, body: dict[str, Any], connect_for: float) -> httpx.Response:
    deadline = time.monotonic() + connect_for
    while True:
        content, headers = cbs.request(body)  # signed anew each try: a signature is used once
        try:
            return client.post(url, content=content, headers=headers)
        except httpx.ConnectError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.5)
