"""The auditor's page without a database: the chain check on request, its result in words, and the
municipality of each row."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from starlette.requests import Request

from outreach.domain.accounts import Account
from outreach.domain.audit_chain import ChainReport
from outreach.entrypoints.web import pages
from outreach.entrypoints.web.audit import ACTIONS
from outreach.entrypoints.web.session import Visitor

AUDITOR = Visitor(Account("daan", "Daan de Boer", "auditor", ("0437",)), "the-csrf-token")
ENTRY = {"audit_id": 12, "at": dt.datetime(2026, 12, 7, 10, 30, tzinfo=dt.UTC), "staff_id": "anna",
         "role": "caseworker", "action": "read:case", "case_ids": [uuid.uuid4()], "detail": "",
         "municipality_code": "0437"}


def page(chain: ChainReport | None) -> str:
    request = Request({"type": "http", "path": "/werk/inzage", "query_string": b"", "headers": [], "method": "GET"})
    response = pages.render(request, "audit.html", AUDITOR, entries=[ENTRY], more=False, page=0, errors={},
                            values={"medewerker": "anna", "zaak": ""}, actions=ACTIONS, chain=chain)
    return response.body.decode()


def test_before_the_check_the_page_offers_it_keeping_the_filters():
    html = page(None)
    assert 'name="keten" value="controleren"' in html and ">Keten controleren</button>" in html
    assert '<input type="hidden" name="medewerker" value="anna">' in html
    assert "Keten intact" not in html and "Keten verbroken" not in html
    assert '<td class="utrecht-table__cell">0437</td>' in html


@pytest.mark.parametrize(("report", "says", "not_says"), [
    (ChainReport(True, 4211, None), "Keten intact: alle 4211 regels zijn ongewijzigd.", "Keten verbroken"),
    (ChainReport(False, 4211, 977), "Keten verbroken bij regel 977.", "Keten intact"),
])
def test_the_check_says_whether_the_chain_is_intact_or_where_it_broke(report, says, not_says):
    html = page(report)
    assert says in html and not_says not in html and "Keten controleren</button>" not in html
