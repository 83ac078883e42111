/*
 * vring_test.c — hostile used rings on a real device's queue (suite `devices`, run by the
 * device boots, which attach a spare virtio-rng; skipped elsewhere). The same checks as the
 * host tests of vring.c (tests/io/t_vring.c), here through virtq_get_used on rings in DMA
 * memory of a live device: a used length beyond the chain is refused for that buffer alone
 * (-EOVERFLOW, descriptors back, queue usable), a used index running more than the queue size
 * ahead breaks the queue (-EIO from then on). Each is logged (mk/devices.mk checks the lines);
 * nothing panics.
 */
#include <fw/dma.h>
#include <fw/errno.h>
#include <fw/ktest.h>
#include <fw/vdso.h>
#include <fw/virtio.h>
#include <fw/vmspace.h>

#include "internal/io.h"

/* spare_rng - the last virtio-rng nobody claimed (the driver has the first, the IOMMU test the
 * second of the IOMMU boot). */
static struct virtio_dev *spare_rng(void)
{
	for (u32 nth = 3; nth >= 1; nth--) {
		struct virtio_dev *v = virtio_claim(VIRTIO_ID_RNG, nth);
		if (v)
			return v;
	}
	return NULL;
}

KTEST(devices, vring_hostile_used_ring_on_a_live_queue)
{
	if (pci_dev_count() == 0)
		KT_SKIP(kt, "no PCI devices");
	struct virtio_dev *v = spare_rng();
	if (!v)
		KT_SKIP(kt, "no spare virtio-rng device");
	KT_ASSERT(kt, virtio_negotiate(v, 0) == 0);
	struct virtq *q = virtio_queue_setup(v, 0, 8, NULL); /* polled; never kicked */
	KT_ASSERT(kt, q != NULL);
	KT_ASSERT(kt, virtio_ready(v) == 0);
	u16 size = virtq_size(q);
	struct dma_buf b = { 0 };
	KT_ASSERT(kt, dma_alloc_coherent(virtio_pci(v), &b) == 0);
	struct virtq_chain c = { .segs = { { &b, 0, 64, true } }, .n = 1 };
	u64 cookie = 0;
	u32 len = 7;

	/* An oversized length: 100000 bytes written into a 64-byte buffer. The chain (head 0, the
	 * first on a fresh ring) comes back refused, its descriptor free again. */
	KT_ASSERT(kt, virtq_add(q, &c, 77) == 0);
	KT_EXPECT_EQ(kt, virtq_free_count(q), (u16)(size - 1));
	KT_ASSERT(kt, virtq_device_used_for_test(q, 1, 0, 100000) == 0);
	KT_EXPECT_EQ(kt, virtq_get_used(q, &cookie, &len), -EOVERFLOW);
	KT_EXPECT_EQ(kt, cookie, 77u);
	KT_EXPECT_EQ(kt, len, 0u);
	KT_EXPECT_EQ(kt, virtq_free_count(q), size);
	KT_EXPECT(kt, !virtq_is_broken(q));
	KT_EXPECT_EQ(kt, virtq_get_used(q, &cookie, &len), 0); /* nothing more */

	/* Issue #13 (hostile pass on multi-segment chains): a segment the device writes on a
	 * buffer mapped only for it to read is refused (without an IOMMU nothing else stops the
	 * write), as is one it reads on a write-only buffer; a vDSO page (a sealed frame, which a
	 * service reaches with vmspace_frame_at) is never mapped for a device to write. */
	struct frame fr = FRAME_EMPTY;
	struct dma_buf ro = { 0 }, wo = { 0 };
	KT_ASSERT(kt, frame_alloc(&fr) == 0);
	KT_ASSERT(kt, dma_map_frame(virtio_pci(v), &fr, DMA_TO_DEVICE, &ro) == 0);
	KT_ASSERT(kt, dma_map_frame(virtio_pci(v), &fr, DMA_FROM_DEVICE, &wo) == 0);
	struct virtq_chain wr = { .segs = { { &b, 0, 16, false }, { &ro, 0, 64, true } }, .n = 2 };
	KT_EXPECT_EQ(kt, virtq_add(q, &wr, 80), -EINVAL);
	struct virtq_chain rd = { .segs = { { &wo, 0, 64, false } }, .n = 1 };
	KT_EXPECT_EQ(kt, virtq_add(q, &rd, 81), -EINVAL);
	KT_EXPECT_EQ(kt, virtq_free_count(q), size);
	dma_free(&ro);
	dma_free(&wo);
	frame_release(&fr);
	if (fw_vdso_text_size()) {
		struct vmspace_ref vs = VMSPACE_REF_EMPTY;
		struct frame vf = FRAME_EMPTY;
		struct dma_buf vb = { 0 };
		KT_ASSERT(kt, vmspace_create(&vs) == 0);
		KT_ASSERT(kt, fw_vdso_map(&vs, uaddr(0x40000000)) == 0);
		KT_ASSERT(kt, vmspace_frame_at(&vs, uaddr(0x40000000 + fw_vdso_vvar_size()), &vf) == 0);
		KT_EXPECT_EQ(kt, dma_map_frame(virtio_pci(v), &vf, DMA_FROM_DEVICE, &vb), -EPERM);
		KT_EXPECT_EQ(kt, dma_map_frame(virtio_pci(v), &vf, DMA_BIDIRECTIONAL, &vb), -EPERM);
		KT_EXPECT_EQ(kt, dma_map_frame(virtio_pci(v), &vf, DMA_TO_DEVICE, &vb), 0);
		dma_free(&vb);
		frame_release(&vf);
		vmspace_put(&vs);
	}

	/* A used index that runs size + 1 entries ahead: the ring is broken for good. */
	KT_ASSERT(kt, virtq_add(q, &c, 78) == 0);
	KT_ASSERT(kt, virtq_device_used_for_test(q, (u16)(size + 1), 0, 0) == 0);
	KT_EXPECT_EQ(kt, virtq_get_used(q, &cookie, &len), -EIO);
	KT_EXPECT(kt, virtq_is_broken(q));
	KT_EXPECT_EQ(kt, virtq_get_used(q, &cookie, &len), -EIO);
	KT_EXPECT_EQ(kt, virtq_add(q, &c, 79), -EIO);
	/* The in-flight chain keeps its frame reference (the queue holds it): freeing our handle
	 * cannot recycle memory the device might still write. */
	dma_free(&b);
}
