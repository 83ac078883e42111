/*
 * buddy.c — the binary buddy allocator over per-frame metadata (see buddy.h for the model).
 *
 * Frame numbers are absolute (physical address >> 12), so "naturally aligned" means aligned in
 * physical memory and the buddy of block p at order o is p ^ (1 << o). List links are indices
 * into meta[] (frame number - base_pfn). A free block is described only by its head frame
 * (FRAME_F_HEAD, kind FRAME_FREE, its order); its other frames are FRAME_FREE without the flag.
 */
#include "mm/buddy.h"

/* m_at - the metadata entry at index i: the one place this file indexes meta[]. */
static inline struct frame_meta *m_at(const struct buddy *b, uint64_t i)
{
	/* SAFETY: needs i < b->nframes. Every caller derives i from idx_of() of a frame that
	 * covers() accepted, from i + k inside a block lying in the covered range, or from a list
	 * link; links only hold indices of covered frames (list_push writes only such indices). */
	return &b->meta[i];
}

static uint32_t idx_of(const struct buddy *b, uint64_t pfn)
{
	return (uint32_t)(pfn - b->base_pfn);
}

static bool covers(const struct buddy *b, uint64_t pfn)
{
	return pfn >= b->base_pfn && pfn - b->base_pfn < b->nframes;
}

static void list_push(struct buddy *b, unsigned order, uint32_t i)
{
	/* SAFETY: order < BUDDY_ORDERS, the length of free_head and free_blocks: callers pass an
	 * order checked against BUDDY_MAX_ORDER (buddy_alloc, buddy_free) or below it (the merge
	 * and split loops). */
	struct frame_meta *m = m_at(b, i);
	m->prev = BUDDY_NONE;
	m->next = b->free_head[order];
	if (m->next != BUDDY_NONE)
		m_at(b, m->next)->prev = i;
	b->free_head[order] = i;
	b->free_blocks[order]++;
	b->free_frames += 1ull << order;
}

static void list_remove(struct buddy *b, unsigned order, uint32_t i)
{
	/* SAFETY: order < BUDDY_ORDERS, as for list_push. */
	struct frame_meta *m = m_at(b, i);
	if (m->prev != BUDDY_NONE)
		m_at(b, m->prev)->next = m->next;
	else
		b->free_head[order] = m->next;
	if (m->next != BUDDY_NONE)
		m_at(b, m->next)->prev = m->prev;
	m->next = m->prev = BUDDY_NONE;
	b->free_blocks[order]--;
	b->free_frames -= 1ull << order;
}

/* Set every frame of block [i, i + 2^order) to kind, the head flagged with the order. */
static void set_block(struct buddy *b, uint32_t i, unsigned order, enum frame_kind kind)
{
	uint64_t n = 1ull << order;
	for (uint64_t k = 0; k < n; k++) {
		struct frame_meta *m = m_at(b, i + k);
		m->kind = (uint8_t)kind;
		m->flags = 0;
		m->order = 0;
		/* SAFETY: an atomic store: frame.c takes and drops references without the frame
		 * lock (a count of 0 is never raised there, so no reference is lost). */
		__atomic_store_n(&m->refcount, 0, __ATOMIC_RELAXED);
	}
	m_at(b, i)->flags = FRAME_F_HEAD;
	m_at(b, i)->order = (uint8_t)order;
}

void buddy_init(struct buddy *b, uint64_t base_pfn, uint64_t nframes, struct frame_meta *meta)
{
	b->base_pfn = base_pfn;
	b->nframes = nframes;
	b->meta = meta;
	/* SAFETY: o < BUDDY_ORDERS bounds free_head and free_blocks. */
	for (unsigned o = 0; o < BUDDY_ORDERS; o++) {
		b->free_head[o] = BUDDY_NONE;
		b->free_blocks[o] = 0;
	}
	b->free_frames = 0;
	b->managed_frames = 0;
	for (uint64_t i = 0; i < nframes; i++) {
		*m_at(b, i) = (struct frame_meta){ .kind = FRAME_ABSENT, .next = BUDDY_NONE,
					       .prev = BUDDY_NONE };
	}
}

