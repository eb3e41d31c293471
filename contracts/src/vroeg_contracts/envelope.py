"""The envelope every Vroeg event travels in: identity, causality and the household it concerns."""

from __future__ import annotations

import functools
import json
import uuid
from datetime import UTC, datetime
from typing import Any, ClassVar, Generic, Self, TypeVar

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, field_validator


class Event(BaseModel):
    """Base of every event payload. Subclasses name their type, version and topic."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    event_type: ClassVar[str]
    event_version: ClassVar[int] = 1
    topic: ClassVar[str]

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if "event_type" in cls.__dict__:
            _REGISTRY[cls.__dict__["event_type"]] = cls


_REGISTRY: dict[str, type[Event]] = {}

# Correlation ids derive from a report's idempotency key, so every event about one report, in every
# service, can be found from (partner_id, report_id) alone.
_CORRELATION_NAMESPACE = uuid.UUID("0b6a4f0e-3f55-4c52-9d2f-6f3b8c7d1a10")


def correlation_id_of(partner_id: str, report_id: str) -> uuid.UUID:
    return uuid.uuid5(_CORRELATION_NAMESPACE, f"{partner_id}/{report_id}")


PayloadT = TypeVar("PayloadT", bound=Event)


class Envelope(BaseModel, Generic[PayloadT]):
    """An event with its metadata. `household_key` is the Kafka key, so order holds per household."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    event_id: uuid.UUID = Field(default_factory=uuid.uuid4)
    event_type: str
    event_version: int
    occurred_at: AwareDatetime
    producer: str
    municipality_code: str = Field(pattern=r"^\d{4}$")
    household_key: str
    correlation_id: uuid.UUID
    causation_id: uuid.UUID | None = None
    payload: PayloadT

    @field_validator("occurred_at")
    @classmethod
    def _in_utc(cls, value: datetime) -> datetime:
        return value.astimezone(UTC)

    @classmethod
    def wrap(
        cls,
        payload: PayloadT,
        *,
        producer: str,
        municipality_code: str,
        household_key: str,
        correlation_id: uuid.UUID,
        causation_id: uuid.UUID | None = None,
        occurred_at: datetime | None = None,
        event_id: uuid.UUID | None = None,
    ) -> Envelope[PayloadT]:
        return _envelope_of(type(payload))(
            event_id=event_id or uuid.uuid4(),
            event_type=payload.event_type,
            event_version=payload.event_version,
            occurred_at=occurred_at or datetime.now(UTC),
            producer=producer,
            municipality_code=municipality_code,
            household_key=household_key,
            correlation_id=correlation_id,
            causation_id=causation_id,
            payload=payload,
        )

    def caused(self, payload: Event, *, producer: str, occurred_at: datetime | None = None) -> Envelope[Any]:
        """A follow-up event in the same household and correlation, caused by this one."""
        return Envelope.wrap(
            payload,
            producer=producer,
            municipality_code=self.municipality_code,
            household_key=self.household_key,
            correlation_id=self.correlation_id,
            causation_id=self.event_id,
            occurred_at=occurred_at,
        )

    def to_bytes(self) -> bytes:
        return self.model_dump_json().encode()

    @classmethod
    def parse(cls, raw: bytes | str) -> Self:
        """Parse raw bytes into this (parametrised) envelope; raises ValueError (or pydantic's)."""
        try:
            data = json.loads(raw)
        except (ValueError, TypeError) as error:
            raise ValueError(f"(body): not valid JSON ({type(error).__name__})") from None
        expected = _payload_type(cls)
        actual = data.get("event_type") if isinstance(data, dict) else None
        if expected is not None and actual != expected.event_type:
            raise ValueError(f"event_type: expected {expected.event_type!r}, got {actual!r}")
        return cls.model_validate(data)


@functools.cache
def _envelope_of(payload_type: type[Event]) -> type[Envelope[Any]]:
    # pydantic caches its parametrised classes too, but its lookup costs more than the validation
    # of a small envelope: this is one dictionary lookup per event.
    return Envelope[payload_type]  # type: ignore[valid-type]


def parse_event(raw: bytes | str) -> Envelope[Any]:
    """Parse an envelope of any known event type (topics may carry several)."""
    try:
        event_type = json.loads(raw)["event_type"]
    except (ValueError, KeyError, TypeError) as error:
        raise ValueError(f"event_type: cannot be read ({type(error).__name__})") from None
    if event_type not in _REGISTRY:
        raise ValueError(f"event_type: unknown event type {event_type!r}")
    return Envelope[_REGISTRY[event_type]].parse(raw)  # type: ignore[index]


def _payload_type(envelope_cls: type[Envelope[Any]]) -> type[Event] | None:
    args = envelope_cls.__pydantic_generic_metadata__.get("args") or ()
    return args[0] if args and isinstance(args[0], type) and issubclass(args[0], Event) else None
