"""Outreach's domain: the contact plan of a case and the working-day calendar."""
