"""Privacy primitives of the bus: keyed pseudonyms for households and persons, and contact details
sealed so that only outreach can open them."""

from __future__ import annotations

import base64
import functools
import hashlib
import hmac
import time
from collections.abc import Callable
from datetime import date
from typing import Any

from nacl.public import Box, PrivateKey, PublicKey, SealedBox
from pydantic import BaseModel, ConfigDict, Field, SerializerFunctionWrapHandler, model_serializer


def normalised_address(postcode: str, house_number: int, house_letter: str | None = None,
                       house_number_addition: str | None = None) -> str:
    """The canonical form a household pseudonym is computed over: `1234AB|12|A|BIS`."""
    return "|".join(
        [
            postcode.replace(" ", "").upper(),
            str(house_number),
            (house_letter or "").strip().upper(),
            (house_number_addition or "").strip().upper(),
        ]
    )


def _hmac_hex(secret: bytes, domain: str, value: str) -> str:
    # The domain separates household from person keys, so equal inputs never collide across kinds.
    return hmac.new(secret, f"{domain}:{value}".encode(), hashlib.sha256).hexdigest()


def household_key(secret: bytes, postcode: str, house_number: int, house_letter: str | None = None,
                  house_number_addition: str | None = None) -> str:
    """HMAC-SHA256 pseudonym of a household under the municipality's secret."""
    return _hmac_hex(secret, "household",
                     normalised_address(postcode, house_number, house_letter, house_number_addition))


def person_key(secret: bytes, bsn: str) -> str:
    """HMAC-SHA256 pseudonym of a person (over the BSN) under the municipality's secret."""
    return _hmac_hex(secret, "person", bsn.strip())


class ContactDetails(BaseModel):
    """What outreach needs to reach a resident. Never on the bus in plain text."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    bsn: str | None = None
    initials: str | None = None
    prefix: str | None = None
    surname: str | None = None
    birth_date: date | None = None
    street: str | None = None
    house_number: int | None = None
    house_letter: str | None = None
    house_number_addition: str | None = None
    postcode: str | None = None
    city: str | None = None
    phone: str | None = None
    email: str | None = None


class SealedContact(BaseModel):
    """Contact details encrypted to outreach's public key; `key_id` says which key, so keys can rotate."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    key_id: str
    # base64 of a libsodium sealed box, or (with `sender_key`) of a nonce and a box
    ciphertext: str
    sender_key: str | None = Field(
        default=None, description="base64 of the short-lived public key the details were boxed with (ADR 0007); "
                                  "absent when the ciphertext is a sealed box")

    @model_serializer(mode="wrap")
    def _absent_without_sender_key(self, handler: SerializerFunctionWrapHandler) -> dict[str, Any]:
        # Left out rather than null: a consumer from before ADR 0007 refuses a field it does not
        # know, so a sealed box must serialise exactly as it did then.
        data: dict[str, Any] = handler(self)
        if self.sender_key is None:
            data.pop("sender_key", None)
        return data


def seal(details: ContactDetails, public_key: bytes, key_id: str) -> SealedContact:
    """Seal one contact with a key pair of its own (a sealed box): two X25519 operations."""
    box = SealedBox(PublicKey(public_key))
    ciphertext = box.encrypt(_plain(details))
    return SealedContact(key_id=key_id, ciphertext=base64.b64encode(ciphertext).decode())


def _plain(details: ContactDetails) -> bytes:
    return details.model_dump_json(exclude_none=True).encode()


class Sealer:
    """Seals contacts for outreach with a short-lived sender key (ADR 0007).

    A sealed box makes a key pair per contact: two X25519 operations, a tenth of intake's CPU per
    report. Here one key pair serves `rotate_after` contacts or `max_age` seconds, whichever ends
    first, and each contact gets a random nonce. When the key pair is replaced its private half is
    dropped: from then on the sealer can open none of what it sealed, as with a sealed box.
    """

    def __init__(self, public_key: bytes, key_id: str, *, rotate_after: int = 500, max_age: float = 5.0,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self._recipient = PublicKey(public_key)
        self.key_id = key_id
        self._rotate_after = rotate_after
        self._max_age = max_age
        self._clock = clock
        self._box: Box | None = None
        self._sender_key = ""
        self._used = 0
        self._born = 0.0

    def seal(self, details: ContactDetails) -> SealedContact:
        if self._box is None or self._used >= self._rotate_after or self._clock() - self._born >= self._max_age:
            sender = PrivateKey.generate()
            self._box = Box(sender, self._recipient)  # the shared key; `sender` goes out of scope here
            self._sender_key = base64.b64encode(bytes(sender.public_key)).decode()
            self._used, self._born = 0, self._clock()
        self._used += 1
        return SealedContact(key_id=self.key_id, sender_key=self._sender_key,
                             ciphertext=base64.b64encode(self._box.encrypt(_plain(details))).decode())


@functools.lru_cache(maxsize=64)
def _opening_box(private_key: bytes, sender_key: str) -> Box:
    # Contacts sealed with the same sender key arrive together: agree on the shared key once.
    return Box(PrivateKey(private_key), PublicKey(base64.b64decode(sender_key)))


def unseal(sealed: SealedContact, private_keys: dict[str, bytes]) -> ContactDetails:
    """Open sealed details with the private key named by its key id; KeyError if the key is unknown."""
    private_key = private_keys[sealed.key_id]
    ciphertext = base64.b64decode(sealed.ciphertext)
    if sealed.sender_key is None:
        plain = SealedBox(PrivateKey(private_key)).decrypt(ciphertext)
    else:
        plain = _opening_box(private_key, sealed.sender_key).decrypt(ciphertext)
    return ContactDetails.model_validate_json(plain)


def new_keypair() -> tuple[bytes, bytes]:
    """(private, public) raw 32-byte keys, for configuration and tests."""
    private = PrivateKey.generate()
    return bytes(private), bytes(private.public_key)
