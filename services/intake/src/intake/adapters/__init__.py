"""Intake's adapters: the PostgreSQL repositories, the privacy keys, and the readers that turn
bytes (a Kafka record, an HTTP body, a CSV stream) into reports."""
