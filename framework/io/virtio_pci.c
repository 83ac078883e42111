/*
 * virtio_pci.c — the virtio 1.x PCI transport (virtio 1.1 §4.1) and virtqueues (fw/virtio.h).
 *
 * Discovery: vendor 0x1af4, device 0x1040 + type (modern) or 0x1000-0x103f (transitional,
 * type = subsystem id). The vendor capabilities (id 0x09, §4.1.4) locate, in memory BARs, the
 * common configuration (type 1), notifications (2, with notify_off_multiplier), the ISR (3)
 * and the device configuration (4); the first of each type wins. Every capability field is
 * device-supplied: a BAR index, offset or length that does not give a valid window (pci.c's
 * rules, the MSI-X table included) makes the claim fail.
 *
 * Initialisation (§3.1.1): reset, ACKNOWLEDGE, DRIVER, features (VERSION_1 required),
 * FEATURES_OK (read back), queues, DRIVER_OK. Each queue gets its own MSI-X entry (queue i ->
 * entry i + 1; entry 0, configuration changes, stays unrouted), its three rings in their own
 * coherent DMA frames, and 64-bit ring addresses written as two 32-bit halves, low first.
 *
 * Locking: one spinlock per queue (IRQ-safe) serialises the ring and the in-flight frame
 * references; the common configuration is only touched during setup, by the claiming task.
 */
#include <fw/errno.h>
#include <fw/heap.h>
#include <fw/sync.h>
#include <fw/virtio.h>

#include "internal/io.h"
#include "internal/printk.h"
#include "internal/vring.h"

#define VIRTIO_MAX_DEVS 8u
#define VIRTIO_MAX_QUEUES 4u

/* Common configuration offsets (§4.1.4.3). */
enum {
	CC_DFSELECT = 0, CC_DF = 4, CC_GFSELECT = 8, CC_GF = 12, CC_MSIX = 16, CC_NUMQ = 18,
	CC_STATUS = 20, CC_CFGGEN = 21, CC_QSELECT = 22, CC_QSIZE = 24, CC_QMSIX = 26,
	CC_QENABLE = 28, CC_QNOFF = 30, CC_QDESC = 32, CC_QDRIVER = 40, CC_QDEVICE = 48,
	CC_LEN = 56,
};
/* Device status bits (§2.1). */
enum { ST_ACK = 1, ST_DRIVER = 2, ST_DRIVER_OK = 4, ST_FEATURES_OK = 8, ST_FAILED = 128 };
#define NO_VECTOR 0xffffu

struct virtq {
	struct spinlock lock;
	struct virtio_dev *v;
	u16 idx;
	u64 notify_off; /* byte offset in the notify window */
	struct dma_buf mem_desc, mem_avail, mem_used;
	struct frame held[VRING_MAX]; /* a reference per in-flight descriptor */
	struct vring ring;
};
DEFINE_TYPE_CACHE(fw_virtq, struct virtq);

struct virtio_dev {
	struct pci_dev *pci;
	u32 type;
	bool claimed;
	struct mmio_window common, notify, isr, device;
	u32 notify_mult;
	u64 dev_features, features;
	struct virtq *vq[VIRTIO_MAX_QUEUES];
};

static struct virtio_dev vdevs[VIRTIO_MAX_DEVS];
static u32 nvdevs;
static struct mutex vdev_lock = MUTEX_INIT(vdev_lock);
static bool scanned;

static u32 virtio_type_of(const struct pci_dev *d)
{
	if (d->vendor != 0x1af4 || d->device < 0x1000 || d->device > 0x107f)
		return 0;
	return d->device >= 0x1040 ? d->device - 0x1040u : d->subsys;
}

static void scan(void)
{
	if (scanned)
		return;
	scanned = true;
	u32 n = pci_dev_count();
	for (u32 i = 0; i < n && nvdevs < VIRTIO_MAX_DEVS; i++) {
		struct pci_dev *d = pci_dev_at(i);
		u32 t = d ? virtio_type_of(d) : 0;
		if (!t)
			continue;
		/* SAFETY: index reduced modulo the array's size (nvdevs < VIRTIO_MAX_DEVS checked). */
		struct virtio_dev *v = &vdevs[nvdevs++ % VIRTIO_MAX_DEVS];
		v->pci = d;
		v->type = t;
	}
}

