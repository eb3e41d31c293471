"""What the use cases raise when a request cannot be carried out; the entrypoints translate them
(404, 409, 422 naming the field, or a command's exit status)."""

from __future__ import annotations


class CaseNotFound(LookupError):
    pass


class CaseOutOfScope(CaseNotFound):
    """The case exists, but belongs to a municipality the reader does not serve. Answered as "not
    found" (its existence is not told), and recorded in the audit log as a refusal."""

    def __init__(self, case_id: str) -> None:
        super().__init__(case_id)
        self.case_id = case_id


class MunicipalityOutOfScope(LookupError):
    """A reader asked for a municipality they do not serve (or that does not exist): answered as
    "not found", and recorded in the audit log as a refusal."""

    def __init__(self, municipality_code: str) -> None:
        super().__init__(municipality_code)
        self.municipality_code = municipality_code


class CaseAlreadyClosed(Exception):
    pass


class InvalidInput(ValueError):
    """Input that is well-formed but does not fit; names the field and the reason."""

    def __init__(self, field: str, reason: str) -> None:
        super().__init__(f"{field}: {reason}")
        self.field = field
        self.reason = reason


class CaseTakenByOther(Exception):
    """A colleague works this case already."""

    def __init__(self, holder: str) -> None:
        super().__init__(f"taken by {holder}")
        self.holder = holder
