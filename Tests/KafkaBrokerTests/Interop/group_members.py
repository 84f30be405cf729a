"""Two librdkafka consumers in one group split a 3-partition topic, then the survivor takes over when one leaves;
together they read every message exactly once before the leave and the survivor reads the rest."""
import json
import sys
import threading
import time
import uuid

from confluent_kafka import Consumer, Producer

bootstrap = sys.argv[1]
topic = "grp-" + uuid.uuid4().hex[:8]
group = "g-" + topic
count = 600

producer = Producer({"bootstrap.servers": bootstrap, "acks": "all"})
for i in range(count):
    producer.produce(topic, key=str(i).encode(), value=str(i).encode())
assert producer.flush(30) == 0


def make_consumer():
    consumer = Consumer(
        {
            "bootstrap.servers": bootstrap,
            "group.id": group,
            "auto.offset.reset": "earliest",
            "enable.auto.commit": False,
            "session.timeout.ms": 6000,
            "heartbeat.interval.ms": 500,
        }
    )
    consumer.subscribe([topic])
    return consumer


a, b = make_consumer(), make_consumer()
seen = {"a": [], "b": []}


def drain(name, consumer, seconds):
    deadline = time.time() + seconds
    while time.time() < deadline:
        msg = consumer.poll(0.2)
        if msg is not None and not msg.error():
            seen[name].append(int(msg.value()))


# Both poll until both have an assignment and everything is read.
deadline = time.time() + 60
while time.time() < deadline:
    threads = [threading.Thread(target=drain, args=("a", a, 1)), threading.Thread(target=drain, args=("b", b, 1))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if a.assignment() and b.assignment() and len(seen["a"]) + len(seen["b"]) >= count:
        break
parts_a = {tp.partition for tp in a.assignment()}
parts_b = {tp.partition for tp in b.assignment()}
assert parts_a and parts_b, (parts_a, parts_b)
assert not (parts_a & parts_b), (parts_a, parts_b)
assert parts_a | parts_b == {0, 1, 2}, (parts_a, parts_b)
together = seen["a"] + seen["b"]
assert sorted(together) == list(range(count)), f"{len(together)} read, {len(set(together))} distinct"
a.commit(asynchronous=False)
b.commit(asynchronous=False)

# b leaves; a takes every partition over from the committed offsets.
b.close()
for i in range(count, count + 300):
    producer.produce(topic, key=str(i).encode(), value=str(i).encode())
assert producer.flush(30) == 0
seen["a"] = []
deadline = time.time() + 60
while time.time() < deadline and (len(a.assignment()) < 3 or set(seen["a"]) < set(range(count, count + 300))):
    drain("a", a, 1)
assert {tp.partition for tp in a.assignment()} == {0, 1, 2}, a.assignment()
# Records a read from its own partitions before the rebalance are read again after it (from the committed offsets,
# at-least-once, as with any Kafka broker); none of b's old records come back.
assert set(seen["a"]) == set(range(count, count + 300)), f"{len(set(seen['a']))} distinct read after the leave"
a.close()
print(json.dumps({"ok": True, "a": sorted(parts_a), "b": sorted(parts_b)}))
