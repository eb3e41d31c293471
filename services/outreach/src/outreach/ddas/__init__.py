"""The DDAS delivery for CBS: the official Uitwisselmodel v0.9 schema (a copy, so the service needs
nothing outside itself at run time), its validation, and the command `python -m outreach.ddas`."""
