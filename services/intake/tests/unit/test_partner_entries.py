"""An entry of the partner registry is checked the same way wherever it comes from (the file or
`python -m intake partners add`), and an error names the field; the registry a running intake holds
knows disabled partners by id but not by token (ADR 0016)."""

import hashlib
import re
from datetime import date

import pytest

from intake.adapters.kafka_platform import KafkaPlatform
from intake.adapters.partner_registry import PartnerRegistry, changes
from intake.domain.partners import Partner, PartnerEntryError, checked_partner
from intake.domain.validation import ValidationContext, validate_report
from intake.entrypoints.cli import partners as partners_cli
from vroeg_contracts import topics
from vroeg_contracts.partner_report import Category
from vroeg_runtime.logs import redact_text

SERVED = frozenset({"0437", "0362"})
DIGEST = hashlib.sha256(b"dev-token-essent").hexdigest()
GOOD = {"id": "essent", "name": "Essent", "categories": ["energy"], "municipalities": ["0437", "0362"],
        "token_sha256": DIGEST}


def test_a_good_entry_is_a_partner():
    partner = checked_partner(**{**GOOD, "name": "  Essent "}, served=SERVED)
    assert partner == Partner("essent", "Essent", frozenset({Category.ENERGY}), DIGEST, frozenset({"0437", "0362"}))
    assert partner.active


@pytest.mark.parametrize(("field", "value", "reason"), [
    ("id", "Essent", "must be lower-case letters and digits"),
    ("id", "essent_nl", "must be lower-case letters and digits"),
    ("id", "-essent", "must be lower-case letters and digits"),
    ("id", "e" * 65, "at most 64 characters"),
    ("name", " ", "must be the partner's name"),
    ("categories", [], "must be a list of one or more categories"),
    ("categories", "energy", "must be a list of one or more categories"),
    ("categories", ["energy", "gas"], "unknown category gas"),
    ("municipalities", [], "must be a list of one or more CBS codes"),
    ("municipalities", ["437"], "not a CBS code of 4 digits: '437'"),
    ("municipalities", ["0363"], "municipality 0363 is not served by this installation (it serves 0362, 0437)"),
    ("token_sha256", "dev-token-essent", "must be the 64 hex digits of a SHA-256"),
])
def test_a_wrong_entry_is_refused_naming_the_field(field, value, reason):
    with pytest.raises(PartnerEntryError) as refused:
        checked_partner(**{**GOOD, field: value}, served=SERVED)
    assert refused.value.field == field
    assert reason in refused.value.reason


@pytest.mark.parametrize(("args", "named"), [
    (["add", "Essent", "--name", "Essent", "--category", "energy", "--municipality", "0437"], "ID: must be lower-case"),
    (["add", "essent", "--name", "Essent", "--category", "gas", "--municipality", "0437"],
     "--category: unknown category gas"),
    (["add", "essent", "--name", "Essent", "--category", "energy", "--municipality", "0363"],
     "--municipality: municipality 0363 is not served by this installation"),
])
def test_the_command_refuses_a_wrong_entry_before_touching_anything(args, named, capsys):
    with pytest.raises(SystemExit) as exited:
        partners_cli.main(args)
    assert exited.value.code == 2
    assert re.search(rf"python -m intake partners add: {re.escape(named)}", capsys.readouterr().err)


def partner(partner_id: str, *, active: bool = True) -> Partner:
    return Partner(partner_id, partner_id.title(), frozenset({Category.ENERGY}),
                   hashlib.sha256(f"dev-token-{partner_id}".encode()).hexdigest(), frozenset({"0437"}), active)


def test_the_registry_knows_a_disabled_partner_by_id_but_not_by_its_token():
    registry = PartnerRegistry([partner("eneco"), partner("essent", active=False)])
    assert set(registry) == {"eneco", "essent"} and not registry["essent"].active
    assert registry.identify("dev-token-eneco").id == "eneco"
    assert registry.identify("dev-token-essent") is None
    assert [p.id for p in registry.active()] == ["eneco"]


def test_a_replaced_registry_says_what_changed():
    registry = PartnerRegistry([partner("eneco"), partner("essent")])
    before = dict(registry)
    assert not registry.replace([partner("eneco"), partner("essent")])
    assert registry.replace([partner("eneco"), partner("essent", active=False), partner("vattenfall")])
    assert registry.identify("dev-token-vattenfall").id == "vattenfall"
    assert registry.identify("dev-token-essent") is None
    assert changes(before, registry) == {"added": ["vattenfall"], "disabled": ["essent"], "changed": []}


def test_a_report_of_a_disabled_partner_is_refused_for_that():
    context = ValidationContext(PartnerRegistry([partner("essent", active=False)]), SERVED, date(2026, 12, 1),
                                redact_text)
    report = {"report_id": "r-1", "partner_id": "essent",
              "arrears": {"category": "energy", "municipality_code": "0437", "signal_date": "2026-11-20",
                          "status": "open", "amount": "120.00", "arrears_since": "2026-09-01"},
              "client": {"surname": "Jansen", "street": "Dorpsstraat", "house_number": 1, "postcode": "1191 BK",
                         "city": "Ouderkerk aan de Amstel"}}
    errors = validate_report(report, sender="essent", context=context)
    assert [(e.field, e.reason) for e in errors] == [
        ("partner_id", "partner 'essent' is disabled: its reports are no longer accepted")]


def test_a_feedback_topic_names_its_partner():
    assert topics.partner_of_feedback_topic("partner.essent.feedback.v1") == "essent"
    assert topics.partner_of_feedback_topic("partner.essent.reports.v1") is None
    assert topics.partner_of_reports_topic("partner..reports.v1") is None


def test_a_partner_onboarded_later_gets_what_a_listed_partner_gets():
    """Its topics as topics.toml's templates make them, and the rights security.toml gives a partner
    and the services on a partner's topics (deploy/local's scripts, as the command uses them)."""
    platform = KafkaPlatform()
    create_topics, security = platform._script("create_topics"), platform._script("apply_security")  # noqa: SLF001
    listed = {s.name: s for s in create_topics.load_topics(platform.deploy_dir / "topics.toml")}
    onboarded = create_topics.partner_topics("essent", platform.deploy_dir / "topics.toml")
    assert [s.name for s in onboarded] == [f"partner.essent.{kind}.v1" for kind in ("reports", "rejections", "feedback")]
    for spec in onboarded:
        same = listed[spec.name.replace("essent", "eigen-haard")]
        assert (spec.partitions, spec.replication_factor, spec.retention_ms) == (
            same.partitions, same.replication_factor, same.retention_ms)

    every = security.load_grants(platform.deploy_dir / "security.toml", platform.deploy_dir / "topics.toml")
    grants = {g.principal: g for g in security.partner_grants(platform.deploy_dir / "security.toml", "essent")}
    for principal, grant in grants.items():
        like = next(g for g in every if g.principal == ("eigen-haard" if principal == "essent" else principal))
        for kind in ("read", "write", "groups"):
            expected = {t.replace("eigen-haard", "essent") for t in getattr(like, kind) if "eigen-haard" in t}
            assert set(getattr(grant, kind)) == expected, (principal, kind)
    assert set(grants) == {"essent", "intake", "outreach"}
