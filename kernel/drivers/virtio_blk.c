/*
 * virtio_blk.c — the virtio block device (virtio 1.1 §5.2) as a block-layer device.
 *
 * A request is one chain: a device-readable header (type le32, reserved le32, sector le64),
 * then the data (the block layer's frames, one descriptor each, mapped for this request in the
 * direction of the transfer) or, for a discard, one range (sector le64, num_sectors le32, flags
 * le32), then one device-writable status byte (0 OK, 1 IOERR, 2 UNSUPP). Headers, ranges and
 * status bytes live in one coherent DMA page per request slot. Up to VBLK_SLOTS requests are in
 * flight; a caller that finds every slot busy, or too few free descriptors for its chain,
 * sleeps until a request completes.
 *
 * A request carries at most max_segs frames: BLK_MAX_SEGS, fewer when the device's seg_max
 * (VIRTIO_BLK_F_SEG_MAX) or its queue says so; a device that does not state seg_max gets one
 * frame per request (as Linux does).
 *
 * Hostile device: the status byte is preset to 0xff and anything but 0 is an error; a used
 * length beyond the chain (-EOVERFLOW from the framework) or a broken ring fails the request
 * with -EIO (and, for a broken ring, every request in flight). Capacity and seg_max are read
 * once; a capacity whose bytes would not fit an off_t refuses the device, a seg_max of 0 is
 * logged and taken as 1.
 *
 * Locking: lock guards the slots' state; a slot's buffers belong to the task that took it.
 */
#include <block/block.h>
#include <drivers/virtio_blk.h>
#include <fw/errno.h>
#include <fw/log.h>
#include <fw/sync.h>
#include <fw/virtio.h>

#define VBLK_SLOTS 8u
#define VBLK_MAX_DEVS 4u
#define VBLK_MAX_CAPACITY (1ull << 54) /* sectors: from here the byte size overflows an off_t */

/* Feature bits (§5.2.3). */
#define VIRTIO_BLK_F_SEG_MAX (1ull << 2)
#define VIRTIO_BLK_F_RO (1ull << 5)
#define VIRTIO_BLK_F_FLUSH (1ull << 9)
#define VIRTIO_BLK_F_DISCARD (1ull << 13)
/* Request types (§5.2.6). */
#define VIRTIO_BLK_T_IN 0u
#define VIRTIO_BLK_T_OUT 1u
#define VIRTIO_BLK_T_FLUSH 4u
#define VIRTIO_BLK_T_DISCARD 11u

/* Configuration fields (§5.2.4). */
#define CFG_CAPACITY 0u
#define CFG_SEG_MAX 12u

/* Offsets in a slot's control page. */
#define HDR_OFF 0u
#define RANGE_OFF 64u
#define STATUS_OFF 128u

struct vblk_slot {
	struct dma_buf ctl;                /* header, discard range, status */
	struct dma_buf data[BLK_MAX_SEGS]; /* the request's frames while it is in flight */
	struct virtq_chain chain;          /* built here, not on the stack (34 segments) */
};

struct vblk {
	struct blockdev bd;
	struct callback irq;
	/* Set at probe, then read-only. */
	struct virtio_dev *v;
	struct virtq *q;
	struct waitq wq; /* slot freed or request done */
	struct vblk_slot slot[VBLK_SLOTS];
	struct spinlock lock;
	bool busy[VBLK_SLOTS] GUARDED_BY(&lock);
	bool done[VBLK_SLOTS] GUARDED_BY(&lock);
	int result[VBLK_SLOTS] GUARDED_BY(&lock);
};
DEFINE_SUBTYPE(vblk_dev, struct vblk, bd, struct blockdev, tag);
DEFINE_SUBTYPE(vblk_irq, struct vblk, irq, struct callback, tag);

static void vblk_on_used(struct vblk *b)
{
	for (;;) {
		u64 cookie = 0;
		u32 len = 0;
		int rc = virtq_get_used(b->q, &cookie, &len);
		if (rc == 0)
			return;
		spin_lock(&b->lock);
		if (rc == -EIO) { /* ring broken: nothing in flight will come back */
			for (u32 i = 0; i < VBLK_SLOTS; i++) {
				if (b->busy[i] && !b->done[i]) {
					b->done[i] = true;
					b->result[i] = -EIO;
				}
			}
		} else if (cookie < VBLK_SLOTS && b->busy[cookie]) {
			b->done[cookie] = true;
			b->result[cookie] = rc == 1 ? 0 : -EIO;
		}
		spin_unlock(&b->lock);
		waitq_wake_all(&b->wq);
		if (rc == -EIO)
			return;
	}
}
DEFINE_SUBTYPE_CALLBACK(vblk_irq, struct callback, vblk_on_used);

static int slot_take(struct vblk *b)
{
	int got = -1;
	spin_lock(&b->lock);
	for (u32 i = 0; i < VBLK_SLOTS; i++) {
		if (!b->busy[i]) {
			b->busy[i] = true;
			b->done[i] = false;
			b->result[i] = 0;
			got = (int)i;
			break;
		}
	}
	spin_unlock(&b->lock);
	return got;
}

