"""Consent's entrypoints: the Kafka subscriber and the HTTP API."""
