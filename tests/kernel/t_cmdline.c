/*
 * tests/kernel/t_cmdline.c — host tests of the first program's name from the command line
 * (kernel/proc/cmdline.c): rdinit= and init=, the last one winning, neither confused with
 * the other, empty when absent.
 */
#include <proc/boot.h>

#include "khost.h"

KTEST(cmdline, rdinit_and_init)
{
	struct boot_init b = boot_init_from_cmdline(kh_str("console=ttyS0 rdinit=/bin/sh quiet"));
	KT_EXPECT(kt, kh_str_is(b.rdinit, "/bin/sh") && str_len(b.init) == 0);
	b = boot_init_from_cmdline(kh_str("init=/sbin/init rdinit=/a rdinit=/b"));
	KT_EXPECT(kt, kh_str_is(b.rdinit, "/b") && kh_str_is(b.init, "/sbin/init"));
	b = boot_init_from_cmdline(kh_str("xinit=/no myrdinit=/no"));
	KT_EXPECT(kt, str_len(b.rdinit) == 0 && str_len(b.init) == 0);
	b = boot_init_from_cmdline(kh_str(""));
	KT_EXPECT(kt, str_len(b.rdinit) == 0 && str_len(b.init) == 0);
	b = boot_init_from_cmdline(kh_str("  rdinit=/x   "));
	KT_EXPECT(kt, kh_str_is(b.rdinit, "/x"));
}
