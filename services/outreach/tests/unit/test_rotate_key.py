"""Rotating outreach's sealing key pair (`python -m outreach rotate-key`): a new pair is added, what was
sealed to the old one stays readable, and a key id is never overwritten."""

from vroeg_contracts.keys import KeyFolder, ensure_dev_keys
from vroeg_contracts.privacy import ContactDetails, seal, unseal

from outreach.__main__ import main as outreach_main
from outreach.entrypoints.cli import rotate_key


def test_rotation_adds_a_key_and_old_ciphertexts_stay_readable(tmp_path, capsys):
    ensure_dev_keys(tmp_path, ["0437"])
    keys = KeyFolder(tmp_path)
    details = ContactDetails(surname="Çelik")
    old = seal(details, keys.outreach_public_key("dev-1"), "dev-1")
    assert rotate_key.main(["--keys-dir", str(tmp_path), "--key-id", "2027-01"]) == 0
    out = capsys.readouterr().out
    assert f"new outreach key pair 2027-01: {tmp_path / 'outreach-2027-01.pub'}" in out
    assert "now set INTAKE_OUTREACH_KEY_ID=2027-01" in out
    new = seal(details, keys.outreach_public_key("2027-01"), "2027-01")
    private = keys.outreach_private_keys()
    assert set(private) == {"dev-1", "2027-01"}
    assert unseal(old, private) == details and unseal(new, private) == details


def test_the_same_key_id_twice_is_refused(tmp_path, capsys):
    ensure_dev_keys(tmp_path, ["0437"])
    assert outreach_main(["rotate-key", "--keys-dir", str(tmp_path), "--key-id", "2027-01"]) == 0
    before = (tmp_path / "outreach-2027-01.key").read_text()
    capsys.readouterr()
    assert outreach_main(["rotate-key", "--keys-dir", str(tmp_path), "--key-id", "2027-01"]) == 1
    assert "rotate-key: key id '2027-01' exists already" in capsys.readouterr().err
    assert (tmp_path / "outreach-2027-01.key").read_text() == before


def test_a_malformed_key_id_is_refused(tmp_path, capsys):
    assert rotate_key.main(["--keys-dir", str(tmp_path), "--key-id", "../escape"]) == 1
    assert "use letters, digits" in capsys.readouterr().err
    assert not list(tmp_path.iterdir())
