"""Consent's adapters: PostgreSQL stores, the audit log, pseudonyms and the staff directory."""
