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

/* The words the kernel does not take go to init, as Linux: `name=value` into its environment,
 * a bare word into its arguments, everything after `--` into its arguments; the kernel's own
 * options and `module.option` words stay with the kernel. (make profile and make bench pass
 * bench_items= this way; on Trellis they were dropped.) */
KTEST(cmdline, unknown_words_go_to_init)
{
	struct exec_strv argv, envp;
	exec_strv_init(&argv, 64);
	exec_strv_init(&envp, 64);
	KT_ASSERT(kt, boot_init_args(kh_str("console=ttyS0 quiet bench_items=a,b single "
					    "fault.seed=3 panic=-1 rdinit=/x FOO=bar -- -v x=y"),
				     &argv, &envp) == 0);
	KT_EXPECT(kt, exec_strv_len(&envp) == 2 && exec_strv_len(&argv) == 3);
	KT_EXPECT(kt, kh_str_is(exec_strv_get(&envp, 0).value, "bench_items=a,b"));
	KT_EXPECT(kt, kh_str_is(exec_strv_get(&envp, 1).value, "FOO=bar"));
	KT_EXPECT(kt, kh_str_is(exec_strv_get(&argv, 0).value, "single"));
	KT_EXPECT(kt, kh_str_is(exec_strv_get(&argv, 1).value, "-v"));
	KT_EXPECT(kt, kh_str_is(exec_strv_get(&argv, 2).value, "x=y"));
	exec_strv_destroy(&argv);
	exec_strv_destroy(&envp);
	/* more than 32 of a kind: refused, as Linux refuses to boot */
	exec_strv_init(&argv, 64);
	exec_strv_init(&envp, 64);
	char line[33 * 4 + 1];
	for (int i = 0; i < 33; i++)
		memcpy(line + i * 4, "a=1 ", 4);
	line[33 * 4] = 0;
	KT_EXPECT(kt, boot_init_args(kh_str(line), &argv, &envp) == -E2BIG);
	exec_strv_destroy(&argv);
	exec_strv_destroy(&envp);
}

/* Regression (init_fails_with_three_boot_env_words): the first program's environment had room
 * for 4 strings, HOME and TERM among them, so a third name=value word on the command line
 * (make bench: bench_batches=, bench_items= and lockdep=0) made init fail with ENOSPC.
 * Now as many as boot_init_args passes (32 of each kind) fit; lockdep= stays with the kernel. */
KTEST(cmdline, init_fails_with_three_boot_env_words)
{
	char line[32 * 4 + 32];
	for (int i = 0; i < 32; i++)
		memcpy(line + i * 4, "a=1 ", 4);
	memcpy(line + 32 * 4, "lockdep=0 b c", 14);
	struct exec_strv argv, envp;
	KT_EXPECT(kt, boot_init_strvs(kh_str(line), kh_str("/init"), &argv, &envp) == 0);
	KT_EXPECT(kt, exec_strv_len(&envp) == 34 && exec_strv_len(&argv) == 3);
	KT_EXPECT(kt, kh_str_is(exec_strv_get(&envp, 0).value, "HOME=/"));
	KT_EXPECT(kt, kh_str_is(exec_strv_get(&envp, 33).value, "a=1"));
	KT_EXPECT(kt, kh_str_is(exec_strv_get(&argv, 0).value, "/init"));
	KT_EXPECT(kt, kh_str_is(exec_strv_get(&argv, 2).value, "c"));
	exec_strv_destroy(&argv);
	exec_strv_destroy(&envp);
}
