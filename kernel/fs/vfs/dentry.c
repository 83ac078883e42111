/*
 * dentry.c — dentry objects (fs/vfs.h, "Dentry lifetime"): creation under a parent with the
 * next cookie of its directory, the child lists, references and the iterative release that
 * frees a dentry and the parents it was the last to pin, and freeing a whole tree.
 *
 * The dentry hash: every linked dentry is also in one hash table keyed by (parent, name), so
 * a lookup is one bucket, not a scan of the directory's list (the list stays for getdents,
 * in cookie order). A dentry is in the table exactly while it is on its parent's list.
 *
 * Both, the cookies and `dead` are under dcache_lock, a reader-writer semaphore: a walk
 * (vfs_lock held for reading) holds it for reading from its first component to its last, so
 * it sees one state of the tree, while a change inside one directory (vfs_lock for reading
 * too, and the directory's dir_lock) holds it for writing only to add or remove an entry.
 * Nothing is freed under a read hold of vfs_lock: the last put of a dentry takes it for
 * writing, so a dentry a walk found stays valid until the walk's hold of vfs_lock ends.
 */
#include <fs/vfs_internal.h>
#include <fw/atomic.h>
#include <fw/heap.h>
#include <fw/typecache.h>

struct rwsem vfs_lock = RWSEM_INIT(vfs_lock);
struct rwsem dcache_lock = RWSEM_INIT(dcache_lock);

DEFINE_LIST(dentry_children, struct dentry, sibling, rwsem);
struct dentry_dir {
	struct dentry_children kids GUARDED_BY(&dcache_lock); /* in increasing cookie order */
	u64 next_cookie GUARDED_BY(&dcache_lock);             /* for the next child linked */
};
DEFINE_TYPE_CACHE(dentry_cache, struct dentry);

#define DCACHE_HASH_BITS 12
DEFINE_HASH(dentry_hash, struct dentry, hashed, DCACHE_HASH_BITS, rwsem);
static struct dentry_hash dcache GUARDED_BY(&dcache_lock);
static bool dcache_ready GUARDED_BY(&dcache_lock);
static u64 dentry_next_id GUARDED_BY(&dcache_lock);

/* dcache_key - the hash key of name `name` in the directory `parent`. */
static u64 dcache_key(const struct dentry *parent, struct str name)
{
	return hash_str(name) ^ (parent->id * 0x9e3779b97f4a7c15ull);
}

static struct dentry_hash *dcache_table(void) REQUIRES(dcache_lock)
{
	if (!dcache_ready) {
		dentry_hash_init(&dcache, &dcache_lock);
		dcache_ready = true;
	}
	return &dcache;
}

/* children_add / children_remove - put d on parent's list and in the hash, or take it off
 * both. */
static void children_add(struct dentry *parent, struct dentry *d) REQUIRES(dcache_lock)
{
	dentry_children_push_back(&parent->dir->kids, d);
	dentry_hash_insert(dcache_table(), d, dcache_key(parent, vfs_dentry_name(d)));
}

static void children_remove(struct dentry *parent, struct dentry *d) REQUIRES(dcache_lock)
{
	dentry_children_remove(&parent->dir->kids, d);
	dentry_hash_remove(dcache_table(), d);
}
DEFINE_TYPE_CACHE(dentry_dir_cache, struct dentry_dir);

static struct atomic_u64 dentries_live;

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
	(void)atomic_u64_sub_return(&dentries_live, 1);
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
	return atomic_u64_load(&dentries_live);
}

bool vfs_dentry_dead(struct dentry *d)
{
	down_read(&dcache_lock);
	bool dead = d->dead;
	up_read(&dcache_lock);
	return dead;
}

bool vfs_dentry_dead_dlocked(struct dentry *d)
{
	return d->dead;
}

/* link_dlocked - vfs_dentry_link_locked's work under dcache_lock. */
static void link_dlocked(struct dentry *parent, struct dentry *d) REQUIRES(dcache_lock)
{
	d->parent = parent;
	vfs_dentry_get(parent);
	d->cookie = parent->dir->next_cookie++;
	d->dead = false;
	children_add(parent, d);
}

/* vfs_dentry_link_locked - put d (unlinked, with a name) under `parent` with the directory's
 * next cookie; the tree's reference is d's own initial one, d pins parent. */
void vfs_dentry_link_locked(struct dentry *parent, struct dentry *d)
{
	down_write(&dcache_lock);
	link_dlocked(parent, d);
	up_write(&dcache_lock);
}

