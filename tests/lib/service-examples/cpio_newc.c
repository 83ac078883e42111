/* safecheck-expect: accept
 *
 * cpio_newc.c — service example: walk an initramfs in cpio "newc" format (the SVR4 ASCII
 * header: "070701", then 13 eight-digit hex fields, the name, padding to 4, the data,
 * padding to 4) using only fw/bytes.h and fw/str.h: no header struct is cast over the
 * bytes, every field is read through a bounds-checked cursor, and every size the archive
 * claims is checked against the bytes that are really there.
 *
 * Classic unsafe alternative (rejected: bad/cpio_cast.c): `struct cpio_hdr *h = (void *)p;`
 * then `p += sizeof *h + namesize` with no bounds.
 */
#include <fw/bytes.h>
#include <fw/str.h>

#include "examples.h"

#define CPIO_HDR_LEN 110
#define CPIO_FIELD_LEN 8
#define CPIO_MODE_TYPE 0170000
#define CPIO_MODE_REG 0100000

/* hex_field - the i-th eight-digit hex field after the 6-byte magic. */
static struct result_u64 hex_field(struct bytes hdr, unsigned i)
{
	struct bytes_result f = bytes_sub(hdr, 6 + (size_t)i * CPIO_FIELD_LEN, CPIO_FIELD_LEN);
	if (f.err)
		return result_u64_err(f.err);
	return str_parse_u64(str_from_bytes(f.value), 16);
}

int cpio_scan(struct bytes archive, struct str want, struct cpio_summary *out)
{
	struct bytes_cursor c = bytes_cursor(archive);
	*out = (struct cpio_summary){ .entries = 0, .total_bytes = 0, .want_size = -1 };
	for (;;) {
		struct bytes hdr = cursor_take(&c, CPIO_HDR_LEN);
		if (cursor_err(&c))
			return -EINVAL;
		if (!str_eq(str_from_bytes(bytes_head(hdr, 6)), STR("070701")))
			return -EINVAL;
		struct result_u64 mode = hex_field(hdr, 1);
		struct result_u64 filesize = hex_field(hdr, 6);
		struct result_u64 namesize = hex_field(hdr, 11);
		if (mode.err || filesize.err || namesize.err || namesize.value == 0)
			return -EINVAL;
		struct bytes name_nul = cursor_take(&c, namesize.value);
		cursor_align(&c, 4);
		struct bytes data = cursor_take(&c, filesize.value);
		cursor_align(&c, 4);
		if (cursor_err(&c))
			return -EINVAL;
		/* The name is stored with its NUL; the text is everything before it. */
		struct str name = str_from_bytes(bytes_head(name_nul, namesize.value - 1));
		if (str_eq(name, STR("TRAILER!!!")))
			return 0;
		if ((mode.value & CPIO_MODE_TYPE) == CPIO_MODE_REG) {
			out->entries++;
			out->total_bytes += bytes_len(data);
			if (str_eq(name, want))
				out->want_size = (int64_t)bytes_len(data);
		}
	}
}
