"""The access token of DDAS-VS.yaml's security scheme (OAuth2 client credentials, scope `read`), as a
JWT (RS256) checked with joserfc: signature, `iss`, `aud`, `exp` and the `read` scope.

In production the FSC manager issues it; on a developer's machine and in tests a development issuer
stands in, whose key pair the set-up makes (dev_certificates). `issue` is that issuer."""

from __future__ import annotations

import enum
import hashlib
import time
from dataclasses import dataclass
from datetime import datetime, timedelta

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from joserfc import jwt
from joserfc.errors import ExpiredTokenError, JoseError
from joserfc.jwk import RSAKey
from joserfc.jwt import JWTClaimsRegistry

ALGORITHM = "RS256"
SCOPE = "read"
DEV_ISSUER = "vroeg-development-token-issuer"


class Problem(enum.Enum):
    MISSING = "missing"
    INVALID = "invalid"
    EXPIRED = "expired"
    NOT_FOR_THIS_SERVICE = "not_for_this_service"  # another audience, or no `read` scope


class TokenRefused(Exception):
    def __init__(self, problem: Problem, reason: str) -> None:
        super().__init__(reason)
        self.problem = problem


def fingerprint(token: str) -> str:
    """What the audit log keeps of a token: never the token, only a short hash of it."""
    return hashlib.sha256(token.encode()).hexdigest()[:16]


@dataclass(frozen=True)
class TokenCheck:
    public_key: rsa.RSAPublicKey
    issuer: str
    audience: str

    def verify(self, token: str | None, now: datetime) -> dict[str, object]:
        """The token's claims once it is valid for this service at `now`; raises TokenRefused."""
        if not token:
            raise TokenRefused(Problem.MISSING, "no access token")
        key = RSAKey.import_key(self.public_key.public_bytes(serialization.Encoding.PEM,
                                                            serialization.PublicFormat.SubjectPublicKeyInfo))
        try:
            claims = jwt.decode(token, key, algorithms=[ALGORITHM]).claims
        except (JoseError, ValueError) as error:
            raise TokenRefused(Problem.INVALID, f"the token does not verify ({type(error).__name__})") from None
        try:
            JWTClaimsRegistry(now=int(now.timestamp()), iss={"essential": True, "value": self.issuer},
                              exp={"essential": True}).validate(claims)
        except ExpiredTokenError:
            raise TokenRefused(Problem.EXPIRED, "the token has expired") from None
        except JoseError as error:
            raise TokenRefused(Problem.INVALID, f"the token's claims do not hold ({error.error})") from None
        audience = claims.get("aud")
        audiences = audience if isinstance(audience, list) else [audience]
        scopes = str(claims.get("scope", "")).split()
        if self.audience not in audiences or SCOPE not in scopes:
            raise TokenRefused(Problem.NOT_FOR_THIS_SERVICE, f"the token does not grant scope {SCOPE!r} on this service")
        return claims


def issue(private_key: rsa.RSAPrivateKey, *, audience: str, subject: str = "cbs", scope: str = SCOPE,
          issuer: str = DEV_ISSUER, valid_for: timedelta = timedelta(minutes=5), now: float | None = None) -> str:
    """A development access token (the FSC manager's stand-in)."""
    issued_at = int(now if now is not None else time.time())
    key = RSAKey.import_key(private_key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                                      serialization.NoEncryption()))
    claims = {"iss": issuer, "sub": subject, "aud": audience, "scope": scope, "iat": issued_at,
              "exp": issued_at + int(valid_for.total_seconds())}
    return jwt.encode({"alg": ALGORITHM, "typ": "JWT"}, claims, key, algorithms=[ALGORITHM])