/* vfs_dentry_unlink_locked - take d out of its parent's list (it keeps its parent pointer
 * and the reference on it); the tree's reference becomes the caller's. */
void vfs_dentry_unlink_locked(struct dentry *d)
{
	down_write(&dcache_lock);
	children_remove(d->parent, d);
	up_write(&dcache_lock);
}

/* vfs_dentry_new_locked - a dentry for `ip` (taking over the caller's inode reference on
 * success) named `name`, linked under `parent` (NULL: a root, its reference the caller's). */
/* dentry_alloc - an unlinked dentry `name` for ip (not yet taking its reference), or NULL
 * with *err set. Nobody else sees it yet: no lock. */
static struct dentry *dentry_alloc(struct str name, struct inode *ip, int *err)
{
	*err = -ENOMEM;
	struct dentry *d = KNEW(dentry_cache);
	if (!d)
		return NULL;
	struct result_size n = str_copy_to(BYTES_OF_ARRAY(d->name), name);
	if (n.err || n.value > VFS_NAME_MAX) {
		KFREE(dentry_cache, d);
		*err = -ENAMETOOLONG;
		return NULL;
	}
	d->name_len = n.value;
	if ((ip->mode & VFS_S_IFMT) == VFS_S_IFDIR) {
		d->dir = KNEW(dentry_dir_cache);
		if (!d->dir) {
			KFREE(dentry_cache, d);
			return NULL;
		}
		mutex_init(&d->dir_lock); /* one lock class: every directory's */
	}
	refcount_init(&d->refs, 1);
	d->inode = ip;
	return d;
}

/* dentry_publish - number d and count it live; a directory's child list starts empty. */
static void dentry_publish(struct dentry *d) REQUIRES(dcache_lock)
{
	d->id = ++dentry_next_id;
	(void)atomic_u64_add_return(&dentries_live, 1);
	if (d->dir) {
		dentry_children_init(&d->dir->kids, &dcache_lock);
		d->dir->next_cookie = 2; /* 0 and 1 are "." and ".." */
	}
}

struct dentry_result vfs_dentry_new_locked(struct dentry *parent, struct str name,
					   struct inode *ip)
{
	int err;
	struct dentry *d = dentry_alloc(name, ip, &err);
	if (!d)
		return dentry_result_err(err);
	down_write(&dcache_lock);
	dentry_publish(d);
	if (parent)
		link_dlocked(parent, d);
	else
		d->parent = d;
	up_write(&dcache_lock);
	return dentry_result_ok(d);
}

struct dentry_result vfs_dentry_new_dirlocked(struct dentry *parent, struct str name,
					      struct inode *ip)
{
	int err;
	struct dentry *d = dentry_alloc(name, ip, &err);
	if (!d)
		return dentry_result_err(err);
	down_write(&dcache_lock);
	/* rmdir of the parent, under its own parent's dir_lock, may have emptied and killed it
	 * since this change checked: a dead directory takes no entry */
	int e = parent->dead ? -ENOENT : vfs_find_child_dlocked(parent, name) ? -EEXIST : 0;
	if (!e) {
		dentry_publish(d);
		link_dlocked(parent, d);
	}
	up_write(&dcache_lock);
	if (e) { /* never seen by anyone: freed as it was made */
		if (d->dir)
			KFREE(dentry_dir_cache, d->dir);
		KFREE(dentry_cache, d);
		return dentry_result_err(e);
	}
	return dentry_result_ok(d);
}

/* kill_dlocked - take d out of the tree and mark it dead; -ENOTEMPTY (and nothing done) when
 * `only_if_empty` and d has children. The tree's reference becomes the caller's. */
static int kill_dlocked(struct dentry *d, bool only_if_empty) REQUIRES(dcache_lock)
{
	if (only_if_empty && d->dir && !dentry_children_is_empty(&d->dir->kids))
		return -ENOTEMPTY;
	children_remove(d->parent, d);
	d->dead = true;
	return 0;
}

void vfs_dentry_kill_locked(struct dentry *d)
{
	down_write(&dcache_lock);
	(void)kill_dlocked(d, false);
	up_write(&dcache_lock);
}

