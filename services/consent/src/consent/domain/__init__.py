"""Consent's domain: consent records and the share gate."""
