"""What consent's entrypoints and handlers need that is built once at start-up (bootstrap builds it)."""

from __future__ import annotations

from dataclasses import dataclass

from vroeg_runtime.settings import PlatformSettings

from ..adapters.pseudonyms import Pseudonymiser
from ..adapters.staff_directory import StaffDirectory
from ..config import ConsentSettings
from ..domain.retention import RetentionPolicy


@dataclass(frozen=True)
class ConsentDependencies:
    settings: ConsentSettings
    platform: PlatformSettings
    staff: StaffDirectory
    pseudonyms: Pseudonymiser
    retention: RetentionPolicy
