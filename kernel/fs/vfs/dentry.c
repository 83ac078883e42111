/*
 * dentry.c — dentry objects (fs/vfs.h, "Dentry lifetime"): creation under a parent with the
 * next cookie of its directory, the child lists, references and the iterative release that
 * frees a dentry and the parents it was the last to pin, and freeing a whole tree.
 *
 * The dentry hash: every linked dentry is also in one hash table keyed by (parent, name), so
 * a lookup is one bucket, not a scan of the directory's list (the list stays for getdents,
 * in cookie order). A dentry is in the table exactly while it is on its parent's list.
 */
#include <fs/vfs_internal.h>
#include <fw/heap.h>
#include <fw/typecache.h>

struct rwsem vfs_lock = RWSEM_INIT(vfs_lock);

DEFINE_LIST(dentry_children, struct dentry, sibling, rwsem);
struct dentry_dir {
	struct dentry_children kids GUARDED_BY(&vfs_lock); /* in increasing cookie order */
	u64 next_cookie GUARDED_BY(&vfs_lock);             /* for the next child linked */
};
DEFINE_TYPE_CACHE(dentry_cache, struct dentry);

#define DCACHE_HASH_BITS 12
DEFINE_HASH(dentry_hash, struct dentry, hashed, DCACHE_HASH_BITS, rwsem);
static struct dentry_hash dcache GUARDED_BY(&vfs_lock);
static bool dcache_ready GUARDED_BY(&vfs_lock);
static u64 dentry_next_id GUARDED_BY(&vfs_lock);

/* dcache_key - the hash key of name `name` in the directory `parent`. */
static u64 dcache_key(const struct dentry *parent, struct str name)
{
	return hash_str(name) ^ (parent->id * 0x9e3779b97f4a7c15ull);
}

static struct dentry_hash *dcache_table(void) REQUIRES(vfs_lock)
{
	if (!dcache_ready) {
		dentry_hash_init(&dcache, &vfs_lock);
		dcache_ready = true;
	}
	return &dcache;
}

/* children_add / children_remove - put d on parent's list and in the hash, or take it off
 * both. */
static void children_add(struct dentry *parent, struct dentry *d) REQUIRES(vfs_lock)
{
	dentry_children_push_back(&parent->dir->kids, d);
	dentry_hash_insert(dcache_table(), d, dcache_key(parent, vfs_dentry_name(d)));
}

static void children_remove(struct dentry *parent, struct dentry *d) REQUIRES(vfs_lock)
{
	dentry_children_remove(&parent->dir->kids, d);
	dentry_hash_remove(dcache_table(), d);
}
DEFINE_TYPE_CACHE(dentry_dir_cache, struct dentry_dir);

static u64 dentries_live; /* guarded by vfs_lock */

struct str vfs_dentry_name(struct dentry *d)
{
	return str_from_bytes(bytes_head(BYTES_OF_ARRAY(d->name), d->name_len));
}

/* dentry_free_locked - free d (its last reference is gone, it is off every list); returns
 * the parent whose reference it held, or NULL for a root. */
static struct dentry *dentry_free_locked(struct dentry *d) REQUIRES(vfs_lock)
{
	struct dentry *up = d->parent != d ? d->parent : NULL;
	vfs_inode_put(d->inode);
	if (d->dir)
		KFREE(dentry_dir_cache, d->dir);
	KFREE(dentry_cache, d);
	dentries_live--;
	return up;
}

void vfs_dentry_put_locked(struct dentry *d)
{
	/* Iterative: a chain of dead directories, each pinned only by its child, is freed
	 * without recursion. */
	while (d && refcount_put(&d->refs))
		d = dentry_free_locked(d);
}

void vfs_dentry_get(struct dentry *d)
{
	refcount_get(&d->refs);
}

void vfs_dentry_put(struct dentry *d)
{
	/* Only the last reference frees (and only an unlinked dentry can lose it: the tree
	 * holds one on each linked dentry), so only the last needs the lock. */
	if (!d || refcount_put_not_last(&d->refs))
		return;
	down_write(&vfs_lock);
	vfs_dentry_put_locked(d);
	up_write(&vfs_lock);
}

u64 vfs_dentry_count(void)
{
	down_write(&vfs_lock);
	u64 n = dentries_live;
	up_write(&vfs_lock);
	return n;
}

/* vfs_dentry_link_locked - put d (unlinked, with a name) under `parent` with the directory's
 * next cookie; the tree's reference is d's own initial one, d pins parent. */
void vfs_dentry_link_locked(struct dentry *parent, struct dentry *d)
{
	d->parent = parent;
	vfs_dentry_get(parent);
	d->cookie = parent->dir->next_cookie++;
	d->dead = false;
	children_add(parent, d);
}

/* vfs_dentry_unlink_locked - take d out of its parent's list (it keeps its parent pointer
 * and the reference on it); the tree's reference becomes the caller's. */
void vfs_dentry_unlink_locked(struct dentry *d)
{
	children_remove(d->parent, d);
}

