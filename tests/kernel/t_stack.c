/*
 * tests/kernel/t_stack.c — host tests of the initial stack (kernel/exec/stack.c) and of `#!`
 * parsing (kernel/exec/shebang.c): the stack is read back as a program's start code would
 * (argc, argv, envp, auxv) and every pointer must land on the right string; the tables must
 * be 16-byte aligned; a stack too small is -E2BIG; #! lines as Linux splits them.
 */
#include <exec/shebang.h>
#include <exec/stack.h>

#include "khost.h"

#define TOP 0x7ffffffde000ull

static uint64_t rd64(uint8_t *buf, size_t len, uint64_t addr)
{
	uint64_t v;
	memcpy(&v, buf + (addr - (TOP - len)), 8);
	return v;
}

static const char *rdstr(uint8_t *buf, size_t len, uint64_t addr)
{
	return (const char *)buf + (addr - (TOP - len));
}

static void strv(struct exec_strv *v, const char *const *s)
{
	exec_strv_init(v, 1024);
	for (; *s; s++)
		if (exec_strv_push(v, kh_str(*s)))
			abort();
}

static uint64_t auxv_get(uint8_t *buf, size_t len, uint64_t auxv, uint64_t id)
{
	for (int i = 0; i < 64; i++) {
		uint64_t k = rd64(buf, len, auxv + 16 * i);
		if (k == id)
			return rd64(buf, len, auxv + 16 * i + 8);
		if (k == AT_NULL)
			break;
	}
	return ~0ull;
}

KTEST(stack, layout_as_linux)
{
	static uint8_t buf[8192];
	uint8_t rnd[16] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16 };
	struct exec_strv argv, envp;
	strv(&argv, (const char *const[]){ "/bin/sh", "-c", "echo hello", NULL });
	strv(&envp, (const char *const[]){ "HOME=/", "TERM=linux", NULL });
	struct exec_stack_in in = { .stack_top = TOP, .argv = &argv, .envp = &envp,
				    .execfn = kh_str("/init"), .random = kh_bytes(rnd, 16),
				    .phdr = 0x400040, .phent = 56, .phnum = 10, .entry = 0x40ebf0,
				    .uid = 0, .euid = 0, .gid = 0, .egid = 0 };
	struct exec_stack_out out;
	KT_ASSERT(kt, exec_stack_build(kh_bytes(buf, sizeof buf), &in, &out) == 0);
	KT_EXPECT(kt, out.sp % 16 == 0 && out.sp > TOP - sizeof buf);
	KT_EXPECT(kt, rd64(buf, sizeof buf, out.sp) == 3);
	KT_EXPECT(kt, !strcmp(rdstr(buf, sizeof buf, rd64(buf, sizeof buf, out.sp + 8)), "/bin/sh"));
	KT_EXPECT(kt, !strcmp(rdstr(buf, sizeof buf, rd64(buf, sizeof buf, out.sp + 24)), "echo hello"));
	KT_EXPECT(kt, rd64(buf, sizeof buf, out.sp + 32) == 0);
	KT_EXPECT(kt, out.envp == out.sp + 40);
	KT_EXPECT(kt, !strcmp(rdstr(buf, sizeof buf, rd64(buf, sizeof buf, out.envp + 8)), "TERM=linux"));
	KT_EXPECT(kt, rd64(buf, sizeof buf, out.envp + 16) == 0);
	KT_EXPECT(kt, out.auxv == out.envp + 24);
	KT_EXPECT(kt, auxv_get(buf, sizeof buf, out.auxv, AT_PAGESZ) == 4096);
	KT_EXPECT(kt, auxv_get(buf, sizeof buf, out.auxv, AT_PHDR) == 0x400040);
	KT_EXPECT(kt, auxv_get(buf, sizeof buf, out.auxv, AT_PHNUM) == 10);
	KT_EXPECT(kt, auxv_get(buf, sizeof buf, out.auxv, AT_ENTRY) == 0x40ebf0);
	KT_EXPECT(kt, auxv_get(buf, sizeof buf, out.auxv, AT_SECURE) == 0);
	uint64_t r = auxv_get(buf, sizeof buf, out.auxv, AT_RANDOM);
	KT_EXPECT(kt, r == out.random && !memcmp(rdstr(buf, sizeof buf, r), rnd, 16));
	KT_EXPECT(kt, !strcmp(rdstr(buf, sizeof buf, auxv_get(buf, sizeof buf, out.auxv, AT_EXECFN)), "/init"));
	KT_EXPECT(kt, !strcmp(rdstr(buf, sizeof buf, auxv_get(buf, sizeof buf, out.auxv, AT_PLATFORM)), "x86_64"));
	/* the strings: argv lowest, then envp, then execfn, then the zero top word */
	KT_EXPECT(kt, out.arg_start < out.arg_end && out.arg_end == out.env_start);
	KT_EXPECT(kt, out.env_end == out.execfn && out.execfn + 6 == TOP - 8);
	KT_EXPECT(kt, !memcmp(rdstr(buf, sizeof buf, out.arg_start), "/bin/sh\0-c\0echo hello\0HOME=/", 29));
	KT_EXPECT(kt, rd64(buf, sizeof buf, TOP - 8) == 0);
	KT_EXPECT(kt, out.random < out.platform && out.platform < out.arg_start);
	exec_strv_destroy(&argv);
	exec_strv_destroy(&envp);
}