static bool slot_done(struct vblk *b, u32 i)
{
	spin_lock(&b->lock);
	bool d = b->done[i % VBLK_SLOTS];
	spin_unlock(&b->lock);
	return d;
}

static int slot_finish(struct vblk *b, u32 i)
{
	spin_lock(&b->lock);
	int r = b->result[i % VBLK_SLOTS];
	b->busy[i % VBLK_SLOTS] = false;
	spin_unlock(&b->lock);
	waitq_wake_all(&b->wq);
	return r;
}

/* unmap_data - end the streaming mappings of a slot's frames. */
static void unmap_data(struct vblk_slot *s)
{
	for (u32 k = 0; k < BLK_MAX_SEGS; k++)
		dma_free(ELEM_PTR(s->data, k));
}

/* map_data - map rq's frames into s->data and append one segment each to s->chain. */
static int map_data(struct vblk *b, struct vblk_slot *s, const struct blk_request *rq)
{
	enum dma_dir dir = rq->op == BLK_READ ? DMA_FROM_DEVICE : DMA_TO_DEVICE;
	for (u32 k = 0; k < rq->nframes && k < BLK_MAX_SEGS; k++) {
		struct dma_buf *d = ELEM_PTR(s->data, k);
		int err = dma_map_frame(virtio_pci(b->v), rq->frame[k], dir, d);
		if (err)
			return err;
		u32 left = rq->count - k * BLK_FRAME_SECTORS; /* > 0: validated by the block layer */
		u32 n = left < BLK_FRAME_SECTORS ? left : BLK_FRAME_SECTORS;
		if (s->chain.n >= VIRTQ_MAX_CHAIN)
			return -EINVAL;
		s->chain.segs[s->chain.n++] =
			(struct virtq_seg){ d, 0, n * BLK_SECTOR_SIZE, rq->op == BLK_READ };
	}
	return 0;
}

/* add_chain - offer s->chain, waiting for descriptors when the ring is short of them. */
static int add_chain(struct vblk *b, struct vblk_slot *s, u32 i)
{
	for (;;) {
		int err = virtq_add(b->q, &s->chain, i);
		if (err != -ENOSPC)
			return err;
		u32 need = s->chain.n;
		WAITQ_WAIT(&b->wq, virtq_free_count(b->q) >= need || virtq_is_broken(b->q));
	}
}

static int vblk_submit(struct blockdev *bd, const struct blk_request *rq)
{
	struct vblk *b = vblk_dev_from(bd);
	int si;
	WAITQ_WAIT(&b->wq, (si = slot_take(b)) >= 0);
	u32 i = (u32)si % VBLK_SLOTS;
	struct vblk_slot *s = ELEM_PTR(b->slot, i);

	u32 type = rq->op == BLK_READ ? VIRTIO_BLK_T_IN : rq->op == BLK_WRITE ? VIRTIO_BLK_T_OUT :
		   rq->op == BLK_FLUSH ? VIRTIO_BLK_T_FLUSH : VIRTIO_BLK_T_DISCARD;
	u8 hdr[16] = { 0 };
	u8 range[16] = { 0 };
	u8 status[1] = { 0xff };
	int err = bytes_put_le32(BYTES_OF_ARRAY(hdr), 0, type);
	err |= bytes_put_le64(BYTES_OF_ARRAY(hdr), 8, rq->op == BLK_FLUSH ? 0 : rq->sector);
	err |= bytes_put_le64(BYTES_OF_ARRAY(range), 0, rq->sector);
	err |= bytes_put_le32(BYTES_OF_ARRAY(range), 8, rq->count);
	err |= dma_write(&s->ctl, HDR_OFF, BYTES_OF_ARRAY(hdr));
	err |= dma_write(&s->ctl, RANGE_OFF, BYTES_OF_ARRAY(range));
	err |= dma_write(&s->ctl, STATUS_OFF, BYTES_OF_ARRAY(status));
	if (err) {
		err = -EIO;
		goto out_slot;
	}

	s->chain.n = 0;
	s->chain.segs[s->chain.n++] = (struct virtq_seg){ &s->ctl, HDR_OFF, 16, false };
	if (rq->op == BLK_READ || rq->op == BLK_WRITE) {
		err = map_data(b, s, rq);
		if (err)
			goto out_data;
	} else if (rq->op == BLK_DISCARD) {
		s->chain.segs[s->chain.n++] = (struct virtq_seg){ &s->ctl, RANGE_OFF, 16, false };
	}
	if (s->chain.n >= VIRTQ_MAX_CHAIN) {
		err = -EINVAL;
		goto out_data;
	}
	s->chain.segs[s->chain.n++] = (struct virtq_seg){ &s->ctl, STATUS_OFF, 1, true };
	err = add_chain(b, s, i);
	if (err) {
		err = -EIO;
		goto out_data;
	}
	virtq_kick(b->q);
	WAITQ_WAIT(&b->wq, slot_done(b, i));
	err = 0;
	if (dma_read(&s->ctl, STATUS_OFF, BYTES_OF_ARRAY(status)) || status[0] != 0) {
		if (status[0] > 2)
			fw_warn("virtio-blk: device wrote status %u (not a status): request failed",
				status[0]);
		err = -EIO;
	}
out_data:
	unmap_data(s);
out_slot:;
	int r = slot_finish(b, i);
	return err ? err : r;
}

