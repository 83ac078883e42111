/*
 * cpio.c — the newc/crc cpio reader (fs/cpio.h): the initramfs format, parsed from a bounded
 * slice with a sticky-error cursor. Each header is 110 ASCII bytes: the magic "070701" (or
 * "070702", whose check field is the byte sum of the data), then 13 fields of eight hex
 * digits (ino, mode, uid, gid, nlink, mtime, filesize, devmajor, devminor, rdevmajor,
 * rdevminor, namesize, check); then the name with its NUL, padded to 4 bytes from the
 * archive start; then the data, padded likewise. A name "TRAILER!!!" ends one archive.
 */
#include <fs/cpio.h>

#define CPIO_HDR_LEN 110u
#define CPIO_MAGIC_LEN 6u
#define CPIO_FIELD_LEN 8u

enum cpio_field {
	CPIO_F_INO,
	CPIO_F_MODE,
	CPIO_F_UID,
	CPIO_F_GID,
	CPIO_F_NLINK,
	CPIO_F_MTIME,
	CPIO_F_FILESIZE,
	CPIO_F_DEVMAJOR,
	CPIO_F_DEVMINOR,
	CPIO_F_RDEVMAJOR,
	CPIO_F_RDEVMINOR,
	CPIO_F_NAMESIZE,
	CPIO_F_CHECK,
	CPIO_NFIELDS,
};

struct cpio_fields {
	u32 v[CPIO_NFIELDS];
};

void cpio_reader_init(struct cpio_reader *r, struct bytes archive)
{
	r->cur = bytes_cursor(archive);
	r->archives = 0;
	r->done = false;
	r->err = 0;
}

static int hex_digit(u8 c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* parse_fields - the 13 hex fields of a header; -EINVAL unless each is exactly 8 hex digits
 * (str_parse_u64 would accept a leading '+', the archive format does not). */
static int parse_fields(struct bytes hdr, struct cpio_fields *out)
{
	for (unsigned i = 0; i < CPIO_NFIELDS; i++) {
		u32 v = 0;
		for (unsigned d = 0; d < CPIO_FIELD_LEN; d++) {
			struct result_u8 c = bytes_u8(hdr, CPIO_MAGIC_LEN + i * CPIO_FIELD_LEN + d);
			int x = c.err ? -1 : hex_digit(c.value);
			if (x < 0)
				return -EINVAL;
			v = (v << 4) | (u32)x;
		}
		out->v[i] = v;
	}
	return 0;
}

static bool known_type(u32 mode)
{
	switch (mode & CPIO_S_IFMT) {
	case CPIO_S_IFSOCK:
	case CPIO_S_IFLNK:
	case CPIO_S_IFREG:
	case CPIO_S_IFBLK:
	case CPIO_S_IFDIR:
	case CPIO_S_IFCHR:
	case CPIO_S_IFIFO:
		return true;
	default:
		return false;
	}
}

static u32 byte_sum(struct bytes b)
{
	u32 sum = 0;
	for (size_t i = 0; i < bytes_len(b); i++)
		sum += bytes_u8(b, i).value;
	return sum;
}

/* only_zeros - every byte of `b` is zero (trailing padding after the last archive). */
static bool only_zeros(struct bytes b)
{
	for (size_t i = 0; i < bytes_len(b); i++)
		if (bytes_u8(b, i).value)
			return false;
	return true;
}

/* skip_zero_words - skip the zero padding Linux allows between concatenated archives, in
 * 4-byte steps as its unpacker does. */
static void skip_zero_words(struct bytes_cursor *c)
{
	while (cursor_remaining(c) >= 4) {
		struct bytes_cursor peek = *c;
		if (cursor_le32(&peek) != 0)
			return;
		*c = peek;
	}
}

static int fail(struct cpio_reader *r, int err)
{
	r->err = err;
	return err;
}

int cpio_next(struct cpio_reader *r, struct cpio_entry *e)
{
	*e = (struct cpio_entry){ 0 };
	if (r->err)
		return r->err;
	if (r->done)
		return 0;
	for (;;) {
		if (cursor_remaining(&r->cur) == 0)
			return fail(r, -EINVAL); /* an empty archive, or one without a trailer */

		struct bytes hdr = cursor_take(&r->cur, CPIO_HDR_LEN);
		if (cursor_err(&r->cur))
			return fail(r, -EINVAL);
		struct str magic = str_from_bytes(bytes_head(hdr, CPIO_MAGIC_LEN));
		bool crc = str_eq(magic, STR("070702"));
		if (!crc && !str_eq(magic, STR("070701")))
			return fail(r, -EINVAL);
		struct cpio_fields fl;
		if (parse_fields(hdr, &fl))
			return fail(r, -EINVAL);

		u32 namesize = fl.v[CPIO_F_NAMESIZE];
		if (namesize < 2)
			return fail(r, -EINVAL); /* at least one byte of name and the NUL */
		if (namesize > CPIO_PATH_MAX)
			return fail(r, -ENAMETOOLONG);
		struct bytes name_nul = cursor_take(&r->cur, namesize);
		cursor_align(&r->cur, 4);
		struct bytes data = cursor_take(&r->cur, fl.v[CPIO_F_FILESIZE]);
		cursor_align(&r->cur, 4);
		if (cursor_err(&r->cur))
			return fail(r, -EINVAL);
		/* The name ends in its one NUL and holds no other. */
		struct result_size nul = bytes_find(name_nul, 0, 0);
		if (nul.err || nul.value != namesize - 1)
			return fail(r, -EINVAL);
		struct str name = str_from_bytes(bytes_head(name_nul, namesize - 1));

		if (crc && byte_sum(data) != fl.v[CPIO_F_CHECK])
			return fail(r, -EINVAL);
		if (str_eq(name, STR("TRAILER!!!"))) {
			r->archives++;
			/* Zero padding to the end, or another archive (aligned from its own start). */
			struct bytes rest = cursor_take(&r->cur, cursor_remaining(&r->cur));
			if (only_zeros(rest)) {
				r->done = true;
				return 0;
			}
			r->cur = bytes_cursor(rest);
			skip_zero_words(&r->cur);
			continue;
		}
		u32 mode = fl.v[CPIO_F_MODE];
		if (!known_type(mode))
			return fail(r, -EINVAL);
		if ((mode & CPIO_S_IFMT) == CPIO_S_IFLNK &&
		    (bytes_len(data) == 0 || bytes_len(data) >= CPIO_PATH_MAX))
			return fail(r, -EINVAL);
		*e = (struct cpio_entry){
			.name = name,
			.ino = fl.v[CPIO_F_INO],
			.mode = mode,
			.uid = fl.v[CPIO_F_UID],
			.gid = fl.v[CPIO_F_GID],
			.nlink = fl.v[CPIO_F_NLINK],
			.mtime = fl.v[CPIO_F_MTIME],
			.rdev_major = fl.v[CPIO_F_RDEVMAJOR],
			.rdev_minor = fl.v[CPIO_F_RDEVMINOR],
			.data = data,
		};
		return 1;
	}
}
