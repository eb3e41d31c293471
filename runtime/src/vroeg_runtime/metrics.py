"""Prometheus metrics every service exposes on GET /metrics: messages handled, dead-lettered and
published, processing latency, outbox backlog and consumer lag. Services add their own (for example
outreach's schedule backlog) to the same registry."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram

REGISTRY = CollectorRegistry(auto_describe=True)

HANDLED = Counter("vroeg_messages_handled_total", "Messages a service consumed and handled, by outcome",
                  ["service", "topic", "outcome"], registry=REGISTRY)
PROCESSING_SECONDS = Histogram("vroeg_message_processing_seconds", "Time from receiving a message to acknowledging it",
                               ["service", "topic"], registry=REGISTRY,
                               buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10))
PUBLISHED = Counter("vroeg_messages_published_total", "Messages the outbox relay published", ["service", "topic"],
                    registry=REGISTRY)
OUTBOX_BACKLOG = Gauge("vroeg_outbox_backlog", "Outbox rows not yet published", ["service"], registry=REGISTRY)
CONSUMER_LAG = Gauge("vroeg_consumer_lag", "Records behind the partition's high watermark", ["service", "topic", "partition"],
                     registry=REGISTRY)
