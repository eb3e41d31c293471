"""Consent's use cases, one module per concern. Each takes an open unit of work (`uow`) from whoever
drives it: the state, its audit entry and its outgoing events commit together or not at all."""
