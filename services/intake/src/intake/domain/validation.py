"""The one validation path for partner reports, whatever way they came in (Kafka, HTTP or CSV).

It turns a decoded report into either a `ValidReport` (the valid `PartnerReportV1`, and a warning for
each optional contact detail it had to leave out) or a list of `FieldError`s, each naming the field
and the reason. It never raises for bad input, and no reason repeats a value from the report:
rejections and warnings travel back on a topic, and a value may be personal data.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from pydantic import ValidationError

from vroeg_contracts.partner_report import ARREARS_FIELDS, CLIENT_FIELDS, Category, PartnerReportV1

from .partners import Partner

REPORT_FIELDS = ("report_id", "partner_id", "arrears", "client")
# The fields each level of the report holds: a rule that spans several fields (`arrears_since is
# after signal_date`) is reported by pydantic at the level above, and is named here by its first word.
_FIELDS_AT = {(): REPORT_FIELDS, ("arrears",): ARREARS_FIELDS, ("client",): CLIENT_FIELDS}
_REPORT_ID = re.compile(r"^[A-Za-z0-9._:/-]{1,100}$")  # the contract's own pattern for report_id
_MAX_FIELD_NAME = 100
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")  # NUL, and surrogates that pair with nothing in UTF-8
# A report is two levels deep; anything much deeper is refused before any code walks it.
MAX_JSON_DEPTH = 16
# The optional contact details: an invalid one is left out of a report that is otherwise valid, and
# the partner is warned, rather than the whole report refused. Without it outreach writes or visits
# instead of calling or e-mailing; refusing it would keep the arrears from the municipality until
# the partner resends (Wgs). Every other field stays strict: the BSN, the name parts, the birth date
# and the address say who the resident is and where the household lives, and a wrong one left out
# silently could put the signal with the wrong household or address the letter wrongly.
DROPPABLE_FIELDS = frozenset({"client.phone", "client.email"})


@dataclass(frozen=True)
class FieldError:
    field: str
    reason: str

    def as_dict(self) -> dict[str, str]:
        return {"field": self.field, "reason": self.reason}


@dataclass(frozen=True)
class ValidReport:
    """A report that may be accepted, and why any optional field was left out of it."""

    report: PartnerReportV1
    warnings: tuple[FieldError, ...] = ()


@dataclass(frozen=True)
class ValidationContext:
    """What validation needs from the installation: the partners, the municipalities, today, and
    the platform's redaction of personal data in text (`vroeg_runtime.logs.redact_text`), the last
    guard over a reason a library wrote. It is handed in because the domain does no I/O and imports
    no runtime."""

    partners: Mapping[str, Partner]  # every partner by id, the disabled ones too
    municipalities: frozenset[str]
    today: date
    redact: Callable[[str], str]


def decode_json(raw: bytes) -> tuple[Any, list[FieldError]]:
    """(decoded value, []) or (None, [why the bytes are not JSON])."""
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return None, [FieldError("(body)", "not UTF-8 text")]
    too_deep = [FieldError("(body)", f"not acceptable JSON: nested more than {MAX_JSON_DEPTH} levels deep")]
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        return None, [FieldError("(body)", f"not valid JSON: {error.msg} at line {error.lineno} column {error.colno}")]
    except RecursionError:
        return None, too_deep
    except ValueError:  # e.g. an integer of more digits than Python will parse
        return None, [FieldError("(body)", "not acceptable JSON: a number is too long")]
    return (None, too_deep) if _deeper_than(data, MAX_JSON_DEPTH) else (data, [])


def _deeper_than(value: Any, limit: int) -> bool:
    # Walked with a stack of its own, not by recursion: the point is to protect the code that recurses.
    pending = [(value, 1)]
    while pending:
        item, depth = pending.pop()
        if isinstance(item, (dict, list)):
            if depth > limit:
                return True
            pending.extend((child, depth + 1) for child in (item.values() if isinstance(item, dict) else item))
    return False


def readable_report_id(data: Any) -> str | None:
    """The report id, when the data holds one that the contract accepts; otherwise None.

    Only a well-formed id is echoed back to the partner (in answers and as a Kafka key).
    """
    report_id = data.get("report_id") if isinstance(data, dict) else None
    return report_id if isinstance(report_id, str) and _REPORT_ID.match(report_id) else None


def validate_report(data: Any, *, sender: str, context: ValidationContext) -> ValidReport | list[FieldError]:
    """Validate one report (already decoded) sent by the authenticated partner `sender`.

    When the only problems are invalid optional contact details (`DROPPABLE_FIELDS`), the report is
    valid without them: they are left out and named as warnings. A report refused for anything else
    names those problems too, so the partner learns every one at once.
    """
    result = _checked(data, sender, context)
    if not isinstance(result, list):
        return ValidReport(result)
    droppable = [e for e in result if e.field in DROPPABLE_FIELDS]
    if not droppable or len(droppable) < len(result):
        return result
    retried = _checked(_without(data, {e.field for e in droppable}), sender, context)
    if isinstance(retried, list):  # only after an early stop (text no column can hold) hid the rest
        return [*droppable, *retried]
    return ValidReport(retried, tuple(droppable))


def _without(data: dict[str, Any], fields: set[str]) -> dict[str, Any]:
    """The report with the named client fields taken out, wherever it has them (nested or flat)."""
    names = {field.removeprefix("client.") for field in fields}
    kept = {key: value for key, value in data.items() if key not in names}
    if isinstance(kept.get("client"), dict):
        kept["client"] = {key: value for key, value in kept["client"].items() if key not in names}
    return kept


def _checked(data: Any, sender: str, context: ValidationContext) -> PartnerReportV1 | list[FieldError]:
    if not isinstance(data, dict):
        return [FieldError("(report)", "a report must be a JSON object")]
    unstorable = _unstorable_text(data, ()) if _any_unstorable(data) else []
    if unstorable:
        return unstorable
    try:
        report = PartnerReportV1.model_validate(data, context={"today": context.today})
    except ValidationError as error:
        errors = _pydantic_errors(error, data, context.redact)
    else:
        errors = []
    # The installation's rules are checked even when the contract already failed, so the partner
    # learns every problem at once; they read the raw values, nested or flat.
    errors += [e for e in _installation_errors(data, sender, context) if e.field not in {x.field for x in errors}]
    return errors or report


def _installation_errors(data: dict[str, Any], sender: str, context: ValidationContext) -> list[FieldError]:
    errors = []
    claimed = data.get("partner_id")
    if isinstance(claimed, str) and claimed != sender:
        errors.append(FieldError("partner_id", f"does not match the sending partner {sender!r}"))
    partner = context.partners.get(sender)
    category = _raw_value(data, "arrears", "category")
    if partner is None:
        errors.append(FieldError("partner_id", f"unknown partner {sender!r}"))
    elif not partner.active:
        errors.append(FieldError("partner_id", f"partner {sender!r} is disabled: its reports are no longer accepted"))
    elif isinstance(category, str) and category in set(Category) and category not in partner.categories:
        allowed = ", ".join(sorted(partner.categories))
        errors.append(FieldError("arrears.category", f"partner {sender!r} may not report {category!r} (allowed: {allowed})"))
    municipality = _raw_value(data, "arrears", "municipality_code")
    if isinstance(municipality, str) and re.fullmatch(r"\d{4}", municipality):
        errors += _municipality_errors(municipality, partner, context)
    return errors


def _municipality_errors(municipality: str, partner: Partner | None, context: ValidationContext) -> list[FieldError]:
    """A report is for a municipality this installation serves and its partner is registered with:
    on a shared installation, one municipality's partner may not report another's residents."""
    if municipality not in context.municipalities:
        reason = f"municipality {municipality} is not served by this installation"
    elif partner is not None and municipality not in partner.municipalities:
        registered = ", ".join(sorted(partner.municipalities))
        reason = f"partner {partner.id!r} does not report for municipality {municipality} (it reports for {registered})"
    else:
        return []
    return [FieldError("arrears.municipality_code", reason)]


def _raw_value(data: dict[str, Any], group: str, name: str) -> Any:
    nested = data.get(group)
    if isinstance(nested, dict) and name in nested:
        return nested[name]
    return data.get(name)


def _any_unstorable(value: Any) -> bool:
    """Whether any text in the report (a key or a value) is unstorable: one search over all of it.
    Nearly every report has none, and naming the fields (`_unstorable_text`) cost three times this."""
    texts, pending = [], [value]
    while pending:
        item = pending.pop()
        if isinstance(item, str):
            texts.append(item)
        elif isinstance(item, dict):
            texts.extend(key for key in item if isinstance(key, str))
            pending.extend(item.values())
        elif isinstance(item, list):
            pending.extend(item)
    return _UNSTORABLE.search("".join(texts)) is not None


def _unstorable_text(value: Any, path: tuple[str, ...]) -> list[FieldError]:
    """Text that no database column can hold (NUL, unpaired surrogates from JSON escapes)."""
    if isinstance(value, str):
        if _UNSTORABLE.search(value):
            return [FieldError(_field_name(path), "contains a NUL character or an unpaired surrogate")]
        return []
    items = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else ()
    errors = []
    for key, item in items:
        errors += _unstorable_text(key, path) if isinstance(key, str) else []
        errors += _unstorable_text(item, (*path, *_nested_name(path, str(key))))
    return errors


def _nested_name(path: tuple[str, ...], key: str) -> tuple[str, ...]:
    """A flat field's name as the nested report has it (`postcode` is `client.postcode`)."""
    if not path:
        for group in ("arrears", "client"):
            if key in _FIELDS_AT[(group,)]:
                return group, key
    return (key,)


