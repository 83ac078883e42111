/*
 * iommu_test.c — the IOMMU under a real device (suite `devices`, run by the q35 +
 * intel-iommu device boot with a second virtio-rng device; skipped elsewhere): DMA buffers get
 * I/O virtual addresses, and a device told to write to a kernel page nobody mapped for it is
 * blocked — the unit records the fault, the kernel logs it, the page is unchanged.
 */
#include <fw/errno.h>
#include <fw/frame.h>
#include <fw/ktest.h>
#include <fw/task.h>
#include <fw/virtio.h>

#include "internal/io.h"
#include "internal/mm.h"

KTEST(devices, iommu_blocks_stray_dma)
{
	if (pci_dev_count() == 0 || !iommu_active())
		KT_SKIP(kt, "no IOMMU on this machine");
	struct virtio_dev *v = virtio_claim(VIRTIO_ID_RNG, 1);
	if (!v)
		KT_SKIP(kt, "no second virtio-rng device");
	KT_ASSERT(kt, virtio_negotiate(v, 0) == 0);
	struct virtq *q = virtio_queue_setup(v, 0, 8, NULL); /* polled: no interrupt needed */
	KT_ASSERT(kt, q != NULL);
	KT_ASSERT(kt, virtio_ready(v) == 0);

	struct dma_buf b = { 0 };
	KT_ASSERT(kt, dma_alloc_coherent(virtio_pci(v), &b) == 0);
	KT_EXPECT_NE(kt, dma_dev_addr(&b, 0), frame_paddr(dma_frame(&b))); /* an IOVA */
	dma_free(&b);

	struct frame victim = FRAME_EMPTY;
	KT_ASSERT(kt, frame_alloc(&victim) == 0);
	KT_ASSERT(kt, frame_fill(&victim, 0, FRAME_SIZE, 0x5a) == 0);
	u64 pa = frame_paddr(&victim);
	KT_ASSERT(kt, pa >= 0x200000); /* above every IOVA this device was given */
	(void)iommu_poll_faults();     /* start clean */
	KT_ASSERT(kt, virtq_add_stray_for_test(q, pa, 64) == 0);
	virtq_kick(q);
	u64 faults = 0;
	for (u32 i = 0; i < 100 && faults == 0; i++) {
		task_sleep_ms(5);
		faults = iommu_poll_faults();
	}
	KT_EXPECT_GE(kt, faults, 1u);
	u8 after[64] = { 0 };
	KT_ASSERT(kt, frame_read(&victim, 0, BYTES_OF_ARRAY(after)) == 0);
	bool intact = true;
	for (u32 i = 0; i < sizeof after; i++)
		intact = intact && after[i] == 0x5a;
	KT_EXPECT(kt, intact);
	frame_release(&victim);
}
