"""Consent: records residents' consent and answers every request to share data, granted with only
the permitted fields or denied. Nothing leaves the municipality without its decision."""

__version__ = "0.1.0"
