/*
 * inflate.c — the gzip/DEFLATE decoder of fs/inflate.h, written from RFC 1951 and RFC 1952.
 *
 * DEFLATE is a sequence of blocks: stored (raw bytes), or Huffman-coded literals and
 * (length, distance) back-references into the last 32 KiB of output, with the fixed code or
 * a code sent in the block header. The decoder is pulled: inflate_read decodes symbols into
 * a 64 KiB circular window until 32 KiB are waiting to be handed out (a symbol adds at most
 * 258), then hands out a contiguous piece. Bytes waiting never exceed 32 KiB + 258, so a
 * write never lands on a byte still waiting or within the 32 KiB a distance may reach.
 *
 * Huffman codes are canonical (RFC 1951 3.2.2): a code is rebuilt from its lengths alone.
 * Decoding looks the next INFLATE_FAST_BITS bits up in a table; a longer code (rare) is
 * decoded bit by bit from the per-length counts. Every index into a table is masked or
 * checked against the code's own limits, so hostile input only ever yields -EINVAL.
 */
#include <fs/inflate.h>

#define WIN_MASK (INFLATE_WIN_SIZE - 1u)
#define HISTORY 32768u        /* the farthest a distance reaches */
#define MAX_MATCH 258u
#define MAX_BITS 15u
#define FAST_MASK ((1u << INFLATE_FAST_BITS) - 1u)

/* gzip header flags (RFC 1952 2.3.1). */
#define GZ_FHCRC 0x02u
#define GZ_FEXTRA 0x04u
#define GZ_FNAME 0x08u
#define GZ_FCOMMENT 0x10u
#define GZ_RESERVED 0xe0u

/* Length codes 257..285: base length and extra bits; distance codes 0..29 likewise
 * (RFC 1951 3.2.5). */
static const u16 len_base[29] = { 3,  4,  5,  6,  7,  8,  9,  10, 11,  13,  15,  17,  19,  23, 27,
				  31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258 };
static const u8 len_extra[29] = { 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2,
				  2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0 };
static const u16 dist_base[30] = { 1,    2,    3,    4,    5,    7,     9,     13,    17,  25,
				   33,   49,   65,   97,   129,  193,   257,   385,   513, 769,
				   1025, 1537, 2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577 };
static const u8 dist_extra[30] = { 0, 0, 0, 0, 1, 1, 2, 2,  3,  3,  4,  4,  5,  5,  6,
				   6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13 };
/* The order the code-length code's lengths are sent in (RFC 1951 3.2.7). */
static const u8 clen_order[19] = { 16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15 };

bool inflate_is_gzip(struct bytes b)
{
	return bytes_len(b) >= 3 && bytes_u8(b, 0).value == 0x1f && bytes_u8(b, 1).value == 0x8b &&
	       bytes_u8(b, 2).value == 8;
}

void inflate_init(struct inflate *z, struct bytes in)
{
	z->in = in;
	z->in_pos = 0;
	z->bits = 0;
	z->nbits = 0;
	z->state = INFLATE_HEADER;
	z->last_block = false;
	z->stored_left = 0;
	z->err = 0;
	z->out_total = 0;
	z->out_read = 0;
	z->crc = 0xffffffffu;
	for (u32 n = 0; n < 256; n++) {
		u32 c = n;
		for (int k = 0; k < 8; k++)
			c = (c & 1u) ? 0xedb88320u ^ (c >> 1) : c >> 1;
		z->crc_table[n] = c;
	}
}

size_t inflate_consumed(const struct inflate *z)
{
	return z->in_pos - z->nbits / 8u;
}

static int fail(struct inflate *z)
{
	if (!z->err)
		z->err = -EINVAL;
	return z->err;
}

/* --- bits ------------------------------------------------------------------------------------ */

/* refill - load whole input bytes while at least 8 bits of room are left. */
static void refill(struct inflate *z)
{
	while (z->nbits <= 56 && z->in_pos < bytes_len(z->in)) {
		z->bits |= (u64)bytes_u8(z->in, z->in_pos).value << z->nbits;
		z->in_pos++;
		z->nbits += 8;
	}
}

/* need - at least n (<= 32) bits loaded; false (and the decoder failed) when the input ends. */
static bool need(struct inflate *z, u32 n)
{
	if (z->nbits < n)
		refill(z);
	if (z->nbits < n) {
		fail(z);
		return false;
	}
	return true;
}

