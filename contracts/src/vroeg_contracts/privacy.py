"""Privacy primitives of the bus: keyed pseudonyms for households and persons, and contact details
sealed so that only outreach can open them."""

from __future__ import annotations

import base64
import hashlib
import hmac
from datetime import date

from nacl.public import PrivateKey, PublicKey, SealedBox
from pydantic import BaseModel, ConfigDict


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
    ciphertext: str  # base64 of a libsodium sealed box


def seal(details: ContactDetails, public_key: bytes, key_id: str) -> SealedContact:
    box = SealedBox(PublicKey(public_key))
    ciphertext = box.encrypt(details.model_dump_json(exclude_none=True).encode())
    return SealedContact(key_id=key_id, ciphertext=base64.b64encode(ciphertext).decode())


def unseal(sealed: SealedContact, private_keys: dict[str, bytes]) -> ContactDetails:
    """Open sealed details with the private key named by its key id; KeyError if the key is unknown."""
    box = SealedBox(PrivateKey(private_keys[sealed.key_id]))
    return ContactDetails.model_validate_json(box.decrypt(base64.b64decode(sealed.ciphertext)))


def new_keypair() -> tuple[bytes, bytes]:
    """(private, public) raw 32-byte keys, for configuration and tests."""
    private = PrivateKey.generate()
    return bytes(private), bytes(private.public_key)
