"""Outreach's entrypoints: the Kafka subscriptions (`kafka.py`), the background loops (`loops.py`),
the HTTP API (`http/`: team, admin and reporting routers, staff authentication) and the command-line
tools (`cli/`). They parse and delegate to the handlers; none imports another."""
