/*
 * dma.c — DMA buffers (fw/dma.h): an untyped frame, our reference to it, and the address the
 * device uses — the physical address, or an I/O virtual address in the device's IOMMU domain
 * when the IOMMU is on (iommu.c).
 */
#include <fw/dma.h>
#include <fw/errno.h>

#include "internal/io.h"
#include "internal/mm.h"

static int map_for(struct pci_dev *d, struct dma_buf *out, enum dma_dir dir)
{
	u64 pa = frame_paddr(&out->frame);
	u64 addr = pa;
	if (iommu_active()) {
		int err = iommu_map(d, pa, (dir & DMA_FROM_DEVICE) != 0, &addr);
		if (err) {
			frame_release(&out->frame);
			return err;
		}
	}
	out->dev_addr = addr;
	out->dev = d;
	out->dir = dir;
	return 0;
}

int dma_alloc_coherent(struct pci_dev *d, struct dma_buf *out)
{
	if (!d || !d->claimed)
		return -EPERM;
	if (out->dev || !frame_is_empty(&out->frame))
		return -EBUSY;
	int err = frame_alloc(&out->frame);
	if (err)
		return err;
	return map_for(d, out, DMA_BIDIRECTIONAL);
}

int dma_map_frame(struct pci_dev *d, const struct frame *f, enum dma_dir dir, struct dma_buf *out)
{
	if (!d || !d->claimed)
		return -EPERM;
	if (dir < DMA_TO_DEVICE || dir > DMA_BIDIRECTIONAL)
		return -EINVAL;
	if (out->dev || !frame_is_empty(&out->frame))
		return -EBUSY;
	if ((dir & DMA_FROM_DEVICE) && frame_is_sealed(f))
		return -EPERM; /* the framework's bytes (the vDSO's): no device writes them */
	int err = frame_clone(&out->frame, f);
	if (err)
		return err;
	return map_for(d, out, dir);
}

void dma_free(struct dma_buf *b)
{
	if (!b->dev)
		return;
	if (iommu_active())
		iommu_unmap(b->dev, b->dev_addr);
	frame_release(&b->frame);
	b->dev = NULL;
	b->dev_addr = 0;
	b->dir = 0;
}

int dma_read(const struct dma_buf *b, size_t off, struct bytes dst)
{
	if (!b->dev)
		return -EINVAL;
	return frame_read(&b->frame, off, dst);
}

int dma_write(const struct dma_buf *b, size_t off, struct bytes src)
{
	if (!b->dev)
		return -EINVAL;
	return frame_write(&b->frame, off, src);
}

bool dma_iommu_active(void)
{
	return iommu_active();
}

bool dma_dir_allows(const struct dma_buf *b, bool device_writes)
{
	return (b->dir & (device_writes ? DMA_FROM_DEVICE : DMA_TO_DEVICE)) != 0;
}

u64 dma_dev_addr(const struct dma_buf *b, u32 off)
{
	return b->dev_addr + off;
}

const struct frame *dma_frame(const struct dma_buf *b)
{
	return &b->frame;
}

struct bytes dma_bytes(const struct dma_buf *b)
{
	if (!b->dev)
		return bytes_empty();
	/* SAFETY: the buffer holds a reference to its untyped frame, so the frame stays RAM in
	 * the direct map for as long as the buffer lives; framework callers (the rings) drop
	 * the slice before dma_free. */
	return __fw_bytes_raw(phys_to_virt(frame_paddr(&b->frame)), DMA_BUF_SIZE);
}
