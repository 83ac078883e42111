/* Issue #13 class 5 (and 7, 8): the framework APIs added after the first hostile pass, attacked
 * through their real headers as a service author would: exclusive wait entries
 * (waitq_add_exclusive_entry), the vDSO mapping calls, virtqueue chains and DMA buffers, the
 * log ring, CPU accounting, the cache statistics' names. Each attempt here is refused by the
 * checker; the ones the checker cannot see (a chain segment the device writes on a buffer mapped
 * only for reading, a vDSO page reached through vmspace_frame_at, an entry removed through the
 * wrong queue) are refused at run time, by ktests. */
#include <fw/dma.h>
#include <fw/heap.h>
#include <fw/log.h>
#include <fw/subtype.h>
#include <fw/sync.h>
#include <fw/task.h>
#include <fw/vdso.h>
#include <fw/virtio.h>
#include <fw/vmspace.h>

struct nx_hook {
	struct wait_entry we;
	int item;
};
DEFINE_SUBTYPE(nx_hook_sub, struct nx_hook, we, struct wait_entry, tag);

static bool nx_fire(struct wait_entry *we)
{
	return nx_hook_sub_from(we)->item != 0;
}
static void nx_fire_void(struct wait_entry *we)
{
	(void)we;
}

/* Exclusive wait entries: the entry is kept by the queue (FW_KEPT), its callbacks private. */
void nx_exclusive_on_stack(struct waitq *wq)
{
	struct nx_hook h;
	nx_hook_sub_init(&h);
	waitq_add_exclusive_entry(wq, &h.we, nx_fire); // expect: stack-escape
	waitq_remove_entry(wq, &h.we);
}
void nx_exclusive_wrong_type(struct waitq *wq, struct nx_hook *h)
{
	waitq_add_exclusive_entry(wq, &h->we, (bool (*)(struct wait_entry *))nx_fire_void); // expect: pointer-cast
}
void nx_exclusive_forged_fn(struct waitq *wq, struct nx_hook *h, unsigned long addr)
{
	waitq_add_exclusive_entry(wq, &h->we, (bool (*)(struct wait_entry *))addr); // expect: int-to-pointer
}
void nx_exclusive_callback_swap(struct nx_hook *h)
{
	h->we.xfn = nx_fire; // expect: private
}
void nx_exclusive_entry_copy(struct nx_hook *dst, struct nx_hook *src)
{
	dst->we = src->we; // expect: private
	*dst = *src;       // expect: private
}
void nx_exclusive_designated(struct waitq *wq)
{
	static struct nx_hook forged = { .we.xfn = nx_fire, .item = 1 }; // expect: private
	waitq_add_exclusive_entry(wq, &forged.we, nx_fire);
}
void nx_exclusive_stolen_tag(struct nx_hook *h, struct wait_entry *other)
{
	h->we.tag = other->tag; // expect: private
}

/* The vDSO: only an address space the service holds, through its no-copy handle. */
int nx_vdso_map_copy(const struct vmspace_ref *vs)
{
	struct vmspace_ref copy = *vs; // expect: nocopy
	return fw_vdso_map(&copy, uaddr(0x7000000000));
}
int nx_vdso_map_raw(struct vmspace *raw)
{
	return fw_vdso_map((const struct vmspace_ref *)raw, uaddr(0x7000000000)); // expect: pointer-cast
}
int nx_vdso_map_forged(struct vmspace *raw)
{
	struct vmspace_ref r = { .vs = raw }; // expect: private
	return fw_vdso_map(&r, uaddr(0x7000000000));
}
void vdso_clock_changed(void); // expect: extern
extern const unsigned char vdso_image_start[]; // expect: extern

/* Virtqueue chains and DMA buffers: a segment names a buffer the service holds. */
int nx_chain_confused(struct virtq *q, struct frame *f)
{
	struct virtq_chain c = { .n = 1 };
	c.segs[0] = (struct virtq_seg){ (const struct dma_buf *)f, 0, 4096, true }; // expect: pointer-cast
	return virtq_add(q, &c, 0);
}
int nx_chain_past_the_end(struct virtq_chain *c)
{
	struct virtq_seg *s = &c->segs[c->n]; // expect: addr-of-element
	return s->len != 0;
}
void nx_dma_direction(struct dma_buf *d)
{
	d->dir = DMA_BIDIRECTIONAL; // expect: private
}
void nx_dma_copy(struct dma_buf *keep, struct dma_buf *d)
{
	*keep = *d; // expect: nocopy
	dma_free(d);
}
void nx_dma_address(struct dma_buf *d, unsigned long long pa)
{
	d->dev_addr = pa; // expect: private
}

/* The log ring, CPU accounting, cache names: results land in service objects or slices. */
int nx_log_forged_slice(unsigned char *small, struct fw_log_record *rec)
{
	struct bytes big = { .ptr = small, .len = 4096 }; // expect: private
	return fw_log_read(0, rec, big);
}
void nx_usage_confused(struct task_usage *u, struct fw_log_record *rec)
{
	struct fw_log_record *r = (struct fw_log_record *)u; // expect: pointer-cast
	*rec = *r;
}
void nx_cache_name_stretch(struct str *name)
{
	name->len = 1u << 20; // expect: private
}
