"""`child_span`, the span the hot paths open per record and per published message: a child of the
trace context a message carries, with its attributes, current only when asked, and an error kept
by its type alone."""

import pytest
from opentelemetry import trace
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace.propagation.tracecontext import TraceContextTextMapPropagator

from vroeg_runtime.telemetry import child_span

PRODUCER_TRACE = 0x0AF7651916CD43DD8448EB211C80319C
PRODUCER_SPAN = 0xB7AD6B7169203331
CARRIER = {"traceparent": f"00-{PRODUCER_TRACE:032x}-{PRODUCER_SPAN:016x}-01", "event_id": "e-1"}


@pytest.fixture
def spans():
    exporter = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    return provider.get_tracer("test"), exporter


def test_the_span_continues_the_carried_trace_with_its_attributes(spans):
    tracer, exporter = spans
    with child_span(tracer, "t handle", CARRIER, kind=trace.SpanKind.CONSUMER, attributes={"vroeg.event_id": "e-1"},
                    current=False):
        pass
    span, = exporter.get_finished_spans()
    assert span.context.trace_id == PRODUCER_TRACE and span.parent.span_id == PRODUCER_SPAN
    assert span.kind is trace.SpanKind.CONSUMER and dict(span.attributes) == {"vroeg.event_id": "e-1"}


def test_a_current_span_is_what_work_inside_it_carries_on_and_is_left_after(spans):
    tracer, _ = spans
    before = trace.get_current_span()
    with child_span(tracer, "t handle", CARRIER, kind=trace.SpanKind.CONSUMER, attributes={}, current=True) as span:
        carried: dict[str, str] = {}
        TraceContextTextMapPropagator().inject(carried)
        assert carried["traceparent"] == f"00-{PRODUCER_TRACE:032x}-{span.get_span_context().span_id:016x}-01"
    assert trace.get_current_span() is before


def test_a_span_not_made_current_leaves_the_current_context_alone(spans):
    tracer, _ = spans
    before = trace.get_current_span()
    with child_span(tracer, "outbox relay t", CARRIER, kind=trace.SpanKind.PRODUCER, attributes={}, current=False):
        assert trace.get_current_span() is before


def test_an_error_is_recorded_by_its_type_never_its_text(spans):
    tracer, exporter = spans
    with pytest.raises(ValueError), child_span(tracer, "t handle", CARRIER, kind=trace.SpanKind.CONSUMER,
                                               attributes={}, current=True):
        raise ValueError("postcode 1234 AB")
    span, = exporter.get_finished_spans()
    assert span.status.status_code is trace.StatusCode.ERROR and span.status.description == "ValueError"
    event, = span.events
    assert event.name == "exception" and dict(event.attributes) == {"exception.type": "ValueError",
                                                                    "exception.escaped": True}