void buddy_mark(struct buddy *b, uint64_t pfn_start, uint64_t pfn_end, enum frame_kind kind)
{
	for (uint64_t p = pfn_start; p < pfn_end; p++) {
		if (!covers(b, p))
			continue;
		struct frame_meta *m = m_at(b, idx_of(b, p));
		m->kind = (uint8_t)kind;
		m->flags = 0;
		m->order = 0;
	}
}

/* Put the block at index i (already set up as FRAME_FREE by the caller) on the lists, merging
 * it with its buddy as long as that is a free block of the same order. */
static void free_merge(struct buddy *b, uint64_t pfn, unsigned order)
{
	while (order < BUDDY_MAX_ORDER) {
		uint64_t bud = pfn ^ (1ull << order);
		if (!covers(b, bud))
			break;
		struct frame_meta *bm = m_at(b, idx_of(b, bud));
		if (bm->kind != FRAME_FREE || !(bm->flags & FRAME_F_HEAD) || bm->order != order)
			break;
		list_remove(b, order, idx_of(b, bud));
		bm->flags = 0;
		bm->order = 0;
		struct frame_meta *pm = m_at(b, idx_of(b, pfn));
		pm->flags = 0;
		pm->order = 0;
		if (bud < pfn)
			pfn = bud;
		order++;
	}
	uint32_t i = idx_of(b, pfn);
	m_at(b, i)->flags = FRAME_F_HEAD;
	m_at(b, i)->order = (uint8_t)order;
	m_at(b, i)->kind = FRAME_FREE;
	list_push(b, order, i);
}

int buddy_add_range(struct buddy *b, uint64_t pfn_start, uint64_t pfn_end)
{
	if (pfn_start > pfn_end || !covers(b, pfn_start) ||
	    (pfn_end > pfn_start && !covers(b, pfn_end - 1)))
		return pfn_start == pfn_end ? 0 : -EINVAL;
	for (uint64_t p = pfn_start; p < pfn_end; p++)
		if (m_at(b, idx_of(b, p))->kind == FRAME_FREE)
			return -EINVAL;
	uint64_t p = pfn_start;
	while (p < pfn_end) {
		unsigned o = BUDDY_MAX_ORDER;
		while (o > 0 && (!mm_is_aligned(p, 1ull << o) || p + (1ull << o) > pfn_end))
			o--;
		set_block(b, idx_of(b, p), o, FRAME_FREE);
		m_at(b, idx_of(b, p))->flags = 0;
		free_merge(b, p, o);
		b->managed_frames += 1ull << o;
		p += 1ull << o;
	}
	return 0;
}

int64_t buddy_alloc(struct buddy *b, unsigned order, enum frame_kind kind)
{
	if (order > BUDDY_MAX_ORDER || kind == FRAME_FREE || kind == FRAME_ABSENT ||
	    kind >= FRAME_KIND_COUNT)
		return -EINVAL;
	unsigned o = order;
	while (o < BUDDY_ORDERS && b->free_head[o] == BUDDY_NONE)
		o++;
	if (o == BUDDY_ORDERS)
		return -ENOMEM;
	uint32_t i = b->free_head[o];
	list_remove(b, o, i);
	/* Split: keep the lower half, free the upper half at each smaller order. */
	while (o > order) {
		o--;
		uint32_t upper = i + (uint32_t)(1u << o);
		m_at(b, upper)->flags = FRAME_F_HEAD;
		m_at(b, upper)->order = (uint8_t)o;
		m_at(b, upper)->kind = FRAME_FREE;
		list_push(b, o, upper);
	}
	set_block(b, i, order, kind);
	if (kind == FRAME_UNTYPED)
		/* SAFETY: an atomic store (see set_block); release publishes the block's kind and
		 * flags to whoever takes the next reference by compare-and-exchange. */
		__atomic_store_n(&m_at(b, i)->refcount, 1, __ATOMIC_RELEASE);
	return (int64_t)(b->base_pfn + i);
}

