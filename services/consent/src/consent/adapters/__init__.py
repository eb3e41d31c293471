"""Consent's adapters: the PostgreSQL repository."""
