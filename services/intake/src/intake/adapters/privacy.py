"""Pseudonyms and sealing for intake: the only service that sees a resident's details in plain text."""

from __future__ import annotations

from dataclasses import dataclass, field

from vroeg_contracts.keys import KeyFolder
from vroeg_contracts.partner_report import Client
from vroeg_contracts.privacy import ContactDetails, SealedContact, Sealer, household_key, person_key


@dataclass
class Privacy:
    keys: KeyFolder
    outreach_key_id: str
    _secrets: dict[str, bytes] = field(default_factory=dict)
    _sealer: Sealer | None = None

    def _secret(self, municipality_code: str) -> bytes:
        if municipality_code not in self._secrets:
            self._secrets[municipality_code] = self.keys.municipality_secret(municipality_code)
        return self._secrets[municipality_code]

    def check(self, municipalities: list[str]) -> None:
        """Load every key intake needs now; raises KeyConfigurationError naming the file."""
        for code in municipalities:
            self._secret(code)
        self._sealer = self._new_sealer()

    def _new_sealer(self) -> Sealer:
        return Sealer(self.keys.outreach_public_key(self.outreach_key_id), self.outreach_key_id)

    def household_key(self, municipality_code: str, client: Client) -> str:
        return household_key(self._secret(municipality_code), client.postcode, client.house_number,
                             client.house_letter, client.house_number_addition)

    def person_key(self, municipality_code: str, client: Client) -> str | None:
        return person_key(self._secret(municipality_code), client.bsn) if client.bsn else None

    def seal(self, client: Client) -> SealedContact:
        if self._sealer is None:
            self._sealer = self._new_sealer()
        return self._sealer.seal(ContactDetails.model_validate(client.model_dump()))
