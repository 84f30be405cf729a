/* A minimal librdkafka producer/consumer for measuring the broker without client-side formatting:
 *   rdkafka_bench produce BOOTSTRAP TOPIC COUNT SIZE   (acks=all, idempotent, waits for every delivery report)
 *   rdkafka_bench consume BOOTSTRAP TOPIC COUNT        (assign all partitions from the beginning, count messages)
 * Prints "<messages> <seconds> <messages per second>". */
#include <librdkafka/rdkafka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

static long delivered = 0, failed = 0;

static void on_delivery(rd_kafka_t *rk, const rd_kafka_message_t *m, void *opaque) {
    (void)rk; (void)opaque;
    if (m->err) failed++; else delivered++;
}

static void set(rd_kafka_conf_t *conf, const char *key, const char *value) {
    char error[256];
    if (rd_kafka_conf_set(conf, key, value, error, sizeof error) != RD_KAFKA_CONF_OK) {
        fprintf(stderr, "%s=%s: %s\n", key, value, error);
        exit(2);
    }
}

int main(int argc, char **argv) {
    if (argc < 5) {
        fprintf(stderr, "usage: %s produce|consume BOOTSTRAP TOPIC COUNT [SIZE]\n", argv[0]);
        return 2;
    }
    const char *mode = argv[1], *bootstrap = argv[2], *topic = argv[3];
    long count = atol(argv[4]);
    char error[512];
    rd_kafka_conf_t *conf = rd_kafka_conf_new();
    set(conf, "bootstrap.servers", bootstrap);
    if (strcmp(mode, "produce") == 0) {
        int size = argc > 5 ? atoi(argv[5]) : 100;
        set(conf, "acks", "all");
        set(conf, "enable.idempotence", "true");
        set(conf, "linger.ms", "5");
        set(conf, "batch.num.messages", "10000");
        set(conf, "queue.buffering.max.messages", "2000000");
        rd_kafka_conf_set_dr_msg_cb(conf, on_delivery);
        rd_kafka_t *rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, error, sizeof error);
        if (!rk) { fprintf(stderr, "%s\n", error); return 1; }
        char *payload = malloc(size);
        memset(payload, 'x', size);
        double start = now();
        for (long i = 0; i < count; i++) {
            while (rd_kafka_producev(rk, RD_KAFKA_V_TOPIC(topic), RD_KAFKA_V_VALUE(payload, size),
                                     RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY), RD_KAFKA_V_END)
                   == RD_KAFKA_RESP_ERR__QUEUE_FULL)
                rd_kafka_poll(rk, 10);
            if ((i & 0xFFFF) == 0) rd_kafka_poll(rk, 0);
        }
        rd_kafka_flush(rk, 120000);
        double elapsed = now() - start;
        printf("%ld %.3f %.0f\n", delivered, elapsed, delivered / elapsed);
        rd_kafka_destroy(rk);
        return failed == 0 && delivered == count ? 0 : 1;
    }
    set(conf, "group.id", "rdkafka-bench");
    set(conf, "enable.auto.commit", "false");
    set(conf, "fetch.max.bytes", "52428800");
    set(conf, "max.partition.fetch.bytes", "10485760");
    set(conf, "queued.min.messages", "1000000");
    rd_kafka_t *rk = rd_kafka_new(RD_KAFKA_CONSUMER, conf, error, sizeof error);
    if (!rk) { fprintf(stderr, "%s\n", error); return 1; }
    const struct rd_kafka_metadata *metadata;
    rd_kafka_topic_t *handle = rd_kafka_topic_new(rk, topic, NULL);
    if (rd_kafka_metadata(rk, 0, handle, &metadata, 10000) != RD_KAFKA_RESP_ERR_NO_ERROR || metadata->topic_cnt != 1) {
        fprintf(stderr, "no metadata for %s\n", topic);
        return 1;
    }
    rd_kafka_topic_partition_list_t *partitions = rd_kafka_topic_partition_list_new(8);
    for (int p = 0; p < metadata->topics[0].partition_cnt; p++)
        rd_kafka_topic_partition_list_add(partitions, topic, p)->offset = RD_KAFKA_OFFSET_BEGINNING;
    rd_kafka_metadata_destroy(metadata);
    rd_kafka_topic_destroy(handle);
    rd_kafka_assign(rk, partitions);
    long received = 0;
    double start = now();
    while (received < count) {
        rd_kafka_message_t *m = rd_kafka_consumer_poll(rk, 5000);
        if (!m) break;
        if (!m->err) received++;
        rd_kafka_message_destroy(m);
    }
    double elapsed = now() - start;
    printf("%ld %.3f %.0f\n", received, elapsed, received / elapsed);
    rd_kafka_topic_partition_list_destroy(partitions);
    rd_kafka_consumer_close(rk);
    rd_kafka_destroy(rk);
    return received == count ? 0 : 1;
}