static u8 cc_read8(struct virtio_dev *v, u32 off) { return mmio_read8(&v->common, off).value; }
static u16 cc_read16(struct virtio_dev *v, u32 off) { return mmio_read16(&v->common, off).value; }
static u32 cc_read32(struct virtio_dev *v, u32 off) { return mmio_read32(&v->common, off).value; }
static void cc_write8(struct virtio_dev *v, u32 off, u8 x) { (void)mmio_write8(&v->common, off, x); }
static void cc_write16(struct virtio_dev *v, u32 off, u16 x) { (void)mmio_write16(&v->common, off, x); }
static void cc_write32(struct virtio_dev *v, u32 off, u32 x) { (void)mmio_write32(&v->common, off, x); }
static void cc_write64(struct virtio_dev *v, u32 off, u64 x)
{
	cc_write32(v, off, (u32)x);
	cc_write32(v, off + 4, (u32)(x >> 32));
}

/* Find the transport's windows; 0 or -ENODEV (logged). */
static int map_caps(struct virtio_dev *v)
{
	struct pci_dev *d = v->pci;
	bool have[5] = { false };
	for (u32 nth = 0; nth < 16; nth++) {
		u32 cap = pci_cap_find(d, 0x09, nth);
		if (!cap)
			break;
		u32 cap_len = pci_cfg_read_raw(d, cap + 2, 1);
		u32 type = pci_cfg_read_raw(d, cap + 3, 1);
		u32 bar = pci_cfg_read_raw(d, cap + 4, 1);
		u32 off = pci_cfg_read_raw(d, cap + 8, 4);
		u32 len = pci_cfg_read_raw(d, cap + 12, 4);
		if (type < 1 || type > 4 || have[type] || cap_len < 16)
			continue;
		struct mmio_window *w = type == 1 ? &v->common : type == 2 ? &v->notify :
					type == 3 ? &v->isr : &v->device;
		if (type == 1 && len < CC_LEN)
			continue;
		if (type == 2) {
			if (cap_len < 20)
				continue;
			v->notify_mult = pci_cfg_read_raw(d, cap + 16, 4);
		}
		if (len == 0)
			continue;
		int err = pci_window(d, bar, off, len, false, w);
		if (err) {
			printk(FW_LOG_WARN, "virtio: %02x:%02x.%u capability type %u (BAR %u, %x+%x) "
					    "refused: %d", d->bus, d->dev, d->fn, type, bar, off, len, err);
			return -ENODEV;
		}
		have[type] = true;
	}
	if (!have[1] || !have[2]) {
		printk(FW_LOG_WARN, "virtio: %02x:%02x.%u lacks a common or notify capability",
		       d->bus, d->dev, d->fn);
		return -ENODEV;
	}
	return 0;
}

static void set_status(struct virtio_dev *v, u8 bits)
{
	cc_write8(v, CC_STATUS, (u8)(cc_read8(v, CC_STATUS) | bits));
}

struct virtio_dev *virtio_claim(uint32_t type, uint32_t nth)
{
	mutex_lock(&vdev_lock);
	scan();
	struct virtio_dev *found = NULL;
	for (u32 i = 0; i < nvdevs; i++) {
		/* SAFETY: index reduced modulo the array's size. */
		struct virtio_dev *v = &vdevs[i % VIRTIO_MAX_DEVS];
		if (v->type == type && nth-- == 0) {
			found = v;
			break;
		}
	}
	if (!found || found->claimed || pci_claim(found->pci)) {
		mutex_unlock(&vdev_lock);
		return NULL;
	}
	found->claimed = true;
	mutex_unlock(&vdev_lock);

