"""librdkafka (confluent-kafka) against the broker: idempotent acks=all produce with keys and headers, a
subscribed group consumer that commits, committed offsets, watermarks, offsets by time, seek, and the admin API."""
import json
import sys
import time
import uuid

from confluent_kafka import Consumer, KafkaError, Producer, TopicPartition
from confluent_kafka.admin import AdminClient, ConfigResource, NewTopic

bootstrap = sys.argv[1]
topic = "rt-" + uuid.uuid4().hex[:8]
count = 2000

admin = AdminClient({"bootstrap.servers": bootstrap})
futures = admin.create_topics([NewTopic(topic, num_partitions=3, replication_factor=1)])
futures[topic].result(timeout=10)
again = admin.create_topics([NewTopic(topic, num_partitions=3, replication_factor=1)])
try:
    again[topic].result(timeout=10)
    raise SystemExit("creating an existing topic succeeded")
except Exception as error:  # KafkaException(TOPIC_ALREADY_EXISTS)
    assert "TOPIC_ALREADY_EXISTS" in str(error) or "already exists" in str(error), error

configs = admin.describe_configs([ConfigResource(ConfigResource.Type.TOPIC, topic)])
described = list(configs.values())[0].result(timeout=10)
assert described["cleanup.policy"].value == "delete", described

producer = Producer({"bootstrap.servers": bootstrap, "acks": "all", "enable.idempotence": True, "linger.ms": 5})
failures = []
start_ms = int(time.time() * 1000)


def report(err, msg):
    if err is not None:
        failures.append(str(err))


for i in range(count):
    producer.produce(
        topic,
        key=f"user-{i}".encode(),
        value=json.dumps({"n": i}).encode(),
        headers=[("source", b"confluent"), ("index", str(i).encode())],
        on_delivery=report,
    )
    if i % 500 == 0:
        producer.poll(0)
assert producer.flush(30) == 0, "messages left unflushed"
assert not failures, failures[:3]

consumer = Consumer(
    {
        "bootstrap.servers": bootstrap,
        "group.id": "g-" + topic,
        "auto.offset.reset": "earliest",
        "enable.auto.commit": False,
    }
)
consumer.subscribe([topic])
seen = {}
deadline = time.time() + 60
while len(seen) < count and time.time() < deadline:
    msg = consumer.poll(1.0)
    if msg is None:
        continue
    if msg.error():
        if msg.error().code() == KafkaError._PARTITION_EOF:
            continue
        raise SystemExit(f"consumer error: {msg.error()}")
    headers = dict(msg.headers() or [])
    index = int(headers["index"])
    assert msg.key() == f"user-{index}".encode(), msg.key()
    assert json.loads(msg.value()) == {"n": index}
    assert headers["source"] == b"confluent"
    seen[index] = (msg.partition(), msg.offset())
assert len(seen) == count, f"consumed {len(seen)} of {count}"
consumer.commit(asynchronous=False)
assignment = consumer.assignment()
committed = consumer.committed(assignment, timeout=10)
total = 0
for tp in committed:
    low, high = consumer.get_watermark_offsets(TopicPartition(topic, tp.partition), timeout=10)
    assert tp.offset == high, (tp, high)
    assert low == 0
    total += high
assert total == count, total

# Same key, same partition (murmur2, as Java clients place them).
partition_of = {}
for index, (partition, _) in seen.items():
    partition_of.setdefault(f"user-{index}", set()).add(partition)
assert all(len(p) == 1 for p in partition_of.values())

# Offsets by time: everything was produced after start_ms, so the first offset of each partition.
times = consumer.offsets_for_times([TopicPartition(topic, p, start_ms) for p in range(3)], timeout=10)
assert all(tp.offset == 0 for tp in times), times
future = consumer.offsets_for_times([TopicPartition(topic, 0, int(time.time() * 1000) + 3_600_000)], timeout=10)
assert future[0].offset == -1, future

# Seek back and read a record again.
target = next((index, po) for index, po in seen.items() if po[1] == 5)
consumer.seek(TopicPartition(topic, target[1][0], 5))
again = None
deadline = time.time() + 20
while again is None and time.time() < deadline:
    msg = consumer.poll(1.0)
    if msg is not None and not msg.error():
        again = msg
assert again is not None and again.offset() == 5 and again.partition() == target[1][0], again
consumer.close()

groups = admin.list_groups(timeout=10)
assert any(g.id == "g-" + topic for g in groups), [g.id for g in groups]
deleted = admin.delete_topics([topic])
deleted[topic].result(timeout=10)
metadata = admin.list_topics(timeout=10)
assert topic not in metadata.topics, list(metadata.topics)
print(json.dumps({"ok": True, "consumed": len(seen), "committed": total}))
