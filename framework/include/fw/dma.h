/*
 * fw/dma.h — memory a device may read or write: one untyped frame plus its device address.
 *
 * A `struct dma_buf` owns a reference to one 4 KiB untyped frame and a mapping of it for one
 * PCI device. The service never sees either address: it fills and reads the buffer through
 * dma_read()/dma_write() (bounded like frame_read/frame_write) and hands the buffer to the
 * framework's device interfaces (fw/virtio.h), which put the device address in a descriptor.
 *
 *   coherent   dma_alloc_coherent(): a fresh zeroed frame, mapped for the device both ways,
 *              for as long as the buffer lives (rings, request headers, receive buffers).
 *   streaming  dma_map_frame(): a frame the service already holds (a page-cache or user page),
 *              mapped for one direction until dma_free(); the buffer takes its own reference.
 *
 * With the Intel IOMMU (q35 + `-device intel-iommu`) each device has its own I/O page table:
 * it can reach only the buffers mapped for it, at I/O virtual addresses the framework hands
 * out, and any other access is blocked and logged as a fault. Without an IOMMU (QEMU's `pc`)
 * the device address is the physical address and nothing stops a malicious or broken device
 * from writing anywhere: the API is the same, the protection is not (docs/drivers.md).
 * x86 DMA is cache-coherent, so no cache maintenance is needed; the rings use barriers.
 *
 * A handle is no-copy; dma_free() unmaps and drops the reference, and empties the handle (a
 * second free does nothing). A frame in flight in a virtqueue is held by the queue as well, so
 * freeing a buffer the device still owns cannot hand its memory to someone else.
 *
 * Context: dma_alloc_coherent/dma_map_frame/dma_free: task. dma_read/dma_write: any.
 */
#ifndef FW_DMA_H
#define FW_DMA_H

#include <fw/bytes.h>
#include <fw/frame.h>
#include <fw/libbase.h>

struct pci_dev;

enum dma_dir {
	DMA_TO_DEVICE = 1,     /* the device reads */
	DMA_FROM_DEVICE = 2,   /* the device writes */
	DMA_BIDIRECTIONAL = 3,
};

struct FW_NOCOPY dma_buf {
	struct frame frame FW_PRIVATE;   /* our reference */
	uint64_t dev_addr FW_PRIVATE;    /* what the device uses: physical, or an IOMMU address */
	struct pci_dev *dev FW_PRIVATE;  /* the device it is mapped for; NULL when empty */
	uint32_t dir FW_PRIVATE;         /* enum dma_dir */
};

#define DMA_BUF_SIZE 4096u

/*
 * dma_alloc_coherent - a zeroed frame mapped both ways for device d.
 * Needs: d claimed; *out empty. Returns: 0, -ENOMEM, -EBUSY (out not empty), -EPERM (d not
 * claimed), -ENOSPC (no I/O address space left).
 */
FW_MUST_CHECK int dma_alloc_coherent(struct pci_dev *d, struct dma_buf *out);

/* dma_map_frame - map the frame f holds for device d in direction dir (a streaming mapping;
 * the buffer holds its own reference to the frame). Same returns, plus -EINVAL, and -EPERM
 * for a device-written mapping of a frame the framework sealed (the vDSO's). */
FW_MUST_CHECK int dma_map_frame(struct pci_dev *d, const struct frame *f, enum dma_dir dir,
				struct dma_buf *out);

/* dma_free - unmap and drop the reference; empties b. An empty buffer is ignored. */
void dma_free(struct dma_buf *b);

static inline bool dma_buf_is_empty(const struct dma_buf *b)
{
	return b->dev == NULL;
}

/* dma_read / dma_write - copy between the buffer at `off` and a slice. 0, -ERANGE (outside
 * the frame, nothing copied), -EINVAL (empty buffer). */
FW_MUST_CHECK int dma_read(const struct dma_buf *b, size_t off, struct bytes dst);
FW_MUST_CHECK int dma_write(const struct dma_buf *b, size_t off, struct bytes src);

/* dma_iommu_active - whether device addresses go through an IOMMU on this machine. */
bool dma_iommu_active(void);

#endif /* FW_DMA_H */
