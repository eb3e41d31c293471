"""What bootstrap builds once and the entrypoints hand to the use cases."""

from __future__ import annotations

from dataclasses import dataclass

from ..adapters.policy_book import PolicyBook
from ..adapters.staff_directory import Staff
from ..config import MatchingSettings


@dataclass(frozen=True)
class MatchingDependencies:
    settings: MatchingSettings
    policies: PolicyBook  # in force now, by municipality code; reloaded while matching runs
    staff: Staff
