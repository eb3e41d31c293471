"""Pseudonyms are stable and keyed; sealed contact details open only with outreach's key."""

import base64
import json

import pytest
from nacl.exceptions import CryptoError

from vroeg_contracts.privacy import ContactDetails, Sealer, household_key, new_keypair, person_key, seal, unseal

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


def test_a_sealer_boxes_contacts_for_outreach_alone():
    private, public = new_keypair()
    other_private, _ = new_keypair()
    details = ContactDetails(surname="d'Hondt", phone="+31612345678", bsn="111222333")
    sealed = Sealer(public, "k1").seal(details)
    assert sealed.sender_key is not None and sealed.sender_key != base64.b64encode(public).decode()
    assert "Hondt" not in sealed.model_dump_json() and "111222333" not in sealed.model_dump_json()
    assert unseal(sealed, {"k1": private}) == details
    with pytest.raises(CryptoError):
        unseal(sealed, {"k1": other_private})
    # Another sender key over the same box is refused too: the key is part of what is authenticated.
    with pytest.raises(CryptoError):
        unseal(sealed.model_copy(update={"sender_key": base64.b64encode(new_keypair()[1]).decode()}), {"k1": private})


def test_a_sender_key_serves_a_bounded_number_of_contacts_and_seconds():
    private, public = new_keypair()
    now = [0.0]
    sealer = Sealer(public, "k1", rotate_after=3, max_age=5.0, clock=lambda: now[0])
    details = ContactDetails(surname="Jansen")
    first = [sealer.seal(details) for _ in range(3)]
    assert len({s.sender_key for s in first}) == 1
    assert len({s.ciphertext for s in first}) == 3  # a nonce of its own per contact
    fourth = sealer.seal(details)
    assert fourth.sender_key != first[0].sender_key  # after three contacts
    now[0] = 5.0
    assert sealer.seal(details).sender_key != fourth.sender_key  # after five seconds
    assert all(unseal(s, {"k1": private}) == details for s in [*first, fourth])


def test_a_sealed_box_serialises_as_before_the_sender_key_existed():
    # An outreach or matching from before ADR 0007 refuses any field it does not know, null or not.
    _, public = new_keypair()
    old = seal(ContactDetails(surname="Jansen"), public, "k1")
    assert set(json.loads(old.model_dump_json())) == {"key_id", "ciphertext"}
    assert set(old.model_dump()) == {"key_id", "ciphertext"}
    assert "sender_key" in json.loads(Sealer(public, "k1").seal(ContactDetails(surname="Jansen")).model_dump_json())
