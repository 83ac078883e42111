/*
 * namei.c — path lookup (fs/vfs.h): permission checks and the walker. Lookup is iterative
 * (the checker forbids recursion, and a symlink chain must not grow the kernel stack): a
 * small stack of "text still to walk" slices, one per symlink being expanded, VFS_MAX_NEST
 * deep. A removed directory has no children to find: looking a name up in it is -ENOENT.
 */
#include <fs/vfs_internal.h>

static bool is_dir(const struct inode *ip)
{
	return (ip->mode & VFS_S_IFMT) == VFS_S_IFDIR;
}

static bool is_link(const struct inode *ip)
{
	return (ip->mode & VFS_S_IFMT) == VFS_S_IFLNK;
}

int vfs_permission(const struct inode *ip, const struct cred *cred, u32 mask)
{
	mask &= VFS_MAY_READ | VFS_MAY_WRITE | VFS_MAY_EXEC;
	if (cred->fsuid == 0) {
		/* root: everything, except executing a non-directory with no x bit at all */
		if ((mask & VFS_MAY_EXEC) && !is_dir(ip) && !(ip->mode & 0111))
			return -EACCES;
		return 0;
	}
	u32 bits = ip->mode;
	if (cred->fsuid == ip->uid)
		bits >>= 6;
	else if (cred_in_group(cred, ip->gid))
		bits >>= 3;
	return (mask & ~bits & 7) ? -EACCES : 0;
}

int vfs_may_delete_locked(struct dentry *dir, struct dentry *victim, const struct cred *cred)
{
	if (!(dir->inode->mode & VFS_S_ISVTX) || cred->fsuid == 0)
		return 0;
	if (cred->fsuid == victim->inode->uid || cred->fsuid == dir->inode->uid)
		return 0;
	return -EPERM;
}

/*
 * The walk runs under vfs_lock held either way, and its steps (walk_run) under dcache_lock
 * held for reading: a change inside a directory (which holds vfs_lock only for reading)
 * waits for the walks in progress, and they see the tree before it or after it. Held for
 * reading (vfs_lookup, many walks at once) vfs_lock lets the walk only read the tree; what
 * would change it or call into another subsystem — a generated name looked up in its file
 * system (procfs, sysfs), a cached generated entry to revalidate, a magic link to follow —
 * stops it with WALK_SLOW, and the caller walks again from the start with vfs_lock held for
 * writing (Linux's fall back from the lockless walk, -ECHILD). Held for writing
 * (vfs_walk_path_locked) the same steps run, and at a WALK_SLOW or WALK_FOLLOW stop the
 * driver lets go of dcache_lock, does that step (slow_child_locked, walk_follow) and goes on
 * from where the walk stopped.
 */
#define WALK_SLOW 1
#define WALK_FOLLOW 2

struct walk {
	struct str rest[VFS_MAX_NEST + 1]; /* [0]: the path; [i>0]: symlink targets */
	u32 depth;
	u32 links;
	const struct vfs_ctx *c;
	enum walk_mode mode;
	struct str *last;
	bool must_dir;
	bool shared;         /* vfs_lock held for reading: slow steps stop the walk */
	struct vfs_path cur; /* where the walk is */
	/* At a WALK_SLOW stop: the component to look up in cur, and the cached generated child
	 * to revalidate (NULL: none is cached). At a WALK_FOLLOW stop: the magic link. */
	struct str comp;
	struct dentry *stale;
	struct vfs_path link;
};

/* next_comp - the next non-empty component at the current depth; false when that level is
 * used up (the caller pops it). */
static bool next_comp(struct str *rest, struct str *comp)
{
	while (str_split_next(rest, '/', comp))
		if (str_len(*comp))
			return true;
	return false;
}

/* level_has_more - whether s holds another non-empty component: any byte but '/' (so
 * usually decided by its first byte, without splitting the component off). */
