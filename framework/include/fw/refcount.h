/*
 * fw/refcount.h — reference counts that cannot overflow or be resurrected.
 *
 *     refcount_init(&obj->ref, 1);
 *     refcount_get(&obj->ref);                 // take another reference
 *     if (refcount_put(&obj->ref))             // true: that was the last one
 *             obj_free(obj);
 *
 * Protection (after Linux refcount_t): a count that reaches REFCOUNT_SATURATED (by an
 * increment leak or a put on a count already 0) stays there forever — the object leaks
 * instead of being freed while still in use — and the event is reported with FW_WARN.
 * refcount_get on a count of 0 (a use after the last put) is reported and saturates too.
 * refcount_get_not_zero is the lookup-side variant for objects found in a cache.
 */
#ifndef FW_REFCOUNT_H
#define FW_REFCOUNT_H

#include <fw/libbase.h>
#include <fw/atomic.h>

#define REFCOUNT_SATURATED 0xC0000000u
#define REFCOUNT_MAX 0x7fffffffu

struct FW_NOCOPY refcount {
	struct atomic_u32 v FW_PRIVATE;
};

/* refcount_init - set the count (usually 1 for the creator's reference). */
static inline void refcount_init(struct refcount *r, uint32_t n)
{
	atomic_u32_init(&r->v, n);
}
/* refcount_read - the current count (a racy snapshot, for diagnostics and tests). */
static inline uint32_t refcount_read(const struct refcount *r)
{
	return atomic_u32_load(&r->v);
}
/* refcount_get - take a reference. Needs: the caller already holds one. */
void refcount_get(struct refcount *r);
/* refcount_get_not_zero - take a reference unless the count is 0; true when taken. */
FW_MUST_CHECK bool refcount_get_not_zero(struct refcount *r);
/* refcount_put - drop a reference; true when it was the last (the caller frees). */
FW_MUST_CHECK bool refcount_put(struct refcount *r);
/* refcount_put_not_last - drop a reference unless it is the last one: true when dropped (the
 * count was above 1, or saturated: pinned). False leaves the count as it was: the caller
 * drops that last one with refcount_put under whatever makes freeing safe (a lock: only the
 * last put needs it; Linux's refcount_dec_not_one). */
FW_MUST_CHECK bool refcount_put_not_last(struct refcount *r);
/* refcount_is_saturated - the count hit the saturation zone (the object is leaked). */
static inline bool refcount_is_saturated(const struct refcount *r)
{
	return refcount_read(r) > REFCOUNT_MAX;
}

#endif /* FW_REFCOUNT_H */
