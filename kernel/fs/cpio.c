/*
 * cpio.c — the newc/crc cpio reader (fs/cpio.h): the initramfs format, read as a stream from
 * the boot module's segments (uncompressed archives and gzip members, fs/inflate.h), with a
 * sticky error. Each header is 110 ASCII bytes: the magic "070701" (or
 * "070702", whose check field is the byte sum of the data), then 13 fields of eight hex
 * digits (ino, mode, uid, gid, nlink, mtime, filesize, devmajor, devminor, rdevmajor,
 * rdevminor, namesize, check); then the name with its NUL, padded to 4 bytes from the
 * archive start; then the data, padded likewise. A name "TRAILER!!!" ends one archive.
 */
#include <fs/cpio.h>
#include <fs/inflate.h>
#include <fw/heap.h>

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

enum cpio_seg {
	CPIO_SEG_NONE, /* between segments: the next starts at seg_start */
	CPIO_SEG_RAW,  /* an uncompressed archive, read through `raw` */
	CPIO_SEG_GZIP, /* a gzip member, read through `z` */
};

struct cpio_reader {
	struct bytes module;
	size_t seg_start;         /* the current (or next) segment's offset in the module */
	enum cpio_seg seg;
	struct bytes_cursor raw;  /* CPIO_SEG_RAW: the module from seg_start */
	struct inflate *z;        /* CPIO_SEG_GZIP (allocated at the first such segment) */
	u64 seg_pos;              /* bytes read from the segment's stream: padding is to 4 */
	bool in_archive;          /* a header read since the segment's last trailer */
	bool entry_open;          /* an entry returned whose data and padding may be unread */
	bool crc_format;          /* the current entry is a 070702 one */
	u32 data_left;
	u32 sum;                  /* byte sum of the current entry's data read so far */
	u32 check;
	size_t archives;          /* trailers seen so far */
	int err;                  /* sticky: the first error returned */
	bool done;                /* the end was reported */
	u8 hdr[CPIO_HDR_LEN];
	u8 name[CPIO_PATH_MAX];
	u8 link[CPIO_PATH_MAX];
};

DEFINE_TYPE_CACHE(cpio_reader_cache, struct cpio_reader);
DEFINE_TYPE_CACHE(cpio_inflate_cache, struct inflate);

struct cpio_reader *cpio_reader_new(struct bytes archive)
{
	struct cpio_reader *r = KNEW(cpio_reader_cache);
	if (r)
		r->module = archive; /* the rest is zero: no segment yet, no error */
	return r;
}

