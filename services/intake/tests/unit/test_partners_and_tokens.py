"""Partners come from a file that stores only token hashes; a token finds its own partner only."""

import hashlib

import pytest

from intake.config import SERVICE_DIR, PartnersFileError, load_partners, partner_tokens
from vroeg_contracts.partner_report import Category

PARTNERS = load_partners(SERVICE_DIR / "config" / "partners.toml")


def partner_for_token(partners, token):
    """The partner a token finds, as the HTTP API looks it up."""
    return partner_tokens(partners).identify(token)


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


@pytest.mark.parametrize(("entry", "named"), [
    ('id = "x"\nname = "X"\ncategories = ["rent"]', "missing token_sha256"),
    ('id = "x"\nname = "X"\ncategories = ["gas"]\ntoken_sha256 = "' + "a" * 64 + '"', "partner[0].categories"),
    ('id = "x"\nname = "X"\ncategories = ["rent"]\ntoken_sha256 = "dev-token-x"', "partner[0].token_sha256"),
])
def test_a_wrong_partners_file_is_refused_naming_the_field(tmp_path, entry, named):
    path = tmp_path / "partners.toml"
    path.write_text(f"[[partner]]\n{entry}\n")
    with pytest.raises(PartnersFileError, match=named.replace("[", r"\[").replace("]", r"\]")):
        load_partners(path)
