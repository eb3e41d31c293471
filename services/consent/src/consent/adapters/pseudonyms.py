"""Turns a BSN or an address into the pseudonyms intake uses, under the municipality's secret.

The BSN and the address are used here and nowhere else: what leaves this module is an HMAC.
"""

from __future__ import annotations

from vroeg_contracts import privacy
from vroeg_contracts.keys import KeyFolder


class UnknownMunicipality(LookupError):
    """No pseudonym secret is configured for this municipality code."""


class Pseudonymiser:
    def __init__(self, keys: KeyFolder) -> None:
        self._keys = keys

    def _secret(self, municipality_code: str) -> bytes:
        # Read on every call, as the key folder does: a secret added later is used without a restart.
        try:
            return self._keys.municipality_secret(municipality_code)
        except LookupError:
            raise UnknownMunicipality(f"no pseudonym secret for municipality {municipality_code}") from None

    def person_key(self, municipality_code: str, bsn: str) -> str:
        return privacy.person_key(self._secret(municipality_code), bsn)

    def household_key(self, municipality_code: str, postcode: str, house_number: int, house_letter: str | None,
                      house_number_addition: str | None) -> str:
        return privacy.household_key(self._secret(municipality_code), postcode, house_number, house_letter,
                                     house_number_addition)
