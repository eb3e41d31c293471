"""What intake's handlers and entrypoints need built: the settings, the partner registry (the
partners, and the active ones by token), and the keys. `bootstrap` builds it once per process."""

from __future__ import annotations

from dataclasses import dataclass

from vroeg_contracts.partner_report import today_in_amsterdam
from vroeg_runtime.logs import redact_text
from vroeg_runtime.settings import PlatformSettings
from vroeg_runtime.staff_auth import TokenDirectory

from ..adapters.partner_registry import PartnerRegistry
from ..adapters.privacy import Privacy
from ..config import IntakeSettings
from ..domain.partners import Partner
from ..domain.validation import ValidationContext


@dataclass(frozen=True)
class IntakeDependencies:
    settings: IntakeSettings
    platform: PlatformSettings
    # Live: a running intake re-reads its partners table into it every few seconds (ADR 0016).
    partners: PartnerRegistry
    privacy: Privacy

    @property
    def partner_tokens(self) -> TokenDirectory[Partner]:
        """The active partners by the SHA-256 of their HTTP token."""
        return self.partners

    def validation_context(self) -> ValidationContext:
        """What validation needs, as of today (Amsterdam's date: a report may not be dated later)."""
        return ValidationContext(self.partners, frozenset(self.settings.municipalities), today_in_amsterdam(),
                                 redact_text)
