/*
 * dma.c — DMA buffers (fw/dma.h): an untyped frame, our reference to it, and the address the
 * device uses — the physical address, or an I/O virtual address in the device's IOMMU domain
 * when the IOMMU is on (iommu.c).
 *
 * dma_lock orders a buffer's publication and its emptying (dma_free) against the queue that
 * reads it (dma_pin_for_device): a service freeing a buffer on one CPU while another CPU adds
 * it to a virtqueue either lets the queue take its own reference to the frame first (the
 * descriptor then names a frame that stays allocated; with an IOMMU the unmapped address
 * faults) or finds the buffer empty. Without it, a descriptor could name a freed frame.
 */
#include <fw/dma.h>
#include <fw/errno.h>

#include "internal/io.h"
#include "internal/mm.h"
#include "internal/rawlock.h"

static struct fw_rawlock dma_lock = RAW_SPINLOCK_INIT;

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
	u64 f = raw_spin_lock_irqsave(&dma_lock);
	out->dev_addr = addr;
	out->dir = dir;
	out->dev = d; /* published last: a buffer without a device is refused by every reader */
	raw_spin_unlock_irqrestore(&dma_lock, f);
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
	struct frame fr = FRAME_EMPTY;
	u64 f = raw_spin_lock_irqsave(&dma_lock);
	struct pci_dev *dev = b->dev;
	u64 addr = b->dev_addr;
	if (dev) {
		(void)frame_move(&fr, &b->frame); /* fr is empty: cannot fail */
		b->dev = NULL;
		b->dev_addr = 0;
		b->dir = 0;
	}
	raw_spin_unlock_irqrestore(&dma_lock, f);
	if (!dev)
		return;
	if (iommu_active())
		iommu_unmap(dev, addr);
	frame_release(&fr);
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

int dma_pin_for_device(const struct dma_buf *b, struct pci_dev *d, bool device_writes,
		       u32 off, struct frame *ref, u64 *addr)
{
	u64 f = raw_spin_lock_irqsave(&dma_lock);
	int err = -EINVAL;
	if (b->dev && b->dev == d && off < DMA_BUF_SIZE &&
	    (b->dir & (device_writes ? DMA_FROM_DEVICE : DMA_TO_DEVICE)) &&
	    frame_clone(ref, &b->frame) == 0) {
		*addr = b->dev_addr + off;
		err = 0;
	}
	raw_spin_unlock_irqrestore(&dma_lock, f);
	return err;
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
