"""Intake's domain: what makes a partner report acceptable, what a re-sent report means, and the
answer a partner gets."""
