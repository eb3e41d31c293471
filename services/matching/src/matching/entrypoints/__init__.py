"""Matching's entrypoints: Kafka subscribers, the read API and the retention loop. They parse and delegate."""
