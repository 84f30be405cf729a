import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.function.BooleanSupplier;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.ConsumerGroupListing;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.clients.consumer.RangeAssignor;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.GroupState;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The Java Kafka client (kafka-clients) against one broker: admin, an idempotent producer with every compression
 * codec, a consumer group of two members per assignor with a rebalance when one leaves, commits, seeks, offsets by
 * time and the group queries. Every check throws; the program exits 1 on the first failure, 0 when all pass.
 *
 * Usage: java KafkaClientCheck host:port check (every check) | create-topic NAME PARTITIONS | end-offset NAME
 */
public final class KafkaClientCheck {
    private static String bootstrap;
    private static int checks = 0;

    public static void main(String[] args) {
        if (args.length < 2) {
            System.err.println("usage: KafkaClientCheck host:port check | create-topic NAME PARTITIONS | end-offset NAME");
            System.exit(2);
        }
        bootstrap = args[0];
        if (!args[1].equals("check")) {
            try (Admin admin = admin0()) {
                switch (args[1]) {
                    case "create-topic" -> createTopic(admin, args[2], Integer.parseInt(args[3]));
                    case "end-offset" -> {
                        try (KafkaConsumer<String, String> consumer = consumer(null, null)) {
                            List<TopicPartition> partitions = new ArrayList<>();
                            for (var info : consumer.partitionsFor(args[2])) {
                                partitions.add(new TopicPartition(args[2], info.partition()));
                            }
                            long sum = consumer.endOffsets(partitions).values().stream().mapToLong(Long::longValue).sum();
                            System.out.println(sum);
                        }
                    }
                    default -> {
                        System.err.println("unknown command " + args[1]);
                        System.exit(2);
                    }
                }
                System.exit(0);
            } catch (Exception e) {
                e.printStackTrace();
                System.exit(1);
            }
        }
        try {
            admin();
            for (String codec : List.of("none", "gzip", "snappy", "lz4", "zstd")) {
                codec(codec);
            }
            group("range", RangeAssignor.class.getName());
            group("cooperative-sticky", CooperativeStickyAssignor.class.getName());
            seekAndTimes();
            System.out.println("OK: " + checks + " checks passed");
            System.exit(0);
        } catch (Throwable failure) {
            System.out.println("FAILED after " + checks + " checks: " + failure);
            failure.printStackTrace(System.out);
            System.exit(1);
        }
    }

    static void check(boolean condition, String what) {
        checks++;
        if (!condition) {
            throw new AssertionError(what);
        }
    }

    static void equal(Object actual, Object expected, String what) {
        checks++;
        if (expected == null ? actual != null : !expected.equals(actual)) {
            throw new AssertionError(what + ": expected " + expected + ", got " + actual);
        }
    }

