/*
 * mm/buddy.h — the physical frame allocator: a binary buddy system over per-frame metadata.
 *
 * Every physical frame (4 KiB page) from `base_pfn` up to `base_pfn + nframes` has one
 * `struct frame_meta`. The allocator hands out naturally aligned blocks of 2^order frames
 * (order 0..BUDDY_MAX_ORDER) and records in each frame of a block what it is used for (its
 * kind), so that any frame number can be asked "what are you?" in O(1) — which is how the
 * framework refuses to give a service a frame that holds a page table or a kernel stack.
 *
 * Free blocks live on one doubly linked list per order, linked through the metadata by frame
 * number (never through the free memory itself: a stray write into a free frame cannot corrupt
 * the allocator). Freeing merges a block with its buddy while the buddy is free and of the
 * same order.
 *
 * Reference counts: only untyped frames (always order 0) are counted. buddy_alloc() sets an
 * untyped frame's count to 1 and leaves every typed block's at 0; the frame layer (frame.c)
 * raises and drops it with atomics, without the frame lock, and calls buddy_free() when it
 * reaches zero. Invariant: a count above zero means "an allocated untyped frame" (typed, free,
 * reserved and absent frames all have 0), which is what lets frame.c take a reference by one
 * compare-and-exchange from a nonzero count without first checking the kind under a lock.
 *
 * Locking: none here. The caller (frame.c) serialises every call with the frame lock.
 */
#ifndef FW_MM_BUDDY_H
#define FW_MM_BUDDY_H

#include "mm/mm_base.h"

#define BUDDY_MAX_ORDER 10 /* 4 MiB blocks */
#define BUDDY_ORDERS (BUDDY_MAX_ORDER + 1)
#define BUDDY_NONE UINT32_MAX

/* What a frame is used for. Only FRAME_UNTYPED frames may ever be reachable by services. */
enum frame_kind {
	FRAME_ABSENT = 0,  /* not RAM the allocator manages (hole, MMIO, firmware) */
	FRAME_RESERVED,    /* RAM kept at boot: kernel image, initrd, boot tables, frame metadata */
	FRAME_FREE,        /* on a free list */
	FRAME_PAGETABLE,   /* typed: a page-table page */
	FRAME_STACK,       /* typed: a kernel stack page */
	FRAME_HEAP,        /* typed: backs a typed-heap slab */
	FRAME_META,        /* typed: allocator metadata (slab descriptors) */
	FRAME_UNTYPED,     /* plain data: user pages, page cache, DMA buffers */
	FRAME_KIND_COUNT,
};

/* Whether frames of this kind hold framework structures (never handed to services). */
static inline bool frame_kind_is_typed(enum frame_kind k)
{
	return k == FRAME_PAGETABLE || k == FRAME_STACK || k == FRAME_HEAP || k == FRAME_META;
}

#define FRAME_F_HEAD 0x1u /* first frame of an allocated or free block */
#define FRAME_F_SEALED 0x2u /* untyped, but its bytes are the framework's: no write through a
			     * handle, a writable user mapping or a device (frame_seal) */

/* Per-frame metadata: 16 bytes, one per 4 KiB frame (0.4% of memory). */
struct frame_meta {
	uint32_t refcount; /* an allocated untyped frame: references held; else 0 (atomic) */
	uint8_t kind;      /* enum frame_kind */
	uint8_t order;     /* head frame: the block's order */
	uint8_t flags;     /* FRAME_F_* */
	uint8_t reserved0;
	uint32_t next;     /* free list links (frame index from base), BUDDY_NONE at the ends */
	uint32_t prev;
};
_Static_assert(sizeof(struct frame_meta) == 16, "frame_meta is 16 bytes");

struct buddy {
	uint64_t base_pfn;        /* first frame number covered by meta[] */
	uint64_t nframes;         /* number of entries in meta[] */
	struct frame_meta *meta;  /* nframes entries, owned by the caller */
	uint32_t free_head[BUDDY_ORDERS];
	uint64_t free_blocks[BUDDY_ORDERS];
	uint64_t free_frames;     /* frames on all free lists */
	uint64_t managed_frames;  /* frames ever added with buddy_add_range */
};

/*
 * buddy_init - an allocator for frames [base_pfn, base_pfn + nframes), all absent at first.
 * Needs: meta points to nframes writable entries; nframes < BUDDY_NONE.
 * Context: any; pure bookkeeping.
 */
void buddy_init(struct buddy *b, uint64_t base_pfn, uint64_t nframes, struct frame_meta *meta);

/*
 * buddy_mark - record frames [pfn_start, pfn_end) as kind `kind` without freeing them
 * (FRAME_RESERVED for what boot keeps). Frames outside the covered range are ignored.
 * Context: any; the frames must not be free or allocated.
 */
void buddy_mark(struct buddy *b, uint64_t pfn_start, uint64_t pfn_end, enum frame_kind kind);

/*
 * buddy_add_range - give frames [pfn_start, pfn_end) to the allocator as free memory.
 * Needs: the frames are RAM nobody uses, inside the covered range, not added before.
 * Returns: 0, or -EINVAL when the range leaves the covered range or overlaps free frames.
 */
int buddy_add_range(struct buddy *b, uint64_t pfn_start, uint64_t pfn_end);

/*
 * buddy_alloc - take a block of 2^order frames, naturally aligned, for `kind`.
 * Needs: order <= BUDDY_MAX_ORDER; kind is neither FRAME_FREE nor FRAME_ABSENT.
 * Returns: the head frame number (>= 0), -ENOMEM when no block is large enough, -EINVAL for a
 *          bad order or kind. The head's refcount is 1; every frame of the block has `kind`.
 */
int64_t buddy_alloc(struct buddy *b, unsigned order, enum frame_kind kind);

/*
 * buddy_free - return the block whose head is `pfn` (allocated by buddy_alloc with `order`).
 * Returns: 0; -EINVAL (and nothing changes) when pfn is not the head of an allocated block of
 *          that order — a double or mismatched free is refused, never corrupts the lists.
 */
int buddy_free(struct buddy *b, uint64_t pfn, unsigned order);

/* buddy_meta - the metadata of frame pfn, or NULL when the allocator does not cover it.
 * Inline: the frame layer calls it on every reference taken or dropped. */
static inline struct frame_meta *buddy_meta(struct buddy *b, uint64_t pfn)
{
	if (pfn < b->base_pfn || pfn - b->base_pfn >= b->nframes)
		return NULL;
	/* SAFETY: pfn - base_pfn < nframes, the length of meta[] (checked above). */
	return &b->meta[pfn - b->base_pfn];
}

/*
 * buddy_block_head - the head frame of the allocated block containing pfn.
 * Returns: the head's frame number, or -ENOENT if pfn is not in an allocated block.
 */
int64_t buddy_block_head(struct buddy *b, uint64_t pfn);

/*
 * buddy_check - verify every invariant (list links, counts, no two free buddies of the same
 * order left unmerged, kinds). Returns 0 or -EFAULT with the first broken invariant's frame
 * number in *where. O(nframes): for tests and debug boots.
 */
int buddy_check(const struct buddy *b, uint64_t *where);

/* Order needed for `nframes` frames: the smallest o with 2^o >= nframes (nframes >= 1). */
unsigned buddy_order_for(uint64_t nframes);

#endif /* FW_MM_BUDDY_H */
