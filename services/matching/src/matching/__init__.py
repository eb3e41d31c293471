"""Matching: keeps each household's open arrears, applies the municipality's policy, and publishes
`HouseholdAtRisk` (with the rule that fired and the signals it rests on) when outreach is needed."""

__version__ = "0.1.0"
