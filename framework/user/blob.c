/*
 * user/blob.c — embedded blobs (fw/blob.h) and the clean power-off the example kernels end with.
 *
 * Each blob object (tools/mkblob.sh) adds one `struct fwblob` descriptor to .fwblob, which the
 * linker script gathers between __fwblob_start and __fwblob_end; the data itself is in .rodata.
 */
#include <fw/blob.h>
#include <fw/heap.h>
#include <fw/str.h>

#include "internal/fault_inject.h"
#include "internal/power.h"

struct fwblob {
	const char *name;
	u64 name_len;
	const u8 *data;
	u64 len;
};

extern const struct fwblob __fwblob_start[], __fwblob_end[];

struct bytes_result fw_blob_copy(struct str name)
{
	/* SAFETY: walks the linker-bounded descriptor array; each descriptor's name and data
	 * point into the image's read-only data with the lengths mkblob.sh recorded. */
	for (const struct fwblob *b = __fwblob_start; b < __fwblob_end; b++) {
		struct str bn = { .ptr = b->name, .len = b->name_len };
		if (!str_eq(bn, name))
			continue;
		struct bytes_result buf = kbuf_alloc(b->len);
		if (buf.err)
			return buf;
		/* SAFETY: the source is the blob's len bytes (see above); the cast drops const
		 * only to build a source slice that is only read. */
		int err = bytes_copy(buf.value, __fw_bytes_raw((u8 *)(uintptr_t)b->data, b->len));
		if (err) {
			kbuf_free(buf.value);
			return bytes_result_err(err);
		}
		return buf;
	}
	return bytes_result_err(-ENOENT);
}

void fw_power_off(void)
{
	fault_inject_report();
	power_exit(POWER_EXIT_OK);
}
