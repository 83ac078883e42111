/*
 * fw/frame.h — untyped physical frames, held through reference-counted handles.
 *
 * A `struct frame` is a handle that owns one reference to one 4 KiB frame of plain data (a
 * future user page, page-cache page or DMA buffer). Services never see the frame's physical
 * address or a pointer into it: they read and write it through frame_read()/frame_write(),
 * bounded by FRAME_SIZE. The framework refuses to make a handle for a *typed* frame (a page
 * table, a kernel stack, heap or allocator metadata), so no service can reach one.
 *
 * A handle is no-copy: take a second reference with frame_clone(), drop one with
 * frame_release(), which empties the handle — a second release of the same handle does
 * nothing, so a double release cannot free a frame someone else still holds. The frame goes
 * back to the allocator when its last reference is dropped.
 *
 * Context: every function may be called in any context (task or interrupt); none sleeps.
 */
#ifndef FW_FRAME_H
#define FW_FRAME_H

#include <fw/bytes.h>
#include <fw/libbase.h>

#define FRAME_SIZE 4096u

struct FW_NOCOPY frame {
	uint64_t pfn FW_PRIVATE; /* 0: the empty handle (frame 0 is never allocated) */
};

/* An empty handle (holds nothing). */
#define FRAME_EMPTY { .pfn = 0 }

/*
 * frame_alloc - a new zeroed untyped frame; *out holds the only reference.
 * Needs: *out is empty (an occupied handle is refused with -EBUSY, nothing leaks).
 * Returns: 0, or -ENOMEM when memory is exhausted (*out stays empty). Never panics.
 */
FW_MUST_CHECK int frame_alloc(struct frame *out);

/*
 * frame_clone - make *dst a second handle to src's frame (reference count + 1).
 * Needs: src holds a frame, *dst is empty.
 * Returns: 0; -EINVAL if src is empty; -EBUSY if dst is not empty.
 */
FW_MUST_CHECK int frame_clone(struct frame *dst, const struct frame *src);

/*
 * frame_release - drop the reference *f holds and empty *f (atomically: of two racing
 * releases of one handle, one drops the reference and the other sees an empty handle); frees
 * the frame when it was the last. An empty handle is ignored.
 */
void frame_release(struct frame *f);

/*
 * frame_move - hand src's reference to dst and empty src (no-copy values cannot be assigned;
 * this is how an owner passes one on). Returns 0, or -EBUSY when dst holds a frame (nothing
 * changes). frame_swap - exchange the frames two handles hold.
 */
static inline int frame_move(struct frame *dst, struct frame *src)
{
	if (dst->pfn)
		return -EBUSY;
	/* SAFETY: exchanges, so that two racing moves of one handle never both take its frame
	 * (two handles to one reference: the second release would free a frame someone maps). */
	uint64_t pfn = __atomic_exchange_n(&src->pfn, 0, __ATOMIC_ACQ_REL);
	struct frame raced = { .pfn = __atomic_exchange_n(&dst->pfn, pfn, __ATOMIC_ACQ_REL) };
	frame_release(&raced); /* dst filled meanwhile by a racing move: drop, never duplicate */
	return 0;
}
static inline void frame_swap(struct frame *a, struct frame *b)
{
	if (a == b)
		return; /* swapping a handle with itself changes nothing */
	/* SAFETY: as frame_move: each frame number is in exactly one place at every step. */
	uint64_t x = __atomic_exchange_n(&a->pfn, 0, __ATOMIC_ACQ_REL);
	uint64_t y = __atomic_exchange_n(&b->pfn, x, __ATOMIC_ACQ_REL);
	struct frame raced = { .pfn = __atomic_exchange_n(&a->pfn, y, __ATOMIC_ACQ_REL) };
	frame_release(&raced);
}

/* frame_is_empty - whether f holds no frame. */
static inline bool frame_is_empty(const struct frame *f)
{
	return f->pfn == 0;
}

/* frame_refcount - references to f's frame right now (0 for an empty handle). Diagnostics. */
uint32_t frame_refcount(const struct frame *f);

/* frame_same - whether two handles name the same frame (both non-empty). */
bool frame_same(const struct frame *a, const struct frame *b);

/*
 * frame_read - copy bytes [off, off + bytes_len(dst)) of the frame into dst.
 * Returns: 0; -ERANGE when the range leaves the frame (nothing copied); -EINVAL for an empty
 *          handle, or one whose frame is not a live untyped frame (checked on every call, and
 *          the frame is held for the time of the copy: a racing frame_release cannot free it
 *          under the access).
 */
FW_MUST_CHECK int frame_read(const struct frame *f, size_t off, struct bytes dst);

/* frame_write - copy src into the frame at off. Same returns as frame_read, and -EPERM for a
 * frame the framework sealed (the vDSO's pages, reachable through vmspace_frame_at). */
FW_MUST_CHECK int frame_write(const struct frame *f, size_t off, struct bytes src);

/* frame_fill - set len bytes at off to v. Same returns as frame_write. */
FW_MUST_CHECK int frame_fill(const struct frame *f, size_t off, size_t len, uint8_t v);

/* frame_copy - copy all FRAME_SIZE bytes of src's frame into dst's. -EINVAL for an empty or
 * dead handle, -EPERM for a sealed dst (nothing copied). */
FW_MUST_CHECK int frame_copy(const struct frame *dst, const struct frame *src);

/* Memory statistics, in frames: free now, and managed in total. */
uint64_t frame_stat_free(void);
uint64_t frame_stat_total(void);

#endif /* FW_FRAME_H */