	struct virtio_dev *v = found;
	if (map_caps(v) || pci_enable(v->pci))
		return NULL; /* stays claimed: a device with broken capabilities is not retried */
	cc_write8(v, CC_STATUS, 0); /* reset (§4.1.4.3.2: wait until it reads back 0) */
	for (u32 spin = 0; cc_read8(v, CC_STATUS) != 0; spin++)
		if (spin > 1000000) {
			printk(FW_LOG_WARN, "virtio: device does not reset");
			return NULL;
		}
	set_status(v, ST_ACK);
	set_status(v, ST_DRIVER);
	cc_write32(v, CC_DFSELECT, 0);
	u64 lo = cc_read32(v, CC_DF);
	cc_write32(v, CC_DFSELECT, 1);
	u64 hi = cc_read32(v, CC_DF);
	v->dev_features = lo | (hi << 32);
	return v;
}

struct pci_dev *virtio_pci(struct virtio_dev *v) { return v->pci; }
uint64_t virtio_device_features(struct virtio_dev *v) { return v->dev_features; }
uint64_t virtio_features(struct virtio_dev *v) { return v->features; }
uint8_t virtio_status(struct virtio_dev *v) { return cc_read8(v, CC_STATUS); }

int virtio_negotiate(struct virtio_dev *v, uint64_t wanted)
{
	if (!(v->dev_features & VIRTIO_F_VERSION_1)) {
		printk(FW_LOG_WARN, "virtio: device lacks VIRTIO_F_VERSION_1 (legacy only)");
		set_status(v, ST_FAILED);
		return -EIO;
	}
	/* VIRTIO_F_ACCESS_PLATFORM (§6): the device's DMA goes through the platform's IOMMU.
	 * Without it a device bypasses the IOMMU and takes physical addresses, so under an
	 * active IOMMU such a device is refused rather than given I/O virtual addresses. */
	u64 acc = (wanted & v->dev_features) | VIRTIO_F_VERSION_1 |
		  (v->dev_features & VIRTIO_F_ACCESS_PLATFORM);
	if (iommu_active() && !(acc & VIRTIO_F_ACCESS_PLATFORM)) {
		printk(FW_LOG_WARN, "virtio: %02x:%02x.%u would bypass the IOMMU (no "
				    "VIRTIO_F_ACCESS_PLATFORM; QEMU: iommu_platform=on): refused",
		       v->pci->bus, v->pci->dev, v->pci->fn);
		set_status(v, ST_FAILED);
		return -EIO;
	}
	cc_write32(v, CC_GFSELECT, 0);
	cc_write32(v, CC_GF, (u32)acc);
	cc_write32(v, CC_GFSELECT, 1);
	cc_write32(v, CC_GF, (u32)(acc >> 32));
	set_status(v, ST_FEATURES_OK);
	if (!(cc_read8(v, CC_STATUS) & ST_FEATURES_OK)) {
		set_status(v, ST_FAILED);
		return -EIO;
	}
	v->features = acc;
	return 0;
}

/* Device configuration reads; 64-bit ones retry until the generation is stable (§4.1.4.3). */
struct result_u8 virtio_cfg_read8(struct virtio_dev *v, uint32_t off)
{
	return mmio_read8(&v->device, off);
}
struct result_u16 virtio_cfg_read16(struct virtio_dev *v, uint32_t off)
{
	return mmio_read16(&v->device, off);
}
struct result_u32 virtio_cfg_read32(struct virtio_dev *v, uint32_t off)
{
	return mmio_read32(&v->device, off);
}
struct result_u64 virtio_cfg_read64(struct virtio_dev *v, uint32_t off)
{
	for (u32 tries = 0; tries < 100; tries++) {
		u8 gen = cc_read8(v, CC_CFGGEN);
		struct result_u32 lo = mmio_read32(&v->device, off);
		struct result_u32 hi = mmio_read32(&v->device, off + 4);
		if (lo.err || hi.err)
			return result_u64_err(lo.err ? lo.err : hi.err);
		if (cc_read8(v, CC_CFGGEN) == gen)
			return result_u64_ok(lo.value | ((u64)hi.value << 32));
	}
	return result_u64_err(-EIO);
}
int virtio_cfg_write8(struct virtio_dev *v, uint32_t off, uint8_t val)
{
	return mmio_write8(&v->device, off, val);
}

