"""The workplace's templates render with the data their routes give them, without a database: each
page in Dutch, errors beside their fields, forms with the CSRF token, and no contact details unless
asked for. (The browser tests in tests/e2e/workplace use them for real.)"""

from __future__ import annotations

import datetime as dt
import re
import uuid
from decimal import Decimal

import pytest
from starlette.requests import Request

from outreach.adapters.switches import Switch
from outreach.handlers.switch_visits import MunicipalSwitch
from outreach.domain.accounts import ROLE_NAMES, ROLES, Account
from outreach.domain.figures import Figures, Month, month_label
from outreach.domain.todays_work import (
    BUCKET_HINTS,
    BUCKET_NAMES,
    BUCKETS,
    CATEGORY_NAMES,
    INTENSITY_NAMES,
    TodaysWork,
    WorkFilter,
    WorkRow,
    categories_in_words,
)
from outreach.entrypoints.web import pages
from outreach.entrypoints.web.case_page import TIMELINE
from outreach.entrypoints.web.forms import Submitted
from outreach.entrypoints.web.session import Visitor
from vroeg_contracts.privacy import ContactDetails

NOW = dt.datetime(2026, 12, 7, 10, 30, tzinfo=dt.UTC)


def request(path: str = "/werk") -> Request:
    return Request({"type": "http", "path": path, "query_string": b"", "headers": [], "method": "GET"})


def visitor(role: str = "caseworker") -> Visitor:
    return Visitor(Account("anna", "Anna de Vries", role, ("0437",)), "the-csrf-token")


def html(response) -> str:
    return response.body.decode()


def test_todays_work_lists_buckets_with_counts_and_a_take_button_per_free_case():
    free, taken = uuid.uuid4(), uuid.uuid4()
    rows = [WorkRow(free, "calls", "crisis", NOW, NOW, ("rent", "water"), Decimal("412.50"), dt.date(2026, 9, 1), 2,
                    None, True),
            WorkRow(taken, "calls", "single", NOW, NOW, ("rent",), None, None, 0, "bram", False)]
    work = TodaysWork(dt.date(2026, 12, 7), {"calls": 2, "visits": 0, "letters": 0, "outcome": 0},
                      {"calls": rows, "visits": [], "letters": [], "outcome": []}, 0, WorkFilter())
    page = html(pages.render(request(), "todays_work.html", visitor(), work=work, errors={"postcode": "Vul vier cijfers in."},
                             raw={"postcode": "12"}, buckets=BUCKETS, bucket_names=BUCKET_NAMES,
                             bucket_hints=BUCKET_HINTS, categories=CATEGORY_NAMES, intensities=INTENSITY_NAMES,
                             in_words=categories_in_words, back_to="/werk"))
    assert "Werkbak van 7 december 2026" in page and '<span data-count="calls">2</span>' in page
    assert page.count("Ik pak deze op</button>") == 1 and f'action="/werk/zaken/{free}/oppakken"' in page
    assert "huur en water" in page and "€ 412,50" in page and "te laat" in page and "bram" in page
    # The filter's error is inside the postcode field, tied to it, and what was typed stays.
    field = re.search(r'<div class="utrecht-form-field[^"]*utrecht-form-field--invalid">(.*?)</div>\s*</div>', page, re.S)
    assert field and 'id="postcode-fout"' in field.group(1) and 'value="12"' in field.group(1)
    assert page.count('name="csrf_token" value="the-csrf-token"') >= 2  # the take button and sign-out


def test_the_menu_shows_only_what_the_role_may_reach():
    for role, shown, hidden in (("caseworker", ["Werkbak"], ["Sturing", "Medewerkers", "Inzagelog"]),
                                ("auditor", ["Inzagelog"], ["Werkbak", "Sturing"]),
                                ("admin", ["Sturing", "Medewerkers"], ["Werkbak", "Inzagelog"])):
        page = html(pages.render(request(), "refusal.html", visitor(role), title="Geen toegang", message="x"))
        nav = page.split('aria-label="Hoofdmenu"')[1].split("</nav>")[0]
        assert all(f">{label}<" in nav for label in shown) and not any(f">{label}<" in nav for label in hidden)


def test_the_steering_page_draws_each_chart_with_its_table():
    months = [Month(dt.date(2026, m, 1), {"Huur": m, "Zorg": 1}, 10, 4, 5, 2, 3.0, None) for m in range(7, 13)]
    figures = Figures(months, ["Huur", "Zorg"], {b: 1 for b in BUCKETS}, [("korter dan een week", 3)],
                      inhabitants=20_000)
    switches = [MunicipalSwitch("0437", Switch("visits:0437", False, "sara", NOW)),
                MunicipalSwitch("0362", Switch("visits:0362", True, None, None))]
    page = html(pages.render(
        request("/werk/sturing"), "steering.html", visitor("supervisor"), figures=figures, switches=switches,
        names={"0437": "Gemeente Ouder-Amstel", "0362": "Gemeente Amstelveen"}, gemeente="",
        counted="Gemeente Ouder-Amstel, Gemeente Amstelveen", labels=[month_label(m.month) for m in months],
        signal_series=[(k, [m.signals.get(k, 0) for m in months]) for k in figures.partner_types],
        bucket_rows=[(BUCKET_NAMES[b], 1) for b in BUCKETS], errors={},
        period={"van": "2026-11-01", "tot": "2026-11-30", "gemeente": ""}, done=None))
    assert page.count("<svg") == 6 and page.count("(tabel)</caption>") == 6
    assert "dec 2026" in page and ">40%<" in page  # reach rate 4 of 10, in the table
    assert ">0,65<" in page  # December: 13 signals per 20,000 inhabitants is 0.65 per 1,000
    ouder_amstel, amstelveen = page.split('data-municipality="0437"')[1], page.split('data-municipality="0362"')[1]
    assert 'data-visits="uit"' in ouder_amstel.split("</form>")[0] and "gezet door sara" in ouder_amstel
    assert 'data-visits="aan"' in amstelveen.split("</form>")[0] and "de standaardinstelling" in amstelveen
    assert 'hx-boost="false"' in page  # the download is a real navigation, not an htmx swap


