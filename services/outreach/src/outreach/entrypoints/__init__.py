"""Outreach's entrypoints: the Kafka subscribers, the background loops and the HTTP API (team,
admin and reporting routers, staff authentication)."""