def _field_name(loc: tuple[Any, ...]) -> str:
    name = ".".join(str(part) for part in loc) or "(report)"
    # A field name comes from the sender's keys; keep it printable and short.
    name = "".join(char if char.isprintable() and not "\ud800" <= char <= "\udfff" else "?" for char in name)
    return name if len(name) <= _MAX_FIELD_NAME else name[:_MAX_FIELD_NAME] + "…"


def _pydantic_errors(error: ValidationError, data: dict[str, Any], redact: Callable[[str], str]) -> list[FieldError]:
    errors = []
    for item in error.errors(include_input=False, include_url=False):
        loc = tuple(str(part) for part in item["loc"])
        reason = item["msg"].removeprefix("Value error, ")
        if item["type"] == "missing":
            reason = "required field is missing"
        elif item["type"] == "extra_forbidden":
            reason = "unknown field"
        first_word = reason.split(" ", 1)[0]
        if first_word in _FIELDS_AT.get(loc, ()):
            loc = (*loc, first_word)
        errors.append(FieldError(_field_name(loc), redact(_without_values(reason, _value_at(data, loc)))))
    return errors


def _value_at(data: dict[str, Any], loc: tuple[str, ...]) -> Any:
    """The value of a client field (the personal ones); None for any other."""
    return _raw_value(data, "client", loc[1]) if len(loc) == 2 and loc[0] == "client" else None


def _without_values(reason: str, value: Any) -> str:
    """The reason, with any piece of the offending value (a library may quote it) taken out."""
    if isinstance(value, str):
        for piece in sorted({value.strip(), *re.split(r"[\s@\[\]()<>,;:'\"]+", value)}, key=len, reverse=True):
            if len(piece) >= 3:
                reason = reason.replace(piece, "…")
    return reason
