/*
 * random/chacha20.h — the ChaCha20 block function and key stream of RFC 8439 §2.3-2.4 (a
 * 256-bit key, a 32-bit block counter, a 96-bit nonce), written from the RFC. The kernel's
 * random generator (random/random.h) is built on it; tests/kernel/t_chacha20.c checks the RFC's
 * test vectors on the host.
 */
#ifndef KERNEL_RANDOM_CHACHA20_H
#define KERNEL_RANDOM_CHACHA20_H

#include <fw/bytes.h>
#include <fw/types.h>

#define CHACHA20_KEY_BYTES 32u
#define CHACHA20_NONCE_BYTES 12u
#define CHACHA20_BLOCK_BYTES 64u

struct chacha20_key {
	u32 w[8];
};

struct chacha20_nonce {
	u32 w[3];
};

struct chacha20_block {
	u8 b[CHACHA20_BLOCK_BYTES];
};

/* chacha20_key_from / chacha20_nonce_from - read a key (32 bytes) or nonce (12 bytes) from
 * the start of src, little-endian words as the RFC lays them out; -EINVAL when src is short. */
int chacha20_key_from(struct chacha20_key *k, struct bytes src);
int chacha20_nonce_from(struct chacha20_nonce *n, struct bytes src);

/* chacha20_block - the 64-byte block for (key, counter, nonce) (RFC 8439 §2.3). */
void chacha20_block(const struct chacha20_key *k, u32 counter, const struct chacha20_nonce *n,
		    struct chacha20_block *out);

/* chacha20_xor - dst ^= the key stream starting at block `counter` (RFC 8439 §2.4: encryption
 * and decryption); to get the key stream alone, start from zeros. The counter does not wrap:
 * at most (2^32 - counter) blocks (callers ask for far less). */
void chacha20_xor(const struct chacha20_key *k, u32 counter, const struct chacha20_nonce *n,
		  struct bytes dst);

#endif /* KERNEL_RANDOM_CHACHA20_H */
