"""Outreach's entrypoints: the Kafka subscriber, the schedule loop and the HTTP API."""
