"""Vroeg's shared contracts: the partner report v1, the event envelope, the events and the privacy primitives."""
