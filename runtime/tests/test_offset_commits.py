"""Offsets committed beside the handling (ADR 0020): what is committed, when, and what a failed
commit does. The real broker's side (a stop commits what is done; a killed process redelivers
into the inbox) is in `tests/faults` and `runtime/tests/integration/test_offset_commits_kafka.py`."""

import asyncio
from types import SimpleNamespace

from aiokafka import TopicPartition
from aiokafka.errors import CommitFailedError, IllegalStateError

from vroeg_runtime.offset_commits import OffsetCommits

TOPIC = "vroeg.intake.arrears-reported.v1"


def records(partition: int, *offsets: int) -> list[SimpleNamespace]:
    return [SimpleNamespace(topic=TOPIC, partition=partition, offset=offset) for offset in offsets]


class FakeConsumer:
    """Commits as aiokafka's consumer does, one request at a time, each held until `release`."""

    def __init__(self, partitions=(0, 1, 2), *, fail: BaseException | None = None) -> None:
        self.partitions = {TopicPartition(TOPIC, p) for p in partitions}
        self.commits: list[dict[TopicPartition, int]] = []
        self.fail = fail
        self.gate = asyncio.Event()
        self.gate.set()

    def assignment(self):
        return set(self.partitions)

    async def commit(self, offsets=None):
        assert offsets is not None, "the consumer's own position may include a batch not yet done"
        await self.gate.wait()
        if self.fail is not None:
            raise self.fail
        self.commits.append(dict(offsets))


async def test_done_returns_before_the_commit_and_commits_the_offset_after_each_partitions_last_record():
    consumer, commits = FakeConsumer(), OffsetCommits("intake")
    consumer.gate.clear()
    commits.done(consumer, records(0, 7, 8, 9) + records(2, 3))
    await asyncio.sleep(0)
    assert consumer.commits == []  # held by the broker, and `done` did not wait for it
    consumer.gate.set()
    await commits.flush()
    assert consumer.commits == [{TopicPartition(TOPIC, 0): 10, TopicPartition(TOPIC, 2): 4}]


async def test_batches_done_while_a_commit_is_in_flight_go_in_one_next_commit():
    consumer, commits = FakeConsumer(), OffsetCommits("intake")
    consumer.gate.clear()
    commits.done(consumer, records(0, 1))
    await asyncio.sleep(0)  # the first commit is now in flight
    commits.done(consumer, records(0, 2, 3))
    commits.done(consumer, records(1, 5))
    commits.done(consumer, records(0, 4))
    consumer.gate.set()
    await commits.flush()
    assert consumer.commits == [{TopicPartition(TOPIC, 0): 2},
                                {TopicPartition(TOPIC, 0): 5, TopicPartition(TOPIC, 1): 6}]
    assert commits.committed == 2


async def test_an_offset_never_goes_back_within_what_is_pending():
    consumer, commits = FakeConsumer(), OffsetCommits("intake")
    consumer.gate.clear()
    commits.done(consumer, records(0, 1))
    await asyncio.sleep(0)
    commits.done(consumer, records(0, 9))
    commits.done(consumer, records(0, 4))  # redelivered after a rewind: already covered by 9
    consumer.gate.set()
    await commits.flush()
    assert consumer.commits[-1] == {TopicPartition(TOPIC, 0): 10}


async def test_a_partition_no_longer_assigned_is_left_to_its_new_owner():
    consumer, commits = FakeConsumer(partitions=(0,)), OffsetCommits("intake")
    commits.done(consumer, records(0, 1) + records(1, 1))
    await commits.flush()
    assert consumer.commits == [{TopicPartition(TOPIC, 0): 2}]
    commits.done(consumer, records(1, 2))
    await commits.flush()
    assert len(consumer.commits) == 1  # nothing of ours left to commit: no request at all


async def test_a_failed_commit_is_dropped_and_the_next_one_is_still_sent():
    consumer, commits = FakeConsumer(fail=CommitFailedError("rebalanced")), OffsetCommits("intake")
    commits.done(consumer, records(0, 1))
    await commits.flush()
    assert commits.dropped == 1 and consumer.commits == []
    consumer.fail = None
    commits.done(consumer, records(0, 2))
    await commits.flush()
    assert consumer.commits == [{TopicPartition(TOPIC, 0): 3}] and commits.committed == 1


async def test_done_and_committed_returns_only_once_the_broker_confirmed():
    consumer, commits = FakeConsumer(), OffsetCommits("intake")
    consumer.gate.clear()
    waiting = asyncio.create_task(commits.done_and_committed(consumer, records(0, 1)))
    await asyncio.sleep(0.01)
    assert not waiting.done()
    consumer.gate.set()
    await waiting
    assert consumer.commits == [{TopicPartition(TOPIC, 0): 2}]


async def test_flush_gives_up_after_its_timeout_when_the_broker_holds_the_commit():
    consumer, commits = FakeConsumer(), OffsetCommits("intake")
    consumer.gate.clear()
    commits.done(consumer, records(0, 1))
    await asyncio.wait_for(commits.flush(timeout=0.05), timeout=1)
    assert consumer.commits == []
    consumer.gate.set()
    await commits.flush()
    assert consumer.commits == [{TopicPartition(TOPIC, 0): 2}]


async def test_a_consumer_already_closed_drops_the_commit_instead_of_failing_the_task():
    class Closed(FakeConsumer):
        def assignment(self):
            raise IllegalStateError("No partitions assigned")

    consumer, commits = Closed(), OffsetCommits("intake")
    commits.done(consumer, records(0, 1))
    await commits.flush()
    assert commits.dropped == 1 and consumer.commits == []
