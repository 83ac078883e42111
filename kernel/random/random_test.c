/*
 * random_test.c — ktests of the generator (random/random.h) and the CPU's random instructions
 * (fw/cpurand.h; present under test-ktest-max's `-cpu max`, absent under QEMU's default CPU).
 */
#include <fw/cpurand.h>
#include <fw/ktest.h>
#include <random/random.h>

KTEST(random, requests_never_repeat)
{
	u8 a[96] = { 0 }, b[96] = { 0 }, zero[96] = { 0 };
	random_fill(BYTES_OF_ARRAY(a), true);
	random_fill(BYTES_OF_ARRAY(b), true);
	/* equal or all-zero 96-byte outputs: probability 2^-768 for a working generator */
	KT_EXPECT(kt, !bytes_eq(BYTES_OF_ARRAY(a), BYTES_OF_ARRAY(b)));
	KT_EXPECT(kt, !bytes_eq(BYTES_OF_ARRAY(a), BYTES_OF_ARRAY(zero)));
	/* the key streams of two requests differ from the first block on */
	KT_EXPECT(kt, !bytes_eq(bytes_head(BYTES_OF_ARRAY(a), 8), bytes_head(BYTES_OF_ARRAY(b), 8)));
}

KTEST(random, mixing_and_reseeding)
{
	u64 before = random_reseeds();
	u8 in[40] = { 1, 2, 3 };
	random_mix(BYTES_OF_ARRAY(in));
	random_mix(bytes_empty());
	u8 a[32] = { 0 }, b[32] = { 0 };
	random_fill(BYTES_OF_ARRAY(a), false);
	random_fill(BYTES_OF_ARRAY(b), false);
	KT_EXPECT(kt, !bytes_eq(BYTES_OF_ARRAY(a), BYTES_OF_ARRAY(b)));
	KT_EXPECT_GE(kt, random_reseeds(), before);
}

KTEST(random, cpu_instructions_when_present)
{
	u8 a[40] = { 0 }, b[40] = { 0 };
	enum cpu_rand_source src = cpu_rand_source();
	size_t n = cpu_rand_fill(BYTES_OF_ARRAY(a));
	if (src == CPU_RAND_NONE) {
		KT_EXPECT_EQ(kt, n, 0u);
		KT_SKIP(kt, "no RDRAND/RDSEED on this CPU model");
	}
	KT_EXPECT_EQ(kt, n, 40u);
	KT_EXPECT_EQ(kt, cpu_rand_fill(BYTES_OF_ARRAY(b)), 40u);
	KT_EXPECT(kt, !bytes_eq(BYTES_OF_ARRAY(a), BYTES_OF_ARRAY(b)));
	KT_EXPECT_EQ(kt, cpu_rand_fill(bytes_empty()), 0u);
}
