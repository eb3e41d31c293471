"""Consent's use cases, one module per concern. Each runs inside the caller's transaction: the state,
its audit entry and its outgoing events commit together or not at all."""

SERVICE = "consent"
