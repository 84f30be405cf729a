#!/usr/bin/env python3
"""Copies a Kafka topic from one cluster to another record by record: same partition, key, value, headers and
timestamp, in order. For moving from UserStream's embedded log (`userstream run`/`broker`, a Kafka broker) to a
Kafka cluster without losing what is only in the log; kcat cannot do it, as `kcat -P` sets the same headers on
every message while users_created carries per-record headers (run_id, source, schema_version).

    python3 copy_topic.py --source localhost:9092 --destination kafka-1:9092 [--topic users_created]

Reads each source partition from its beginning to the end it has when the copy starts, produces with acks=all and
idempotence, and exits 0 once the destination acknowledged every record (1 on any error). The destination topic must
exist with at least as many partitions as the source (`userstream process --kafka … --partitions N` or
`kafka-topics.sh --create` makes it). Running the copy twice leaves every record twice in the destination: the
processor stores each user once anyway (rows are keyed by the user id), but the per-run duplicate counts grow.
Needs confluent-kafka (pip install confluent-kafka).
"""

from __future__ import annotations

import argparse
import sys

from confluent_kafka import Consumer, KafkaError, KafkaException, Producer, TopicPartition


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--source", required=True, help="bootstrap servers of the cluster to copy from")
    parser.add_argument("--destination", required=True, help="bootstrap servers of the cluster to copy to")
    parser.add_argument("--topic", default="users_created")
    parser.add_argument("--timeout", type=float, default=30.0, help="seconds to wait for metadata and deliveries")
    arguments = parser.parse_args()

    consumer = Consumer(
        {
            "bootstrap.servers": arguments.source,
            "group.id": "userstream-copy-topic",  # never committed: assign(), not subscribe()
            "enable.auto.commit": False,
            "enable.partition.eof": True,
        }
    )
    producer = Producer(
        {"bootstrap.servers": arguments.destination, "acks": "all", "enable.idempotence": True, "linger.ms": 5}
    )
    source = consumer.list_topics(arguments.topic, timeout=arguments.timeout).topics[arguments.topic]
    if source.error is not None:
        raise KafkaException(source.error)
    destination = producer.list_topics(arguments.topic, timeout=arguments.timeout).topics[arguments.topic]
    if destination.error is not None or len(destination.partitions) < len(source.partitions):
        print(
            f"the destination's {arguments.topic} must exist with at least {len(source.partitions)} partitions",
            file=sys.stderr,
        )
        return 1

    # Each partition up to its end now; empty partitions are skipped.
    ends: dict[int, int] = {}
    assignment = []
    for partition in sorted(source.partitions):
        low, high = consumer.get_watermark_offsets(
            TopicPartition(arguments.topic, partition), timeout=arguments.timeout
        )
        if high > low:
            ends[partition] = high
            assignment.append(TopicPartition(arguments.topic, partition, low))
    consumer.assign(assignment)

    failures: list[str] = []

    def delivered(error, message) -> None:
        if error is not None:
            failures.append(f"{message.topic()}-{message.partition()}: {error}")

    copied = 0
    while ends:
        message = consumer.poll(1.0)
        if message is None:
            continue
        if message.error() is not None:
            if message.error().code() == KafkaError._PARTITION_EOF:  # the end, even past a gap in the offsets
                ends.pop(message.partition(), None)
                continue
            raise KafkaException(message.error())
        partition = message.partition()
        if partition not in ends or message.offset() >= ends[partition]:
            continue
        _, timestamp = message.timestamp()
        producer.produce(
            arguments.topic,
            value=message.value(),
            key=message.key(),
            partition=partition,
            headers=message.headers() or [],
            timestamp=timestamp,
            on_delivery=delivered,
        )
        producer.poll(0)
        copied += 1
        if message.offset() + 1 >= ends[partition]:
            del ends[partition]

    remaining = producer.flush(arguments.timeout)
    consumer.close()
    if remaining or failures:
        print(f"{remaining} records not acknowledged; failures: {failures[:5]}", file=sys.stderr)
        return 1
    print(f"copied {copied} records of {arguments.topic}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
