"""Outreach's domain: the contact plan, the calendar, contact attempts, the worklist, referrals, and the
DDAS delivery and KPIs. Pure Python: no Kafka, no SQL, no settings."""
