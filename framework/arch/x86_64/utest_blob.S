/*
 * utest_blob.S — embeds the user-mode ktests' program (tests/user/utest.S, built by
 * mk/user.mk into build/user/utest.bin) as blob "utest" (fw/blob.h). The path is relative to
 * the top of the tree, where make runs.
 *
 * SAFETY: data only (no code); the descriptor's lengths are computed by the assembler from the
 * labels around the bytes it describes.
 */
	.section .rodata.fwblob_utest, "a"
utest_data:
	.incbin "build/user/utest.bin"
utest_end:
utest_name:
	.ascii "utest"
utest_name_end:

	.section .fwblob, "a"
	.balign 8
	.quad utest_name, utest_name_end - utest_name, utest_data, utest_end - utest_data