/* take - the next n (<= 32) bits, least significant first; 0 after a failure (check z->err). */
static u32 take(struct inflate *z, u32 n)
{
	if (n == 0 || !need(z, n))
		return 0;
	u32 v = (u32)(z->bits & ((1ull << n) - 1u));
	z->bits >>= n;
	z->nbits -= n;
	return v;
}

/* align_byte - drop the bits left of the current byte (stored blocks, the trailer). */
static void align_byte(struct inflate *z)
{
	u32 drop = z->nbits % 8u;
	z->bits >>= drop;
	z->nbits -= drop;
}

/* --- Huffman codes --------------------------------------------------------------------------- */

static u32 reverse_bits(u32 code, u32 len)
{
	u32 r = 0;
	for (u32 i = 0; i < len; i++) {
		r = (r << 1) | (code & 1u);
		code >>= 1;
	}
	return r;
}

enum code_kind { CODE_LENGTHS, CODE_LITLEN, CODE_DIST };

/*
 * build - the canonical code of `n` symbols whose lengths (0: unused) are
 * z->lens[from..from+n).
 * An over-subscribed code is refused; an incomplete one too, except (as zlib) a literal or
 * distance code that is a single code of length 1, or a distance code with no codes at all
 * (a block of literals only). Returns 0 or -EINVAL.
 */
static int build(struct inflate *z, struct inflate_huff *h, u32 from, u32 n, enum code_kind kind)
{
	if (from > INFLATE_MAX_LENS || n > INFLATE_MAX_LENS - from || n > INFLATE_MAX_LITLEN)
		return -EINVAL;
	u16 offs[MAX_BITS + 1];
	for (u32 i = 0; i <= MAX_BITS; i++)
		h->count[i] = 0;
	for (u32 s = 0; s < n; s++)
		h->count[z->lens[from + s] & 15u]++;
	h->count[0] = 0;
	int left = 1;
	u32 used = 0;
	for (u32 len = 1; len <= MAX_BITS; len++) {
		left <<= 1;
		left -= h->count[len];
		used += h->count[len];
		if (left < 0)
			return -EINVAL;
	}
	if (left > 0) {
		bool single = used == 1 && h->count[1] == 1;
		if (kind == CODE_LENGTHS || !(single || (kind == CODE_DIST && used == 0)))
			return -EINVAL;
	}
	offs[1] = 0;
	for (u32 len = 1; len < MAX_BITS; len++)
		offs[len + 1] = (u16)(offs[len] + h->count[len]);
	for (u32 s = 0; s < n; s++) {
		u32 len = z->lens[from + s] & 15u;
		if (len)
			h->symbol[offs[len]++ % INFLATE_MAX_LITLEN] = (u16)s;
	}
	/* The fast table: walk the codes in canonical order. */
	for (u32 i = 0; i <= FAST_MASK; i++)
		h->fast[i] = 0;
	u32 code = 0;
	u32 index = 0;
	for (u32 len = 1; len <= INFLATE_FAST_BITS; len++) {
		for (u32 k = 0; k < h->count[len]; k++) {
			u32 sym = h->symbol[(index + k) % INFLATE_MAX_LITLEN];
			u32 rev = reverse_bits(code + k, len);
			for (u32 fill = rev; fill <= FAST_MASK; fill += 1u << len)
				h->fast[fill] = (u16)(sym << 4 | len);
		}
		index += h->count[len];
		code = (code + h->count[len]) << 1;
	}
	return 0;
}

/* decode_slow - one symbol bit by bit: at each length, the codes of that length are the
 * `count` values after `first`. -1 (decoder failed) for a code that is not in the table. */
static int decode_slow(struct inflate *z, const struct inflate_huff *h)
{
	u32 code = 0, first = 0, index = 0;
	for (u32 len = 1; len <= MAX_BITS; len++) {
		code |= take(z, 1);
		if (z->err)
			return -1;
		u32 count = h->count[len];
		if (code - first < count)
			return h->symbol[(index + code - first) % INFLATE_MAX_LITLEN];
		index += count;
		first = (first + count) << 1;
		code <<= 1;
	}
	fail(z);
	return -1;
}

