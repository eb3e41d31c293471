"""Outreach's adapters: repository, letter rendering and the mail channels."""
