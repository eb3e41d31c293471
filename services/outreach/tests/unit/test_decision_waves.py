"""The waves a batch of decisions is taken in: each household's decisions in their order, at most
one per household in a wave."""

from hypothesis import given
from hypothesis import strategies as st

from outreach.domain.decision_waves import decision_waves


def test_a_households_second_decision_waits_for_the_next_wave():
    assert decision_waves(["a", "b", "a", "c", "a", "b"]) == [[0, 1, 3], [2, 5], [4]]


def test_a_batch_of_distinct_households_is_one_wave():
    assert decision_waves(["a", "b", "c"]) == [[0, 1, 2]]
    assert decision_waves([]) == []


@given(st.lists(st.sampled_from("abcdef")))
def test_every_decision_once_and_each_households_in_order(households):
    waves = decision_waves(households)
    assert sorted(p for wave in waves for p in wave) == list(range(len(households)))
    for wave in waves:
        assert wave == sorted(wave)
        assert len({households[p] for p in wave}) == len(wave)
    taken = [p for wave in waves for p in wave]
    for household in set(households):
        assert [p for p in taken if households[p] == household] == [
            p for p, h in enumerate(households) if h == household]