    static void eventually(Duration timeout, BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (condition.getAsBoolean()) {
                checks++;
                return;
            }
            Thread.sleep(200);
        }
        throw new AssertionError(what + " (not within " + timeout + ")");
    }

    static Admin admin0() {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 15000);
        p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 30000);
        return Admin.create(p);
    }

    static KafkaProducer<String, String> producer(String compression) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, compression);
        p.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 30000);
        p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 15000);
        return new KafkaProducer<>(p, new StringSerializer(), new StringSerializer());
    }

    static KafkaConsumer<String, String> consumer(String group, String assignor) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        if (group != null) {
            p.put(ConsumerConfig.GROUP_ID_CONFIG, group);
            p.put(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG, assignor);
            p.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, 10000);
            p.put(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, 1000);
        }
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 50);
        return new KafkaConsumer<>(p, new StringDeserializer(), new StringDeserializer());
    }

    static void createTopic(Admin admin, String name, int partitions) throws Exception {
        admin.createTopics(List.of(new NewTopic(name, partitions, (short) 1))).all().get();
    }

    // MARK: - Admin

    static void admin() throws Exception {
        try (Admin admin = admin0()) {
            String cluster = admin.describeCluster().clusterId().get();
            check(cluster != null && !cluster.isEmpty(), "describeCluster reports a cluster id");
            equal(admin.describeCluster().nodes().get().size(), 1, "describeCluster: one node");

            createTopic(admin, "jc-admin", 2);
            Set<String> names = admin.listTopics().names().get();
            check(names.contains("jc-admin"), "listTopics lists the created topic: " + names);

            try {
                createTopic(admin, "jc-admin", 2);
                throw new AssertionError("creating an existing topic succeeded");
            } catch (ExecutionException e) {
                check(e.getCause() instanceof TopicExistsException, "an existing topic: TopicExistsException, got " + e.getCause());
            }

            TopicDescription description = admin.describeTopics(List.of("jc-admin")).allTopicNames().get().get("jc-admin");
            equal(description.partitions().size(), 2, "describeTopics: partitions");
            for (var partition : description.partitions()) {
                equal(partition.leader().id(), 0, "describeTopics: the leader of partition " + partition.partition());
                equal(partition.replicas().size(), 1, "describeTopics: one replica");
                equal(partition.isr().size(), 1, "describeTopics: one in-sync replica");
            }
            check(description.topicId() != null, "describeTopics: a topic id");

            ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, "jc-admin");
            Config config = admin.describeConfigs(List.of(resource)).all().get().get(resource);
            ConfigEntry retention = config.get("retention.ms");
            check(retention != null, "describeConfigs reports retention.ms: " + config.entries());
            ConfigEntry policy = config.get("cleanup.policy");
            check(policy != null && policy.value().equals("delete"), "describeConfigs: cleanup.policy=delete, got " + policy);

            admin.deleteTopics(List.of("jc-admin")).all().get();
            eventually(Duration.ofSeconds(10), () -> {
                try {
                    return !admin.listTopics().names().get().contains("jc-admin");
                } catch (Exception e) {
                    return false;
                }
            }, "the deleted topic is no longer listed");
        }
        System.out.println("admin: ok");
    }

    // MARK: - Producer and codecs

    static void codec(String codec) throws Exception {
        String topic = "jc-codec-" + codec;
        int count = 300;
        try (Admin admin = admin0()) {
            createTopic(admin, topic, 1);
        }
        try (KafkaProducer<String, String> producer = producer(codec)) {
            List<java.util.concurrent.Future<RecordMetadata>> sent = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                ProducerRecord<String, String> record = new ProducerRecord<>(topic, "k" + i, "value-" + i + "-" + "x".repeat(i % 50));
                record.headers().add("codec", codec.getBytes(StandardCharsets.UTF_8));
                record.headers().add("index", Integer.toString(i).getBytes(StandardCharsets.UTF_8));
                sent.add(producer.send(record));
            }
            producer.flush();
            for (int i = 0; i < count; i++) {
                RecordMetadata metadata = sent.get(i).get();
                equal(metadata.offset(), (long) i, codec + ": the offset of record " + i);
            }
        }
        try (KafkaConsumer<String, String> consumer = consumer(null, null)) {
            TopicPartition partition = new TopicPartition(topic, 0);
            consumer.assign(List.of(partition));
            consumer.seekToBeginning(List.of(partition));
            List<ConsumerRecord<String, String>> records = pollUntil(consumer, count, Duration.ofSeconds(30));
            equal(records.size(), count, codec + ": records read back");
            for (int i = 0; i < count; i++) {
                ConsumerRecord<String, String> record = records.get(i);
                equal(record.offset(), (long) i, codec + ": offset");
                equal(record.key(), "k" + i, codec + ": key");
                equal(record.value(), "value-" + i + "-" + "x".repeat(i % 50), codec + ": value");
                Header header = record.headers().lastHeader("index");
                equal(header == null ? null : new String(header.value(), StandardCharsets.UTF_8), Integer.toString(i), codec + ": header");
            }
            equal(consumer.endOffsets(List.of(partition)).get(partition), (long) count, codec + ": end offset");
        }
        System.out.println("producer " + codec + ": ok");
    }

    static List<ConsumerRecord<String, String>> pollUntil(KafkaConsumer<String, String> consumer, int count, Duration timeout) {
        List<ConsumerRecord<String, String>> records = new ArrayList<>();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (records.size() < count && System.nanoTime() < deadline) {
            for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
                records.add(record);
            }
        }
        return records;
    }

    // MARK: - Groups

    static void group(String name, String assignor) throws Exception {
        String topic = "jc-group-" + name;
        String group = "jc-" + name;
        int partitions = 4;
        int count = 400;
        try (Admin admin = admin0()) {
            createTopic(admin, topic, partitions);
        }
        try (KafkaProducer<String, String> producer = producer("none")) {
            for (int i = 0; i < count; i++) {
                producer.send(new ProducerRecord<>(topic, i % partitions, "k" + i, "v" + i));
            }
            producer.flush();
        }
        KafkaConsumer<String, String> a = consumer(group, assignor);
        KafkaConsumer<String, String> b = consumer(group, assignor);
        try (Admin admin = admin0()) {
            a.subscribe(List.of(topic));
            b.subscribe(List.of(topic));
            Map<String, Set<String>> seen = new HashMap<>();
            seen.put("a", new HashSet<>());
            seen.put("b", new HashSet<>());
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            // Both members poll until they hold two partitions each (a stable split) and everything was read.
            while (System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> r : a.poll(Duration.ofMillis(100))) seen.get("a").add(r.value());
                for (ConsumerRecord<String, String> r : b.poll(Duration.ofMillis(100))) seen.get("b").add(r.value());
                int total = seen.get("a").size() + seen.get("b").size();
                if (a.assignment().size() == 2 && b.assignment().size() == 2 && total >= count) break;
            }
            equal(a.assignment().size(), 2, name + ": member a's partitions " + a.assignment());
            equal(b.assignment().size(), 2, name + ": member b's partitions " + b.assignment());
            Set<TopicPartition> union = new HashSet<>(a.assignment());
            union.addAll(b.assignment());
            equal(union.size(), partitions, name + ": the members split every partition");
            Set<String> all = new HashSet<>(seen.get("a"));
            all.addAll(seen.get("b"));
            equal(all.size(), count, name + ": every record read by the group");
            a.commitSync();
            b.commitSync();

            Collection<ConsumerGroupListing> listed = admin.listConsumerGroups().all().get();
            check(listed.stream().anyMatch(l -> l.groupId().equals(group)), name + ": listConsumerGroups lists " + group + ": " + listed);

            ConsumerGroupDescription described = admin.describeConsumerGroups(List.of(group)).all().get().get(group);
            equal(described.groupState(), GroupState.STABLE, name + ": the group is stable");
            equal(described.members().size(), 2, name + ": two members");
            equal(described.partitionAssignor(), name, name + ": the assignor");
            Set<TopicPartition> described_ = new HashSet<>();
            for (MemberDescription member : described.members()) {
                equal(member.assignment().topicPartitions().size(), 2, name + ": a member's described assignment");
                described_.addAll(member.assignment().topicPartitions());
            }
            equal(described_, union, name + ": the described assignment");

            Map<TopicPartition, OffsetAndMetadata> committed =
                admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get();
            equal(committed.size(), partitions, name + ": committed partitions");
            long sum = committed.values().stream().mapToLong(OffsetAndMetadata::offset).sum();
            equal(sum, (long) count, name + ": committed offsets sum to the records read");

            // b leaves; a takes every partition over and reads what comes next.
            b.close(Duration.ofSeconds(10));
            b = null;
            try (KafkaProducer<String, String> producer = producer("none")) {
                for (int i = count; i < count + 40; i++) {
                    producer.send(new ProducerRecord<>(topic, i % partitions, "k" + i, "v" + i));
                }
                producer.flush();
            }
            Set<String> after = new HashSet<>();
            deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (System.nanoTime() < deadline && !(a.assignment().size() == partitions && after.size() >= 40)) {
                for (ConsumerRecord<String, String> r : a.poll(Duration.ofMillis(200))) {
                    if (Integer.parseInt(r.value().substring(1)) >= count) after.add(r.value());
                }
            }
            equal(a.assignment().size(), partitions, name + ": after the leave, a holds every partition");
            equal(after.size(), 40, name + ": a read the records produced after the leave");
            a.commitSync();
            described = admin.describeConsumerGroups(List.of(group)).all().get().get(group);
            equal(described.members().size(), 1, name + ": one member left");
            committed = admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get();
            sum = committed.values().stream().mapToLong(OffsetAndMetadata::offset).sum();
            equal(sum, (long) count + 40, name + ": committed offsets after the rebalance");
            Map<TopicPartition, OffsetAndMetadata> fromConsumer = a.committed(new HashSet<>(a.assignment()));
            equal(fromConsumer, committed, name + ": the consumer's committed() equals the admin's view");
        } finally {
            a.close(Duration.ofSeconds(10));
            if (b != null) b.close(Duration.ofSeconds(10));
        }
        try (Admin admin = admin0()) {
            ConsumerGroupDescription described = admin.describeConsumerGroups(List.of(group)).all().get().get(group);
            equal(described.members().size(), 0, name + ": no members after both closed");
            check(described.groupState() == GroupState.EMPTY, name + ": the group is empty, got " + described.groupState());
        }
        System.out.println("group " + name + ": ok");
    }

    // MARK: - Seek, offsets for times

    static void seekAndTimes() throws Exception {
        String topic = "jc-times";
        try (Admin admin = admin0()) {
            createTopic(admin, topic, 1);
        }
        long base = System.currentTimeMillis() - 3_600_000L;
        // One lz4 batch of 20 records: the broker must look inside the compressed batch.
        try (KafkaProducer<String, String> producer = producer("lz4")) {
            List<java.util.concurrent.Future<RecordMetadata>> sent = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                sent.add(producer.send(new ProducerRecord<>(topic, 0, base + i * 1000L, "k" + i, "v" + i)));
            }
            producer.flush();
            for (var future : sent) future.get();
        }
        TopicPartition partition = new TopicPartition(topic, 0);
        try (KafkaConsumer<String, String> consumer = consumer(null, null)) {
            consumer.assign(List.of(partition));
            equal(consumer.beginningOffsets(List.of(partition)).get(partition), 0L, "beginningOffsets");
            equal(consumer.endOffsets(List.of(partition)).get(partition), 20L, "endOffsets");

            consumer.seek(partition, 10);
            List<ConsumerRecord<String, String>> records = pollUntil(consumer, 10, Duration.ofSeconds(20));
            equal(records.size(), 10, "records after seek(10)");
            equal(records.get(0).offset(), 10L, "the first record after seek(10)");
            equal(records.get(0).value(), "v10", "its value");
            equal(records.get(0).timestamp(), base + 10_000L, "its timestamp");
            equal(consumer.position(partition), 20L, "position after reading to the end");

            Map<TopicPartition, OffsetAndTimestamp> times = consumer.offsetsForTimes(Map.of(partition, base + 5_500L));
            equal(times.get(partition).offset(), 6L, "offsetsForTimes: the first record at or after the time");
            equal(times.get(partition).timestamp(), base + 6_000L, "offsetsForTimes: its timestamp");
            times = consumer.offsetsForTimes(Map.of(partition, base + 100_000L));
            equal(times.get(partition), null, "offsetsForTimes after the last record: none");
            times = consumer.offsetsForTimes(Map.of(partition, 0L));
            equal(times.get(partition).offset(), 0L, "offsetsForTimes before the first record: the first");

            consumer.seek(partition, times.get(partition).offset());
            records = pollUntil(consumer, 20, Duration.ofSeconds(20));
            equal(records.size(), 20, "records after seeking back to the start");
            consumer.seekToEnd(List.of(partition));
            equal(consumer.position(partition), 20L, "seekToEnd");
        }
        System.out.println("seek and offsetsForTimes: ok");
    }
}
