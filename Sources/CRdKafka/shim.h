// librdkafka, as the KafkaLog target sees it (Debian: librdkafka-dev).
#ifndef USERSTREAM_CRDKAFKA_SHIM_H
#define USERSTREAM_CRDKAFKA_SHIM_H

#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>

/// The one byte an empty (non-null) key, value or header value points to: librdkafka tells a null field (NULL) from
/// an empty one (non-NULL pointer, length 0), and Swift hands out NULL for empty arrays.
static const char userstream_rd_kafka_empty[1] = {0};

/// rd_kafka_producev() is variadic, which Swift cannot call: one record with every field the log carries.
/// `headers` (may be NULL) is owned by librdkafka on success and still by the caller on failure; key and value are
/// copied. `key_is_null` / `value_is_null` tell a null field from an empty one.
static inline rd_kafka_resp_err_t userstream_rd_kafka_produce(
    rd_kafka_t *rk,
    rd_kafka_topic_t *rkt,
    int32_t partition,
    const void *key,
    size_t key_len,
    int key_is_null,
    const void *value,
    size_t value_len,
    int value_is_null,
    int64_t timestamp,
    rd_kafka_headers_t *headers,
    void *opaque
) {
    if (key_is_null) {
        key = NULL;
        key_len = 0;
    } else if (key == NULL) {
        key = userstream_rd_kafka_empty;
    }
    if (value_is_null) {
        value = NULL;
        value_len = 0;
    } else if (value == NULL) {
        value = userstream_rd_kafka_empty;
    }
    if (headers != NULL) {
        return rd_kafka_producev(
            rk,
            RD_KAFKA_V_RKT(rkt),
            RD_KAFKA_V_PARTITION(partition),
            RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
            RD_KAFKA_V_KEY(key, key_len),
            RD_KAFKA_V_VALUE((void *)value, value_len),
            RD_KAFKA_V_TIMESTAMP(timestamp),
            RD_KAFKA_V_HEADERS(headers),
            RD_KAFKA_V_OPAQUE(opaque),
            RD_KAFKA_V_END
        );
    }
    return rd_kafka_producev(
        rk,
        RD_KAFKA_V_RKT(rkt),
        RD_KAFKA_V_PARTITION(partition),
        RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
        RD_KAFKA_V_KEY(key, key_len),
        RD_KAFKA_V_VALUE((void *)value, value_len),
        RD_KAFKA_V_TIMESTAMP(timestamp),
        RD_KAFKA_V_OPAQUE(opaque),
        RD_KAFKA_V_END
    );
}

/// rd_kafka_header_add() with a null (`value_is_null`) or possibly empty value.
static inline rd_kafka_resp_err_t userstream_rd_kafka_header_add(
    rd_kafka_headers_t *headers,
    const char *name,
    size_t name_len,
    const void *value,
    size_t value_len,
    int value_is_null
) {
    if (value_is_null) {
        value = NULL;
        value_len = 0;
    } else if (value == NULL) {
        value = userstream_rd_kafka_empty;
    }
    return rd_kafka_header_add(headers, name, (ssize_t)name_len, value, (ssize_t)value_len);
}

#endif
