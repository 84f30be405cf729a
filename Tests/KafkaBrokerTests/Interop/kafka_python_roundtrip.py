"""kafka-python against the broker: idempotent acks=all produce with keys and headers, a group consumer that commits,
end offsets, seek, and committed offsets read back."""
import json
import sys
import time
import uuid

from kafka import KafkaConsumer, KafkaProducer, TopicPartition
from kafka.admin import KafkaAdminClient, NewTopic

bootstrap = sys.argv[1]
topic = "kp-" + uuid.uuid4().hex[:8]
count = 1000

admin = KafkaAdminClient(bootstrap_servers=bootstrap)
admin.create_topics([NewTopic(topic, num_partitions=3, replication_factor=1)])

producer = KafkaProducer(bootstrap_servers=bootstrap, acks="all", enable_idempotence=True, linger_ms=5)
futures = [
    producer.send(
        topic,
        key=f"k-{i}".encode(),
        value=json.dumps({"n": i}).encode(),
        headers=[("source", b"kafka-python"), ("index", str(i).encode())],
    )
    for i in range(count)
]
producer.flush(30)
for future in futures:
    metadata = future.get(timeout=30)
    assert metadata.offset >= 0
producer.close()

group = "g-" + topic
consumer = KafkaConsumer(
    topic,
    bootstrap_servers=bootstrap,
    group_id=group,
    auto_offset_reset="earliest",
    enable_auto_commit=False,
)
seen = {}
deadline = time.time() + 60
while len(seen) < count and time.time() < deadline:
    for tp, records in consumer.poll(timeout_ms=1000).items():
        for record in records:
            headers = dict(record.headers)
            index = int(headers["index"])
            assert record.key == f"k-{index}".encode()
            assert json.loads(record.value) == {"n": index}
            assert headers["source"] == b"kafka-python"
            seen[index] = (record.partition, record.offset)
assert len(seen) == count, f"consumed {len(seen)} of {count}"
consumer.commit()
partitions = [TopicPartition(topic, p) for p in range(3)]
ends = consumer.end_offsets(partitions)
assert sum(ends.values()) == count, ends
for tp in partitions:
    assert consumer.committed(tp) == ends[tp], (tp, consumer.committed(tp), ends[tp])

# Seek to offset 3 of partition 0 and read it again.
consumer.seek(TopicPartition(topic, 0), 3)
again = None
deadline = time.time() + 20
while again is None and time.time() < deadline:
    for tp, records in consumer.poll(timeout_ms=500).items():
        if records:
            again = records[0]
            break
assert again is not None and again.partition == 0 and again.offset == 3, again
consumer.close()

offsets = admin.list_group_offsets(group)
assert sum(meta.offset for meta in offsets[group].values()) == count, offsets
admin.close()
print(json.dumps({"ok": True, "consumed": len(seen)}))
