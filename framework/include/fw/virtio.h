/*
 * fw/virtio.h — virtio devices over the modern PCI transport (virtio 1.1 §4.1), with split
 * virtqueues (§2.6) kept by the framework because their descriptors hold device addresses.
 *
 * A driver (a service) claims a device by type, negotiates features, reads its configuration
 * through bounded accessors, sets up queues and then passes DMA buffers in and out:
 *
 *     struct virtio_dev *v = virtio_claim(VIRTIO_ID_RNG, 0);
 *     if (!v) return -ENODEV;
 *     if (virtio_negotiate(v, 0)) return -EIO;        // VIRTIO_F_VERSION_1 is always asked
 *     struct virtq *q = virtio_queue_setup(v, 0, 64, &my->irq_cb);
 *     if (!q || virtio_ready(v)) return -EIO;
 *     struct virtq_chain c = { .segs = { { &my->buf, 0, 64, true } }, .n = 1 };
 *     virtq_add(q, &c, cookie);  virtq_kick(q);
 *     ... my->irq_cb runs on a task after the device's interrupt ...
 *     virtq_get_used(q, &cookie, &len);               // 1: one buffer back
 *
 * Everything the device writes is hostile: a used index that moved by more than the queue
 * size, a used id that is not an in-flight chain head, or a configuration offset outside the
 * device's region are refused with an error and a log line. A used length larger than the
 * chain's device-writable bytes is reported per buffer (-EOVERFLOW, the buffer still comes
 * back). After an index or id error the queue is broken: it refuses further work (-EIO).
 *
 * Context: claim/negotiate/queue_setup/ready: task. virtq_*: any (a spinlock inside).
 */
#ifndef FW_VIRTIO_H
#define FW_VIRTIO_H

#include <fw/dma.h>
#include <fw/libbase.h>
#include <fw/result.h>
#include <fw/subtype.h>

/* Device types (virtio 1.1 §5). */
enum {
	VIRTIO_ID_NET = 1,
	VIRTIO_ID_BLOCK = 2,
	VIRTIO_ID_RNG = 4,
};

/* Feature bits the transport itself knows (§6). */
#define VIRTIO_F_VERSION_1 (1ull << 32)
#define VIRTIO_F_ACCESS_PLATFORM (1ull << 33) /* DMA through the IOMMU (asked when offered) */

struct virtio_dev; /* framework-owned */
struct virtq;      /* framework-owned */
struct pci_dev;

/* virtio_claim - claim the nth (0-based) virtio device of `type`, reset it and acknowledge it
 * (status ACKNOWLEDGE | DRIVER). NULL when there is none, it is claimed already, or its
 * transport capabilities are malformed (logged). */
struct virtio_dev *virtio_claim(uint32_t type, uint32_t nth);

/* virtio_pci - the PCI function under the device (for DMA buffers: dma_alloc_coherent). */
struct pci_dev *virtio_pci(struct virtio_dev *v);

/* virtio_device_features - the 64 feature bits the device offers. */
uint64_t virtio_device_features(struct virtio_dev *v);

/* virtio_negotiate - accept `wanted` & offered (plus VERSION_1, required, and ACCESS_PLATFORM
 * when offered) and set FEATURES_OK. Returns 0, or -EIO when the device has no VERSION_1, would
 * bypass an active IOMMU (no ACCESS_PLATFORM), or refuses (status FAILED is set). */
FW_MUST_CHECK int virtio_negotiate(struct virtio_dev *v, uint64_t wanted);

/* virtio_features - the negotiated set. */
uint64_t virtio_features(struct virtio_dev *v);

/* Device-specific configuration (§4.1.4.6): reads and writes at an offset inside the device's
 * region (-ERANGE outside, -EINVAL unaligned). 64-bit reads retry until config_generation is
 * stable. */
