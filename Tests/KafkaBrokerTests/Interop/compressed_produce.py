"""librdkafka producers with each compression codec; the batches are stored as sent and read back by a consumer."""
import json
import sys
import time

from confluent_kafka import Consumer, Producer

bootstrap, prefix = sys.argv[1], sys.argv[2]
count = 300
for codec in ["gzip", "snappy", "lz4", "zstd"]:
    topic = f"{prefix}-{codec}"
    producer = Producer({"bootstrap.servers": bootstrap, "compression.type": codec, "linger.ms": 20, "acks": "all"})
    for i in range(count):
        producer.produce(topic, key=f"{codec}-{i}".encode(), value=json.dumps({"i": i, "pad": "x" * 50}).encode())
    assert producer.flush(30) == 0
    consumer = Consumer({"bootstrap.servers": bootstrap, "group.id": f"g-{topic}", "auto.offset.reset": "earliest"})
    consumer.subscribe([topic])
    values = set()
    deadline = time.time() + 30
    while len(values) < count and time.time() < deadline:
        msg = consumer.poll(0.5)
        if msg is not None and not msg.error():
            values.add(json.loads(msg.value())["i"])
    consumer.close()
    assert values == set(range(count)), f"{codec}: read {len(values)}"
print(json.dumps({"ok": True}))
