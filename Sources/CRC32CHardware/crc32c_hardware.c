// The CPU's CRC-32C instruction, for KafkaWire's record batch checksums. The instruction computes exactly the
// Castagnoli CRC (reflected polynomial 0x82F63B78) on the running register; initial value and final xor stay with the
// caller. Other CPUs fall back to KafkaWire's slicing-by-8 tables.
#include "CRC32CHardware.h"

#include <string.h>

#if defined(__x86_64__)
#include <nmmintrin.h>

int userstream_crc32c_hardware_available(void) {
    __builtin_cpu_init();
    return __builtin_cpu_supports("sse4.2");
}

__attribute__((target("sse4.2")))
uint32_t userstream_crc32c_hardware_update(uint32_t crc, const void *bytes, size_t length) {
    const unsigned char *p = (const unsigned char *)bytes;
    uint64_t crc64 = crc;
    while (length >= 8) {
        uint64_t word;
        memcpy(&word, p, 8);
        crc64 = _mm_crc32_u64(crc64, word);
        p += 8;
        length -= 8;
    }
    uint32_t crc32 = (uint32_t)crc64;
    while (length > 0) {
        crc32 = _mm_crc32_u8(crc32, *p);
        p += 1;
        length -= 1;
    }
    return crc32;
}

#elif defined(__aarch64__) && defined(__linux__)
#include <sys/auxv.h>
#ifndef HWCAP_CRC32
#define HWCAP_CRC32 (1 << 7)
#endif

int userstream_crc32c_hardware_available(void) {
    return (getauxval(AT_HWCAP) & HWCAP_CRC32) != 0;
}

__attribute__((target("+crc")))
uint32_t userstream_crc32c_hardware_update(uint32_t crc, const void *bytes, size_t length) {
    const unsigned char *p = (const unsigned char *)bytes;
    while (length >= 8) {
        uint64_t word;
        memcpy(&word, p, 8);
        crc = __builtin_aarch64_crc32cx(crc, word);
        p += 8;
        length -= 8;
    }
    while (length > 0) {
        crc = __builtin_aarch64_crc32cb(crc, *p);
        p += 1;
        length -= 1;
    }
    return crc;
}

#else

int userstream_crc32c_hardware_available(void) {
    return 0;
}

uint32_t userstream_crc32c_hardware_update(uint32_t crc, const void *bytes, size_t length) {
    (void)bytes;
    (void)length;
    return crc;
}

#endif
