"""What bootstrap builds once and the entrypoints hand to the use cases."""

from __future__ import annotations

from dataclasses import dataclass

from ..adapters.staff_directory import Staff
from ..config import MatchingSettings
from ..domain.policy import Policy


@dataclass(frozen=True)
class MatchingDependencies:
    settings: MatchingSettings
    policies: dict[str, Policy]  # by municipality code
    staff: Staff
