/*
 * lib/refcount.c — saturating reference counts (fw/refcount.h). Counts above REFCOUNT_MAX
 * are the saturation zone: once there, a count is pinned at REFCOUNT_SATURATED, so no sequence
 * of gets and puts can bring it back to 0 and free an object still referenced.
 */
#include <fw/refcount.h>

static void saturate(struct refcount *r, struct str why)
{
	atomic_u32_store(&r->v, REFCOUNT_SATURATED);
	fw_lib_warn(why, STR(__FILE__), __LINE__);
}

void refcount_get(struct refcount *r)
{
	uint32_t old = atomic_u32_fetch_add(&r->v, 1);
	if (FW_UNLIKELY(old == 0))
		saturate(r, STR("refcount: get on a count of 0 (use after free); leaking"));
	else if (FW_UNLIKELY(old >= REFCOUNT_MAX))
		saturate(r, STR("refcount: overflow; saturated and leaking"));
}

bool refcount_get_not_zero(struct refcount *r)
{
	uint32_t old = atomic_u32_load_relaxed(&r->v);
	do {
		if (old == 0)
			return false;
		if (old > REFCOUNT_MAX)
			return true; /* saturated: stays pinned */
	} while (!atomic_u32_cmpxchg(&r->v, &old, old + 1));
	if (FW_UNLIKELY(old == REFCOUNT_MAX))
		saturate(r, STR("refcount: overflow; saturated and leaking"));
	return true;
}

bool refcount_put(struct refcount *r)
{
	uint32_t old = atomic_u32_fetch_sub(&r->v, 1);
	if (FW_LIKELY(old > 1 && old <= REFCOUNT_MAX))
		return false;
	if (old == 1)
		return true;
	/* old == 0 (a put too many) or already saturated: pin it, never report "last". */
	if (old == 0)
		saturate(r, STR("refcount: put on a count of 0 (double put); leaking"));
	else
		atomic_u32_store(&r->v, REFCOUNT_SATURATED);
	return false;
}

bool refcount_put_not_last(struct refcount *r)
{
	uint32_t old = atomic_u32_load_relaxed(&r->v);
	do {
		if (old > REFCOUNT_MAX)
			return true; /* saturated: stays pinned, nothing to free */
		if (old <= 1)
			return false; /* the last (or 0: the caller's refcount_put reports it) */
	} while (!atomic_u32_cmpxchg(&r->v, &old, old - 1));
	return true;
}
