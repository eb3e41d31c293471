"""Intake: takes partner reports, validates and normalises them, keeps the raw report, and publishes
`ArrearsReported` or returns the report to the partner with reasons."""

__version__ = "0.1.0"
