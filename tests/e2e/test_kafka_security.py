"""The broker itself enforces who may do what (deploy/security.toml): partners and services are
principals with SASL/SCRAM passwords, and ACLs allow each only its own topics."""

import asyncio

import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from aiokafka.errors import KafkaError, TopicAuthorizationFailedError

from vroeg_contracts import topics
from vroeg_devtools import bus


async def _send(principal_options: dict, topic: str) -> None:
    producer = AIOKafkaProducer(**principal_options, request_timeout_ms=10_000)
    await producer.start()
    try:
        await producer.send_and_wait(topic, b'{"probe": true}')
    finally:
        await producer.stop()


async def test_a_partner_writes_its_own_topic():
    await _send(bus.client_options("eigen-haard"), topics.partner_reports("eigen-haard"))


async def test_a_partner_cannot_write_another_partners_topic():
    with pytest.raises(TopicAuthorizationFailedError):
        await _send(bus.client_options("eigen-haard"), topics.partner_reports("vgz"))


async def test_a_partner_cannot_read_another_partners_rejections():
    consumer = AIOKafkaConsumer(topics.partner_rejections("vgz"), **bus.client_options("eigen-haard"),
                                group_id="partner-eigen-haard-probe", enable_auto_commit=False,
                                request_timeout_ms=10_000)
    try:
        with pytest.raises(TopicAuthorizationFailedError):  # refused when it asks for the topic's partitions
            await consumer.start()
            await asyncio.wait_for(consumer.getmany(timeout_ms=10_000), timeout=30)
    finally:
        await consumer.stop()


async def test_a_service_has_only_the_rights_it_needs():
    # Matching reads ArrearsReported but may not forge one.
    with pytest.raises(TopicAuthorizationFailedError):
        await _send(bus.client_options("matching"), topics.ARREARS_REPORTED)


async def test_an_unauthenticated_client_is_refused():
    producer = AIOKafkaProducer(bootstrap_servers=bus.bootstrap(), request_timeout_ms=5_000)
    with pytest.raises(KafkaError):
        await producer.start()
        try:
            await producer.send_and_wait(topics.partner_reports("eigen-haard"), b"{}")
        finally:
            await producer.stop()


async def test_a_wrong_password_is_refused():
    options = {**bus.client_options("eigen-haard"), "sasl_plain_password": "not-the-password"}
    producer = AIOKafkaProducer(**options, request_timeout_ms=5_000)
    with pytest.raises(KafkaError):
        await producer.start()
        try:
            await producer.send_and_wait(topics.partner_reports("eigen-haard"), b"{}")
        finally:
            await producer.stop()
