/*
 * test_decode.c — host tests of the trap decoders (framework/arch/x86_64/decode.c), built with
 * ASan/UBSan. The byte sequences are what clang-22 emits (see internal/decode.h); the numbering
 * of check kinds is cross-checked against the compiler itself by test_fwsyms.py's sibling
 * checks (tests/framework/test_fwsyms.py compiles real checks and decodes them).
 * Prints KTAP.
 */
#include <stdio.h>
#include <string.h>

#include "internal/decode.h"

static int n, failed;

static void check(int ok, const char *name)
{
	n++;
	if (!ok)
		failed++;
	printf("%sok %d %s\n", ok ? "" : "not ", n, name);
}

int main(void)
{
	u32 kind = 99, len = 0, hash = 0, reg = 99;
	printf("KTAP version 1\n1..9\n");

	const u8 oob[] = { 0x67, 0x0f, 0xb9, 0x40, 0x12 };
	check(ud1_decode(oob, sizeof(oob), &kind, &len) && kind == CHECK_OUT_OF_BOUNDS && len == 5,
	      "ud1_disp8_kind_out_of_bounds");

	const u8 add[] = { 0x67, 0x0f, 0xb9, 0x00, 0x90 };
	check(ud1_decode(add, sizeof(add), &kind, &len) && kind == CHECK_ADD_OVERFLOW && len == 4,
	      "ud1_no_disp_is_kind_zero");

	const u8 ud2[] = { 0x0f, 0x0b };
	check(!ud1_decode(ud2, sizeof(ud2), &kind, &len), "ud2_is_not_a_check");

	const u8 cut[] = { 0x67, 0x0f, 0xb9, 0x40 };
	check(!ud1_decode(cut, sizeof(cut), &kind, &len), "truncated_ud1_rejected");

	check(strcmp(check_kind_name(CHECK_SUB_OVERFLOW), "signed integer overflow in subtraction") == 0 &&
		      strcmp(check_kind_name(1000), "unknown check") == 0,
	      "check_kind_names");

	/* movl $0xfffaf86c,%r10d; addl -0x4(%rax),%r10d; je +2 */
	const u8 seq_rax[12] = { 0x41, 0xba, 0x6c, 0xf8, 0xfa, 0xff, 0x44, 0x03, 0x50, 0xfc, 0x74, 0x02 };
	check(kcfi_decode(seq_rax, &hash, &reg) && hash == 0x00050794u && reg == 0, "kcfi_target_rax");

	/* the same through %r11: REX.B set, rm = 3 */
	const u8 seq_r11[12] = { 0x41, 0xba, 0x6c, 0xf8, 0xfa, 0xff, 0x45, 0x03, 0x53, 0xfc, 0x74, 0x02 };
	check(kcfi_decode(seq_r11, &hash, &reg) && reg == 11 && strcmp(reg_name(reg), "r11") == 0,
	      "kcfi_target_r11");

	u8 bad[12];
	memcpy(bad, seq_rax, 12);
	bad[9] = 0xf8; /* not -4 */
	check(!kcfi_decode(bad, &hash, &reg), "kcfi_wrong_offset_rejected");

	memcpy(bad, seq_rax, 12);
	bad[10] = 0x75;
	check(!kcfi_decode(bad, &hash, &reg), "kcfi_wrong_branch_rejected");

	return failed ? 1 : 0;
}