/* decode - the next symbol of code `h`; -1 when the decoder failed. */
static int decode(struct inflate *z, const struct inflate_huff *h)
{
	if (z->nbits < INFLATE_FAST_BITS)
		refill(z);
	u32 e = h->fast[z->bits & FAST_MASK];
	u32 len = e & 15u;
	if (len && len <= z->nbits) {
		z->bits >>= len;
		z->nbits -= len;
		return (int)(e >> 4);
	}
	return decode_slow(z, h);
}

static int fixed_tables(struct inflate *z)
{
	for (u32 s = 0; s < INFLATE_MAX_LITLEN; s++)
		z->lens[s] = s < 144 ? 8 : s < 256 ? 9 : s < 280 ? 7 : 8;
	for (u32 s = 0; s < INFLATE_MAX_DIST; s++)
		z->lens[INFLATE_MAX_LITLEN + s] = 5;
	if (build(z, &z->lit, 0, INFLATE_MAX_LITLEN, CODE_LITLEN))
		return fail(z);
	/* 32 codes of 5 bits: complete; codes 30 and 31 are refused when they appear. */
	if (build(z, &z->dist, INFLATE_MAX_LITLEN, INFLATE_MAX_DIST, CODE_DIST))
		return fail(z);
	return 0;
}

/* dynamic_tables - the code a dynamic block's header sends (RFC 1951 3.2.7). */
static int dynamic_tables(struct inflate *z)
{
	u32 nlit = take(z, 5) + 257;
	u32 ndist = take(z, 5) + 1;
	u32 nclen = take(z, 4) + 4;
	if (z->err || nlit > 286 || ndist > 30)
		return fail(z);
	for (u32 i = 0; i < 19; i++)
		z->lens[i] = 0;
	for (u32 i = 0; i < nclen; i++)
		z->lens[clen_order[i]] = (u8)take(z, 3);
	if (z->err)
		return z->err;
	/* The code-length code goes into the literal table (rebuilt below); the lengths it
	 * sends then overwrite z->lens. */
	if (build(z, &z->lit, 0, 19, CODE_LENGTHS))
		return fail(z);
	u32 total = nlit + ndist;
	u32 i = 0;
	while (i < total) {
		int sym = decode(z, &z->lit);
		if (sym < 0)
			return fail(z);
		if (sym < 16) {
			z->lens[i++] = (u8)sym;
			continue;
		}
		u8 value = 0;
		u32 repeat;
		if (sym == 16) {
			if (i == 0)
				return fail(z); /* nothing to repeat */
			value = z->lens[i - 1];
			repeat = 3 + take(z, 2);
		} else if (sym == 17) {
			repeat = 3 + take(z, 3);
		} else {
			repeat = 11 + take(z, 7);
		}
		if (z->err || repeat > total - i)
			return fail(z);
		while (repeat--)
			z->lens[i++] = value;
	}
	if (z->lens[256] == 0)
		return fail(z); /* no end-of-block code */
	if (build(z, &z->lit, 0, nlit, CODE_LITLEN))
		return fail(z);
	if (build(z, &z->dist, nlit, ndist, CODE_DIST))
		return fail(z);
	return 0;
}

/* --- output ---------------------------------------------------------------------------------- */

static void put(struct inflate *z, u8 b)
{
	z->win[z->out_total & WIN_MASK] = b;
	z->out_total++;
	z->crc = z->crc_table[(z->crc ^ b) & 0xffu] ^ (z->crc >> 8);
}

static u64 waiting(const struct inflate *z)
{
	return z->out_total - z->out_read;
}

/* --- the gzip frame -------------------------------------------------------------------------- */

static u32 take_byte(struct inflate *z)
{
	return take(z, 8);
}

/* skip_zstring - a NUL-terminated header field (file name, comment). */
static void skip_zstring(struct inflate *z)
{
	while (!z->err && take_byte(z) != 0)
		;
}

static int header(struct inflate *z)
{
	if (take_byte(z) != 0x1f || take_byte(z) != 0x8b || take_byte(z) != 8)
		return fail(z);
	u32 flags = take_byte(z);
	if (flags & GZ_RESERVED)
		return fail(z);
	for (int i = 0; i < 6; i++)
		take_byte(z); /* mtime, extra flags, OS */
	if (flags & GZ_FEXTRA) {
		u32 xlen = take(z, 16);
		for (u32 i = 0; i < xlen && !z->err; i++)
			take_byte(z);
	}
	if (flags & GZ_FNAME)
		skip_zstring(z);
	if (flags & GZ_FCOMMENT)
		skip_zstring(z);
	if (flags & GZ_FHCRC) {
		/* The low 16 bits of the CRC-32 of the header bytes before it. */
		size_t hlen = inflate_consumed(z);
		u32 c = 0xffffffffu;
		for (size_t i = 0; i < hlen; i++)
			c = z->crc_table[(c ^ bytes_u8(z->in, i).value) & 0xffu] ^ (c >> 8);
		if (take(z, 16) != (~c & 0xffffu))
			return fail(z);
	}
	if (z->err)
		return z->err;
	z->state = INFLATE_BLOCK;
	return 0;
}

