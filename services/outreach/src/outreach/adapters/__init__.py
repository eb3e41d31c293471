"""Outreach's adapters: the repository and read queries, letters and mail, referrals, the audit log,
switches, partner feedback, the staff directory and deletion."""
