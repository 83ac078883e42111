/*
 * fw/idalloc.h — id allocators: the lowest free integer in [min, max] (pids, file
 * descriptors, inode numbers, minor numbers).
 *
 *     struct idalloc fds;  idalloc_init(&fds, 0, 1023);
 *     struct result_u32 fd = idalloc_alloc(&fds);            // lowest free, or -ENOSPC/-ENOMEM
 *     struct result_u32 fd2 = idalloc_alloc_from(&fds, 10);  // lowest free >= 10 (F_DUPFD)
 *     int e = idalloc_reserve(&fds, 5);                      // take exactly 5 (dup2); -EBUSY
 *     idalloc_free(&fds, fd.value);                          // -ENOENT if it was not taken
 *
 * A bitmap that grows by doubling through the allocation hook, so a table sized for 1M ids
 * costs memory only for the ids used. The caller guards it with its lock (GUARDED_BY).
 */
#ifndef FW_IDALLOC_H
#define FW_IDALLOC_H

#include <fw/libbase.h>
#include <fw/result.h>

struct FW_NOCOPY FW_FAT idalloc {
	size_t nwords FW_PRIVATE;
	uint64_t *bits FW_COUNTED_BY(nwords) FW_PRIVATE;
	uint32_t min FW_PRIVATE, max FW_PRIVATE;
	uint32_t used FW_PRIVATE;
};

/* idalloc_init - an allocator for ids min..max inclusive (min <= max, checked). */
void idalloc_init(struct idalloc *ida, uint32_t min, uint32_t max);
/* idalloc_destroy - free the bitmap; all ids are free after. */
void idalloc_destroy(struct idalloc *ida);
/* idalloc_alloc - the lowest free id; -ENOSPC when all are taken, -ENOMEM. */
struct result_u32 idalloc_alloc(struct idalloc *ida);
/* idalloc_alloc_from - the lowest free id >= from (from may be below min). */
struct result_u32 idalloc_alloc_from(struct idalloc *ida, uint32_t from);
/* idalloc_reserve - take exactly `id`: 0, -EBUSY (taken), -ERANGE (outside), -ENOMEM. */
int idalloc_reserve(struct idalloc *ida, uint32_t id);
/* idalloc_free - release `id`: 0, or -ENOENT when it was not allocated (also warned). */
int idalloc_free(struct idalloc *ida, uint32_t id);
/* idalloc_is_used - `id` is currently allocated. */
bool idalloc_is_used(const struct idalloc *ida, uint32_t id);
/* idalloc_count - how many ids are allocated. */
static inline uint32_t idalloc_count(const struct idalloc *ida)
{
	return ida->used;
}

#endif /* FW_IDALLOC_H */
