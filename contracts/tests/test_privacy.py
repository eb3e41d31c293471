"""Pseudonyms are stable and keyed; sealed contact details open only with outreach's key."""

import pytest
from nacl.exceptions import CryptoError

from vroeg_contracts.privacy import ContactDetails, household_key, new_keypair, person_key, seal, unseal

SECRET = bytes(32)


def test_household_key_is_over_the_normalised_address():
    assert household_key(SECRET, "1191 ab", 12, "b", None) == household_key(SECRET, "1191AB", 12, "B", "")
    assert household_key(SECRET, "1191AB", 12) != household_key(SECRET, "1191AB", 14)
    assert household_key(SECRET, "1191AB", 12) != household_key(b"other" * 8, "1191AB", 12)


def test_person_and_household_keys_never_collide():
    assert person_key(SECRET, "111222333") != household_key(SECRET, "111222333", 1)
    assert len(person_key(SECRET, "111222333")) == 64


def test_sealed_details_open_only_with_the_right_key():
    private, public = new_keypair()
    other_private, _ = new_keypair()
    details = ContactDetails(surname="d'Hondt", phone="+31612345678", bsn="111222333")
    sealed = seal(details, public, "k1")
    assert "Hondt" not in sealed.ciphertext and "111222333" not in sealed.model_dump_json()
    assert unseal(sealed, {"k1": private}) == details
    with pytest.raises(CryptoError):
        unseal(sealed, {"k1": other_private})
    with pytest.raises(KeyError):
        unseal(sealed, {"k2": private})
