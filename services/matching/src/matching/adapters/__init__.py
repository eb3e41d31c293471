"""Matching's adapters: the PostgreSQL repositories (one record at a time, and a batch's), and the
policy and staff files read at start-up."""
