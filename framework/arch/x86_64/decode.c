/*
 * decode.c — reads back what a compiler-inserted trap means (see internal/decode.h).
 *
 * Builds for the kernel and for the host (tests/framework/test_decode.c).
 */
#include "internal/decode.h"

static const char *const check_names[CHECK_KIND_COUNT] = {
	[CHECK_ADD_OVERFLOW] = "signed integer overflow in addition",
	[CHECK_BUILTIN_UNREACHABLE] = "__builtin_unreachable() reached",
	[CHECK_CFI_CHECK_FAIL] = "control-flow integrity check failed",
	[CHECK_DIVREM_OVERFLOW] = "division overflow or division by zero",
	[CHECK_DYNAMIC_TYPE_CACHE_MISS] = "dynamic type mismatch",
	[CHECK_FLOAT_CAST_OVERFLOW] = "float-to-integer conversion overflow",
	[CHECK_FUNCTION_TYPE_MISMATCH] = "call through a function pointer of the wrong type",
	[CHECK_IMPLICIT_CONVERSION] = "implicit conversion changed the value",
	[CHECK_INVALID_BUILTIN] = "invalid argument to a builtin",
	[CHECK_INVALID_OBJC_CAST] = "invalid Objective-C cast",
	[CHECK_LOAD_INVALID_VALUE] = "load of a value invalid for its type",
	[CHECK_MISSING_RETURN] = "end of a value-returning function reached",
	[CHECK_MUL_OVERFLOW] = "signed integer overflow in multiplication",
	[CHECK_NEGATE_OVERFLOW] = "signed integer overflow in negation",
	[CHECK_NULLABILITY_ARG] = "null passed as a _Nonnull argument",
	[CHECK_NULLABILITY_RETURN] = "null returned from a _Nonnull function",
	[CHECK_NONNULL_ARG] = "null passed as a nonnull argument",
	[CHECK_NONNULL_RETURN] = "null returned from a returns_nonnull function",
	[CHECK_OUT_OF_BOUNDS] = "array index out of bounds",
	[CHECK_POINTER_OVERFLOW] = "pointer arithmetic overflow",
	[CHECK_SHIFT_OUT_OF_BOUNDS] = "shift exponent out of range",
	[CHECK_SUB_OVERFLOW] = "signed integer overflow in subtraction",
	[CHECK_TYPE_MISMATCH] = "misaligned or null pointer use, or object too small",
	[CHECK_ALIGNMENT_ASSUMPTION] = "alignment assumption violated",
	[CHECK_VLA_BOUND_NOT_POSITIVE] = "variable-length array bound not positive",
	[CHECK_BOUNDS_SAFETY] = "bounds-safety check failed",
};

const char *check_kind_name(u32 kind)
{
	if (kind < CHECK_KIND_COUNT && check_names[kind])
		return check_names[kind];
	return "unknown check";
}

bool ud1_decode(const u8 *code, size_t avail, u32 *kind, u32 *insn_len)
{
	size_t i = 0;
	/* SAFETY: every index below is checked against avail (the contract: code[0..avail) readable). */
	if (avail > 0 && code[0] == 0x67) /* address-size prefix */
		i = 1;
	if (avail < i + 3 || code[i] != 0x0f || code[i + 1] != 0xb9)
		return false;
	u8 modrm = code[i + 2];
	u8 mod = modrm >> 6, rm = modrm & 7;
	if (rm == 4)
		return false; /* a SIB form: not what the compiler emits */
	if (mod == 1) {
		if (avail < i + 4)
			return false;
		*kind = code[i + 3];
		*insn_len = (u32)(i + 4);
		return true;
	}
	if (mod == 0 && rm != 5) {
		*kind = 0;
		*insn_len = (u32)(i + 3);
		return true;
	}
	if (mod == 3) { /* register form: ud1 %reg, %reg carries no kind */
		*kind = CHECK_KIND_COUNT;
		*insn_len = (u32)(i + 3);
		return true;
	}
	return false;
}

bool kcfi_decode(const u8 pre[12], u32 *expected_hash, u32 *target_reg)
{
	/* movl $imm32, %r10d = 41 ba imm32 */
	/* SAFETY: the contract gives 12 readable bytes at pre; indices 0..11 only. */
	if (pre[0] != 0x41 || pre[1] != 0xba)
		return false;
	/* addl -4(R), %r10d = REX(W=0,R=1,B=?) 03 ModRM(mod=01, reg=010, rm=R) fc */
	/* SAFETY: the contract gives 12 readable bytes at pre; indices 0..11 only. */
	u8 rex = pre[6];
	if ((rex & 0xfc) != 0x44 || pre[7] != 0x03)
		return false;
	u8 modrm = pre[8];
	if ((modrm >> 6) != 1 || ((modrm >> 3) & 7) != 2 || (modrm & 7) == 4)
		return false;
	if (pre[9] != 0xfc)
		return false;
	/* je over the ud2 */
	if (pre[10] != 0x74 || pre[11] != 0x02)
		return false;
	u32 imm = (u32)pre[2] | ((u32)pre[3] << 8) | ((u32)pre[4] << 16) | ((u32)pre[5] << 24);
	*expected_hash = 0u - imm;
	*target_reg = (modrm & 7) | ((rex & 1) ? 8u : 0u);
	return true;
}

const char *reg_name(u32 reg)
{
	static const char *const names[16] = { "rax", "rcx", "rdx", "rbx", "rsp", "rbp",
					       "rsi", "rdi", "r8",  "r9",  "r10", "r11",
					       "r12", "r13", "r14", "r15" };
	return reg < 16 ? names[reg] : "?";
}
