"""Key files: a missing or malformed key is refused with a clear message; rotation keeps old keys readable."""

import pytest

from vroeg_contracts.privacy import ContactDetails, seal, unseal
from vroeg_contracts.keys import KeyConfigurationError, KeyFolder, ensure_dev_keys
from vroeg_contracts.keys import main as keys_main


def test_a_missing_or_malformed_key_is_refused(tmp_path):
    settings = KeyFolder(tmp_path)
    with pytest.raises(KeyConfigurationError, match="does not exist"):
        settings.municipality_secret("0437")
    (tmp_path / "municipality-0437.secret").write_text("zz")
    with pytest.raises(KeyConfigurationError, match="not hexadecimal"):
        settings.municipality_secret("0437")
    (tmp_path / "municipality-0437.secret").write_text("ab" * 16)
    with pytest.raises(KeyConfigurationError, match="16 bytes, expected 32"):
        settings.municipality_secret("0437")


def test_rotation_adds_a_key_and_old_ciphertexts_stay_readable(tmp_path, capsys):
    ensure_dev_keys(tmp_path, ["0437"])
    settings = KeyFolder(tmp_path)
    details = ContactDetails(surname="Çelik")
    old = seal(details, settings.outreach_public_key("dev-1"), "dev-1")
    assert settings.add_outreach_keypair("2027-01") == tmp_path / "outreach-2027-01.pub"
    new = seal(details, settings.outreach_public_key("2027-01"), "2027-01")
    keys = settings.outreach_private_keys()
    assert set(keys) == {"dev-1", "2027-01"}
    assert unseal(old, keys) == details and unseal(new, keys) == details
    with pytest.raises(KeyConfigurationError, match="exists already"):
        settings.add_outreach_keypair("2027-01")
    assert keys_main(["check", "--keys-dir", str(tmp_path)]) == 0
    assert "2027-01" in capsys.readouterr().out
