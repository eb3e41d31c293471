"""Partners come from a file that stores only token hashes, each registered for some of the
installation's municipalities; a token finds its own partner only."""

import hashlib
import re

import pytest

from intake.adapters.partner_registry import PartnerRegistry
from intake.config import SERVICE_DIR, IntakeSettings, PartnersFileError, load_partners
from vroeg_contracts.partner_report import DDAS_PARTNER_TYPE, Category

MUNICIPALITIES = IntakeSettings().municipalities
PARTNERS = load_partners(SERVICE_DIR / "config" / "partners.toml", MUNICIPALITIES)


def partner_for_token(partners, token):
    """The partner a token finds, as the HTTP API looks it up."""
    return PartnerRegistry(partners.values()).identify(token)


@pytest.mark.parametrize("partner_id", sorted(PARTNERS))
def test_each_dev_token_finds_its_partner(partner_id):
    assert partner_for_token(PARTNERS, f"dev-token-{partner_id}").id == partner_id


@pytest.mark.parametrize("token", ["", "dev-token-", "dev-token-eigen-haard ", "DEV-TOKEN-EIGEN-HAARD",
                                   hashlib.sha256(b"dev-token-eigen-haard").hexdigest()])
def test_any_other_token_finds_nobody(token):
    assert partner_for_token(PARTNERS, token) is None


def test_the_file_holds_no_token_in_clear():
    text = (SERVICE_DIR / "config" / "partners.toml").read_text()
    assert "dev-token-eigen-haard" not in text.replace("`dev-token-<partner id>`", "")
    assert PARTNERS["eigen-haard"].categories == {Category.RENT}


def test_the_installation_serves_ouder_amstel_and_amstelveen():
    assert IntakeSettings().municipalities == ["0437", "0362"]


def test_each_partner_is_registered_for_its_municipalities():
    registered = {partner.id: partner.municipalities for partner in PARTNERS.values()}
    assert registered == {"eigen-haard": {"0437"}, "zilveren-kruis": {"0437", "0362"}, "vgz": {"0437", "0362"},
                          "gemeentebelastingen-amstelland": {"0437", "0362"}, "waternet": {"0437"},
                          "ymere": {"0362"}, "vattenfall": {"0437", "0362"}, "eneco": {"0437", "0362"},
                          "cak": {"0437", "0362"}, "duo": {"0437", "0362"}, "belastingdienst": {"0437", "0362"},
                          "toeslagen": {"0437", "0362"}}
    assert (PARTNERS["ymere"].name, PARTNERS["ymere"].categories) == ("Ymere", {Category.RENT})


ENTRY = 'id = "x"\nname = "X"\ncategories = ["rent"]\ntoken_sha256 = "' + "a" * 64 + '"'


@pytest.mark.parametrize(("entry", "named"), [
    ('id = "x"\nname = "X"\ncategories = ["rent"]\nmunicipalities = ["0437"]', "partner[0]: missing token_sha256"),
    ('id = "x"\nname = "X"\ncategories = ["gas"]\nmunicipalities = ["0437"]\ntoken_sha256 = "' + "a" * 64 + '"',
     "partner[0].categories"),
    ('id = "x"\nname = "X"\ncategories = ["rent"]\nmunicipalities = ["0437"]\ntoken_sha256 = "dev-token-x"',
     "partner[0].token_sha256"),
    (ENTRY, "partner[0]: missing municipalities"),
    (ENTRY + "\nmunicipalities = []", "partner[0].municipalities: must be a list of one or more CBS codes"),
    (ENTRY + '\nmunicipalities = "0437"', "partner[0].municipalities: must be a list of one or more CBS codes"),
    (ENTRY + '\nmunicipalities = ["0437", "437"]', "partner[0].municipalities: not a CBS code of 4 digits: '437'"),
    (ENTRY + "\nmunicipalities = [437]", "partner[0].municipalities: not a CBS code of 4 digits: 437"),
    (ENTRY + '\nmunicipalities = ["0437", "0363"]',
     "partner[0].municipalities: municipality 0363 is not served by this installation (it serves 0362, 0437)"),
])
def test_a_wrong_partners_file_is_refused_naming_the_field(tmp_path, entry, named):
    path = tmp_path / "partners.toml"
    path.write_text(f"[[partner]]\n{entry}\n")
    with pytest.raises(PartnersFileError, match=re.escape(f"partners.toml: {named}")):
        load_partners(path, ["0437", "0362"])


def test_the_entry_named_is_the_one_that_is_wrong(tmp_path):
    path = tmp_path / "partners.toml"
    path.write_text((SERVICE_DIR / "config" / "partners.toml").read_text()
                    + '\n[[partner]]\n' + ENTRY.replace('"x"', '"amsterdam-only"') + '\nmunicipalities = ["0363"]\n')
    with pytest.raises(PartnersFileError, match=re.escape(f"partner[{len(PARTNERS)}].municipalities: municipality 0363")):
        load_partners(path, MUNICIPALITIES)


def test_the_default_registry_covers_every_partner_type_of_the_ddas_list():
    """One partner at least of each DDAS signal-partner type that reports in the region, two health
    insurers and two energy suppliers; the DDAS type of `mortgage` and `other` has no partner here."""
    types = {DDAS_PARTNER_TYPE[category] for partner in PARTNERS.values() for category in partner.categories}
    assert types == {"Huur", "Energie", "Water", "Zorg", "CAK Zorgverzekeringen", "DUO", "Belastingdienst",
                     "Dienst Toeslagen", "Overige"}
    for category in (Category.HEALTH_INSURANCE, Category.ENERGY):
        assert sum(category in partner.categories for partner in PARTNERS.values()) >= 2
