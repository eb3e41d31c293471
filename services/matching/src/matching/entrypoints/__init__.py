"""Matching's entrypoints: Kafka subscriptions (`kafka`), the read API (`http`), the retention loop
(`loops`) and the command-line tools (`cli`). They parse and delegate."""
