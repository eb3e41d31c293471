"""Staff accounts of the workplace: what each role reaches, whose cases an account opens, locking
after wrong passwords, when a session ends, the checks on a new account, and the password hashes."""

from datetime import UTC, datetime, timedelta

import pytest
from argon2 import PasswordHasher

from outreach.adapters.passwords import Passwords
from outreach.domain.accounts import (
    AREA_ROLES,
    HOME_AREA,
    ROLES,
    Account,
    SignInPolicy,
    after_failed_sign_in,
    check_new_account,
    check_password,
    session_is_over,
)
from outreach.domain.errors import InvalidInput

NOW = datetime(2025, 3, 12, 9, 0, tzinfo=UTC)
POLICY = SignInPolicy()


def account(role: str = "caseworker", municipalities: tuple[str, ...] = ("0437",), **kwargs) -> Account:
    return Account("anna", "Anna de Vries", role, municipalities, **kwargs)


# Roles and areas


def test_the_four_roles():
    assert ROLES == ("caseworker", "supervisor", "auditor", "admin")


@pytest.mark.parametrize(("role", "areas"), [
    ("caseworker", {"casework"}),
    ("supervisor", {"casework", "assigning", "steering", "accounts"}),
    ("auditor", {"audit"}),
    ("admin", {"steering", "accounts"}),
])
def test_each_role_reaches_exactly_its_areas(role, areas):
    assert {area for area in AREA_ROLES if account(role).may(area)} == areas


def test_only_the_roles_that_contact_residents_see_casework():
    assert not account("auditor").may("casework") and not account("admin").may("casework")


def test_only_a_supervisor_hands_a_case_to_a_colleague():
    assert [role for role in ROLES if account(role).may("assigning")] == ["supervisor"]


@pytest.mark.parametrize("role", ROLES)
def test_every_role_lands_in_an_area_it_may_reach(role):
    assert account(role).may(HOME_AREA[role])


def test_an_account_opens_only_its_own_municipalities_cases():
    amstelveen_and_amsterdam = account(municipalities=("0362", "0363"))
    assert amstelveen_and_amsterdam.may_open("0363") and amstelveen_and_amsterdam.may_open("0362")
    assert not amstelveen_and_amsterdam.may_open("0437")
    assert not account(municipalities=("0437",)).may_open("043")


def test_an_account_is_locked_until_the_moment_its_lock_ends():
    assert not account().is_locked(NOW)
    locked = account(locked_until=NOW + timedelta(minutes=1))
    assert locked.is_locked(NOW)
    assert not locked.is_locked(NOW + timedelta(minutes=1))


# Wrong passwords and the lock


def test_wrong_passwords_count_up_and_the_fifth_locks_for_fifteen_minutes():
    current = account()
    for expected in range(1, 5):
        failures, locked_until = after_failed_sign_in(current, NOW, POLICY)
        assert (failures, locked_until) == (expected, None)
        current = account(failed_sign_ins=failures)
    assert after_failed_sign_in(current, NOW, POLICY) == (5, NOW + timedelta(minutes=15))


def test_the_count_starts_again_after_an_expired_lock():
    expired = account(failed_sign_ins=5, locked_until=NOW - timedelta(seconds=1))
    assert after_failed_sign_in(expired, NOW, POLICY) == (1, None)
    just_ended = account(failed_sign_ins=5, locked_until=NOW)
    assert after_failed_sign_in(just_ended, NOW, POLICY) == (1, None)


def test_a_failure_during_a_lock_keeps_counting():
    locked = account(failed_sign_ins=5, locked_until=NOW + timedelta(minutes=5))
    assert after_failed_sign_in(locked, NOW, POLICY) == (6, NOW + timedelta(minutes=15))


def test_the_lockout_follows_the_installations_policy():
    strict = SignInPolicy(failures_before_lockout=3, lockout=timedelta(hours=1))
    assert after_failed_sign_in(account(failed_sign_ins=1), NOW, strict) == (2, None)
    assert after_failed_sign_in(account(failed_sign_ins=2), NOW, strict) == (3, NOW + timedelta(hours=1))


# Sessions


def test_a_session_ends_after_thirty_idle_minutes():
    created = NOW - timedelta(hours=1)
    assert not session_is_over(created, NOW - timedelta(minutes=30), NOW, POLICY)
    assert session_is_over(created, NOW - timedelta(minutes=30, seconds=1), NOW, POLICY)


def test_a_busy_session_still_ends_twelve_hours_after_sign_in():
    just_seen = NOW - timedelta(minutes=1)
    assert not session_is_over(NOW - timedelta(hours=12), just_seen, NOW, POLICY)
    assert session_is_over(NOW - timedelta(hours=12, seconds=1), just_seen, NOW, POLICY)