int buddy_free(struct buddy *b, uint64_t pfn, unsigned order)
{
	if (!covers(b, pfn) || order > BUDDY_MAX_ORDER)
		return -EINVAL;
	struct frame_meta *m = m_at(b, idx_of(b, pfn));
	if (!(m->flags & FRAME_F_HEAD) || m->order != order || m->kind == FRAME_FREE ||
	    m->kind == FRAME_ABSENT || m->kind == FRAME_RESERVED)
		return -EINVAL;
	set_block(b, idx_of(b, pfn), order, FRAME_FREE);
	m->flags = 0;
	free_merge(b, pfn, order);
	return 0;
}

int64_t buddy_block_head(struct buddy *b, uint64_t pfn)
{
	if (!covers(b, pfn))
		return -ENOENT;
	uint8_t kind = m_at(b, idx_of(b, pfn))->kind;
	if (kind == FRAME_FREE || kind == FRAME_ABSENT || kind == FRAME_RESERVED)
		return -ENOENT;
	/* Inside a block only its head carries FRAME_F_HEAD, so the first flagged frame met while
	 * aligning down is the head of the block that holds pfn. */
	for (unsigned o = 0; o <= BUDDY_MAX_ORDER; o++) {
		uint64_t head = mm_align_down(pfn, 1ull << o);
		if (!covers(b, head))
			break;
		const struct frame_meta *h = m_at(b, idx_of(b, head));
		if (!(h->flags & FRAME_F_HEAD))
			continue;
		if (h->kind == kind && pfn - head < (1ull << h->order))
			return (int64_t)head;
		return -ENOENT;
	}
	return -ENOENT;
}

unsigned buddy_order_for(uint64_t nframes)
{
	unsigned o = 0;
	while ((1ull << o) < nframes && o < 63)
		o++;
	return o;
}

int buddy_check(const struct buddy *b, uint64_t *where)
{
	uint64_t free_frames = 0;
	for (unsigned o = 0; o < BUDDY_ORDERS; o++) {
		uint64_t blocks = 0;
		uint32_t prev = BUDDY_NONE;
		for (uint32_t i = b->free_head[o]; i != BUDDY_NONE; i = m_at(b, i)->next) {
			const struct frame_meta *m = m_at(b, i);
			uint64_t pfn = b->base_pfn + i;
			*where = pfn;
			if (i >= b->nframes || m->kind != FRAME_FREE ||
			    !(m->flags & FRAME_F_HEAD) ||
			    m->order != o || m->prev != prev || !mm_is_aligned(pfn, 1ull << o) ||
			    i + (1ull << o) > b->nframes || blocks > b->nframes)
				return -EFAULT;
			for (uint64_t k = 1; k < (1ull << o); k++)
				if (m_at(b, i + k)->kind != FRAME_FREE || m_at(b, i + k)->flags)
					return -EFAULT;
			uint64_t bud = pfn ^ (1ull << o);
			if (o < BUDDY_MAX_ORDER && bud >= b->base_pfn &&
			    bud - b->base_pfn < b->nframes) {
				const struct frame_meta *bm = m_at(b, bud - b->base_pfn);
				if (bm->kind == FRAME_FREE && (bm->flags & FRAME_F_HEAD) &&
				    bm->order == o)
					return -EFAULT; /* two free buddies left unmerged */
			}
			blocks++;
			prev = i;
		}
		*where = o;
		if (blocks != b->free_blocks[o])
			return -EFAULT;
		free_frames += blocks << o;
	}
	uint64_t counted = 0;
	for (uint64_t i = 0; i < b->nframes; i++)
		counted += m_at(b, i)->kind == FRAME_FREE;
	*where = counted;
	if (counted != free_frames || free_frames != b->free_frames)
		return -EFAULT;
	return 0;
}
