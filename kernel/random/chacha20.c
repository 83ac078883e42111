/*
 * chacha20.c — ChaCha20 (RFC 8439 §2.1-2.4): the quarter round, 20 rounds (10 column +
 * diagonal double rounds) over the 16-word state, the state added back, little-endian output.
 */
#include <random/chacha20.h>

struct chacha_state {
	u32 s[16];
};

static u32 rotl32(u32 x, u32 k)
{
	return (x << k) | (x >> (32 - k));
}

/* quarter - the quarter round on words a, b, c, d of st (RFC 8439 §2.2). */
static void quarter(struct chacha_state *st, u32 a, u32 b, u32 c, u32 d)
{
	st->s[a] += st->s[b];
	st->s[d] = rotl32(st->s[d] ^ st->s[a], 16);
	st->s[c] += st->s[d];
	st->s[b] = rotl32(st->s[b] ^ st->s[c], 12);
	st->s[a] += st->s[b];
	st->s[d] = rotl32(st->s[d] ^ st->s[a], 8);
	st->s[c] += st->s[d];
	st->s[b] = rotl32(st->s[b] ^ st->s[c], 7);
}

int chacha20_key_from(struct chacha20_key *k, struct bytes src)
{
	if (bytes_len(src) < CHACHA20_KEY_BYTES)
		return -EINVAL;
	for (u32 i = 0; i < 8; i++)
		k->w[i] = bytes_le32(src, 4 * i).value;
	return 0;
}

int chacha20_nonce_from(struct chacha20_nonce *n, struct bytes src)
{
	if (bytes_len(src) < CHACHA20_NONCE_BYTES)
		return -EINVAL;
	for (u32 i = 0; i < 3; i++)
		n->w[i] = bytes_le32(src, 4 * i).value;
	return 0;
}

void chacha20_block(const struct chacha20_key *k, u32 counter, const struct chacha20_nonce *n,
		    struct chacha20_block *out)
{
	struct chacha_state init = { {
		0x61707865, 0x3320646e, 0x79622d32, 0x6b206574, /* "expand 32-byte k" */
		k->w[0], k->w[1], k->w[2], k->w[3], k->w[4], k->w[5], k->w[6], k->w[7],
		counter, n->w[0], n->w[1], n->w[2],
	} };
	struct chacha_state st = init;
	for (u32 round = 0; round < 10; round++) {
		quarter(&st, 0, 4, 8, 12);
		quarter(&st, 1, 5, 9, 13);
		quarter(&st, 2, 6, 10, 14);
		quarter(&st, 3, 7, 11, 15);
		quarter(&st, 0, 5, 10, 15);
		quarter(&st, 1, 6, 11, 12);
		quarter(&st, 2, 7, 8, 13);
		quarter(&st, 3, 4, 9, 14);
	}
	struct bytes o = BYTES_OF_ARRAY(out->b);
	for (u32 i = 0; i < 16; i++)
		(void)bytes_put_le32(o, 4 * i, st.s[i] + init.s[i]);
}

void chacha20_xor(const struct chacha20_key *k, u32 counter, const struct chacha20_nonce *n,
		  struct bytes dst)
{
	struct chacha20_block blk;
	size_t len = bytes_len(dst);
	for (size_t off = 0; off < len; off += CHACHA20_BLOCK_BYTES, counter++) {
		chacha20_block(k, counter, n, &blk);
		for (size_t i = 0; i < CHACHA20_BLOCK_BYTES && off + i < len; i++)
			(void)bytes_put_u8(dst, off + i, bytes_u8(dst, off + i).value ^ blk.b[i]);
	}
}
