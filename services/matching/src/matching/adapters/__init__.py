"""Matching's adapters: the PostgreSQL repository."""
