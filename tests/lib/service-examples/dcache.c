/* safecheck-expect: accept
 *
 * dcache.c — service example: a directory-entry cache. Entries are found by (parent, name)
 * through a typed hash table tied to the cache's lock (fw/hash.h; the key is hash_str of the
 * name mixed with the parent's inode number, and the name itself is compared in the
 * find_next loop), and the cache keeps hit/miss statistics in atomics (fw/atomic.h) that
 * readers may sample without the lock. Names are `struct str` copied into each entry's own
 * byte array (BYTES_OF_ARRAY), never `char *`.
 *
 * Classic unsafe alternative (rejected: bad/container_of.c): an hlist walked with a
 * free-for-all container_of (hlist_entry) and strcmp on NUL-terminated names.
 */
#include <fw/atomic.h>
#include <fw/hash.h>
#include <fw/litelock.h>
#include <fw/str.h>
#include <fw/typecache.h>

#include "examples.h"

#define EX_DNAME_MAX 32

struct ex_dentry {
	struct hash_link by_name;
	uint64_t parent_ino;
	uint64_t ino;
	uint8_t name_len;
	char name[EX_DNAME_MAX];
};
DEFINE_TYPE_CACHE(ex_dentry_cache, struct ex_dentry);
DEFINE_HASH(ex_dentry_hash, struct ex_dentry, by_name, 6, litelock);

struct ex_dcache {
	struct litelock lock;
	struct ex_dentry_hash table GUARDED_BY(&lock);
	struct atomic_u64 hits, misses;
};

static uint64_t ex_dkey(uint64_t parent_ino, struct str name)
{
	return hash_str(name) ^ (parent_ino * 0x9E3779B97F4A7C15ull);
}

static struct str ex_dentry_name(struct ex_dentry *d)
{
	return str_from_bytes(bytes_head(BYTES_OF_ARRAY(d->name), d->name_len));
}

/* ex_d_lookup - the inode number of `name` in directory `parent`, or 0 when not cached. */
static uint64_t ex_d_lookup(struct ex_dcache *c, uint64_t parent, struct str name) REQUIRES(c->lock)
{
	for (struct ex_dentry *d = ex_dentry_hash_find(&c->table, ex_dkey(parent, name)); d;
	     d = ex_dentry_hash_find_next(&c->table, d)) {
		if (d->parent_ino == parent && str_eq(ex_dentry_name(d), name)) {
			atomic_u64_fetch_add(&c->hits, 1);
			return d->ino;
		}
	}
	atomic_u64_fetch_add(&c->misses, 1);
	return 0;
}

/* ex_d_add - cache `name` -> ino under `parent`; -ENAMETOOLONG or -ENOMEM. */
static int ex_d_add(struct ex_dcache *c, uint64_t parent, struct str name, uint64_t ino)
	REQUIRES(c->lock)
{
	if (str_len(name) > EX_DNAME_MAX)
		return -ENAMETOOLONG;
	struct ex_dentry *d = ex_dentry_cache_alloc();
	if (!d)
		return -ENOMEM;
	struct result_size n = str_copy_to(BYTES_OF_ARRAY(d->name), name);
	d->name_len = (uint8_t)n.value;
	d->parent_ino = parent;
	d->ino = ino;
	ex_dentry_hash_insert(&c->table, d, ex_dkey(parent, name));
	return 0;
}

int dcache_demo(void)
{
	static struct ex_dcache c = { .lock = LITELOCK_INIT };
	int bad = 0;
	atomic_u64_init(&c.hits, 0);
	atomic_u64_init(&c.misses, 0);
	litelock_lock(&c.lock);
	ex_dentry_hash_init(&c.table, &c.lock);
	bad += ex_d_add(&c, 2, STR("etc"), 10) != 0;
	bad += ex_d_add(&c, 2, STR("bin"), 11) != 0;
	bad += ex_d_add(&c, 10, STR("passwd"), 12) != 0;
	bad += ex_d_add(&c, 2, STR("a-name-that-is-longer-than-32-bytes"), 13) != -ENAMETOOLONG;
	bad += ex_d_lookup(&c, 2, STR("etc")) != 10;
	bad += ex_d_lookup(&c, 10, STR("passwd")) != 12;
	bad += ex_d_lookup(&c, 2, STR("passwd")) != 0;      /* right name, wrong directory */
	bad += ex_d_lookup(&c, 2, STR("et")) != 0;
	struct ex_dentry *d;
	while ((d = ex_dentry_hash_first(&c.table))) {
		ex_dentry_hash_remove(&c.table, d);
		ex_dentry_cache_free(d);
	}
	litelock_unlock(&c.lock);
	bad += atomic_u64_load(&c.hits) != 2 || atomic_u64_load(&c.misses) != 2;
	return bad ? -EINVAL : 0;
}