static int trailer(struct inflate *z)
{
	align_byte(z);
	u32 crc = take(z, 32);
	u32 isize = take(z, 32);
	if (z->err || crc != ~z->crc || isize != (u32)z->out_total)
		return fail(z);
	z->state = INFLATE_DONE;
	return 0;
}

/* --- blocks ---------------------------------------------------------------------------------- */

static int block_header(struct inflate *z)
{
	if (z->last_block)
		return trailer(z);
	z->last_block = take(z, 1) != 0;
	u32 type = take(z, 2);
	if (z->err)
		return z->err;
	switch (type) {
	case 0: {
		align_byte(z);
		u32 len = take(z, 16);
		u32 nlen = take(z, 16);
		if (z->err || (len ^ 0xffffu) != nlen)
			return fail(z);
		z->stored_left = len;
		z->state = INFLATE_STORED;
		return 0;
	}
	case 1:
		if (fixed_tables(z))
			return z->err;
		z->state = INFLATE_CODES;
		return 0;
	case 2:
		if (dynamic_tables(z))
			return z->err;
		z->state = INFLATE_CODES;
		return 0;
	default:
		return fail(z); /* type 3 is reserved */
	}
}

/* stored - copy what fits of a stored block (whole bytes: the bit buffer first). */
static int stored(struct inflate *z)
{
	while (z->stored_left && waiting(z) < HISTORY) {
		u32 b = take_byte(z);
		if (z->err)
			return z->err;
		put(z, (u8)b);
		z->stored_left--;
	}
	if (!z->stored_left)
		z->state = INFLATE_BLOCK;
	return 0;
}

/* codes - decode symbols until end-of-block or HISTORY bytes wait. */
static int codes(struct inflate *z)
{
	while (waiting(z) < HISTORY) {
		int sym = decode(z, &z->lit);
		if (sym < 0)
			return fail(z);
		if (sym < 256) {
			put(z, (u8)sym);
			continue;
		}
		if (sym == 256) {
			z->state = INFLATE_BLOCK;
			return 0;
		}
		u32 li = (u32)sym - 257;
		if (li >= 29)
			return fail(z); /* 286, 287 */
		u32 len = len_base[li] + take(z, len_extra[li]);
		int dsym = decode(z, &z->dist);
		if (dsym < 0 || dsym >= 30)
			return fail(z);
		u32 dist = dist_base[dsym] + take(z, dist_extra[dsym]);
		if (z->err)
			return z->err;
		if (dist > z->out_total)
			return fail(z); /* before the member's first byte */
		for (u32 k = 0; k < len; k++)
			put(z, z->win[(z->out_total - dist) & WIN_MASK]);
	}
	return 0;
}

/* fill - decode until bytes wait to be handed out or the member ends. */
static int fill(struct inflate *z)
{
	while (!z->err && waiting(z) == 0 && z->state != INFLATE_DONE) {
		switch (z->state) {
		case INFLATE_HEADER:
			header(z);
			break;
		case INFLATE_BLOCK:
			block_header(z);
			break;
		case INFLATE_STORED:
			stored(z);
			break;
		case INFLATE_CODES:
			codes(z);
			break;
		case INFLATE_DONE:
			break;
		}
	}
	return z->err;
}

struct bytes_result inflate_read(struct inflate *z, size_t max)
{
	if (fill(z))
		return bytes_result_err(z->err);
	u64 n = waiting(z);
	u32 at = (u32)(z->out_read & WIN_MASK);
	if (n > INFLATE_WIN_SIZE - at)
		n = INFLATE_WIN_SIZE - at; /* up to the window's end: the rest comes next */
	if (n > max)
		n = max;
	struct bytes_result r = bytes_sub(BYTES_OF_ARRAY(z->win), at, (size_t)n);
	if (!r.err)
		z->out_read += n;
	return r;
}
