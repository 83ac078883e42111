/*
 * virtio_rng_test.c — ktests of the entropy driver, run by the device boot (mk/devices.mk:
 * `ktest=devices` with -device virtio-rng-pci); skipped where no device is attached.
 * Completion comes only through the queue's MSI-X interrupt (the driver never polls), so a
 * read that returns proves PCI discovery, the transport, the ring, DMA and the interrupt path.
 */
#include <drivers/hwrng.h>
#include <fw/errno.h>
#include <fw/heap.h>
#include <fw/ktest.h>

KTEST(devices, rng_reads_random_bytes)
{
	if (!hwrng_present())
		KT_SKIP(kt, "no virtio-rng device");
	u8 a[64] = { 0 }, b[64] = { 0 };
	struct result_size r1 = hwrng_read(BYTES_OF_ARRAY(a));
	struct result_size r2 = hwrng_read(BYTES_OF_ARRAY(b));
	KT_ASSERT(kt, r1.err == 0 && r2.err == 0);
	KT_EXPECT_EQ(kt, r1.value, 64u);
	KT_EXPECT_EQ(kt, r2.value, 64u);
	/* 64 random bytes: all zero, or equal twice, has probability 2^-512. */
	u8 zero[64] = { 0 };
	KT_EXPECT(kt, !bytes_eq(BYTES_OF_ARRAY(a), BYTES_OF_ARRAY(zero)));
	KT_EXPECT(kt, !bytes_eq(BYTES_OF_ARRAY(a), BYTES_OF_ARRAY(b)));
	u64 bytes, reqs, irqs;
	hwrng_stats(&bytes, &reqs, &irqs);
	KT_EXPECT_GE(kt, reqs, 2u);
	KT_EXPECT_GE(kt, bytes, 128u);
	KT_EXPECT_GE(kt, irqs, 1u);
	fw_info("virtio-rng: %u bytes in %u requests, %u interrupt runs", bytes, reqs, irqs);
}

KTEST(devices, rng_large_and_empty_reads)
{
	if (!hwrng_present())
		KT_SKIP(kt, "no virtio-rng device");
	struct kbuf big_buf = KBUF_EMPTY;
	KT_ASSERT(kt, kbuf_alloc(&big_buf, 8192) == 0);
	struct bytes_result big = bytes_result_ok(kbuf_bytes(&big_buf));
	struct result_size r = hwrng_read(big.value);
	KT_EXPECT_EQ(kt, r.err, 0);
	KT_EXPECT_LE(kt, r.value, 4096u); /* one page per request */
	KT_EXPECT_GT(kt, r.value, 0u);
	KT_EXPECT_EQ(kt, hwrng_read(bytes_head(big.value, 0)).err, -EINVAL);
	kbuf_free(&big_buf);
}