struct result_u8 virtio_cfg_read8(struct virtio_dev *v, uint32_t off);
struct result_u16 virtio_cfg_read16(struct virtio_dev *v, uint32_t off);
struct result_u32 virtio_cfg_read32(struct virtio_dev *v, uint32_t off);
struct result_u64 virtio_cfg_read64(struct virtio_dev *v, uint32_t off);
FW_MUST_CHECK int virtio_cfg_write8(struct virtio_dev *v, uint32_t off, uint8_t val);

/*
 * virtio_queue_setup - set up queue `idx` with at most `max_size` entries (a power of two is
 * chosen at or below both the device's maximum and 256), its rings in coherent DMA memory, and
 * its MSI-X vector: each interrupt runs `on_used` (tagged, caller-owned, outliving the device)
 * on the framework's interrupt task. With on_used NULL the queue has no interrupt and is
 * polled with virtq_get_used. NULL on failure (logged), including an MSI-X entry that cannot
 * be routed when on_used is given.
 * Needs: after virtio_negotiate, before virtio_ready.
 */
struct virtq *virtio_queue_setup(struct virtio_dev *v, uint16_t idx, uint16_t max_size,
				 struct callback *on_used);

/* virtio_ready - set DRIVER_OK: the device may now use its queues. 0 or -EIO. */
FW_MUST_CHECK int virtio_ready(struct virtio_dev *v);

/* virtio_status - the device status byte (diagnostics; bit 0x40 DEVICE_NEEDS_RESET). */
uint8_t virtio_status(struct virtio_dev *v);

/* ---- virtqueues -------------------------------------------------------------------------- */

/* One buffer of a chain: bytes [off, off + len) of `buf`, read or written by the device. */
struct virtq_seg {
	const struct dma_buf *buf;
	uint32_t off;
	uint32_t len;
	bool device_writes;
};

/* Descriptors in one chain: enough for a block request of 32 frames (128 KiB) between its
 * header and its status byte. */
#define VIRTQ_MAX_CHAIN 34u

/* A descriptor chain: segs[0..n). (A fixed array with its count, not a pointer and a length.) */
struct virtq_chain {
	struct virtq_seg segs[VIRTQ_MAX_CHAIN];
	uint32_t n;
};

/*
 * virtq_add - make c->segs[0..c->n) one descriptor chain and offer it to the device; `cookie` comes
 * back with it from virtq_get_used. Device-readable segments must come before writable ones.
 * The queue holds a reference to each segment's frame until the chain comes back.
 * Returns 0; -ENOSPC (not enough free descriptors), -EINVAL (bad segment: empty buffer, out
 * of the frame, readable after writable, a segment the device writes on a buffer mapped only
 * DMA_TO_DEVICE or one it reads on a DMA_FROM_DEVICE buffer, n == 0 or > VIRTQ_MAX_CHAIN),
 * -EIO (queue broken).
 * Does not notify: call virtq_kick.
 */
FW_MUST_CHECK int virtq_add(struct virtq *q, const struct virtq_chain *c, uint64_t cookie);

/* virtq_kick - tell the device new buffers are available. */
void virtq_kick(struct virtq *q);

/*
 * virtq_get_used - take one returned chain: its cookie and the bytes the device says it wrote.
 * Returns 1 (one chain back), 0 (none pending), -EOVERFLOW (a chain came back, *cookie is set,
 * but its length was larger than its writable segments: *len is 0 and the data must not be
 * trusted), -EIO (the used ring is corrupt: the queue is now broken).
 */
FW_MUST_CHECK int virtq_get_used(struct virtq *q, uint64_t *cookie, uint32_t *len);

/* virtq_size / virtq_free_count - entries in the ring / free descriptors now. */
uint16_t virtq_size(struct virtq *q);
uint16_t virtq_free_count(struct virtq *q);
/* virtq_is_broken - whether the device corrupted the ring (the queue refuses work). */
bool virtq_is_broken(struct virtq *q);

#endif /* FW_VIRTIO_H */