def test_session_limits_follow_the_policy():
    short = SignInPolicy(idle_timeout=timedelta(minutes=5), session_limit=timedelta(hours=1))
    assert session_is_over(NOW - timedelta(minutes=10), NOW - timedelta(minutes=6), NOW, short)
    assert not session_is_over(NOW - timedelta(minutes=10), NOW - timedelta(minutes=6), NOW, POLICY)
    assert session_is_over(NOW - timedelta(minutes=61), NOW, NOW, short)


# A new account


def fields(**changes):
    values = {"username": "anna.de-vries_2", "display_name": "Anna de Vries", "role": "caseworker",
              "municipalities": ("0437", "0363"), "password": "correct horse battery"}
    return {**values, **changes}


def invalid_field(**changes) -> str:
    with pytest.raises(InvalidInput) as caught:
        check_new_account(**fields(**changes))
    return caught.value.field


def test_a_good_new_account_passes_with_or_without_a_password():
    check_new_account(**fields())
    check_new_account(**fields(password=None))
    check_new_account(**fields(username="ab", password="x" * 12))
    check_new_account(**fields(username="a" * 63, password="x" * 256))


@pytest.mark.parametrize("username", ["", "a", "Anna", "anna de vries", "-anna", ".anna", "anna@gemeente.nl",
                                      "a" * 64, "ánna"])
def test_a_bad_username_is_named(username):
    assert invalid_field(username=username) == "username"


@pytest.mark.parametrize("display_name", ["", "   ", "x" * 101])
def test_a_bad_display_name_is_named(display_name):
    assert invalid_field(display_name=display_name) == "display_name"


@pytest.mark.parametrize("role", ["", "root", "Caseworker", "beheerder"])
def test_a_role_outside_the_four_is_named(role):
    assert invalid_field(role=role) == "role"


@pytest.mark.parametrize("municipalities", [(), ("437",), ("04370",), ("0437", "amsterdam"), ("",)])
def test_bad_municipality_codes_are_named(municipalities):
    assert invalid_field(municipalities=municipalities) == "municipalities"


@pytest.mark.parametrize("password", ["", "x" * 11, "x" * 257])
def test_a_bad_password_is_named(password):
    assert invalid_field(password=password) == "password"


def test_the_first_bad_field_is_the_one_named():
    assert invalid_field(username="A", role="root", password="short") == "username"


def test_the_password_reasons_say_the_limits_in_dutch():
    with pytest.raises(InvalidInput) as short:
        check_password("x" * 11)
    assert short.value.reason == "Een wachtwoord heeft minstens 12 tekens."
    with pytest.raises(InvalidInput) as long:
        check_password("x" * 257)
    assert long.value.reason == "Een wachtwoord heeft hoogstens 256 tekens."
    check_password("x" * 12)
    check_password("x" * 256)


@pytest.mark.parametrize(("field", "value"), [("username", "anna\n"), ("municipalities", ("0437\n",)),
                                              ("municipalities", ("\u0660\u0664\u0663\u0667",))])
def test_a_trailing_newline_or_a_non_ascii_digit_is_refused(field, value):
    assert invalid_field(**{field: value}) == field


# Passwords (argon2id)

# Cheap parameters, so the tests are fast; the default hasher is tested once below.
WEAK = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)


@pytest.fixture(scope="module")
def passwords() -> Passwords:
    return Passwords(WEAK)


def test_a_hash_verifies_its_password_only(passwords):
    stored = passwords.hash("correct horse battery")
    assert stored.startswith("$argon2id$") and "correct horse battery" not in stored
    assert passwords.verify(stored, "correct horse battery") is True
    assert passwords.verify(stored, "correct horse batterY") is False
    assert passwords.verify(stored, "") is False


def test_the_same_password_hashes_differently_each_time(passwords):
    first, second = passwords.hash("correct horse battery"), passwords.hash("correct horse battery")
    assert first != second
    assert passwords.verify(first, "correct horse battery") and passwords.verify(second, "correct horse battery")


def test_an_account_without_a_hash_never_verifies(passwords):
    assert passwords.verify(None, "correct horse battery") is False
    assert passwords.verify(None, "no account has this password") is False  # not even the decoy's password


def test_a_broken_hash_does_not_verify(passwords):
    assert passwords.verify("not-a-hash", "correct horse battery") is False
    assert passwords.verify("$argon2id$v=19$m=8,t=1,p=1$broken", "correct horse battery") is False


def test_an_empty_hash_never_verifies(passwords):
    assert passwords.verify("", "no account has this password") is False


def test_a_hash_with_weaker_parameters_than_todays_needs_rehashing(passwords):
    today = Passwords()
    weak = passwords.hash("correct horse battery")
    assert today.needs_rehash(weak) is True
    strong = today.hash("correct horse battery")
    assert today.needs_rehash(strong) is False
    assert today.verify(weak, "correct horse battery")  # an old hash still lets its owner in, to be rehashed
    assert passwords.needs_rehash(weak) is False
