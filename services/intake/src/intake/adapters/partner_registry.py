"""The partners a running intake holds in memory, as of the last time it read its partners table
(ADR 0016): every partner by id (active or disabled), and the active ones by the SHA-256 of their
token. Intake re-reads the table every few seconds and replaces the contents whole, so a partner
onboarded or disabled with `python -m intake partners` counts within seconds, without a restart."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping

from vroeg_runtime.staff_auth import TokenDirectory

from ..domain.partners import Partner


class PartnerRegistry(TokenDirectory[Partner], Mapping[str, Partner]):
    """A mapping of partner id to partner, and the token directory of the active partners (a
    disabled partner's token finds nobody). One request or batch sees one version: `replace` swaps
    both in at once."""

    def __init__(self, partners: Iterable[Partner] = ()) -> None:
        super().__init__({})
        self._by_id: dict[str, Partner] = {}
        self.replace(partners)

    def replace(self, partners: Iterable[Partner]) -> bool:
        """Hold these partners from now on; True if anything changed."""
        by_id = {partner.id: partner for partner in partners}
        if by_id == self._by_id:
            return False
        self._by_id, self._by_digest = by_id, {p.token_sha256: p for p in by_id.values() if p.active}
        return True

    def __getitem__(self, partner_id: str) -> Partner:
        return self._by_id[partner_id]

    def __iter__(self) -> Iterator[str]:
        return iter(self._by_id)

    def __len__(self) -> int:
        return len(self._by_id)

    def active(self) -> list[Partner]:
        return [partner for partner in self._by_id.values() if partner.active]


def changes(before: Mapping[str, Partner], after: Mapping[str, Partner]) -> dict[str, list[str]]:
    """What changed between two versions of the registry, by partner id (for the log)."""
    return {
        "added": sorted(set(after) - set(before)),
        "disabled": sorted(p for p in after if p in before and before[p].active and not after[p].active),
        "changed": sorted(p for p in after if p in before and before[p].active == after[p].active
                          and before[p] != after[p]),
    }
