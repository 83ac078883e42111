/*
 * fs/inflate.h — a gzip (RFC 1952) member decoder over DEFLATE (RFC 1951), for compressed
 * initramfs archives (fs/cpio.h). The compressed member is one slice the caller holds (the
 * boot module); the output comes out in pieces, as views into the decoder's 64 KiB window,
 * so an archive of any size is unpacked without a buffer of its size:
 *
 *     struct inflate *z = KNEW(...);             // ~70 KiB: never on the stack
 *     inflate_init(z, member);
 *     for (;;) {
 *             struct bytes_result r = inflate_read(z, SIZE_MAX);
 *             if (r.err) return r.err;           // malformed or truncated: -EINVAL
 *             if (!bytes_len(r.value)) break;    // the member's end, CRC and size checked
 *             ... use r.value before the next call ...
 *     }
 *     size_t used = inflate_consumed(z);         // the member's length in the input
 *
 * The input is hostile: every Huffman table is checked (over-subscribed or incomplete codes,
 * a missing end-of-block code, repeat codes with nothing to repeat or running past the
 * table), every distance against the bytes produced so far, the stored blocks' length
 * complement, the header's reserved flags and optional header CRC, and the trailer's CRC-32
 * and length. Nothing traps, nothing allocates; errors are sticky.
 */
#ifndef KERNEL_FS_INFLATE_H
#define KERNEL_FS_INFLATE_H

#include <fw/bytes.h>
#include <fw/types.h>

#define INFLATE_WIN_BITS 16u
#define INFLATE_WIN_SIZE (1u << INFLATE_WIN_BITS) /* twice DEFLATE's 32 KiB history */
#define INFLATE_FAST_BITS 10u                     /* codes this short decode in one lookup */
#define INFLATE_MAX_LITLEN 288u
#define INFLATE_MAX_DIST 32u
#define INFLATE_MAX_LENS (INFLATE_MAX_LITLEN + INFLATE_MAX_DIST)

/* A canonical Huffman code: how many codes of each length, the symbols in code order, and a
 * table indexed by the next INFLATE_FAST_BITS input bits (bit-reversed codes) giving
 * symbol << 4 | length for the codes that fit (0: a longer code, decoded bit by bit). */
struct inflate_huff {
	u16 count[16];
	u16 symbol[INFLATE_MAX_LITLEN];
	u16 fast[1u << INFLATE_FAST_BITS];
};

enum inflate_state {
	INFLATE_HEADER,  /* the gzip header is next */
	INFLATE_BLOCK,   /* a block header is next (or the trailer after the last block) */
	INFLATE_STORED,  /* inside a stored block: stored_left bytes to copy */
	INFLATE_CODES,   /* inside a Huffman block: symbols until end-of-block */
	INFLATE_DONE,    /* trailer checked */
};

struct inflate {
	struct bytes in;
	size_t in_pos;        /* next input byte to load into bits */
	u64 bits;             /* loaded input bits, least significant first */
	u32 nbits;
	enum inflate_state state;
	bool last_block;
	u32 stored_left;
	int err;              /* sticky */
	u64 out_total;        /* bytes produced by this member (window write position) */
	u64 out_read;         /* bytes handed out (window read position) */
	u32 crc;              /* CRC-32 of the output so far (pre-inverted) */
	u32 crc_table[256];
	u8 lens[INFLATE_MAX_LENS]; /* code lengths while a block's codes are built */
	struct inflate_huff lit;
	struct inflate_huff dist;
	u8 win[INFLATE_WIN_SIZE];
};

/* inflate_is_gzip - `b` starts with a gzip member's magic (1f 8b) and method 8 (deflate). */
bool inflate_is_gzip(struct bytes b);

/* inflate_init - a decoder at the start of the gzip member in `in` (which may continue past
 * the member: its end is found by decoding). `in` must outlive the decoder. */
void inflate_init(struct inflate *z, struct bytes in);

/*
 * inflate_read - the next at most `max` (>= 1) bytes of output, as a view into the window
 * that stays valid until the next call on `z`.
 * Returns: a non-empty slice; an empty one at the member's end (trailer checked); -EINVAL
 *          for a malformed or truncated member (sticky).
 */
struct bytes_result inflate_read(struct inflate *z, size_t max);

/* inflate_consumed - input bytes the member took (header to trailer): meaningful once
 * inflate_read has reported the end. */
size_t inflate_consumed(const struct inflate *z);

#endif /* KERNEL_FS_INFLATE_H */