KTEST(stack, too_big_and_bad_args)
{
	static uint8_t buf[256];
	uint8_t rnd[16] = { 0 };
	struct exec_strv argv, envp;
	strv(&argv, (const char *const[]){ "a-rather-long-argument-string-number-one",
					   "a-rather-long-argument-string-number-two", NULL });
	strv(&envp, (const char *const[]){ NULL });
	struct exec_stack_in in = { .stack_top = TOP, .argv = &argv, .envp = &envp,
				    .execfn = kh_str("/x"), .random = kh_bytes(rnd, 16) };
	struct exec_stack_out out;
	KT_EXPECT(kt, exec_stack_build(kh_bytes(buf, sizeof buf), &in, &out) == -E2BIG);
	for (size_t n = 0; n < sizeof buf; n++) /* every smaller stack fails cleanly or fits */
		(void)exec_stack_build(kh_bytes(buf, n), &in, &out);
	static uint8_t big[4096];
	KT_EXPECT(kt, exec_stack_build(kh_bytes(big, sizeof big), &in, &out) == 0);
	in.stack_top = TOP + 8;
	KT_EXPECT(kt, exec_stack_build(kh_bytes(big, sizeof big), &in, &out) == -EINVAL);
	in.stack_top = 1024;
	KT_EXPECT(kt, exec_stack_build(kh_bytes(big, sizeof big), &in, &out) == -EINVAL);
	in.stack_top = TOP;
	in.random = kh_bytes(rnd, 15);
	KT_EXPECT(kt, exec_stack_build(kh_bytes(big, sizeof big), &in, &out) == -EINVAL);
	exec_strv_destroy(&argv);
	exec_strv_destroy(&envp);
}

static int sb(const char *line, struct shebang *s)
{
	return shebang_parse(kh_bytes((uint8_t *)(uintptr_t)line, strlen(line)), s);
}

KTEST(shebang, lines)
{
	struct shebang s;
	KT_EXPECT(kt, sb("\x7f" "ELF", &s) == 0);
	KT_EXPECT(kt, sb("#", &s) == 0);
	KT_EXPECT(kt, sb("#!/bin/sh\necho hi\n", &s) == 1 && kh_str_is(s.interp, "/bin/sh") && !s.has_arg);
	KT_EXPECT(kt, sb("#! /bin/sh -e  \n", &s) == 1 && kh_str_is(s.interp, "/bin/sh") &&
			      s.has_arg && kh_str_is(s.arg, "-e"));
	KT_EXPECT(kt, sb("#!/usr/bin/env python3 -u\n", &s) == 1 && kh_str_is(s.arg, "python3 -u"));
	KT_EXPECT(kt, sb("#!\t/bin/busybox\tsh", &s) == 1 && kh_str_is(s.interp, "/bin/busybox") &&
			      kh_str_is(s.arg, "sh"));
	KT_EXPECT(kt, sb("#!\n", &s) == -ENOEXEC);
	KT_EXPECT(kt, sb("#!   \t \n/bin/sh", &s) == -ENOEXEC);
	/* a line longer than the buffer: fine when the name fits, refused when it is cut */
	char longline[400];
	memset(longline, 'a', sizeof longline);
	memcpy(longline, "#!/bin/sh ", 10);
	longline[399] = 0;
	KT_EXPECT(kt, sb(longline, &s) == 1 && str_len(s.arg) == 256 - 10);
	memcpy(longline, "#!/bin/shh", 10);
	KT_EXPECT(kt, sb(longline, &s) == -ENOEXEC);
}

KTEST(shebang, argv)
{
	struct shebang s;
	struct exec_strv argv, out;
	KT_ASSERT(kt, sb("#!/bin/sh -x\n", &s) == 1);
	strv(&argv, (const char *const[]){ "script", "one", "two", NULL });
	exec_strv_init(&out, 16);
	KT_ASSERT(kt, shebang_argv(&s, kh_str("/init"), &argv, &out) == 0);
	KT_EXPECT(kt, exec_strv_len(&out) == 5);
	KT_EXPECT(kt, kh_str_is(exec_strv_get(&out, 0).value, "/bin/sh"));
	KT_EXPECT(kt, kh_str_is(exec_strv_get(&out, 1).value, "-x"));
	KT_EXPECT(kt, kh_str_is(exec_strv_get(&out, 2).value, "/init"));
	KT_EXPECT(kt, kh_str_is(exec_strv_get(&out, 4).value, "two"));
	exec_strv_destroy(&out);
	exec_strv_init(&out, 3);
	KT_EXPECT(kt, shebang_argv(&s, kh_str("/init"), &argv, &out) == -E2BIG);
	exec_strv_destroy(&out);
	exec_strv_destroy(&argv);
}
