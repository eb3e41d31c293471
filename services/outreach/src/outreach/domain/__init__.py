"""Outreach's domain: cases, the contact plan, the calendar, contact attempts, the worklist, referrals,
reporting periods, and the DDAS delivery and KPIs. Pure Python: no Kafka, no SQL, no settings."""
