"""Intake's ways in: the Kafka subscriptions (`kafka`), the HTTP API (`http`), the retention timer
(`loops`) and the command-line tools (`cli`). They parse and delegate to the handlers."""
