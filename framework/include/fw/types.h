/*
 * fw/types.h — the fixed-width integer names used across the framework API.
 *
 * Services and the framework both use these; they come from the compiler's own freestanding
 * headers (<stdint.h>, <stddef.h>, <stdbool.h>), so nothing here depends on a C library.
 */
#ifndef FW_TYPES_H
#define FW_TYPES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef uint8_t u8;
typedef uint16_t u16;
typedef uint32_t u32;
typedef uint64_t u64;
typedef int8_t i8;
typedef int16_t i16;
typedef int32_t i32;
typedef int64_t i64;

#endif /* FW_TYPES_H */
