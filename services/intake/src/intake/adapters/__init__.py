"""Intake's adapters: the PostgreSQL repository and the privacy keys."""