static bool level_has_more(struct str s)
{
	for (size_t i = 0; i < str_len(s); i++) {
		struct result_u8 b = str_at(s, i);
		if (!b.err && b.value != '/')
			return true;
	}
	return false;
}

static bool is_dot(struct str c)
{
	if (str_len(c) != 1)
		return false;
	struct result_u8 b = str_at(c, 0);
	return !b.err && b.value == '.';
}

static bool is_dotdot(struct str c)
{
	if (str_len(c) != 2)
		return false;
	struct result_u8 a = str_at(c, 0), b = str_at(c, 1);
	return !a.err && !b.err && a.value == '.' && b.value == '.';
}

static bool is_last(const struct walk *w)
{
	for (u32 i = 0; i <= w->depth && i <= VFS_MAX_NEST; i++)
		if (level_has_more(w->rest[i]))
			return false;
	return true;
}

/* walk_start - set w up for `path`: 0 or -errno. */
static int walk_start(struct walk *w, const struct vfs_ctx *c, struct str path,
		      enum walk_mode mode, struct str *last, bool shared)
{
	*w = (struct walk){ .c = c, .mode = mode, .last = last, .shared = shared };
	if (str_len(path) == 0)
		return -ENOENT;
	if (str_len(path) >= VFS_PATH_MAX)
		return -ENAMETOOLONG;
	w->must_dir = str_ends_with(path, STR("/"));
	w->cur = str_starts_with(path, STR("/")) ? c->root : c->cwd;
	if ((c->resolve & VFS_RESOLVE_BENEATH) && str_starts_with(path, STR("/")))
		return -EXDEV;
	w->rest[0] = path;
	if (last)
		*last = STR(".");
	return 0;
}

/* walk_dotdot - one step up from w->cur: never above the process root; from a mount's
 * root to its mount point in the parent mount, and from there up. */
static int walk_dotdot(struct walk *w) REQUIRES_SHARED(vfs_lock)
{
	const struct vfs_ctx *c = w->c;
	for (u32 guard = 0; guard < 1000; guard++) {
		struct vfs_path cur = w->cur;
		if (cur.mnt == c->root.mnt && cur.dentry == c->root.dentry)
			return (c->resolve & VFS_RESOLVE_BENEATH) ? -EXDEV : 0;
		if (cur.dentry == cur.mnt->root) {
			if (!cur.mnt->parent)
				return 0;
			if (c->resolve & VFS_RESOLVE_NO_XDEV)
				return -EXDEV;
			w->cur = (struct vfs_path){ .mnt = cur.mnt->parent,
						    .dentry = cur.mnt->mountpoint };
			continue;
		}
		w->cur.dentry = cur.dentry->parent;
		return 0;
	}
	return 0;
}

/* walk_link_text - go on through the target text of the symlink ip. */
static int walk_link_text(struct walk *w, struct inode *ip) REQUIRES_SHARED(vfs_lock)
{
	const struct vfs_ctx *c = w->c;
	u32 resolve = c->resolve;
	struct str target = ip->ops->readlink(ip);
	w->depth++;
	w->rest[w->depth] = target;
	if (str_starts_with(target, STR("/"))) {
		if (resolve & VFS_RESOLVE_BENEATH)
			return -EXDEV;
		if ((resolve & VFS_RESOLVE_NO_XDEV) && c->root.mnt != w->cur.mnt)
			return -EXDEV;
		w->cur = c->root;
	}
	return 0;
}

/* walk_follow - the WALK_FOLLOW step, with vfs_lock held for writing and dcache_lock not
 * held (procfs reads processes): straight to where the magic link w->link leads, or through
 * its text when that fails. */
static int walk_follow(struct walk *w) REQUIRES(vfs_lock)
{
	const struct vfs_ctx *c = w->c;
	struct inode *ip = w->link.dentry->inode;
	struct path_result to = ip->ops->follow(c, ip);
	if (!to.err && (c->resolve & VFS_RESOLVE_NO_XDEV) && to.value.mnt != w->cur.mnt)
		return -EXDEV;
	if (!to.err) {
		w->cur = to.value;
		return 0;
	}
	return walk_link_text(w, ip);
}

