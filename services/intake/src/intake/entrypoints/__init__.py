"""Intake's entrypoints: the Kafka subscriber and the HTTP API. They parse and delegate."""
