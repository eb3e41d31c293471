"""The answer to an AVG access request (art. 15): what consent recorded about one resident, and a short
summary of it in plain Dutch (B1) for the resident."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from .audit import AuditEntry
from .consents import Consent

# How each kind of audit entry reads to a resident.
_KIND_NL = {
    "consent_registered": "u gaf toestemming om gegevens te delen",
    "consent_withdrawn": "u trok een toestemming in",
    "consents_viewed": "een medewerker bekeek uw toestemmingen",
    "share_granted": "wij deelden gegevens met uw toestemming",
    "share_denied": "wij deelden géén gegevens, omdat er geen geldige toestemming was",
    "share_revoked": "wij trokken een deling in, omdat u uw toestemming introk",
    "grant_used": "gegevens zijn met uw toestemming verstuurd",
    "access_exported": "u vroeg om inzage in uw gegevens",
    "erasure_requested": "u vroeg ons uw gegevens te verwijderen",
}


def summary_nl(entries: Sequence[AuditEntry], consents: Sequence[Consent]) -> str:
    """A few short sentences: how many events, what kind, which consents are active, and the resident's rights."""
    if not entries and not consents:
        return ("Wij hebben in de toestemmingsregistratie geen gegevens over u gevonden. "
                "Heeft u vragen? Neem dan contact op met de gemeente.")
    counts = Counter(entry.kind for entry in entries)
    lines = [f"Wij hebben {len(entries)} {'gebeurtenis' if len(entries) == 1 else 'gebeurtenissen'} over u vastgelegd."]
    for kind, count in sorted(counts.items()):
        lines.append(f"- {count} keer: {_KIND_NL.get(kind, kind.replace('_', ' '))}.")
    if consents:
        recipients = sorted({c.recipient for c in consents})
        lines.append(f"U heeft toestemming gegeven voor het delen van gegevens met: {', '.join(recipients)}.")
    lines.append("U mag uw toestemming altijd intrekken. U mag ook vragen om uw gegevens te verbeteren of te "
                 "verwijderen. Hulp van de gemeente is gratis en vrijwillig.")
    return "\n".join(lines)
