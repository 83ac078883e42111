/*
 * vring.c — split virtqueue rings (internal/vring.h): adding descriptor chains and taking
 * used entries back, with every device-written value checked.
 *
 * What the device controls, and what we do with it:
 *   used->idx        must not run ahead of us by more than num (else the ring is broken);
 *   used ring id     must name a descriptor that heads a chain we have in flight;
 *   used ring len    must not exceed the chain's device-writable bytes (else -EOVERFLOW for
 *                    that buffer only);
 * Descriptors and the avail ring are ours; the device could overwrite them (they are in DMA
 * memory), which is why the free list and chain shapes live in r->slot[], never read back.
 */
#include "internal/vring.h"

#include <fw/errno.h>

#ifndef KT_HOST
#include "internal/printk.h"
#define vring_log(...) printk(FW_LOG_WARN, __VA_ARGS__)
#else
#include <stdio.h>
#define vring_log(...) (getenv("VRING_QUIET") ? 0 : fprintf(stderr, __VA_ARGS__))
#include <stdlib.h>
#endif

int vring_init(struct vring *r, u16 num, struct bytes desc, struct bytes avail, struct bytes used)
{
	if (num == 0 || num > VRING_MAX || (num & (num - 1)) != 0)
		return -EINVAL;
	if (bytes_len(desc) < VRING_DESC_BYTES(num) || bytes_len(avail) < VRING_AVAIL_BYTES(num) ||
	    bytes_len(used) < VRING_USED_BYTES(num))
		return -EINVAL;
	bytes_fill(desc, 0);
	bytes_fill(avail, 0);
	bytes_fill(used, 0);
	r->desc = desc;
	r->avail = avail;
	r->used = used;
	r->num = num;
	r->free_head = 0;
	r->num_free = num;
	r->avail_idx = 0;
	r->last_used = 0;
	r->broken = false;
	r->errors = 0;
	for (u32 i = 0; i < VRING_MAX; i++)
		r->slot[i] = (struct vring_slot){ .next = (u16)(i + 1) };
	return 0;
}

static int put_desc(struct vring *r, u16 i, const struct vring_buf *b, u16 flags, u16 next)
{
	size_t off = 16u * i;
	int err = bytes_put_le64(r->desc, off, b->addr);
	err |= bytes_put_le32(r->desc, off + 8, b->len);
	err |= bytes_put_le16(r->desc, off + 12, flags);
	err |= bytes_put_le16(r->desc, off + 14, next);
	return err ? -EINVAL : 0;
}

