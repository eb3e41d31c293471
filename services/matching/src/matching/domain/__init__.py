"""Matching's domain: signals, the policy, and the pure, order-independent assessment of a household."""
