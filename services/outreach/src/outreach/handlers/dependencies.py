"""What outreach's use cases and entrypoints need from outside, built once by the bootstrap."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date

from ..adapters.figures import PastMonths
from ..adapters.letters import LetterWriter
from ..adapters.mail import Mailbox
from ..adapters.passwords import Passwords
from ..adapters.referrals import ReferralSink
from ..adapters.staff_directory import StaffDirectory
from ..config import OutreachSettings
from ..domain.accounts import SignInPolicy
from ..domain.plan import ContactRules


@dataclass
class OutreachDependencies:
    settings: OutreachSettings
    private_keys: dict[str, bytes]  # by key id: every key sealed contact details may use
    rules: ContactRules  # `visits_enabled` here is the configured default; see `switches.current_rules`
    writers: dict[str, LetterWriter]  # by municipality code
    mailbox: Mailbox  # where letters go
    referrals: ReferralSink  # where granted referral packages go
    staff: StaffDirectory  # who may use the team API, in which role (bearer tokens)
    passwords: Passwords  # the workplace's staff passwords (argon2)
    sign_in_policy: SignInPolicy  # the workplace's idle timeout, session limit and lockout
    max_unreached_attempts: int = 3
    past_figures: PastMonths = field(default_factory=PastMonths)  # the supervisor's finished months, kept a while
    # The days each municipality's team is closed (its municipality.toml), beyond weekends and holidays.
    closed_days: dict[str, frozenset[date]] = field(default_factory=dict)
    inhabitants: dict[str, int] = field(default_factory=dict)  # by municipality code, for figures per 1,000

    def rules_for(self, municipality_code: str) -> ContactRules:
        """The configured contact rules with one municipality's calendar (visits as configured; the
        run-time switch is applied by `switches.current_rules`)."""
        closed = self.closed_days.get(municipality_code)
        return replace(self.rules, closed_days=closed) if closed else self.rules

    @property
    def municipalities(self) -> tuple[str, ...]:
        """The municipalities this installation serves: those with letters (templates_dir)."""
        return tuple(sorted(self.writers))

    def municipality_name(self, municipality_code: str) -> str:
        writer = self.writers.get(municipality_code)
        return writer.municipality.get("name", municipality_code) if writer else municipality_code

    def inhabitants_of(self, municipalities: tuple[str, ...]) -> int | None:
        """Their inhabitants together; None when one of them has no number."""
        counts = [self.inhabitants.get(code) for code in municipalities]
        return sum(c for c in counts if c is not None) if counts and None not in counts else None
