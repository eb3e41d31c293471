"""What outreach's use cases and entrypoints need from outside, built once by the bootstrap."""

from __future__ import annotations

from dataclasses import dataclass, field

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