/* walk_link - walk_into's step through the symlink at `next`: 0 or -errno; at a magic link
 * WALK_SLOW when shared, else WALK_FOLLOW (the driver follows it). */
static FW_NOINLINE int walk_link(struct walk *w, struct vfs_path next) REQUIRES_SHARED(vfs_lock)
{
	const struct vfs_ctx *c = w->c;
	u32 resolve = c->resolve;
	struct inode *ip = next.dentry->inode;
	if (++w->links > VFS_MAXSYMLINKS)
		return -ELOOP;
	if (w->cur.mnt->flags & VFS_MNT_NOSYMFOLLOW)
		return -ELOOP;
	if (resolve & VFS_RESOLVE_NO_SYMLINKS)
		return -ELOOP;
	/* A link that ends a level replaces it (a tail call, as Linux): only links in the
	 * middle of a path nest. */
	while (w->depth > 0 && w->depth <= VFS_MAX_NEST && !level_has_more(w->rest[w->depth]))
		w->depth--;
	if (w->depth >= VFS_MAX_NEST)
		return -ELOOP;
	if (ip->ops->follow) { /* a magic link: straight to where it leads */
		if (resolve & VFS_RESOLVE_NO_MAGICLINKS)
			return -ELOOP;
		if (resolve & VFS_RESOLVE_SCOPED)
			return -EXDEV;
		w->link = next; /* procfs's: it reads processes, not the tree */
		return w->shared ? WALK_SLOW : WALK_FOLLOW;
	}
	return walk_link_text(w, ip);
}

/* walk_into - step from w->cur into its child `child` (found or made for the component just
 * taken): across mounts stacked on it, through a symlink, or onto it. 0 or -errno; may stop
 * with WALK_SLOW on a magic link when shared. */
static inline int walk_into(struct walk *w, struct dentry *child) REQUIRES_SHARED(vfs_lock)
{
	struct vfs_path next = { .mnt = w->cur.mnt, .dentry = child };
	for (u32 guard = 0; child->mounts && guard < 1000; guard++) {
		struct vfs_mount *m = vfs_mount_on_locked(next.mnt, next.dentry);
		if (!m)
			break;
		if (w->c->resolve & VFS_RESOLVE_NO_XDEV)
			return -EXDEV;
		next = (struct vfs_path){ .mnt = m, .dentry = m->root };
	}
	if (FW_LIKELY(!is_link(next.dentry->inode)) ||
	    (w->mode != WALK_FINAL_FOLLOW && is_last(w))) {
		w->cur = next;
		return 0;
	}
	return walk_link(w, next);
}

/* walk_run - walk on from where w is: 0 at the end (w->cur is the result), -errno, or
 * WALK_SLOW where the tree must change (w->comp in w->cur; w->stale). */
