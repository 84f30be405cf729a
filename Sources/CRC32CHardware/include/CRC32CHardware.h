#ifndef USERSTREAM_CRC32C_HARDWARE_H
#define USERSTREAM_CRC32C_HARDWARE_H

#include <stddef.h>
#include <stdint.h>

/// Whether this CPU has a CRC-32C instruction (SSE 4.2 on x86-64, the CRC extension on AArch64).
int userstream_crc32c_hardware_available(void);

/// Feeds `length` bytes into a running (not finalised) CRC-32C register using the CPU's CRC-32C instruction.
/// Only call it when `userstream_crc32c_hardware_available()` returned non-zero.
uint32_t userstream_crc32c_hardware_update(uint32_t crc, const void *bytes, size_t length);

#endif
