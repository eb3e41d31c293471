"""Intake's domain: what makes a partner report acceptable, and what a re-sent report means."""
