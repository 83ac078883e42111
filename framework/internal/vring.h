/*
 * internal/vring.h — the split virtqueue's ring logic (virtio 1.1 §2.6), apart from any
 * device: the descriptor table, driver (avail) ring and device (used) ring are byte slices,
 * so the same code runs in the kernel over DMA frames and on the host under ASan/UBSan with a
 * simulated, deliberately hostile device (tests/io/t_vring.c).
 *
 * The driver-side bookkeeping (free list, cookies, chain lengths) lives in `struct vring`, never
 * in device-visible memory: a device that scribbles over the rings can make vring_get() fail,
 * but cannot make the driver free the wrong chain or return a buffer twice.
 *
 * Layout (§2.6.5-2.6.8), all little-endian:
 *   desc[i]   16 bytes: addr u64, len u32, flags u16 (NEXT 1, WRITE 2), next u16
 *   avail     flags u16, idx u16, ring[num] u16, used_event u16
 *   used      flags u16, idx u16, ring[num] { id u32, len u32 }, avail_event u16
 *
 * Not locked: the caller (virtio_pci.c) serialises every call on one ring.
 */
#ifndef FW_INTERNAL_VRING_H
#define FW_INTERNAL_VRING_H

#include <fw/bytes.h>
#include <fw/types.h>

#define VRING_MAX 256u  /* entries; a 256-entry descriptor table is exactly one 4 KiB page */
#define VRING_CHAIN_MAX 34u /* VIRTQ_MAX_CHAIN */

#define VRING_DESC_F_NEXT 1u
#define VRING_DESC_F_WRITE 2u

#define VRING_DESC_BYTES(num) (16u * (num))
#define VRING_AVAIL_BYTES(num) (6u + 2u * (num))
#define VRING_USED_BYTES(num) (6u + 8u * (num))

struct vring_buf {
	u64 addr;  /* device address */
	u32 len;
	bool write; /* the device writes it */
};

/* One chain to add; idx[] receives the descriptor indices used (in chain order). */
struct vring_chain {
	struct vring_buf buf[VRING_CHAIN_MAX];
	u32 n;
	u16 idx[VRING_CHAIN_MAX];
};

/* What came back: the chain's cookie, the device's length, and its descriptors (freed). */
struct vring_done {
	u64 cookie;
	u32 len;
	u32 n;
	u16 idx[VRING_CHAIN_MAX];
};

struct vring_slot {
	u64 cookie;
	u32 writable;  /* device-writable bytes of the chain (head only) */
	u16 next;      /* next descriptor of the chain, or of the free list */
	u16 count;     /* descriptors in the chain (head only) */
	bool head;     /* an in-flight chain starts here */
};

struct vring {
	struct bytes desc, avail, used;
	u16 num;
	u16 free_head;
	u16 num_free;
	u16 avail_idx;  /* our copy of avail->idx */
	u16 last_used;  /* next used entry to read */
	bool broken;
	u64 errors;     /* hostile values seen */
	struct vring_slot slot[VRING_MAX];
};

/*
 * vring_init - an empty ring of `num` entries (a power of two, 1..VRING_MAX) over the three
 * slices (zeroed here; each at least its VRING_*_BYTES). 0 or -EINVAL.
 */
int vring_init(struct vring *r, u16 num, struct bytes desc, struct bytes avail, struct bytes used);

/*
 * vring_add - write c->buf[0..c->n) as one chain, publish it in the avail ring (release order),
 * record the cookie; c->idx[] gets the descriptors used.
 * Returns 0, -ENOSPC, -EINVAL (n out of range, empty buffer, readable after writable, a
 * length sum that overflows), -EIO (broken).
 */
int vring_add(struct vring *r, struct vring_chain *c, u64 cookie);

/*
 * vring_get - take the next used entry, if any, validating everything the device wrote.
 * Returns 1 (*out filled, chain freed), 0 (nothing new), -EOVERFLOW (chain freed and *out
 * filled, but the device's length exceeded the chain's writable bytes: out->len = 0),
 * -EIO (used idx moved by more than num, or the id is not an in-flight head: ring broken).
 */
int vring_get(struct vring *r, struct vring_done *out);

/* vring_pending - whether the device has returned entries not yet taken (no validation). */
bool vring_pending(const struct vring *r);

#endif /* FW_INTERNAL_VRING_H */
