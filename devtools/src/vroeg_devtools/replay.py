"""Replay dead letters once their cause is fixed: each goes back to the topic it came from.

    python -m vroeg_devtools.replay --service matching [--since-offset N] [--dry-run]

A dead letter (vroeg_runtime.consuming) carries the error and its origin in headers. Most carry the
original bytes; intake's carry none (a partner report holds personal data in clear), so those are
read back from the partner topic at their original partition and offset. Replayed records keep
their event id, so a consumer that handled one meanwhile ignores it (inbox). The offset of the last
replayed dead letter is printed, to resume from with --since-offset.
"""

from __future__ import annotations

import argparse
import asyncio
import sys

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition

from vroeg_contracts import topics

from . import bus

CARRIED_HEADERS = ("event_id", "event_type", "correlation_id")


async def _original_bytes(topic: str, partition: int, offset: int) -> bytes | None:
    consumer = AIOKafkaConsumer(**bus.client_options(), enable_auto_commit=False)
    await consumer.start()
    try:
        tp = TopicPartition(topic, partition)
        consumer.assign([tp])
        consumer.seek(tp, offset)
        batch = await consumer.getmany(tp, timeout_ms=5000, max_records=1)
        records = batch.get(tp, [])
        return records[0].value if records and records[0].offset == offset else None
    finally:
        await consumer.stop()


async def replay(service: str, *, since_offset: int = -1, dry_run: bool = False) -> list[bus.Record]:
    """Republish every dead letter of `service` after `since_offset`; returns the ones replayed."""
    dead = [r for r in await bus.read_topic(topics.dead_letters(service)) if r.offset > since_offset]
    producer = AIOKafkaProducer(**bus.client_options(), acks="all", enable_idempotence=True)
    await producer.start()
    replayed = []
    try:
        for record in dead:
            origin = record.headers.get("original.topic")
            if not origin:
                print(f"offset {record.offset}: no original topic in headers, skipped", file=sys.stderr)
                continue
            value = record.value or await _original_bytes(origin, int(record.headers["original.partition"]),
                                                          int(record.headers["original.offset"]))
            if value is None:
                print(f"offset {record.offset}: original record no longer on {origin}, skipped", file=sys.stderr)
                continue
            headers = [(name, record.headers[f"original.{name}"].encode())
                       for name in CARRIED_HEADERS if f"original.{name}" in record.headers]
            headers.append(("replayed_from", f"{topics.dead_letters(service)}:{record.partition}:{record.offset}".encode()))
            if not dry_run:
                await producer.send_and_wait(origin, value, key=record.key, headers=headers)
            replayed.append(record)
            print(f"offset {record.offset}: {'would replay' if dry_run else 'replayed'} to {origin} "
                  f"(error was: {record.headers.get('error', '?')})")
    finally:
        await producer.stop()
    return replayed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--service", required=True, choices=["intake", "matching", "outreach", "consent"])
    parser.add_argument("--since-offset", type=int, default=-1, help="replay only dead letters after this offset")
    parser.add_argument("--dry-run", action="store_true")
    args = parser.parse_args(argv)
    replayed = asyncio.run(replay(args.service, since_offset=args.since_offset, dry_run=args.dry_run))
    if replayed:
        print(f"last dead letter replayed: offset {max(r.offset for r in replayed)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
