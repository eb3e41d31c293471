"""The partner registry's use cases (ADR 0016): bring the default registry (the partners file) into
the table, read the table into the running registry, add, disable and list partners, and give one a
new token (`python -m intake partners`). The Kafka side of adding and disabling is the command's
(adapters/kafka_platform.py)."""

from __future__ import annotations

from collections.abc import Iterable

import structlog

from vroeg_runtime.unit_of_work import UnitOfWork

from ..adapters.partner_table import PartnerEntry, PartnerTable
from ..adapters.partner_registry import PartnerRegistry, changes
from ..domain.partners import Partner

log = structlog.get_logger(__name__)


async def follow_default_registry(uow: UnitOfWork, partners: Iterable[Partner], *, file_name: str) -> list[str]:
    """Add each partner of the file that the table lacks, and give the file's own entries what the file
    says now. An entry added by the command, or disabled, is left as it is: disabling wins over the
    file. The ids added or changed."""
    table = PartnerTable(uow.conn)
    touched = [partner.id for partner in partners
               if await table.add(partner, source="file", by=file_name) or await table.follow_file(partner)]
    if touched:
        log.info("partners_from_file", partners=touched, file=file_name)
    return touched


async def refresh(uow: UnitOfWork, registry: PartnerRegistry) -> bool:
    """Read the table into the running registry; True if anything changed (and that is logged)."""
    before = dict(registry)
    changed = registry.replace(entry.partner for entry in await PartnerTable(uow.conn).entries())
    if changed:
        log.info("partners_changed", **changes(before, registry))
    return changed


async def add_partner(uow: UnitOfWork, partner: Partner, *, by: str) -> bool:
    """Add a partner onboarded with the command; False if its id is taken (by any partner, disabled
    ones too: an id names topics and history that stay)."""
    added = await PartnerTable(uow.conn).add(partner, source="command", by=by)
    if added:
        log.info("partner_added", partner=partner.id, by=by)
    return added


async def replace_token(uow: UnitOfWork, partner_id: str, token_sha256: str, *, by: str) -> bool:
    """A new HTTP token for an active partner added by the command (the file's partners take theirs
    from the file); False if there is none such."""
    replaced = await PartnerTable(uow.conn).set_token(partner_id, token_sha256)
    if replaced:
        log.info("partner_token_replaced", partner=partner_id, by=by)
    return replaced


async def disable_partner(uow: UnitOfWork, partner_id: str, *, by: str) -> bool:
    """Disable a partner; False if there is none of that id or it is disabled already."""
    disabled = await PartnerTable(uow.conn).disable(partner_id, by=by)
    if disabled:
        log.info("partner_disabled", partner=partner_id, by=by)
    return disabled


async def partner_entries(uow: UnitOfWork) -> list[PartnerEntry]:
    return await PartnerTable(uow.conn).entries()


async def partner_entry(uow: UnitOfWork, partner_id: str) -> PartnerEntry | None:
    return await PartnerTable(uow.conn).entry(partner_id)