static int walk_run(struct walk *w) REQUIRES_SHARED(vfs_lock) REQUIRES_SHARED(dcache_lock)
{
	const struct vfs_ctx *c = w->c;
	for (;;) {
		struct str comp;
		u32 lvl = w->depth < VFS_MAX_NEST ? w->depth : VFS_MAX_NEST;
		struct str level = w->rest[lvl];
		bool got = next_comp(&level, &comp);
		w->rest[lvl] = level;
		if (!got) {
			if (w->depth == 0)
				return 0;
			w->depth--;
			continue;
		}
		struct inode *dip = w->cur.dentry->inode;
		if (!is_dir(dip))
			return -ENOTDIR;
		int e = vfs_permission(dip, &c->cred, VFS_MAY_EXEC);
		if (e)
			return e;
		if (str_len(comp) > VFS_NAME_MAX)
			return -ENAMETOOLONG;
		/* whether this is the last component matters only for WALK_PARENT and symlinks */
		if (w->mode == WALK_PARENT && is_last(w)) {
			if (w->last)
				*w->last = comp;
			return 0;
		}
		if (is_dot(comp))
			continue;
		if (is_dotdot(comp)) {
			e = walk_dotdot(w);
			if (e)
				return e;
			continue;
		}
		struct dentry *child = vfs_find_child_dlocked(w->cur.dentry, comp);
		w->comp = comp;
		w->stale = NULL;
		if (child && child->inode->ops->revalidate && !child->mounts) {
			w->stale = child; /* a generated name: still the same? */
			return WALK_SLOW;
		}
		if (!child && dip->ops->lookup && !vfs_dentry_dead_dlocked(w->cur.dentry))
			return WALK_SLOW;
		if (!child)
			return -ENOENT;
		e = walk_into(w, child);
		if (e)
			return e;
	}
}

/* slow_child_locked - the step a WALK_SLOW stop asked for: revalidate the cached generated
 * entry (still good: it is the child) or drop it, ask the directory's file system for the
 * name and cache what it made. The child, or -errno. */
static struct dentry_result slow_child_locked(struct walk *w) REQUIRES(vfs_lock)
{
	struct dentry *dir = w->cur.dentry;
	struct inode *dip = dir->inode;
	struct dentry *stale = w->stale;
	w->stale = NULL;
	if (stale && stale->inode->ops->revalidate(w->c, stale->inode))
		return dentry_result_ok(stale);
	if (stale)
		vfs_dentry_drop_locked(stale);
	if (!dip->ops->lookup || vfs_dentry_dead(dir))
		return dentry_result_err(-ENOENT);
	if (dip->ops->revalidate)
		vfs_prune_stale_locked(w->c, dir);
	struct inode_result made = dip->ops->lookup(w->c, dip, w->comp);
	if (made.err)
		return dentry_result_err(made.err);
	struct dentry_result nd = vfs_dentry_new_locked(dir, w->comp, made.value);
	if (nd.err)
		vfs_inode_put(made.value);
	return nd; /* its reference is the tree's */
}

/* walk_end - the result of a walk that ran to its end (e == 0) or failed. */
static struct path_result walk_end(struct walk *w, int e)
{
	if (e)
		return path_result_err(e);
	/* WALK_PARENT: "/" or "." or "a/.." have no last name to create or remove */
	if (w->mode != WALK_PARENT && w->must_dir && !is_dir(w->cur.dentry->inode))
		return path_result_err(-ENOTDIR);
	return path_result_ok(w->cur);
}

struct path_result vfs_walk_path_locked(const struct vfs_ctx *c, struct str path,
					enum walk_mode mode, struct str *last)
{
	struct walk w;
	int e = walk_start(&w, c, path, mode, last, false);
	for (u32 guard = 0; !e || e == WALK_SLOW || e == WALK_FOLLOW; guard++) {
		if (guard > 2 * VFS_PATH_MAX) /* each stop consumes a component or a link */
			return path_result_err(-ELOOP);
		if (e == WALK_SLOW) {
			struct dentry_result child = slow_child_locked(&w);
			e = child.err ? child.err : walk_into(&w, child.value);
			continue;
		}
		if (e == WALK_FOLLOW) {
			e = walk_follow(&w);
			continue;
		}
		down_read(&dcache_lock);
		e = walk_run(&w);
		up_read(&dcache_lock);
		if (!e)
			break; /* the end */
	}
	return walk_end(&w, e);
}

struct path_result vfs_walk_path_shared(const struct vfs_ctx *c, struct str path,
					enum walk_mode mode, struct str *last)
{
	struct walk w;
	int e = walk_start(&w, c, path, mode, last, true);
	if (!e) {
		down_read(&dcache_lock);
		e = walk_run(&w);
		up_read(&dcache_lock);
	}
	if (e == WALK_SLOW)
		return path_result_err(-ECHILD);
	return walk_end(&w, e);
}

