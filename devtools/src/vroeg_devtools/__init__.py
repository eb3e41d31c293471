"""Developer tools: synthetic Ouder-Amstel and Amstelveen data, the stack of service processes, Kafka helpers, the demo."""
