#ifndef C_LANES_CHECKSUM_H
#define C_LANES_CHECKSUM_H

#include <stddef.h>
#include <stdint.h>

// CRC-32C with the processor's `crc32` instruction (SSE 4.2 on x86-64). Swift cannot name the
// instruction or ask for it per function, so the loop lives here; the Swift side keeps its
// table-driven code for processors without it.

/// Non-zero when `lanes_crc32c_hardware_update` may be called on this processor.
int lanes_crc32c_hardware_available(void);

/// Continues CRC-32C register `crc` (not inverted: callers invert before and after) over
/// `count` bytes at `bytes`. Only valid when `lanes_crc32c_hardware_available()` is non-zero.
uint32_t lanes_crc32c_hardware_update(uint32_t crc, const void *bytes, size_t count);

#endif
