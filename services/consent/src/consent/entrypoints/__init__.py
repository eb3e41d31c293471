"""Consent's entrypoints: Kafka subscribers, the staff HTTP API, the retention loop and the audit command."""
