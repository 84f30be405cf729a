"""Kafka broker benchmark: librdkafka clients against `userstream broker` (release build, durable default: fsync
of every produced batch). Produces N messages of S bytes and consumes them back, with kcat (librdkafka 2.0.2,
Debian) and confluent-kafka (librdkafka 2.x, PyPI), and prints messages per second.

    make bench-kafka                      # 1M x 100-byte messages
    python bench/kafka_bench.py --userstream .build/release/userstream --messages 1000000 --size 100
"""
import argparse
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time

from confluent_kafka import Consumer, Producer, TopicPartition

parser = argparse.ArgumentParser()
parser.add_argument("--userstream", default=".build/release/userstream")
parser.add_argument("--messages", type=int, default=1_000_000)
parser.add_argument("--size", type=int, default=100)
parser.add_argument("--partitions", type=int, default=3)
parser.add_argument("--fsync", default="batch", help="the broker's --log-fsync (batch is the durable default)")
parser.add_argument("--rdkafka-bench", default=".build/rdkafka_bench", help="bench/rdkafka_bench.c, compiled")
args = parser.parse_args()


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


data = tempfile.mkdtemp(prefix="userstream-kafka-bench-")
port = free_port()
bootstrap = f"127.0.0.1:{port}"
broker = subprocess.Popen(
    [args.userstream, "broker", "--port", str(port), "--data-dir", data, "--partitions", str(args.partitions),
     "--log-fsync", args.fsync, "--log-level", "warning"],
)
try:
    for _ in range(100):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            break
        except OSError:
            time.sleep(0.1)
    payload_line = b"x" * args.size + b"\n"
    results = []

    # librdkafka from C (Debian's 2.0.2): no client-side formatting, so the broker is what is measured.
    for mode, label in [("produce", "librdkafka C produce, idempotent acks=all"), ("consume", "librdkafka C consume")]:
        extra = [str(args.size)] if mode == "produce" else []
        out = subprocess.run([args.rdkafka_bench, mode, bootstrap, "bench-c", str(args.messages)] + extra,
                             check=True, capture_output=True, text=True).stdout.split()
        assert int(out[0]) == args.messages, out
        results.append((label, float(out[2]), float(out[1])))

    # kcat produce: one process reading the messages from a file.
    with tempfile.NamedTemporaryFile(delete=False) as f:
        f.write(payload_line * args.messages)
        input_path = f.name
    start = time.perf_counter()
    subprocess.run(
        ["kcat", "-b", bootstrap, "-P", "-t", "bench-kcat", "-X", "acks=all", "-X", "linger.ms=5",
         "-X", "batch.num.messages=10000", "-l", input_path],
        check=True,
    )
    elapsed = time.perf_counter() - start
    results.append(("kcat -P (librdkafka 2.0.2), acks=all", args.messages / elapsed, elapsed))
    os.unlink(input_path)

    # kcat consume to /dev/null.
    start = time.perf_counter()
    with open(os.devnull, "wb") as null:
        subprocess.run(
            ["kcat", "-b", bootstrap, "-C", "-t", "bench-kcat", "-o", "beginning", "-e", "-q", "-f", "%o\n"],
            check=True, stdout=null,
        )
    elapsed = time.perf_counter() - start
    results.append(("kcat -C (librdkafka 2.0.2)", args.messages / elapsed, elapsed))

    # confluent-kafka produce, idempotent acks=all.
    producer = Producer({"bootstrap.servers": bootstrap, "acks": "all", "enable.idempotence": True,
                         "linger.ms": 5, "batch.num.messages": 10000, "queue.buffering.max.messages": 2_000_000})
    value = b"x" * args.size
    start = time.perf_counter()
    for i in range(args.messages):
        try:
            producer.produce("bench-py", value)
        except BufferError:
            producer.poll(0.01)
            producer.produce("bench-py", value)
        if i % 100_000 == 0:
            producer.poll(0)
    left = producer.flush(120)
    elapsed = time.perf_counter() - start
    assert left == 0
    results.append(("confluent-kafka produce, idempotent acks=all", args.messages / elapsed, elapsed))

    # confluent-kafka consume (batched consume()).
    consumer = Consumer({"bootstrap.servers": bootstrap, "group.id": "bench", "auto.offset.reset": "earliest",
                         "enable.auto.commit": False, "fetch.max.bytes": 52428800})
    consumer.assign([TopicPartition("bench-py", p, 0) for p in range(args.partitions)])
    got = 0
    start = time.perf_counter()
    while got < args.messages:
        batch = consumer.consume(num_messages=10000, timeout=5)
        if not batch:
            break
        got += len(batch)
    elapsed = time.perf_counter() - start
    consumer.close()
    assert got == args.messages, got
    results.append(("confluent-kafka consume", got / elapsed, elapsed))

    print(f"\n{args.messages:,} messages of {args.size} bytes, {args.partitions} partitions, --log-fsync {args.fsync}")
    for name, rate, elapsed in results:
        print(f"  {name:48s} {rate:12,.0f} msg/s  ({elapsed:.2f} s)")
finally:
    broker.terminate()
    broker.wait(timeout=30)
    shutil.rmtree(data, ignore_errors=True)
