"""Outreach's adapters: the case repository, the schedule and the read queries, letters and mail,
referrals, the audit log, switches, partner feedback, the staff directory, deletion, and the DDAS
schema check. None of them writes the outbox: events leave through the handler's unit of work."""
