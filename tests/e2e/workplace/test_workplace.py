"""The workplace as its users meet it, in a real browser on the real platform: a caseworker's day,
a supervisor's steering, an auditor's log; every refusal; accessibility (axe-core) on every page;
and no resident's data in any log line or span the run produced.

The tests run in file order and share one platform run (conftest.py); the last one stops it."""

from __future__ import annotations

import json
import os
import re
from datetime import timedelta
from pathlib import Path

import pytest
from playwright.async_api import Page, expect

from vroeg_contracts.partner_report import today_in_amsterdam
from vroeg_devtools import trace

from ..conftest import personal_values
from .conftest import AREA, AXE, Workplace, sign_in

pytestmark = pytest.mark.timeout(600)
NO_CONTACT = "Definitief geen contact kunnen krijgen"
ADVICE = "(Budget)advies en/of quick fix"
WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


async def screenshot(page: Page, name: str) -> None:
    """The README's pictures: made here when VROEG_SCREENSHOTS_DIR says where (docs/screenshots)."""
    if folder := os.environ.get("VROEG_SCREENSHOTS_DIR"):
        Path(folder).mkdir(parents=True, exist_ok=True)
        await page.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=True)


async def axe_violations(page: Page) -> list[str]:
    await page.add_script_tag(path=str(AXE))
    result = await page.evaluate("(tags) => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG)
    return [f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
            for v in result["violations"]]


async def todays_work(page: Page, query: str = "") -> None:
    """Today's work of this module's postcode area (see conftest.AREA)."""
    await page.goto(f"/werk?postcode={AREA}{query}")


def row(page: Page, case_id: str):
    return page.locator(f'tr[data-case="{case_id}"]')


async def log_attempt(page: Page, *, reached: bool, day_part: str = "Ochtend") -> None:
    attempts = await page.locator('[data-kind="attempt"]').count()
    await page.get_by_label("Hoe zocht u contact?").select_option("Telefoon")
    await page.get_by_label("Dagdeel", exact=True).select_option(day_part)
    await page.get_by_label("Ja, bereikt" if reached else "Nee, niet bereikt").check()
    await page.get_by_role("button", name="Poging vastleggen").click()
    await expect(page.locator('[data-kind="attempt"]')).to_have_count(attempts + 1)
    await expect(page.get_by_role("status").filter(has_text="De contactpoging is vastgelegd")).to_be_visible()


async def test_a_caseworker_takes_todays_call_and_three_unreached_attempts_close_the_case(workplace: Workplace):
    case = workplace.cases["unreached"]
    page = await workplace.page("anna")
    await expect(page).to_have_url(re.compile(r"/werk$"))
    await todays_work(page)
    calls = page.locator('table[data-bucket="calls"]')
    await expect(row(page, case)).to_be_visible()
    assert await calls.locator(f'tr[data-case="{case}"]').count() == 1, "the case is not among today's calls"
    # Crises first (the list may hold other tests' cases too: compare ours).
    order = [await r.get_attribute("data-case") for r in await calls.locator("tbody tr").all()]
    assert order.index(workplace.cases["crisis"]) < order.index(case), "the crisis is not before the others"
    await screenshot(page, "werkbak")

    await row(page, case).get_by_role("button", name=re.compile("Ik pak deze op: zaak")).click()
    await expect(page).to_have_url(re.compile(f"/werk/zaken/{case}"))
    await expect(page.locator("[data-assigned]")).to_have_text("U")
    # The letter opens inline, as the PDF that was sent.
    letter = await page.locator("a[data-letter]").first.get_attribute("href")
    response = await page.request.get(letter)
    assert response.status == 200 and response.headers["content-type"] == "application/pdf"
    assert response.headers["content-disposition"].startswith("inline") and (await response.body()).startswith(b"%PDF")
    # The contact details are shown on request only.
    await expect(page.locator("[data-contact]")).to_have_count(0)
    await page.get_by_role("link", name="Toon contactgegevens").click()
    await expect(page.locator("[data-contact]")).to_contain_text(workplace.clients["unreached"]["surname"])
    await screenshot(page, "zaak")

    for day_part in ("Ochtend", "Middag", "Avond"):
        await log_attempt(page, reached=False, day_part=day_part)
    await expect(page.locator("[data-outcome]")).to_have_text(NO_CONTACT)
    await expect(page.get_by_role("button", name="Poging vastleggen")).to_have_count(0)


async def test_a_reached_call_closed_with_an_outcome_is_in_the_ddas_delivery(workplace: Workplace):
    case = workplace.cases["reached"]
    page = await workplace.page("bram")
    await page.goto(f"/werk/zaken/{case}")
    await page.get_by_role("button", name="Ik pak deze op").click()
    await expect(page.locator("[data-assigned]")).to_have_text("U")
    await log_attempt(page, reached=True, day_part="Middag")
    await page.get_by_label("Uitkomst", exact=True).select_option(ADVICE)
    await page.get_by_role("button", name="Zaak afsluiten").click()
    await expect(page.locator("[data-outcome]")).to_have_text(ADVICE)

    supervisor = await workplace.page("sara")
    await expect(supervisor).to_have_url(re.compile(r"/werk$"))
    await supervisor.goto("/werk/sturing")
    today = today_in_amsterdam()
    await supervisor.get_by_label("Van", exact=True).fill((today - timedelta(days=27)).isoformat())
    await supervisor.get_by_label("Tot en met", exact=True).fill(today.isoformat())
    async with supervisor.expect_download() as download:
        await supervisor.get_by_role("button", name="Download de aanlevering").click()
    delivery = json.loads(Path(await (await download.value).path()).read_text())
    cases = [c for levering in delivery["leveringen"] for c in levering["vroegsignaalzaken"]]
    ours = [c for c in cases if workplace.signals["reached"] & {s["ID"] for s in c["vroegsignalen"]}]
    assert len(ours) == 1, f"the delivery has {len(ours)} cases of the household"
    assert ours[0]["resultaat"] == ADVICE
    assert {"soort": "Telefoon", "bereikt": True} in [{k: a[k] for k in ("soort", "bereikt")}
                                                      for a in ours[0]["contactpogingen"]]


async def test_two_caseworkers_cannot_take_the_same_case(workplace: Workplace):
    case = workplace.cases["race"]
    anna, bram = await workplace.page("anna"), await workplace.page("bram")
    for page in (anna, bram):
        await todays_work(page)
        await expect(row(page, case).get_by_role("button", name=re.compile("Ik pak deze op: zaak"))).to_be_visible()
    await row(anna, case).get_by_role("button", name=re.compile("Ik pak deze op: zaak")).click()
    await expect(anna.locator("[data-assigned]")).to_have_text("U")
    # Bram's list was loaded before Anna took it: his click is refused, and says who has it.
    await row(bram, case).get_by_role("button", name=re.compile("Ik pak deze op: zaak")).click()
    await expect(bram.get_by_role("heading", name="Al opgepakt")).to_be_visible()
    await expect(bram.get_by_role("alert")).to_contain_text("anna")
    await todays_work(bram)
    await expect(row(bram, case)).to_contain_text("anna")
    # The supervisor hands it to Bram; now it is his.
    sara = await workplace.page("sara")
    await sara.goto(f"/werk/zaken/{case}")
    await sara.get_by_label("Toewijzen aan").select_option("bram")
    await sara.get_by_role("button", name="Toewijzen").click()
    await expect(sara.locator("[data-assigned]")).to_have_text("bram")
    await todays_work(bram, "&mijn=1")
    await expect(row(bram, case)).to_contain_text("Ik")


async def test_a_form_error_shows_beside_its_field_and_keeps_what_was_typed(workplace: Workplace):
    case = workplace.cases["form"]
    page = await workplace.page("anna")
    await page.goto(f"/werk/zaken/{case}")
    await page.get_by_label("Datum", exact=True).fill(today_in_amsterdam().isoformat())
    await page.get_by_label("Nee, niet bereikt").check()
    await page.get_by_role("button", name="Poging vastleggen").click()
    error = page.locator("#dagdeel-fout")
    await expect(error).to_have_text("Kies het dagdeel.")
    # Beside its field: in the field's own block, and tied to the control for screen readers.
    field = page.locator(".utrecht-form-field", has=page.locator("select#dagdeel"))
    await expect(field.locator("#dagdeel-fout")).to_have_count(1)
    await expect(page.locator("select#dagdeel")).to_have_attribute("aria-describedby", "dagdeel-fout")
    await expect(page.get_by_label("Nee, niet bereikt")).to_be_checked()
    await expect(page.get_by_label("Datum", exact=True)).to_have_value(today_in_amsterdam().isoformat())
    assert await axe_violations(page) == []
    # A note too long: the reason, in Dutch, beside the note.
    await page.get_by_label("Notitie", exact=True).fill("x" * 1001)
    await page.get_by_role("button", name="Notitie opslaan").click()
    await expect(page.locator("#tekst-fout")).to_contain_text("hoogstens 1000 tekens")
    await expect(page.get_by_label("Notitie", exact=True)).to_have_value("x" * 1001)


async def test_a_supervisor_switches_visits_off_and_the_pending_visit_becomes_a_letter(workplace: Workplace):
    case = workplace.cases["visit"]
    page = await workplace.page("sara")
    await todays_work(page)
    await expect(page.locator('table[data-bucket="visits"]').locator(f'tr[data-case="{case}"]')).to_have_count(1)
    await page.goto("/werk/sturing")
    await page.get_by_label("Uit: geplande huisbezoeken worden een vervolgbrief").check()
    await page.get_by_role("button", name="Opslaan").click()
    await expect(page.locator("[data-visits]")).to_have_attribute("data-visits", "uit")
    try:
        await page.goto(f"/werk/zaken/{case}")
        await expect(page.locator('[data-kind="visit_replaced_by_letter"]')).to_have_count(1)
        # The follow-up letter goes out by itself, within moments.
        for _ in range(30):
            if await page.locator("a[data-letter]").count() == 2:
                break
            await page.wait_for_timeout(1000)
            await page.reload()
        await expect(page.get_by_text("Vervolgbrief van")).to_be_visible()
        await todays_work(page)
        await expect(page.locator('table[data-bucket="visits"]').locator(f'tr[data-case="{case}"]')).to_have_count(0)
    finally:
        await page.goto("/werk/sturing")
        await page.get_by_label("Aan", exact=True).check()
        await page.get_by_role("button", name="Opslaan").click()
        await expect(page.locator("[data-visits]")).to_have_attribute("data-visits", "aan")


async def test_a_regional_supervisor_sees_both_municipalities_and_switches_visits_in_one(workplace: Workplace):
    page = await workplace.page("rita")
    await todays_work(page)
    await expect(row(page, workplace.cases["amstelveen"])).to_have_count(1)
    await expect(row(page, workplace.cases["nojs"])).to_have_count(1)
    await page.goto("/werk/sturing")
    counted = page.locator("[data-counted]")
    await expect(counted).to_have_attribute("data-counted", re.compile(r"(?=.*Ouder-Amstel)(?=.*Amstelveen)"))
    await page.locator("#kies-gemeente").select_option("0362")
    await page.get_by_role("button", name="Toon").click()
    await expect(counted).to_have_attribute("data-counted", "Gemeente Amstelveen")
    amstelveen, ouder_amstel = (page.locator(f'form[data-municipality="{code}"]') for code in ("0362", "0437"))
    await amstelveen.get_by_label("Uit: geplande huisbezoeken worden een vervolgbrief").check()
    await amstelveen.get_by_role("button", name="Opslaan").click()
    try:
        await expect(amstelveen.locator("[data-visits]")).to_have_attribute("data-visits", "uit")
        await expect(ouder_amstel.locator("[data-visits]")).to_have_attribute("data-visits", "aan")
    finally:
        await amstelveen.get_by_label("Aan", exact=True).check()
        await amstelveen.get_by_role("button", name="Opslaan").click()
        await expect(amstelveen.locator("[data-visits]")).to_have_attribute("data-visits", "aan")
    # Another municipality's figures are not found for a supervisor of one.
    sara = await workplace.page("sara")
    assert (await sara.goto("/werk/sturing?gemeente=0362")).status == 404


async def test_the_core_flow_works_without_javascript(workplace: Workplace):
    case = workplace.cases["nojs"]
    page = await workplace.page(None, javascript=False)
    await sign_in(page, "bram")
    await expect(page).to_have_url(re.compile(r"/werk$"))
    await todays_work(page)
    await row(page, case).get_by_role("button", name=re.compile("Ik pak deze op: zaak")).click()
    await expect(page.locator("[data-assigned]")).to_have_text("U")
    await page.get_by_role("link", name="Toon contactgegevens").click()
    await expect(page.locator("[data-contact]")).to_be_visible()
    await log_attempt(page, reached=False)
    await expect(page.locator('[data-kind="attempt"]')).to_have_count(1)


async def test_a_referral_waits_for_the_residents_consent_and_follows_its_decision(workplace: Workplace):
    case = workplace.cases["nojs"]  # Bram took it, without JavaScript
    page = await workplace.page("bram")
    await page.goto(f"/werk/zaken/{case}")
    await page.get_by_label("Uitkomst", exact=True).select_option("Vervolghulp en/of verwijzing financieel")
    await page.get_by_label("Toestemming vragen voor doorverwijzing").check()
    await page.get_by_label("Organisatie").fill("schuldhulp-amstelland")
    await page.get_by_label("Doel").fill("schuldhulpverlening")
    for data in ("Naam", "Telefoonnummer", "Betalingsachterstanden"):
        await page.get_by_label(data, exact=True).check()
    await page.get_by_role("button", name="Zaak afsluiten").click()
    await expect(page.locator("[data-referral]")).to_have_attribute("data-referral", "requested")
    # Consent decides (the resident's recorded consent, or its absence); the page follows.
    for _ in range(30):
        if await page.locator('[data-referral="requested"]').count() == 0:
            break
        await page.wait_for_timeout(1000)
        await page.reload()
    decided = await page.locator("[data-referral]").get_attribute("data-referral")
    assert decided in ("sent", "denied"), f"consent did not decide: {decided}"
    await expect(page.locator('[data-kind="referral_requested"]')).to_have_count(1)


async def test_refusals(workplace: Workplace):
    anna = await workplace.page("anna")
    # Not a supervisor page for a caseworker.
    response = await anna.goto("/werk/sturing")
    assert response.status == 403
    await expect(anna.get_by_role("heading", name="Geen toegang")).to_be_visible()
    assert (await anna.goto("/werk/medewerkers")).status == 403
    assert (await anna.goto("/werk/inzage")).status == 403
    await expect(anna.get_by_role("button", name="Afmelden")).to_be_visible()  # still her menu
    # Handing out work is the supervisor's.
    token = await anna.locator("input[name=csrf_token]").first.input_value()
    handed = await anna.request.post(f"/werk/zaken/{workplace.cases['form']}/toewijzen",
                                     form={"csrf_token": token, "assign_to": "anna"})
    assert handed.status == 403
    # No form without the session's CSRF token, nor with another one.
    case = workplace.cases["form"]
    for form in ({"tekst": "zonder token"}, {"tekst": "vals token", "csrf_token": "x" * 43}):
        refused = await anna.request.post(f"/werk/zaken/{case}/notities", form=form)
        assert refused.status == 403 and "Formulier verlopen" in await refused.text()
    await anna.goto(f"/werk/zaken/{case}")
    await expect(anna.get_by_text("zonder token")).to_have_count(0)
    # Another municipality's caseworker: not this case, not on her list, and no letter either.
    eva = await workplace.page("eva")
    response = await eva.goto(f"/werk/zaken/{workplace.cases['unreached']}")
    assert response.status == 404
    await expect(eva.get_by_role("heading", name="Zaak niet gevonden")).to_be_visible()
    assert (await eva.goto(f"/werk/zaken/{workplace.cases['form']}/contact")).status == 404
    taken = await eva.request.post(f"/werk/zaken/{workplace.cases['form']}/oppakken",
                                   form={"csrf_token": await eva.locator("input[name=csrf_token]").first.input_value()})
    assert taken.status == 404
    await todays_work(eva)  # only her own municipality's case
    await expect(eva.locator("tr[data-case]")).to_have_count(1)
    await expect(row(eva, workplace.cases["amstelveen"])).to_have_count(1)
    assert (await anna.goto(f"/werk/zaken/{workplace.cases['amstelveen']}")).status == 404
    await todays_work(anna)
    await expect(row(anna, workplace.cases["amstelveen"])).to_have_count(0)
    # Not signed in: to the sign-in page, and back after it.
    stranger = await workplace.page(None)
    await stranger.goto(f"/werk/zaken/{case}")
    await expect(stranger).to_have_url(re.compile(r"/werk/aanmelden\?terug="))
    await stranger.get_by_label("Gebruikersnaam").fill("anna")
    await stranger.get_by_label("Wachtwoord").fill("een lang demo wachtwoord")
    await stranger.get_by_role("button", name="Aanmelden").click()
    await expect(stranger).to_have_url(re.compile(f"/werk/zaken/{case}$"))


async def test_repeated_wrong_passwords_lock_the_account_and_idle_sessions_end(workplace: Workplace, admin_pools):
    page = await workplace.page(None)
    for _ in range(5):
        await sign_in(page, "lotte", "niet het goede wachtwoord")
    await expect(page.get_by_role("alert")).to_contain_text("tijdelijk geblokkeerd")
    await sign_in(page, "lotte")  # the right password, too late
    await expect(page.get_by_role("alert")).to_contain_text("tijdelijk geblokkeerd")
    await expect(page).to_have_url(re.compile("/werk/aanmelden"))
    # An idle session ends: half an hour without a request.
    bram = await workplace.page("bram")
    await expect(bram).to_have_url(re.compile(r"/werk$"))
    await admin_pools["outreach"].execute(
        "UPDATE web_sessions SET last_seen_at = now() - interval '31 minutes' WHERE username = 'bram' AND ended_at IS NULL")
    await bram.goto("/werk")
    await expect(bram).to_have_url(re.compile(r"/werk/aanmelden\?.*verlopen=1"))
    # Signing out ends the session on the server: the old cookie opens nothing.
    anna = await workplace.page("anna")
    cookies = await anna.context.cookies()
    await anna.get_by_role("button", name="Afmelden").click()
    await expect(anna.get_by_text("U bent afgemeld.")).to_be_visible()
    again = await workplace.page(None)
    await again.context.add_cookies(cookies)
    await again.goto("/werk")
    await expect(again).to_have_url(re.compile("/werk/aanmelden"))


async def test_the_auditor_sees_who_read_which_case(workplace: Workplace):
    page = await workplace.page("aad")
    await expect(page).to_have_url(re.compile("/werk/inzage"))
    await page.get_by_label("Medewerker (gebruikersnaam)").fill("anna")
    await page.get_by_label("Zaaknummer").fill(workplace.cases["unreached"])
    await page.get_by_role("button", name="Filteren").click()
    log = page.locator("table[data-audit]")
    await expect(log).to_contain_text("Contactgegevens bekeken")
    await expect(log).to_contain_text("Contactpoging vastgelegd")
    await expect(log).to_contain_text(workplace.cases["unreached"][:8].upper())
    await expect(log).not_to_contain_text("bram")  # only Anna's reads
    # Everyone's reads of the case: Bram never opened it, Anna did; Eva, of another municipality,
    # was refused it, and that is written down too.
    await page.goto(f"/werk/inzage?zaak={workplace.cases['unreached']}")
    await expect(log).to_contain_text("anna")
    await page.goto("/werk/inzage?medewerker=eva")
    await expect(log).to_contain_text("Geweigerd: zaak van een andere gemeente")
    await expect(log).to_contain_text(workplace.cases["unreached"][:8].upper())
    assert await axe_violations(page) == []


async def test_a_caseworker_can_work_by_keyboard_alone_and_sees_where_the_focus_is(workplace: Workplace):
    case = workplace.cases["crisis"]
    page = await workplace.page("anna")
    await todays_work(page)
    # The first Tab reaches the skip link, which leads past the menu to the content.
    await page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Direct naar de inhoud")
    await expect(skip).to_be_focused()
    await expect(skip).to_be_visible()
    await page.keyboard.press("Enter")
    await expect(page).to_have_url(re.compile("#inhoud$"))
    take = row(page, case).get_by_role("button", name=re.compile("Ik pak deze op: zaak"))
    for _ in range(80):  # Tab on through the filters and the list until the case's button has focus
        await page.keyboard.press("Tab")
        if await take.evaluate("b => b === document.activeElement"):
            break
    await expect(take).to_be_focused()
    outline = await take.evaluate("b => getComputedStyle(b).outlineStyle + ' ' + getComputedStyle(b).boxShadow")
    assert outline != "none none", "the focused button shows no focus indicator"
    await page.keyboard.press("Enter")
    await expect(page.locator("[data-assigned]")).to_have_text("U")


async def test_every_page_passes_axe_core(workplace: Workplace):
    pages: dict[str, list[str]] = {}
    visitor = await workplace.page(None)
    await visitor.goto("/werk/aanmelden")
    pages["aanmelden"] = await axe_violations(visitor)
    anna = await workplace.page("anna")
    pages["werkbak"] = await axe_violations(anna)
    await anna.goto("/werk?postcode=12")
    pages["werkbak met fout"] = await axe_violations(anna)
    await anna.goto(f"/werk/zaken/{workplace.cases['crisis']}/contact")
    pages["zaak met contactgegevens"] = await axe_violations(anna)
    await anna.goto(f"/werk/zaken/{workplace.cases['unreached']}")
    pages["gesloten zaak"] = await axe_violations(anna)
    await anna.goto("/werk/sturing")
    pages["geen toegang"] = await axe_violations(anna)
    sara = await workplace.page("sara")
    for path in ("/werk/sturing", "/werk/medewerkers", f"/werk/zaken/{workplace.cases['crisis']}"):
        await sara.goto(path)
        pages[path] = await axe_violations(sara)
    await sara.goto("/werk/medewerkers")
    await sara.get_by_role("button", name="Account aanmaken").click()
    pages["medewerkers met fouten"] = await axe_violations(sara)
    assert await sara.locator("#username-fout").count() == 1
    aad = await workplace.page("aad")
    pages["inzage"] = await axe_violations(aad)
    assert {name: found for name, found in pages.items() if found} == {}


async def test_a_logged_call_continues_the_case_trace_and_nothing_personal_was_logged(workplace: Workplace):
    """Last: stops the services, so every span and log line is flushed."""
    workplace.stack.stop()
    spans = trace.load_spans(workplace.trace_dir)
    attempts = [s for s in spans if s.name == "outreach contact attempt"
                and s.attributes.get("vroeg.case_id") == workplace.cases["unreached"]]
    assert len(attempts) == 3
    decided = {s.trace_id for s in spans if s.attributes.get("vroeg.correlation_id") == workplace.correlations["unreached"]
               and s.attributes.get("vroeg.event_type") == "HouseholdAtRisk"}
    assert {s.trace_id for s in attempts} == decided, "the attempts are not in the trace of the report's decision"

    values = personal_values(list(workplace.clients.values()))
    logs = [s.log_path for s in workplace.stack.services.values() if s.log_path]
    files = list(workplace.trace_dir.glob("*.jsonl"))
    assert logs and files
    for path in [*logs, *files]:
        text = path.read_text(errors="replace")
        assert not {v for v in values if v in text}, f"{path.name} holds a resident's personal data"