static void queue_free(struct virtq *q)
{
	dma_free(&q->mem_desc);
	dma_free(&q->mem_avail);
	dma_free(&q->mem_used);
	KFREE(fw_virtq, q);
}

struct virtq *virtio_queue_setup(struct virtio_dev *v, uint16_t idx, uint16_t max_size,
				 struct callback *on_used)
{
	if (idx >= VIRTIO_MAX_QUEUES || v->vq[idx] || !v->features)
		return NULL;
	if (idx >= cc_read16(v, CC_NUMQ))
		return NULL;
	cc_write16(v, CC_QSELECT, idx);
	u32 dev_max = cc_read16(v, CC_QSIZE);
	u32 lim = dev_max < max_size ? dev_max : max_size;
	if (lim > VRING_MAX)
		lim = VRING_MAX;
	u32 num = 1;
	while (num * 2 <= lim)
		num *= 2;
	if (lim == 0) {
		printk(FW_LOG_WARN, "virtio: queue %u unavailable", idx);
		return NULL;
	}
	struct virtq *q = KNEW(fw_virtq);
	if (!q)
		return NULL;
	spin_lock_init(&q->lock);
	q->v = v;
	q->idx = idx;
	if (dma_alloc_coherent(v->pci, &q->mem_desc) || dma_alloc_coherent(v->pci, &q->mem_avail) ||
	    dma_alloc_coherent(v->pci, &q->mem_used) ||
	    vring_init(&q->ring, (u16)num, dma_bytes(&q->mem_desc), dma_bytes(&q->mem_avail),
		       dma_bytes(&q->mem_used))) {
		queue_free(q);
		return NULL;
	}
	u64 noff = (u64)cc_read16(v, CC_QNOFF) * v->notify_mult;
	if (noff + 2 > mmio_window_len(&v->notify)) {
		printk(FW_LOG_WARN, "virtio: queue %u notify offset %lx outside the notify window",
		       idx, noff);
		queue_free(q);
		return NULL;
	}
	q->notify_off = noff;
	cc_write16(v, CC_QSIZE, (u16)num);
	cc_write64(v, CC_QDESC, dma_dev_addr(&q->mem_desc, 0));
	cc_write64(v, CC_QDRIVER, dma_dev_addr(&q->mem_avail, 0));
	cc_write64(v, CC_QDEVICE, dma_dev_addr(&q->mem_used, 0));
	cc_write16(v, CC_MSIX, NO_VECTOR);
	if (on_used) {
		int err = pci_msix_set(v->pci, idx + 1u, on_used);
		if (!err) {
			cc_write16(v, CC_QMSIX, (u16)(idx + 1));
			if (cc_read16(v, CC_QMSIX) == NO_VECTOR)
				err = -EIO;
		}
		if (err) {
			printk(FW_LOG_WARN, "virtio: queue %u: MSI-X entry %u not routed (%d)", idx,
			       idx + 1, err);
			queue_free(q);
			return NULL;
		}
	}
	cc_write16(v, CC_QENABLE, 1);
	v->vq[idx] = q;
	return q;
}

int virtio_ready(struct virtio_dev *v)
{
	set_status(v, ST_DRIVER_OK);
	u8 st = cc_read8(v, CC_STATUS);
	return (st & ST_DRIVER_OK) && !(st & (ST_FAILED | 0x40)) ? 0 : -EIO;
}

/* ---- virtqueues --------------------------------------------------------------------------- */

_Static_assert(VIRTQ_MAX_CHAIN == VRING_CHAIN_MAX, "a chain the API takes fits the ring's");

