/*
 * user/blob.c — embedded blobs (fw/blob.h) and the clean power-off the example kernels end with.
 *
 * Each blob object (tools/mkblob.sh) adds one `struct fwblob` descriptor to .fwblob, which the
 * linker script gathers between __fwblob_start and __fwblob_end; the data itself is in .rodata.
 */
#include <fw/blob.h>
#include <fw/heap.h>
#include <fw/str.h>

#include "internal/bootinfo.h"
#include "internal/fault_inject.h"
#include "internal/mm.h"
#include "internal/power.h"
#include "internal/profile.h"

struct fwblob {
	const char *name;
	u64 name_len;
	const u8 *data;
	u64 len;
};

extern const struct fwblob __fwblob_start[], __fwblob_end[];

int fw_blob_copy(struct kbuf *out, struct str name)
{
	/* SAFETY: walks the linker-bounded descriptor array; each descriptor's name and data
	 * point into the image's read-only data with the lengths mkblob.sh recorded. */
	for (const struct fwblob *b = __fwblob_start; b < __fwblob_end; b++) {
		struct str bn = { .ptr = b->name, .len = b->name_len };
		if (!str_eq(bn, name))
			continue;
		int err = kbuf_alloc(out, b->len);
		if (err)
			return err;
		/* SAFETY: the source is the blob's len bytes (see above); the cast drops const
		 * only to build a source slice that is only read. */
		err = bytes_copy(kbuf_bytes(out), __fw_bytes_raw((u8 *)(uintptr_t)b->data, b->len));
		if (err)
			kbuf_free(out);
		return err;
	}
	return -ENOENT;
}

void fw_power_off(void)
{
	fault_inject_report();
	/* heap.stats=1: every cache's live objects after init ended, for leak hunts (a fuzzer
	 * run's counts against a short run's: docs/fuzzing.md). */
	if (boot_cmdline_u64("heap.stats", 0))
		heap_print_stats();
	profile_report();
	power_exit(POWER_EXIT_OK);
}