/* vfs_dentry_new_locked - a dentry for `ip` (taking over the caller's inode reference on
 * success) named `name`, linked under `parent` (NULL: a root, its reference the caller's). */
struct dentry_result vfs_dentry_new_locked(struct dentry *parent, struct str name,
					   struct inode *ip)
{
	struct dentry *d = KNEW(dentry_cache);
	if (!d)
		return dentry_result_err(-ENOMEM);
	struct result_size n = str_copy_to(BYTES_OF_ARRAY(d->name), name);
	if (n.err || n.value > VFS_NAME_MAX) {
		KFREE(dentry_cache, d);
		return dentry_result_err(-ENAMETOOLONG);
	}
	d->name_len = n.value;
	if ((ip->mode & VFS_S_IFMT) == VFS_S_IFDIR) {
		d->dir = KNEW(dentry_dir_cache);
		if (!d->dir) {
			KFREE(dentry_cache, d);
			return dentry_result_err(-ENOMEM);
		}
		dentry_children_init(&d->dir->kids, &vfs_lock);
		d->dir->next_cookie = 2; /* 0 and 1 are "." and ".." */
	}
	refcount_init(&d->refs, 1);
	d->inode = ip;
	d->id = ++dentry_next_id;
	dentries_live++;
	if (parent)
		vfs_dentry_link_locked(parent, d);
	else
		d->parent = d;
	return dentry_result_ok(d);
}

/* vfs_dentry_set_name_locked - rename d in place (it is unlinked). */
int vfs_dentry_set_name_locked(struct dentry *d, struct str name)
{
	if (str_len(name) > VFS_NAME_MAX)
		return -ENAMETOOLONG;
	struct result_size n = str_copy_to(BYTES_OF_ARRAY(d->name), name);
	if (n.err)
		return -ENAMETOOLONG;
	d->name_len = n.value;
	return 0;
}

struct dentry *vfs_find_child_locked(struct dentry *dir, struct str name)
{
	if (!dir->dir || !dcache_ready)
		return NULL; /* nothing linked yet */
	struct dentry_hash *h = &dcache;
	for (struct dentry *d = dentry_hash_find(h, dcache_key(dir, name)); d;
	     d = dentry_hash_find_next(h, d))
		if (d->parent == dir && d->name_len == str_len(name) &&
		    str_eq(vfs_dentry_name(d), name))
			return d;
	return NULL;
}

bool vfs_dir_is_empty_locked(struct dentry *dir)
{
	return !dir->dir || dentry_children_is_empty(&dir->dir->kids);
}

struct dentry *vfs_child_from_locked(struct dentry *dir, u64 cookie)
{
	if (!dir->dir)
		return NULL;
	LIST_FOR_EACH(dentry_children, &dir->dir->kids, d)
		if (d->cookie >= cookie)
			return d;
	return NULL;
}

void vfs_free_tree_locked(struct dentry *top)
{
	struct dentry *cur = top;
	for (u64 guard = 0; cur && guard < (1ull << 40); guard++) {
		struct dentry *child = cur->dir ? dentry_children_first(&cur->dir->kids) : NULL;
		if (child) {
			cur = child;
			continue;
		}
		/* a leaf: unlink it from its parent and free it, whatever references remain
		 * (the caller guarantees nobody uses the tree) */
		struct dentry *up = cur->parent;
		if (cur != top)
			children_remove(up, cur);
		bool last = cur == top;
		(void)dentry_free_locked(cur);
		if (last)
			break;
		cur = up;
	}
}

void vfs_tree_kill_locked(struct dentry *top)
{
	struct dentry *cur = top;
	for (u64 guard = 0; cur && guard < (1ull << 40); guard++) {
		struct dentry *child = cur->dir ? dentry_children_first(&cur->dir->kids) : NULL;
		if (child) {
			cur = child;
			continue;
		}
		if (cur == top)
			break;
		struct dentry *up = cur->parent;
		children_remove(up, cur);
		cur->dead = true;
		vfs_dentry_put_locked(cur); /* up keeps its own tree reference */
		cur = up;
	}
}

void vfs_dentry_drop_locked(struct dentry *d)
{
	vfs_tree_kill_locked(d);
	children_remove(d->parent, d);
	d->dead = true;
	vfs_dentry_put_locked(d); /* the tree's reference (its parent keeps its own) */
}

void vfs_prune_stale_locked(const struct vfs_ctx *c, struct dentry *dir)
{
	if (!dir->dir)
		return;
	struct dentry *d = dentry_children_first(&dir->dir->kids);
	while (d) {
		struct dentry *next = dentry_children_next(&dir->dir->kids, d);
		/* Directories only: a link is stale at every lookup (procfs makes links anew) and
		 * may be the one this walk is following; there are few link names, each dropped
		 * at its next lookup, while directory names (pids) are unbounded. */
		if (d->dir && d->inode->ops->revalidate && !d->mounts &&
		    !d->inode->ops->revalidate(c, d->inode))
			vfs_dentry_drop_locked(d);
		d = next;
	}
}
