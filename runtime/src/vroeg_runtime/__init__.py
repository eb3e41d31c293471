"""Plumbing every Vroeg service needs in the same way: settings, database, migrations, outbox, inbox,
durable consumers with retries and dead letters, logging and the service lifecycle."""
