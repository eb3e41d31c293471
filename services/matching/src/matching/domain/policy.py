"""A municipality's early-detection policy: thresholds, window, what each intensity leads to, repeats."""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field, field_validator

from vroeg_contracts.events import Intensity
from vroeg_contracts.partner_report import Category

from .durations import IsoPeriod, Period


class Action(StrEnum):
    LETTER_ONLY = "letter_only"
    LETTER_AND_CALL = "letter_and_call"
    URGENT = "urgent"  # letter and contact on the next working day


# Why no intensity may be ignored. A signal below the threshold is already not picked up, so every
# signal that reaches an action is one the municipality must offer help for.
WGS_DUTY = ("the Wgs obliges the municipality to offer help after every signal that meets the threshold;"
            " a signal below it is already \"Niet opgepakt: onterecht signaal\"")


class Threshold(BaseModel):
    """What a signal needs before it counts: days in arrears (signal date minus arrears since) and amount."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    min_days_in_arrears: int = Field(default=30, ge=0)
    min_amount: Decimal = Field(default=Decimal("0"), ge=0)


class ThresholdOverride(BaseModel):
    """A category's own threshold; what it leaves out comes from `default_threshold`."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    min_days_in_arrears: int | None = Field(default=None, ge=0)
    min_amount: Decimal | None = Field(default=None, ge=0)


class Policy(BaseModel):
    """Validated when its file is read: at start-up a wrong file stops the service, at a reload it is
    refused; either way with the field that is wrong."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    municipality_code: str = Field(pattern=r"^\d{4}$")
    name: str = Field(min_length=1)
    # An optional label for people, such as "2026-07-raad" (letters, digits, '.', '_', '-'): it heads
    # the version every decision records (`policy_version`).
    version: str | None = Field(default=None, pattern=r"^[A-Za-z0-9._-]{1,40}$")
    window: IsoPeriod = Period(days=90)
    repeat_suppression: IsoPeriod = Period(months=6)  # a closed case suppresses the same partner this long
    default_threshold: Threshold = Threshold()
    thresholds: dict[Category, ThresholdOverride] = Field(default_factory=dict)
    single: Action = Action.LETTER_ONLY
    multiple: Action = Action.LETTER_AND_CALL
    crisis: Action = Action.URGENT
    crisis_bypasses_threshold: bool = True  # an end-of-supply or eviction notice never waits

    @field_validator("window", "repeat_suppression")
    @classmethod
    def _whole_days(cls, value: Period) -> Period:
        if not value.whole_days:
            raise ValueError(f"must be whole days or months (such as P90D or P6M), not {value}")
        if value == Period():
            raise ValueError("must be longer than zero")
        return value

    @field_validator("single", "multiple", "crisis", mode="before")
    @classmethod
    def _never_ignored(cls, value: object) -> object:
        # Checked before the choice of actions, so the file's author reads the reason, not a list.
        if value == "ignore":
            raise ValueError(f"may not be 'ignore': {WGS_DUTY}")
        return value

    def threshold(self, category: Category) -> Threshold:
        override = self.thresholds.get(category)
        if override is None:
            return self.default_threshold
        return self.default_threshold.model_copy(update=override.model_dump(exclude_none=True))

    def action_for(self, intensity: Intensity) -> Action:
        actions = {Intensity.SINGLE: self.single, Intensity.MULTIPLE: self.multiple, Intensity.CRISIS: self.crisis}
        return actions[intensity]

    def summary(self) -> dict[str, object]:
        """The policy as stored with each decision, so an auditor sees the rules that applied."""
        return self.model_dump(mode="json")


def policy_version(policy: Policy, source: bytes) -> str:
    """The version of a policy as read from its file, reproducible from the file alone:
    `<municipality_code>:<first 12 hex of the SHA-256 of the file's bytes>`, headed by the file's
    `version` label when it has one (`2026-07-raad:0362:3f2a9c1b7d4e`)."""
    version = f"{policy.municipality_code}:{hashlib.sha256(source).hexdigest()[:12]}"
    return f"{policy.version}:{version}" if policy.version else version


@dataclass(frozen=True)
class PolicyInForce:
    """A municipality's policy as it is applied now, and the version every decision records."""

    policy: Policy
    version: str

    @functools.cached_property
    def summary(self) -> dict[str, object]:
        """The policy as every decision under this version stores it (`Policy.summary`), built once
        per version rather than once per decision."""
        return self.policy.summary()


class UnknownMunicipality(LookupError):
    """An event of a municipality that has no policy: no retry can decide it (it is dead-lettered)."""


def policy_for(municipality_code: str, policies: Mapping[str, PolicyInForce]) -> PolicyInForce:
    """The policy of the municipality, which every event about one of its households is decided by."""
    if municipality_code not in policies:
        raise UnknownMunicipality(f"municipality_code: no policy for {municipality_code}")
    return policies[municipality_code]
