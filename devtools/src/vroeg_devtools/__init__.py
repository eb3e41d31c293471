"""Developer tools: synthetic Ouder-Amstel data, the stack of service processes, Kafka helpers, the demo."""
