"""A test run on a platform that is not fresh stops at once with the reason (pytest_plugin's session
start check): here, later in a run, the service databases hold tables, and the check says so."""

from vroeg_devtools.pytest_plugin import _not_fresh


async def test_a_platform_with_an_earlier_runs_tables_is_named_not_fresh(platform, admin_pools):
    await admin_pools["intake"].execute("CREATE TABLE IF NOT EXISTS outbox_probe_never_fresh (id int)")
    try:
        problem = await _not_fresh()
    finally:
        await admin_pools["intake"].execute("DROP TABLE outbox_probe_never_fresh")
    assert problem is not None and "already holds tables" in problem and "postgres.sh destroy" in problem