int virtq_add(struct virtq *q, const struct virtq_chain *c, uint64_t cookie)
{
	if (c->n == 0 || c->n > VIRTQ_MAX_CHAIN)
		return -EINVAL;
	struct vring_chain rc = { .n = c->n };
	struct frame refs[VIRTQ_MAX_CHAIN] = { 0 }; /* the queue's references, taken first */
	int err = 0;
	for (u32 k = 0; k < c->n && k < VIRTQ_MAX_CHAIN; k++) {
		/* SAFETY: k < VIRTQ_MAX_CHAIN, the size of segs[] and refs[] (loop bound). */
		const struct virtq_seg *s = &c->segs[k];
		u64 addr = 0;
		if (!s->buf || s->len == 0 || s->off >= DMA_BUF_SIZE ||
		    s->len > DMA_BUF_SIZE - s->off ||
		    dma_pin_for_device(s->buf, q->v->pci, s->device_writes, s->off, &refs[k], &addr)) {
			err = -EINVAL; /* a segment the device writes on a buffer mapped only for
					* reading (a sealed frame's) included */
			break;
		}
		rc.buf[k % VRING_CHAIN_MAX] = (struct vring_buf){
			.addr = addr, .len = s->len, .write = s->device_writes
		};
	}
	if (!err) {
		struct irq_state st = spin_lock_irqsave(&q->lock);
		err = vring_add(&q->ring, &rc, cookie);
		for (u32 k = 0; !err && k < rc.n && k < VRING_CHAIN_MAX; k++) {
			/* SAFETY: index reduced modulo VRING_MAX, the size of held[]; k bounds refs[]. */
			struct frame *h = &q->held[rc.idx[k] % VRING_MAX];
			frame_release(h);
			(void)frame_move(h, &refs[k % VIRTQ_MAX_CHAIN]); /* h is empty */
		}
		spin_unlock_irqrestore(&q->lock, st);
	}
	for (u32 k = 0; k < VIRTQ_MAX_CHAIN; k++)
		frame_release(&refs[k]); /* SAFETY: k < the array's length; moved ones are empty */
	return err;
}

void virtq_kick(struct virtq *q)
{
	(void)mmio_write16(&q->v->notify, q->notify_off, q->idx);
}

int virtq_get_used(struct virtq *q, uint64_t *cookie, uint32_t *len)
{
	struct vring_done done = { 0 };
	struct irq_state st = spin_lock_irqsave(&q->lock);
	int rc = vring_get(&q->ring, &done);
	if (rc == 1 || rc == -EOVERFLOW) {
		for (u32 k = 0; k < done.n && k < VRING_CHAIN_MAX; k++)
			/* SAFETY: index reduced modulo VRING_MAX, the size of held[]. */
			frame_release(&q->held[done.idx[k] % VRING_MAX]);
		*cookie = done.cookie;
		*len = done.len;
	}
	spin_unlock_irqrestore(&q->lock, st);
	return rc;
}

uint16_t virtq_size(struct virtq *q) { return q->ring.num; }

uint16_t virtq_free_count(struct virtq *q)
{
	struct irq_state st = spin_lock_irqsave(&q->lock);
	u16 n = q->ring.num_free;
	spin_unlock_irqrestore(&q->lock, st);
	return n;
}

bool virtq_is_broken(struct virtq *q)
{
	struct irq_state st = spin_lock_irqsave(&q->lock);
	bool b = q->ring.broken;
	spin_unlock_irqrestore(&q->lock, st);
	return b;
}

int virtq_add_stray_for_test(struct virtq *q, u64 dev_addr, u32 len)
{
	struct vring_chain rc = { .n = 1 };
	rc.buf[0] = (struct vring_buf){ .addr = dev_addr, .len = len, .write = true };
	struct irq_state st = spin_lock_irqsave(&q->lock);
	int err = vring_add(&q->ring, &rc, 0);
	spin_unlock_irqrestore(&q->lock, st);
	return err;
}

int virtq_device_used_for_test(struct virtq *q, u16 ahead, u32 id, u32 len)
{
	struct irq_state st = spin_lock_irqsave(&q->lock);
	size_t e = 4u + 8u * (q->ring.last_used % q->ring.num);
	int err = bytes_put_le32(q->ring.used, e, id);
	err |= bytes_put_le32(q->ring.used, e + 4, len);
	/* SAFETY: a fence orders the entry before the index, as a device's write does. */
	__atomic_thread_fence(__ATOMIC_RELEASE);
	err |= bytes_put_le16(q->ring.used, 2, (u16)(q->ring.last_used + ahead));
	spin_unlock_irqrestore(&q->lock, st);
	return err ? -EINVAL : 0;
}