static const struct blockdev_ops vblk_ops = {
	.submit = vblk_submit,
};

/* vblk_max_segs - frames per request: ours, the device's seg_max (hostile: 0 is taken as 1)
 * and what the queue holds beside a header and a status descriptor. */
static u32 vblk_max_segs(struct virtio_dev *v, u64 features, u32 qsize)
{
	u32 n = BLK_MAX_SEGS;
	if (!(features & VIRTIO_BLK_F_SEG_MAX)) {
		n = 1;
	} else {
		struct result_u32 sm = virtio_cfg_read32(v, CFG_SEG_MAX);
		if (sm.err || sm.value == 0) {
			fw_warn("virtio-blk: device states seg_max %u: one segment per request",
				sm.err ? 0u : sm.value);
			n = 1;
		} else if (sm.value < n) {
			n = sm.value;
		}
	}
	if (qsize - 2 < n)
		n = qsize - 2; /* qsize >= 3: checked at setup */
	return n;
}

static struct vblk *vblk_probe_one(u32 nth)
{
	static const struct str names[VBLK_MAX_DEVS] = { STR("vda"), STR("vdb"), STR("vdc"), STR("vdd") };
	struct virtio_dev *v = virtio_claim(VIRTIO_ID_BLOCK, nth);
	if (!v)
		return NULL;
	struct vblk *b = vblk_dev_new();
	if (!b)
		return NULL;
	vblk_irq_init(b);
	b->v = v;
	waitq_init(&b->wq);
	spin_lock_init(&b->lock);
	callback_set(&b->irq, SUBTYPE_CALLBACK(vblk_irq, vblk_on_used));
	if (virtio_negotiate(v, VIRTIO_BLK_F_SEG_MAX | VIRTIO_BLK_F_RO | VIRTIO_BLK_F_FLUSH |
				       VIRTIO_BLK_F_DISCARD))
		goto err_free;
	struct result_u64 cap = virtio_cfg_read64(v, CFG_CAPACITY);
	if (cap.err)
		goto err_free;
	if (cap.value >= VBLK_MAX_CAPACITY) { /* hostile: its byte size would not fit an off_t */
		fw_warn("virtio-blk: device %u states a capacity of %u sectors: refused", nth,
			cap.value);
		goto err_free;
	}
	for (u32 i = 0; i < VBLK_SLOTS; i++)
		if (dma_alloc_coherent(virtio_pci(v), &b->slot[i].ctl))
			goto err_free;
	b->q = virtio_queue_setup(v, 0, 256, &b->irq);
	if (!b->q || virtq_size(b->q) < 3 || virtio_ready(v))
		goto err_free;
	u64 f = virtio_features(v);
	b->bd.max_segs = vblk_max_segs(v, f, virtq_size(b->q));
	b->bd.ops = &vblk_ops;
	blk_set_name(&b->bd, names[nth % VBLK_MAX_DEVS]);
	b->bd.major = BLK_VIRTIO_MAJOR;
	b->bd.minor = nth * BLK_MINORS;
	b->bd.sectors = cap.value;
	b->bd.read_only = (f & VIRTIO_BLK_F_RO) != 0;
	b->bd.can_flush = (f & VIRTIO_BLK_F_FLUSH) != 0;
	b->bd.can_discard = (f & VIRTIO_BLK_F_DISCARD) != 0;
	if (blk_register(&b->bd))
		goto err_free;
	fw_info("virtio-blk: %s ready: queue of %u, %u segments per request, flush %s, discard %s",
		blk_name(&b->bd), virtq_size(b->q), b->bd.max_segs, b->bd.can_flush ? STR("yes") : STR("no"),
		b->bd.can_discard ? STR("yes") : STR("no"));
	int err = blk_scan_partitions(&b->bd);
	if (err)
		fw_warn("virtio-blk: %s: partition table not read (%d)", blk_name(&b->bd), err);
	return b;
err_free:
	/* The device stays claimed and unused; the slots' pages go back. A queue that was set
	 * up keeps its rings (the framework has no queue teardown yet). */
	fw_warn("virtio-blk: device %u: setup failed", nth);
	for (u32 i = 0; i < VBLK_SLOTS; i++)
		dma_free(&b->slot[i].ctl);
	vblk_dev_delete(b);
	return NULL;
}

static struct mutex probe_lock = MUTEX_INIT(probe_lock);
static bool probed GUARDED_BY(&probe_lock);
static int probed_count GUARDED_BY(&probe_lock);

int virtio_blk_probe(void)
{
	mutex_lock(&probe_lock);
	if (!probed) {
		probed = true;
		for (u32 n = 0; n < VBLK_MAX_DEVS; n++) {
			if (!vblk_probe_one(n))
				break;
			probed_count++;
		}
	}
	int n = probed_count;
	mutex_unlock(&probe_lock);
	return n;
}