int vring_add(struct vring *r, struct vring_chain *c, u64 cookie)
{
	if (r->broken)
		return -EIO;
	if (c->n == 0 || c->n > VRING_CHAIN_MAX)
		return -EINVAL;
	u32 writable = 0;
	bool seen_write = false;
	for (u32 k = 0; k < c->n; k++) {
		/* SAFETY: k < c->n <= VRING_CHAIN_MAX (checked above), the size of buf[]. */
		const struct vring_buf *b = &c->buf[k];
		if (b->len == 0 || (seen_write && !b->write))
			return -EINVAL;
		seen_write |= b->write;
		if (b->write && fw_add_overflow(writable, b->len, &writable))
			return -EINVAL;
	}
	if (r->num_free < c->n)
		return -ENOSPC;

	/* Take n descriptors off the private free list, write them in chain order. */
	u16 head = r->free_head;
	u16 i = head;
	for (u32 k = 0; k < c->n; k++) {
		c->idx[k] = i;
		i = r->slot[i % VRING_MAX].next;
	}
	r->free_head = i;
	r->num_free = (u16)(r->num_free - c->n);
	for (u32 k = 0; k < c->n; k++) {
		bool last = k + 1 == c->n;
		u16 flags = (u16)((c->buf[k].write ? VRING_DESC_F_WRITE : 0) |
				  (last ? 0 : VRING_DESC_F_NEXT));
		u16 next = last ? 0 : c->idx[(k + 1) % VRING_CHAIN_MAX];
		/* SAFETY: k < c->n <= VRING_CHAIN_MAX (checked above), the size of buf[]. */
		if (put_desc(r, c->idx[k], &c->buf[k], flags, next))
			return -EINVAL; /* impossible: idx < num and the slice holds num entries */
		r->slot[c->idx[k] % VRING_MAX].next = next;
	}
	/* SAFETY: index reduced modulo VRING_MAX, the size of slot[]. */
	struct vring_slot *h = &r->slot[head % VRING_MAX];
	h->head = true;
	h->cookie = cookie;
	h->writable = writable;
	h->count = (u16)c->n;

	/* avail->ring[avail_idx % num] = head; then, after a release fence, avail->idx. */
	(void)bytes_put_le16(r->avail, 4u + 2u * (r->avail_idx % r->num), head);
	/* SAFETY: a fence orders the ring entry before the index the device polls. */
	__atomic_thread_fence(__ATOMIC_RELEASE);
	r->avail_idx = (u16)(r->avail_idx + 1);
	(void)bytes_put_le16(r->avail, 2, r->avail_idx);
	/* SAFETY: a full fence: the index is published before anything that follows. */
	__atomic_thread_fence(__ATOMIC_SEQ_CST); /* idx visible before we read notify state */
	return 0;
}

static u16 used_idx(const struct vring *r)
{
	struct result_u16 v = bytes_le16(r->used, 2);
	/* SAFETY: a fence: the used entries are read only after the index that covers them. */
	__atomic_thread_fence(__ATOMIC_ACQUIRE); /* entries are read after the index */
	return v.value;
}

bool vring_pending(const struct vring *r)
{
	return used_idx(r) != r->last_used;
}

static int ring_broken(struct vring *r)
{
	r->broken = true;
	r->errors++;
	return -EIO;
}

int vring_get(struct vring *r, struct vring_done *out)
{
	if (r->broken)
		return -EIO;
	u16 idx = used_idx(r);
	u16 ahead = (u16)(idx - r->last_used);
	if (ahead == 0)
		return 0;
	if (ahead > r->num) {
		vring_log("virtq: device used index %u is %u entries ahead of %u (queue of %u): "
			  "ring broken\n", idx, ahead, r->last_used, r->num);
		return ring_broken(r);
	}
	size_t e = 4u + 8u * (r->last_used % r->num);
	u32 id = bytes_le32(r->used, e).value;
	u32 len = bytes_le32(r->used, e + 4).value;
	if (id >= r->num || !r->slot[id % VRING_MAX].head) {
		vring_log("virtq: device returned descriptor %u, not an in-flight chain head: "
			  "ring broken\n", id);
		return ring_broken(r);
	}
	r->last_used = (u16)(r->last_used + 1);

	/* SAFETY: index reduced modulo VRING_MAX, the size of slot[] (and id < num checked). */
	struct vring_slot *h = &r->slot[id % VRING_MAX];
	out->cookie = h->cookie;
	out->len = len;
	out->n = h->count;
	h->head = false;
	/* Free the chain: walk our own links, count from our own record. */
	u16 i = (u16)id;
	for (u32 k = 0; k < out->n && k < VRING_CHAIN_MAX; k++) {
		out->idx[k] = i;
		u16 next = r->slot[i % VRING_MAX].next;
		if (k + 1 == out->n) {
			r->slot[i % VRING_MAX].next = r->free_head;
			r->free_head = (u16)id;
		}
		i = next;
	}
	r->num_free = (u16)(r->num_free + out->n);
	if (len > h->writable) {
		vring_log("virtq: device wrote %u bytes into a chain of %u writable bytes: "
			  "length refused\n", len, h->writable);
		r->errors++;
		out->len = 0;
		return -EOVERFLOW;
	}
	return 1;
}