void cpio_reader_free(struct cpio_reader *r)
{
	if (!r)
		return;
	KFREE(cpio_inflate_cache, r->z);
	KFREE(cpio_reader_cache, r);
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

static int fail(struct cpio_reader *r, int err)
{
	if (!r->err)
		r->err = err;
	return r->err;
}

/* --- the segment's byte stream --------------------------------------------------------------- */

/* stream_take - the next at most `max` bytes of the segment (empty at its end). */
static struct bytes_result stream_take(struct cpio_reader *r, size_t max)
{
	struct bytes_result b;
	if (r->seg == CPIO_SEG_GZIP) {
		b = inflate_read(r->z, max);
		if (b.err)
			return bytes_result_err(fail(r, b.err));
	} else {
		size_t n = cursor_remaining(&r->raw);
		b = bytes_result_ok(cursor_take(&r->raw, n < max ? n : max));
	}
	r->seg_pos += bytes_len(b.value);
	return b;
}

/* read_exact - fill `dst` from the stream; -EINVAL when it ends first. */
static int read_exact(struct cpio_reader *r, struct bytes dst)
{
	size_t done = 0;
	while (done < bytes_len(dst)) {
		struct bytes_result b = stream_take(r, bytes_len(dst) - done);
		if (b.err)
			return b.err;
		size_t n = bytes_len(b.value);
		if (n == 0)
			return fail(r, -EINVAL);
		bytes_copy(bytes_sub(dst, done, n).value, b.value);
		done += n;
	}
	return 0;
}

/* align4 - skip the padding to the next multiple of 4 from the segment's start. */
static int align4(struct cpio_reader *r)
{
	u8 pad[4];
	size_t n = (size_t)((4u - r->seg_pos % 4u) % 4u);
	return read_exact(r, bytes_head(BYTES_OF_ARRAY(pad), n));
}

/* start_segment - past zero bytes, the next segment: 1; 0 at the module's end; an error for
 * bytes that start none (or a module with no archive at all). */
static int start_segment(struct cpio_reader *r)
{
	size_t len = bytes_len(r->module);
	while (r->seg_start < len && bytes_u8(r->module, r->seg_start).value == 0)
		r->seg_start++;
	if (r->seg_start >= len) {
		if (!r->archives)
			return fail(r, -EINVAL); /* an empty module, or only zeros */
		r->done = true;
		return 0;
	}
	struct bytes rest = bytes_skip(r->module, r->seg_start).value;
	r->seg_pos = 0;
	r->in_archive = false;
	if (inflate_is_gzip(rest)) {
		if (!r->z)
			r->z = KNEW(cpio_inflate_cache);
		if (!r->z)
			return fail(r, -ENOMEM);
		inflate_init(r->z, rest);
		r->seg = CPIO_SEG_GZIP;
		return 1;
	}
	if (r->seg_start % 4 == 0 && bytes_u8(rest, 0).value == '0') {
		r->raw = bytes_cursor(rest);
		r->seg = CPIO_SEG_RAW;
		return 1;
	}
	return fail(r, -EINVAL); /* another compression, or junk */
}

/* end_segment - the segment's stream is used up (a gzip member) or its archive ended (an
 * uncompressed one): the next segment starts after the bytes it took. */
static void end_segment(struct cpio_reader *r)
{
	if (r->seg == CPIO_SEG_GZIP)
		r->seg_start += inflate_consumed(r->z);
	else
		r->seg_start += cursor_pos(&r->raw);
	r->seg = CPIO_SEG_NONE;
}

/* read_header - the next 110-byte header into r->hdr: 1; 0 when a gzip member's stream ends
 * at a header's place (zero bytes between archives are skipped there); an error. */
static int read_header(struct cpio_reader *r)
{
	struct bytes hdr = BYTES_OF_ARRAY(r->hdr);
	if (r->seg == CPIO_SEG_RAW)
		return read_exact(r, hdr) ? r->err : 1;
	for (;;) {
		struct bytes_result b = stream_take(r, 1);
		if (b.err)
			return b.err;
		if (bytes_len(b.value) == 0)
			return 0;
		u8 c = bytes_u8(b.value, 0).value;
		if (c == 0)
			continue;
		if ((r->seg_pos - 1) % 4 != 0)
			return fail(r, -EINVAL); /* a header must start at a multiple of 4 */
		bytes_put_u8(hdr, 0, c);
		return read_exact(r, bytes_skip(hdr, 1).value) ? r->err : 1;
	}
}

struct bytes_result cpio_read_data(struct cpio_reader *r)
{
	if (r->err)
		return bytes_result_err(r->err);
	if (r->data_left == 0)
		return bytes_result_ok(bytes_empty());
	struct bytes_result b = stream_take(r, r->data_left);
	if (b.err)
		return b;
	size_t n = bytes_len(b.value);
	if (n == 0)
		return bytes_result_err(fail(r, -EINVAL)); /* the input ends inside the data */
	r->data_left -= (u32)n;
	if (r->crc_format) {
		r->sum += byte_sum(b.value);
		if (r->data_left == 0 && r->sum != r->check)
			return bytes_result_err(fail(r, -EINVAL));
	}
	return b;
}

/* finish_entry - the unread data of the entry returned last, and its padding. */
static int finish_entry(struct cpio_reader *r)
{
	if (!r->entry_open)
		return 0;
	for (;;) {
		struct bytes_result b = cpio_read_data(r);
		if (b.err)
			return b.err;
		if (bytes_len(b.value) == 0)
			break;
	}
	r->entry_open = false;
	return align4(r);
}

int cpio_next(struct cpio_reader *r, struct cpio_entry *e)
{
	*e = (struct cpio_entry){ 0 };
	if (r->err)
		return r->err;
	if (r->done)
		return 0;
	if (finish_entry(r))
		return r->err;
	for (;;) {
		if (r->seg == CPIO_SEG_NONE) {
			int k = start_segment(r);
			if (k <= 0)
				return k;
		}
		int k = read_header(r);
		if (k < 0)
			return k;
		if (k == 0) {
			if (r->in_archive)
				return fail(r, -EINVAL); /* the member ends inside an archive */
			end_segment(r);
			continue;
		}
		struct bytes hdr = BYTES_OF_ARRAY(r->hdr);
		struct str magic = str_from_bytes(bytes_head(hdr, CPIO_MAGIC_LEN));
		bool crc = str_eq(magic, STR("070702"));
		if (!crc && !str_eq(magic, STR("070701")))
			return fail(r, -EINVAL);
		struct cpio_fields fl;
		if (parse_fields(hdr, &fl))
			return fail(r, -EINVAL);
		r->in_archive = true;

		u32 namesize = fl.v[CPIO_F_NAMESIZE];
		if (namesize < 2)
			return fail(r, -EINVAL); /* at least one byte of name and the NUL */
		if (namesize > CPIO_PATH_MAX)
			return fail(r, -ENAMETOOLONG);
		struct bytes name_nul = bytes_head(BYTES_OF_ARRAY(r->name), namesize);
		if (read_exact(r, name_nul) || align4(r))
			return r->err;
		/* The name ends in its one NUL and holds no other. */
		struct result_size nul = bytes_find(name_nul, 0, 0);
		if (nul.err || nul.value != namesize - 1)
			return fail(r, -EINVAL);
		struct str name = str_from_bytes(bytes_head(name_nul, namesize - 1));

		r->crc_format = crc;
		r->sum = 0;
		r->check = fl.v[CPIO_F_CHECK];
		r->data_left = fl.v[CPIO_F_FILESIZE];
		r->entry_open = true;
		if (str_eq(name, STR("TRAILER!!!"))) {
			if (finish_entry(r))
				return r->err;
			r->archives++;
			r->in_archive = false;
			/* An uncompressed archive is one segment; a gzip member may hold more. */
			if (r->seg == CPIO_SEG_RAW)
				end_segment(r);
			continue;
		}
		u32 mode = fl.v[CPIO_F_MODE];
		if (!known_type(mode))
			return fail(r, -EINVAL);
		u32 size = fl.v[CPIO_F_FILESIZE];
		struct bytes data = bytes_empty();
		if ((mode & CPIO_S_IFMT) == CPIO_S_IFLNK) {
			if (size == 0 || size >= CPIO_PATH_MAX)
				return fail(r, -EINVAL);
			data = bytes_head(BYTES_OF_ARRAY(r->link), size);
			size_t got = 0;
			while (got < size) {
				struct bytes_result b = cpio_read_data(r);
				if (b.err)
					return b.err;
				bytes_copy(bytes_sub(data, got, bytes_len(b.value)).value, b.value);
				got += bytes_len(b.value);
			}
		}
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
			.size = size,
			.data = data,
		};
		return 1;
	}
}
