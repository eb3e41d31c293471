"""Outreach: runs the case from letter to outcome. The only service that can open the sealed
contact details, and the one that writes to residents."""

__version__ = "0.1.0"
