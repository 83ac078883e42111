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
	default:
		break;
	}
	free(copy);
	return 0;
}