int vfs_dentry_kill_dirlocked(struct dentry *dir, struct dentry *d, bool only_if_empty)
{
	if (d->parent != dir || d == dir)
		return -ENOENT; /* not dir's child: the caller's bug, refused */
	down_write(&dcache_lock);
	/* an rmdir's emptiness check and the mark are one step, so a create in d (under d's
	 * own dir_lock, which this does not hold) either linked first or sees d dead */
	int e = kill_dlocked(d, only_if_empty);
	up_write(&dcache_lock);
	return e;
}

void vfs_dentry_hang_dead_locked(struct dentry *d, struct dentry *parent)
{
	d->parent = parent;
	vfs_dentry_get(parent);
	down_write(&dcache_lock);
	d->dead = true;
	up_write(&dcache_lock);
}

void vfs_dentry_move_locked(struct dentry *d, struct dentry *to, struct str name)
{
	down_write(&dcache_lock);
	children_remove(d->parent, d);
	(void)vfs_dentry_set_name_locked(d, name); /* checked by the walk: <= NAME_MAX */
	link_dlocked(to, d);
	up_write(&dcache_lock);
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

struct dentry *vfs_find_child_dlocked(struct dentry *dir, struct str name)
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

struct dentry *vfs_find_child_locked(struct dentry *dir, struct str name)
{
	down_read(&dcache_lock);
	struct dentry *d = vfs_find_child_dlocked(dir, name);
	up_read(&dcache_lock);
	return d;
}

bool vfs_dir_is_empty_locked(struct dentry *dir)
{
	if (!dir->dir)
		return true;
	down_read(&dcache_lock);
	bool empty = dentry_children_is_empty(&dir->dir->kids);
	up_read(&dcache_lock);
	return empty;
}

struct dentry *vfs_child_from_locked(struct dentry *dir, u64 cookie)
{
	if (!dir->dir)
		return NULL;
	struct dentry *found = NULL;
	down_read(&dcache_lock);
	LIST_FOR_EACH(dentry_children, &dir->dir->kids, d)
		if (d->cookie >= cookie) {
			found = d;
			break;
		}
	up_read(&dcache_lock);
	return found;
}

/* first_child - dir's first child or NULL (vfs_lock held for writing: the list is still). */
static struct dentry *first_child(struct dentry *dir) REQUIRES(vfs_lock)
{
	if (!dir->dir)
		return NULL;
	down_read(&dcache_lock);
	struct dentry *d = dentry_children_first(&dir->dir->kids);
	up_read(&dcache_lock);
	return d;
}

/* next_child - d's next sibling in dir, or NULL (vfs_lock held for writing). */
static struct dentry *next_child(struct dentry *dir, struct dentry *d) REQUIRES(vfs_lock)
{
	down_read(&dcache_lock);
	struct dentry *n = dentry_children_next(&dir->dir->kids, d);
	up_read(&dcache_lock);
	return n;
}

void vfs_free_tree_locked(struct dentry *top)
{
	struct dentry *cur = top;
	for (u64 guard = 0; cur && guard < (1ull << 40); guard++) {
		struct dentry *child = first_child(cur);
		if (child) {
			cur = child;
			continue;
		}
		/* a leaf: unlink it from its parent and free it, whatever references remain
		 * (the caller guarantees nobody uses the tree) */
		struct dentry *up = cur->parent;
		if (cur != top)
			vfs_dentry_unlink_locked(cur);
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
		struct dentry *child = first_child(cur);
		if (child) {
			cur = child;
			continue;
		}
		if (cur == top)
			break;
		struct dentry *up = cur->parent;
		vfs_dentry_kill_locked(cur);
		vfs_dentry_put_locked(cur); /* up keeps its own tree reference */
		cur = up;
	}
}

void vfs_dentry_drop_locked(struct dentry *d)
{
	vfs_tree_kill_locked(d);
	vfs_dentry_kill_locked(d);
	vfs_dentry_put_locked(d); /* the tree's reference (its parent keeps its own) */
}

void vfs_prune_stale_locked(const struct vfs_ctx *c, struct dentry *dir)
{
	struct dentry *d = first_child(dir);
	while (d) {
		struct dentry *next = next_child(dir, d);
		/* Directories only: a link is stale at every lookup (procfs makes links anew) and
		 * may be the one this walk is following; there are few link names, each dropped
		 * at its next lookup, while directory names (pids) are unbounded. */
		if (d->dir && d->inode->ops->revalidate && !d->mounts &&
		    !d->inode->ops->revalidate(c, d->inode))
			vfs_dentry_drop_locked(d);
		d = next;
	}
}
