"""Our murmur2 partitioner must put every key where aiokafka's (and Java's) puts it."""

from aiokafka.partitioner import DefaultPartitioner as AiokafkaPartitioner
from aiokafka.partitioner import murmur2 as aiokafka_murmur2
from hypothesis import given
from hypothesis import strategies as st

from vroeg_runtime.partitioning import DefaultPartitioner, murmur2


@given(st.binary(max_size=200))
def test_murmur2_equals_aiokafkas(data):
    assert murmur2(data) & 0xFFFFFFFF == aiokafka_murmur2(data) & 0xFFFFFFFF


@given(st.binary(min_size=1, max_size=100), st.integers(min_value=1, max_value=64))
def test_the_same_partition_as_aiokafka(key, count):
    partitions = list(range(count))
    assert DefaultPartitioner()(key, partitions, partitions) == AiokafkaPartitioner()(key, partitions, partitions)


def test_known_values_of_the_java_client():
    # From the Java client's tests (UtilsTest.testMurmur2), as signed 32-bit numbers.
    def signed(value: int) -> int:
        return value - (1 << 32) if value & 0x80000000 else value

    assert signed(murmur2(b"21")) == -973932308
    assert signed(murmur2(b"foobar")) == -790332482
    assert signed(murmur2(b"a-little-bit-long-string")) == -985981536
    assert signed(murmur2(b"a-little-bit-longer-string")) == -1486304829
    assert signed(murmur2(b"lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8")) == -58897971
    assert signed(murmur2(b"abc")) == 479470107
