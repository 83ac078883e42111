/*
 * random.c — the generator of random/random.h: a ChaCha20 pool key, fast key erasure per
 * request, seeding from the virtio entropy device, RDSEED/RDRAND and timing jitter.
 *
 * Mixing (random_mix, seeding): the input is absorbed 32 bytes at a time, each chunk XORed
 * into the key and the key then replaced by the first half of a ChaCha20 block under it (a
 * one-way step, so the input cannot be recovered and a weak input cannot undo earlier ones).
 */
#include <drivers/hwrng.h>
#include <fw/cpurand.h>
#include <fw/log.h>
#include <fw/sync.h>
#include <fw/time.h>
#include <random/random.h>

#define JITTER_SAMPLES 256u

static struct spinlock rnd_lock = SPINLOCK_INIT(rnd_lock);
static struct chacha20_key rnd_key GUARDED_BY(&rnd_lock);
static u64 rnd_requests GUARDED_BY(&rnd_lock);   /* the nonce of the next key step */
static u64 rnd_seeded_ns GUARDED_BY(&rnd_lock);  /* when the last seeding happened */
static u64 rnd_reseeds GUARDED_BY(&rnd_lock);
static bool rnd_reseeding GUARDED_BY(&rnd_lock); /* a task is gathering entropy now */

/* step - one key step: block(key, 0, nonce = (domain, request counter)); the new pool key is
 * the first 32 bytes, the second 32 go to *out (when not NULL). */
static void step(u32 domain, struct chacha20_key *out) REQUIRES(rnd_lock)
{
	u64 r = rnd_requests++;
	struct chacha20_nonce n = { { domain, (u32)r, (u32)(r >> 32) } };
	struct chacha20_block blk;
	chacha20_block(&rnd_key, 0, &n, &blk);
	struct bytes b = BYTES_OF_ARRAY(blk.b);
	(void)chacha20_key_from(&rnd_key, b);
	if (out)
		(void)chacha20_key_from(out, bytes_skip(b, CHACHA20_KEY_BYTES).value);
}

/* absorb - mix src into the key (see the file comment). */
static void absorb(struct bytes src) REQUIRES(rnd_lock)
{
	size_t len = bytes_len(src);
	for (size_t off = 0; off < len || off == 0; off += CHACHA20_KEY_BYTES) {
		u8 chunk[CHACHA20_KEY_BYTES] = { 0 };
		struct bytes c = BYTES_OF_ARRAY(chunk);
		if (off < len)
			(void)bytes_copy(c, bytes_head(bytes_skip(src, off).value, CHACHA20_KEY_BYTES));
		for (u32 i = 0; i < 8; i++)
			rnd_key.w[i] ^= bytes_le32(c, 4 * i).value;
		step(1, NULL);
		if (len == 0)
			break;
	}
}

/* seed_material - entropy from the devices into buf (64 bytes): the virtio entropy device's
 * 32, the CPU's 32 (zeros where a source is missing). Sleeps. */
static void seed_material(struct bytes buf)
{
	bytes_fill(buf, 0);
	if (hwrng_present())
		(void)hwrng_read(bytes_head(buf, 32));
	(void)cpu_rand_fill(bytes_sub(buf, 32, 32).value);
}

/* jitter - JITTER_SAMPLES clock readings (the wall clock's seconds first), each after a
 * ChaCha20 block whose duration varies with caches, interrupts and, under emulation, the host:
 * absorbed 8 at a time. Weak alone; it is what a machine without an entropy device has. */
static void jitter(void) REQUIRES(rnd_lock)
{
	u8 t[64] = { 0 };
	struct bytes tb = BYTES_OF_ARRAY(t);
	struct chacha20_block scratch;
	struct chacha20_nonce n = { { 2, 0, 0 } };
	(void)bytes_put_le64(tb, 0, (u64)fw_rtc_unix_seconds());
	for (u32 i = 1; i < JITTER_SAMPLES; i++) {
		chacha20_block(&rnd_key, i, &n, &scratch);
		size_t at = 8 * (i % 8);
		(void)bytes_put_le64(tb, at, bytes_le64(tb, at).value ^ fw_time_ns());
		if (i % 8 == 7)
			absorb(tb);
	}
}

static void seed(void)
{
	u8 mat[64];
	seed_material(BYTES_OF_ARRAY(mat));
	spin_lock(&rnd_lock);
	absorb(BYTES_OF_ARRAY(mat));
	jitter();
	rnd_seeded_ns = fw_time_ns();
	rnd_reseeds++;
	rnd_reseeding = false;
	spin_unlock(&rnd_lock);
	bytes_fill(BYTES_OF_ARRAY(mat), 0);
}

void random_init(void)
{
	seed();
	fw_info("random: seeded (virtio-rng %s, cpu %s)", hwrng_present() ? STR("yes") : STR("no"),
		cpu_rand_source() == CPU_RAND_RDSEED   ? STR("rdseed")
		: cpu_rand_source() == CPU_RAND_RDRAND ? STR("rdrand")
						       : STR("none"));
}

void random_request_key(struct chacha20_key *out, bool may_sleep)
{
	spin_lock(&rnd_lock);
	bool due = may_sleep && !rnd_reseeding && fw_time_ns() - rnd_seeded_ns >= RANDOM_RESEED_NS;
	if (due)
		rnd_reseeding = true;
	spin_unlock(&rnd_lock);
	if (due)
		seed();
	spin_lock(&rnd_lock);
	step(0, out);
	spin_unlock(&rnd_lock);
}

void random_fill(struct bytes dst, bool may_sleep)
{
	struct chacha20_key k;
	random_request_key(&k, may_sleep);
	struct chacha20_nonce n = { { 0, 0, 0 } };
	bytes_fill(dst, 0);
	chacha20_xor(&k, 0, &n, dst);
}

void random_mix(struct bytes src)
{
	spin_lock(&rnd_lock);
	absorb(src);
	spin_unlock(&rnd_lock);
}

u64 random_reseeds(void)
{
	spin_lock(&rnd_lock);
	u64 n = rnd_reseeds;
	spin_unlock(&rnd_lock);
	return n;
}
