/*
 * tests/kernel/fuzz_kernel.c — libFuzzer target for the kernel services that read hostile
 * input. The first byte of an input picks the parser, the rest is its input:
 *   0  the cpio reader (kernel/fs/cpio.c): walk every entry; sizes must stay inside the input
 *   1  the ELF loader's plan (kernel/exec/elf.c): a plan it accepts must satisfy its own
 *      invariants (segments ordered, inside the file and the user half, filesz <= memsz)
 *   2  the #! line parser (kernel/exec/shebang.c)
 *   3  the initial stack builder (kernel/exec/stack.c) with fuzzed argv/envp strings
 * Any out-of-bounds access, UB, failed FW_CHECK or broken invariant is a crash.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <exec/elf.h>
#include <exec/shebang.h>
#include <exec/stack.h>
#include <fs/cpio.h>

#include "khost.h"

static void fuzz_cpio(struct bytes in)
{
	struct cpio_reader r;
	struct cpio_entry e;
	size_t total = 0;
	int k;
	cpio_reader_init(&r, in);
	while ((k = cpio_next(&r, &e)) > 0) {
		total += bytes_len(e.data) + str_len(e.name);
		if (str_len(e.name) == 0 || str_len(e.name) >= CPIO_PATH_MAX)
			abort();
		if (total > bytes_len(in))
			abort();
	}
	if (cpio_next(&r, &e) != k)
		abort(); /* the end and errors are sticky */
}

static void fuzz_elf(struct bytes in)
{
	struct elf_plan p;
	if (elf_plan_load(in, bytes_len(in), 0x555555554000ull, &p))
		return;
	uint64_t prev_end = 0;
	if (p.nsegs == 0 || p.nsegs > ELF_MAX_LOADS)
		abort();
	for (uint32_t i = 0; i < p.nsegs; i++) {
		struct elf_segment s = p.segs[i];
		if (s.filesz > s.memsz || s.offset + s.filesz > bytes_len(in) ||
		    s.offset + s.filesz < s.offset || s.vaddr < prev_end ||
		    s.vaddr + s.memsz > ELF_USER_END || s.vaddr < ELF_USER_MIN ||
		    (s.vaddr & 4095) != (s.offset & 4095))
			abort();
		prev_end = s.vaddr + s.memsz;
	}
	if (p.brk_start < prev_end || p.brk_start % 4096 || p.entry < p.lowest)
		abort();
}

static void fuzz_shebang(struct bytes in)
{
	struct shebang sb;
	int r = shebang_parse(in, &sb);
	if (r == 1 && (str_len(sb.interp) == 0 || str_len(sb.interp) + str_len(sb.arg) > 256))
		abort();
	if (r == 1) {
		struct exec_strv argv, out;
		exec_strv_init(&argv, 4);
		exec_strv_init(&out, 8);
		if (exec_strv_push(&argv, sb.interp) || shebang_argv(&sb, sb.arg, &argv, &out))
			abort();
		exec_strv_destroy(&argv);
		exec_strv_destroy(&out);
	}
}

/* fuzz_stack - bytes 0-1: the stack size; then NUL-separated strings, the first half argv. */
static void fuzz_stack(struct bytes in)
{
	static uint8_t buf[65536];
	static uint8_t rnd[16];
	size_t size = (bytes_le16(in, 0).value) % sizeof buf;
	struct bytes rest = bytes_skip(in, 2).value;
	struct exec_strv argv, envp;
	exec_strv_init(&argv, 1 << 16);
	exec_strv_init(&envp, 1 << 16);
	struct str s = str_from_bytes(rest), tok;
	size_t n = 0;
	while (str_split_next(&s, 0, &tok))
		if (exec_strv_push(n++ % 2 ? &envp : &argv, tok))
			abort();
	struct exec_stack_in si = { .stack_top = 0x7ffffffde000ull, .argv = &argv, .envp = &envp,
				    .execfn = STR("/init"), .random = kh_bytes(rnd, 16) };
	struct exec_stack_out so;
	if (exec_stack_build(kh_bytes(buf + sizeof buf - size, size), &si, &so) == 0 &&
	    (so.sp % 16 || so.sp < si.stack_top - size || so.argc != exec_strv_len(&argv)))
		abort();
	exec_strv_destroy(&argv);
	exec_strv_destroy(&envp);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	uint8_t *copy = malloc(size);
	memcpy(copy, data, size);
	struct bytes in = kh_bytes(copy + 1, size - 1);
	switch (data[0] % 4) {
	case 0:
		fuzz_cpio(in);
		break;
	case 1:
		fuzz_elf(in);
		break;
	case 2:
		fuzz_shebang(in);
		break;
	default:
		fuzz_stack(in);
		break;
	}
	free(copy);
	return 0;
}
