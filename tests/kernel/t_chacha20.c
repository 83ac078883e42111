/*
 * tests/kernel/t_chacha20.c — host tests of ChaCha20 (kernel/random/chacha20.c) against RFC
 * 8439's test vectors: the block function (§2.3.2), encryption of the "sunscreen" plaintext
 * across two blocks and a partial third (§2.4.2), the all-zero key stream (Appendix A.1 #1),
 * and that XORing the stream twice gives the plaintext back.
 */
#include <string.h>

#include <random/chacha20.h>

#include "khost.h"

static size_t hex_to(uint8_t *out, size_t cap, const char *hex)
{
	size_t n = 0;
	for (; hex[0] && hex[1] && n < cap; hex += 2) {
		unsigned v;
		sscanf(hex, "%2x", &v);
		out[n++] = (uint8_t)v;
	}
	return n;
}

static void key_nonce(struct chacha20_key *k, struct chacha20_nonce *n, const char *nonce_hex)
{
	uint8_t key[32], nonce[12];
	for (int i = 0; i < 32; i++)
		key[i] = (uint8_t)i; /* 00:01:02:...:1f */
	hex_to(nonce, sizeof nonce, nonce_hex);
	chacha20_key_from(k, kh_bytes(key, sizeof key));
	chacha20_nonce_from(n, kh_bytes(nonce, sizeof nonce));
}

KTEST(chacha20, rfc8439_block_function)
{
	struct chacha20_key k;
	struct chacha20_nonce n;
	key_nonce(&k, &n, "000000090000004a00000000");
	struct chacha20_block blk;
	chacha20_block(&k, 1, &n, &blk);
	uint8_t want[64];
	hex_to(want, sizeof want,
	       "10f1e7e4d13b5915500fdd1fa32071c4c7d1f4c733c068030422aa9ac3d46c4e"
	       "d2826446079faa0914c2d705d98b02a2b5129cd1de164eb9cbd083e8a2503c4e");
	KT_EXPECT(kt, memcmp(blk.b, want, 64) == 0);
}

KTEST(chacha20, rfc8439_encryption_and_back)
{
	static const char pt[] = "Ladies and Gentlemen of the class of '99: If I could offer you "
				 "only one tip for the future, sunscreen would be it.";
	struct chacha20_key k;
	struct chacha20_nonce n;
	key_nonce(&k, &n, "000000000000004a00000000");
	uint8_t buf[114], want[114];
	KT_ASSERT(kt, sizeof pt - 1 == sizeof buf);
	memcpy(buf, pt, sizeof buf);
	chacha20_xor(&k, 1, &n, kh_bytes(buf, sizeof buf));
	hex_to(want, sizeof want,
	       "6e2e359a2568f98041ba0728dd0d6981e97e7aec1d4360c20a27afccfd9fae0b"
	       "f91b65c5524733ab8f593dabcd62b3571639d624e65152ab8f530c359f0861d8"
	       "07ca0dbf500d6a6156a38e088a22b65e52bc514d16ccf806818ce91ab7793736"
	       "5af90bbf74a35be6b40b8eedf2785e42874d");
	KT_EXPECT(kt, memcmp(buf, want, sizeof buf) == 0);
	chacha20_xor(&k, 1, &n, kh_bytes(buf, sizeof buf));
	KT_EXPECT(kt, memcmp(buf, pt, sizeof buf) == 0);
}

KTEST(chacha20, rfc8439_zero_key_stream)
{
	uint8_t zero[32] = { 0 }, buf[64] = { 0 }, want[64];
	struct chacha20_key k;
	struct chacha20_nonce n;
	KT_ASSERT(kt, chacha20_key_from(&k, kh_bytes(zero, 32)) == 0);
	KT_ASSERT(kt, chacha20_nonce_from(&n, kh_bytes(zero, 12)) == 0);
	KT_EXPECT(kt, chacha20_key_from(&k, kh_bytes(zero, 31)) == -EINVAL);
	chacha20_xor(&k, 0, &n, kh_bytes(buf, sizeof buf));
	hex_to(want, sizeof want,
	       "76b8e0ada0f13d90405d6ae55386bd28bdd219b8a08ded1aa836efcc8b770dc7"
	       "da41597c5157488d7724e03fb8d84a376a43b8f41518a11cc387b669b2ee6586");
	KT_EXPECT(kt, memcmp(buf, want, sizeof buf) == 0);
}