@pytest.mark.parametrize("role", ["supervisor", "admin"])
def test_the_accounts_page_never_sends_a_password_back(role):
    account = Account("bram", "Bram Jansen", "caseworker", ("0437",))
    page = html(pages.render(request("/werk/medewerkers"), "accounts.html", visitor(role),
                             accounts=[(account, NOW, "sara")], role_options=[(r, ROLE_NAMES[r]) for r in ROLES],
                             role_names=ROLE_NAMES, now=NOW, done=None,
                             submitted=Submitted({"username": "x", "password": ""}, {"password": "Te kort."})))
    assert 'type="password" id="password" name="password" value=""' in page and 'id="password-fout"' in page
    assert 'action="/werk/medewerkers/bram/uitschakelen"' in page


def case_page(*, status: str = "closed", outcome: str | None = "geen_hulp_nodig", **page) -> str:
    """The case page of a case of Ouder-Amstel, as its route renders it, with `page`'s parts."""
    case = {"case_id": uuid.uuid4(), "status": status, "outcome": outcome, "intensity": "single",
            "municipality_code": "0437", "opened_at": NOW, "assigned_to": None, "rule": "single-signal"}
    parts = {"contact": None, "unreached_attempts": 0, "signals": [], "letters": [], "planned": [], "work": [],
             "referrals": [], "timeline": [], "notes": [], **page}
    return html(pages.render(
        request(f"/werk/zaken/{case['case_id']}/contact"), "case.html", visitor(), case=case, page=parts,
        explanation="", partner_name={"eigen-haard": "Eigen Haard", "waternet": "Waternet"}.get,
        intensities=INTENSITY_NAMES, categories=CATEGORY_NAMES, letter_kinds={}, steps={}, timeline_names=TIMELINE,
        colleagues=[], done=None, submitted=Submitted({})))


def test_the_case_page_writes_a_prefix_ending_in_an_apostrophe_against_the_surname():
    contact = ContactDetails(initials="A.", prefix="d'", surname="Hondt", street="Dorpsstraat", house_number=1,
                             postcode="1191BK", city="Ouderkerk aan de Amstel")
    page = case_page(contact=contact)
    shown = page.split("data-contact>")[1].split("</dl>")[0]
    assert ">A. d'Hondt<" in shown.replace("&#39;", "'") and "d' Hondt" not in page.replace("&#39;", "'")


def test_the_case_page_shows_which_signals_were_withdrawn_or_resolved_and_why_the_case_closed():
    def signal(partner_id: str, category: str, ended: str | None) -> dict:
        return {"partner_id": partner_id, "category": category, "amount": Decimal("120.00"),
                "arrears_since": dt.date(2026, 10, 1), "signal_date": dt.date(2026, 11, 20), "crisis": False,
                "ended": ended, "ended_on": dt.date(2026, 12, 4) if ended else None}

    timeline = [{"occurred_at": NOW, "kind": kind, "detail": detail} for kind, detail in [
        ("signal_resolved", {"partner_id": "waternet", "on": "2026-12-03"}),
        ("signal_withdrawn", {"partner_id": "eigen-haard", "on": "2026-12-04"}),
        ("letter_in_error", {"sent_at": NOW.isoformat()}),
        ("closed", {"outcome": "Niet opgepakt: onterecht signaal", "by": "matching"})]]
    page = case_page(outcome="Niet opgepakt: onterecht signaal", timeline=timeline,
                     signals=[signal("eigen-haard", "rent", "withdrawn"), signal("waternet", "water", "resolved"),
                              signal("waternet", "water", None)])
    signals_table = page.split('id="meldingen"')[1].split("<tbody")[1]
    rows = {m.group(1) or "open": m.group(2) for m in re.finditer(
        r'<tr class="utrecht-table__row"(?: data-ended="(\w+)")?>(.*?)</tr>', signals_table, re.S)}
    withdrawn = rows["withdrawn"]
    assert "Eigen Haard" in withdrawn and "Ingetrokken op 4 december 2026 (onterecht verstuurd)" in withdrawn
    assert "Opgelost op 4 december 2026 (betaald of regeling getroffen)" in rows["resolved"]
    assert rows["open"].rstrip().endswith(">Nee</td>")  # the last column: neither withdrawn nor resolved
    assert '<th class="utrecht-table__header-cell" scope="col">Ingetrokken of opgelost</th>' in page
    lines = [re.sub(r"\s+", " ", item) for item in re.findall(r'data-kind="\w+">(.*?)</li>', page, re.S)]
    assert [line.split(" – ", 1)[1] for line in lines] == [
        "Melding opgelost: de inwoner heeft Waternet betaald of er een regeling mee getroffen",
        "Melding ingetrokken: Eigen Haard heeft de melding onterecht verstuurd",
        "Eerste brief onterecht verstuurd: alle meldingen zijn ingetrokken",
        "Zaak gesloten: Niet opgepakt: onterecht signaal, door matching"]
