"""Outreach's use cases, one module each. Every handler takes an open unit of work first (`uow`),
reads and writes through repositories on `uow.conn` and sends its events with `uow.emit`; whoever
drives it (a Kafka subscription, an HTTP route, a loop, a command) opens and closes the unit."""
