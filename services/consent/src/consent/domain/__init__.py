"""Consent's domain: consent records, the share gate, the audit chain, retention and erasure. Pure Python."""