struct dentry_result vfs_walk_mode_locked(const struct vfs_ctx *c, struct str path,
					  enum walk_mode mode, struct str *last)
{
	struct path_result r = vfs_walk_path_locked(c, path, mode, last);
	return r.err ? dentry_result_err(r.err) : dentry_result_ok(r.value.dentry);
}

struct dentry_result vfs_walk_locked(const struct vfs_ctx *c, struct str path, bool follow)
{
	return vfs_walk_mode_locked(c, path, follow ? WALK_FINAL_FOLLOW : WALK_FINAL_NOFOLLOW,
				    NULL);
}

/* lookup - resolve path with vfs_lock held for reading, else (a generated name on the way:
 * procfs, sysfs) again for writing, able to cache it; a reference on the dentry, and on the
 * mount too when `mnt_too`. */
static struct path_result lookup(const struct vfs_ctx *c, struct str path, bool follow,
				 bool mnt_too)
{
	enum walk_mode mode = follow ? WALK_FINAL_FOLLOW : WALK_FINAL_NOFOLLOW;
	down_read(&vfs_lock);
	struct path_result r = vfs_walk_path_shared(c, path, mode, NULL);
	if (!r.err)
		vfs_path_get((struct vfs_path){ .mnt = mnt_too ? r.value.mnt : NULL,
						.dentry = r.value.dentry });
	up_read(&vfs_lock);
	if (r.err != -ECHILD)
		return r;
	down_write(&vfs_lock);
	r = vfs_walk_path_locked(c, path, mode, NULL);
	if (!r.err)
		vfs_path_get((struct vfs_path){ .mnt = mnt_too ? r.value.mnt : NULL,
						.dentry = r.value.dentry });
	up_write(&vfs_lock);
	return r;
}

struct dentry_result vfs_lookup(const struct vfs_ctx *c, struct str path, bool follow)
{
	struct path_result r = lookup(c, path, follow, false);
	return r.err ? dentry_result_err(r.err) : dentry_result_ok(r.value.dentry);
}

struct path_result vfs_lookup_path(const struct vfs_ctx *c, struct str path, bool follow)
{
	return lookup(c, path, follow, true);
}

/* parent_checks - vfs_parent_for_change_*'s checks of the directory a walk found; `dead`:
 * whether a removed directory is refused here (-ENOENT). */
static struct path_result parent_checks(const struct vfs_ctx *c, struct path_result p,
					bool dead) REQUIRES_SHARED(vfs_lock)
{
	if (p.err)
		return p;
	struct inode *ip = p.value.dentry->inode;
	if (!is_dir(ip))
		return path_result_err(-ENOTDIR);
	int e = vfs_permission(ip, &c->cred, VFS_MAY_WRITE | VFS_MAY_EXEC);
	if (e)
		return path_result_err(e);
	if (ip->ops->lookup)
		return path_result_err(-EACCES); /* a generated directory: nothing is made in it */
	if (dead && vfs_dentry_dead(p.value.dentry))
		return path_result_err(-ENOENT);
	return p;
}

struct path_result vfs_parent_for_change_locked(const struct vfs_ctx *c, struct str path,
						struct str *last)
{
	return parent_checks(c, vfs_walk_path_locked(c, path, WALK_PARENT, last), true);
}

struct path_result vfs_parent_for_change_shared(const struct vfs_ctx *c, struct str path,
						struct str *last)
{
	/* A removed directory is not refused here: the change finds nothing in it (unlink,
	 * rmdir: -ENOENT) or its insert refuses it (create, link: -ENOENT), the same answer
	 * after the read-only mount's EROFS, as Linux's (mnt_want_write before the lookup). */
	return parent_checks(c, vfs_walk_path_shared(c, path, WALK_PARENT, last), false);
}
