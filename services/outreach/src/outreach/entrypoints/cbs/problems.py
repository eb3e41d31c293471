"""The CBS API's answers to refusals, as DDAS-VS.yaml lists them: RFC 9457 problem details
(`application/problem+json`); for 401, 403, 404, 405 and 502 also the FscError members (`code`,
`domain`) and, for FSC's own error codes, the `Fsc-Error-Code` header. See ADR 0013 for the mapping."""

from __future__ import annotations

from dataclasses import dataclass

from fastapi.responses import JSONResponse

from ...handlers.cbs_pull import Refusal

MEDIA_TYPE = "application/problem+json"
FSC_DOMAIN = "ERROR_DOMAIN_INWAY"  # the supplier's side of FSC answers


@dataclass(frozen=True)
class Kind:
    status: int
    title: str
    code: str | None = None  # FscError's code
    fsc: bool = False  # an FSC Core error code: also in the Fsc-Error-Code header


KINDS: dict[Refusal, Kind] = {
    Refusal.TOKEN_MISSING: Kind(401, "Geen access token", "ERROR_CODE_ACCESS_TOKEN_MISSING", fsc=True),
    Refusal.TOKEN_INVALID: Kind(401, "Ongeldige access token", "ERROR_CODE_ACCESS_TOKEN_INVALID", fsc=True),
    Refusal.TOKEN_EXPIRED: Kind(401, "Verlopen access token", "ERROR_CODE_ACCESS_TOKEN_EXPIRED", fsc=True),
    Refusal.TOKEN_NOT_FOR_THIS_SERVICE: Kind(403, "Access token geeft geen toegang tot deze service",
                                             "ERROR_CODE_WRONG_GROUP_ID_IN_TOKEN", fsc=True),
    Refusal.DIGEST_INVALID: Kind(400, "Ongeldige Digest"),
    Refusal.SIGNATURE_MALFORMED: Kind(400, "Ongeldige payload-signature"),
    # Not FSC's errors: FscError's body with this API's own codes, and no Fsc-Error-Code header.
    Refusal.SIGNATURE_INVALID: Kind(401, "Payload-signature klopt niet", "ERROR_CODE_PAYLOAD_SIGNATURE_INVALID"),
    Refusal.SIGNER_UNTRUSTED: Kind(401, "Signingcertificaat niet vertrouwd", "ERROR_CODE_SIGNING_CERTIFICATE_UNTRUSTED"),
    Refusal.REPLAYED: Kind(401, "Herhaald verzoek", "ERROR_CODE_REQUEST_REPLAYED"),
    Refusal.PERIOD_INVALID: Kind(422, "Ongeldige aanleverperiode"),
    Refusal.ORGANISATION_UNKNOWN: Kind(422, "Onbekende aanleverende organisatie"),
    Refusal.PAGE_OUT_OF_RANGE: Kind(422, "Pagina bestaat niet"),
    Refusal.DELIVERY_INVALID: Kind(502, "Levering niet beschikbaar", "ERROR_CODE_SERVICE_UNREACHABLE", fsc=True),
}
NOT_FOUND = Kind(404, "Service of resource niet gevonden", "ERROR_CODE_SERVICE_NOT_FOUND", fsc=True)
METHOD_NOT_ALLOWED = Kind(405, "Niet-ondersteunde HTTP-methode", "ERROR_CODE_METHOD_UNSUPPORTED", fsc=True)
UNAVAILABLE = Kind(502, "Service niet bereikbaar", "ERROR_CODE_SERVICE_UNREACHABLE", fsc=True)
BAD_REQUEST = Kind(400, "Ongeldig verzoek")


def problem(kind: Kind, detail: str, *, slug: str, instance: str = "/gegevens",
            headers: dict[str, str] | None = None) -> JSONResponse:
    body: dict[str, object] = {"type": f"urn:vroeg:problems:cbs:{slug}", "title": kind.title, "status": kind.status,
                               "detail": detail, "instance": instance}
    extra = dict(headers or {})
    if kind.code is not None:
        body |= {"code": kind.code, "domain": FSC_DOMAIN}
        if kind.fsc:
            extra["Fsc-Error-Code"] = kind.code
    if kind.status == 401:
        extra["WWW-Authenticate"] = 'Bearer error="invalid_token"' if kind.fsc else "Bearer"
    return JSONResponse(body, status_code=kind.status, media_type=MEDIA_TYPE, headers=extra)


def refused(refusal: Refusal, detail: str) -> JSONResponse:
    return problem(KINDS[refusal], detail, slug=refusal.value)
