/*
 * internal/decode.h — decoders of compiler-inserted trap instructions (arch/x86_64/decode.c).
 *
 * Pure functions over a byte window, so the host tests (tests/framework/) run them too.
 *
 * Bounds and overflow checks (-fsanitize=... -fsanitize-trap=...): clang emits
 * `ud1l K(%eax), %eax` = 67 0f b9 40 K (K = the check kind, clang's SanitizerHandler number),
 * or 67 0f b9 00 for kind 0 (no displacement byte).
 * kCFI (-fsanitize=kcfi): before an indirect call through register R clang emits
 *     41 ba H H H H     movl $-hash, %r10d
 *     4x 03 5y fc       addl -4(R), %r10d      (REX.R for r10; REX.B and ModRM.rm name R)
 *     74 02             je  over
 *     0f 0b             ud2                     <- listed in .kcfi_traps
 * so the expected type hash and the target register can be read back from the 12 bytes
 * before the ud2.
 */
#ifndef FW_INTERNAL_DECODE_H
#define FW_INTERNAL_DECODE_H

#include <fw/types.h>

/* clang's SanitizerHandler numbering (clang/lib/CodeGen/SanitizerHandler.h, clang 22). */
enum fw_check_kind {
	CHECK_ADD_OVERFLOW = 0,
	CHECK_BUILTIN_UNREACHABLE = 1,
	CHECK_CFI_CHECK_FAIL = 2,
	CHECK_DIVREM_OVERFLOW = 3,
	CHECK_DYNAMIC_TYPE_CACHE_MISS = 4,
	CHECK_FLOAT_CAST_OVERFLOW = 5,
	CHECK_FUNCTION_TYPE_MISMATCH = 6,
	CHECK_IMPLICIT_CONVERSION = 7,
	CHECK_INVALID_BUILTIN = 8,
	CHECK_INVALID_OBJC_CAST = 9,
	CHECK_LOAD_INVALID_VALUE = 10,
	CHECK_MISSING_RETURN = 11,
	CHECK_MUL_OVERFLOW = 12,
	CHECK_NEGATE_OVERFLOW = 13,
	CHECK_NULLABILITY_ARG = 14,
	CHECK_NULLABILITY_RETURN = 15,
	CHECK_NONNULL_ARG = 16,
	CHECK_NONNULL_RETURN = 17,
	CHECK_OUT_OF_BOUNDS = 18,
	CHECK_POINTER_OVERFLOW = 19,
	CHECK_SHIFT_OUT_OF_BOUNDS = 20,
	CHECK_SUB_OVERFLOW = 21,
	CHECK_TYPE_MISMATCH = 22,
	CHECK_ALIGNMENT_ASSUMPTION = 23,
	CHECK_VLA_BOUND_NOT_POSITIVE = 24,
	CHECK_BOUNDS_SAFETY = 25,
	CHECK_KIND_COUNT,
	CHECK_PLAIN_TRAP = 0x100, /* a ud2 that is no kCFI site: no kind encoded */
};

/* The human-readable name of a check kind ("array index out of bounds", ...). */
const char *check_kind_name(u32 kind);

/*
 * ud1_decode - whether code[0..avail) starts with a compiler check trap.
 * Returns: true with *kind and *insn_len set; false if it is another instruction.
 */
bool ud1_decode(const u8 *code, size_t avail, u32 *kind, u32 *insn_len);

/*
 * kcfi_decode - decode the kCFI check sequence ending at a ud2.
 * Needs: pre[0..12) are the 12 bytes right before the ud2.
 * Returns: true with the expected type hash and the target register number (0 = rax ...
 *          15 = r15, in the usual x86 encoding order) when the bytes have the shape above.
 */
bool kcfi_decode(const u8 pre[12], u32 *expected_hash, u32 *target_reg);

/* The name of general register `reg` in encoding order ("rax", "rcx", ... "r15"). */
const char *reg_name(u32 reg);

#endif /* FW_INTERNAL_DECODE_H */
