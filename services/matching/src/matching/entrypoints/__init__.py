"""Matching's entrypoints: the Kafka subscriber and the read API. They parse and delegate."""
