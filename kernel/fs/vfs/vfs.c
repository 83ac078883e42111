/*
 * vfs.c — the VFS core (fs/vfs.h): the dentry tree, path lookup, permission checks, and
 * the namespace operations. Lookup is iterative (the checker forbids recursion, and a
 * symlink chain must not grow the kernel stack): a small stack of "text still to walk"
 * slices, one per symlink being expanded, VFS_MAX_NEST deep.
 */
#include <fs/vfs.h>
#include <fw/heap.h>
#include <fw/typecache.h>

struct litelock vfs_lock;

DEFINE_LIST(dentry_children, struct dentry, sibling, litelock);
struct dentry_dir {
	struct dentry_children kids GUARDED_BY(&vfs_lock);
};
DEFINE_TYPE_CACHE(dentry_cache, struct dentry);
DEFINE_TYPE_CACHE(dentry_dir_cache, struct dentry_dir);

static bool is_dir(const struct inode *ip)
{
	return (ip->mode & VFS_S_IFMT) == VFS_S_IFDIR;
}

static bool is_link(const struct inode *ip)
{
	return (ip->mode & VFS_S_IFMT) == VFS_S_IFLNK;
}

struct str vfs_dentry_name(struct dentry *d)
{
	return str_from_bytes(bytes_head(BYTES_OF_ARRAY(d->name), d->name_len));
}

int vfs_permission(const struct inode *ip, const struct cred *cred, u32 mask)
{
	mask &= VFS_MAY_READ | VFS_MAY_WRITE | VFS_MAY_EXEC;
	if (cred->euid == 0) {
		/* root: everything, except executing a non-directory with no x bit at all */
		if ((mask & VFS_MAY_EXEC) && !is_dir(ip) && !(ip->mode & 0111))
			return -EACCES;
		return 0;
	}
	u32 bits = ip->mode;
	if (cred->euid == ip->uid)
		bits >>= 6;
	else if (cred->egid == ip->gid)
		bits >>= 3;
	return (mask & ~bits & 7) ? -EACCES : 0;
}

void vfs_inode_put(struct inode *ip)
{
	if (ip && refcount_put(&ip->refs))
		ip->ops->destroy(ip);
}

/* new_dentry - a dentry for `ip` named `name` under `parent` (NULL: a root). */
static struct dentry_result new_dentry(struct dentry *parent, struct str name, struct inode *ip)
	REQUIRES(vfs_lock)
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
	if (is_dir(ip)) {
		d->dir = KNEW(dentry_dir_cache);
		if (!d->dir) {
			KFREE(dentry_cache, d);
			return dentry_result_err(-ENOMEM);
		}
		dentry_children_init(&d->dir->kids, &vfs_lock);
	}
	d->inode = ip;
	d->parent = parent ? parent : d;
	if (parent) {
		dentry_children_push_back(&parent->dir->kids, d);
		parent->generation++;
	}
	return dentry_result_ok(d);
}

static struct dentry *find_child(struct dentry *dir, struct str name)
	REQUIRES(vfs_lock)
{
	LIST_FOR_EACH(dentry_children, &dir->dir->kids, d)
		if (str_eq(vfs_dentry_name(d), name))
			return d;
	return NULL;
}

struct dentry_result vfs_init(void)
{
	litelock_init(&vfs_lock);
	struct inode *ip = ramfs_new_inode(VFS_S_IFDIR | 0755);
	if (!ip)
		return dentry_result_err(-ENOMEM);
	litelock_lock(&vfs_lock);
	struct dentry_result r = new_dentry(NULL, STR("/"), ip);
	if (r.err)
		vfs_inode_put(ip);
	litelock_unlock(&vfs_lock);
	return r;
}

/* --- lookup ----------------------------------------------------------------------------- */

struct walk {
	struct str rest[VFS_MAX_NEST + 1]; /* [0]: the path; [i>0]: symlink targets */
	u32 depth;
	u32 links;
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

static bool level_has_more(struct str s)
{
	struct str c;
	return next_comp(&s, &c);
}

static bool is_last(const struct walk *w)
{
	for (u32 i = 0; i <= w->depth && i <= VFS_MAX_NEST; i++)
		if (level_has_more(w->rest[i]))
			return false;
	return true;
}

enum walk_mode {
	WALK_FINAL_NOFOLLOW,
	WALK_FINAL_FOLLOW,
	WALK_PARENT, /* stop before the last component: *last names it */
};

/*
 * walk_locked - resolve `path`. WALK_PARENT returns the parent directory and the last name
 * in *last (-EEXIST-style decisions are the caller's: the last component may not exist).
 * A path ending in '/' must name a directory.
 */
static struct dentry_result walk_locked(const struct vfs_ctx *c, struct str path,
					enum walk_mode mode, struct str *last)
	REQUIRES(vfs_lock)
{
	struct walk w = { .depth = 0, .links = 0 };
	if (str_len(path) == 0)
		return dentry_result_err(-ENOENT);
	if (str_len(path) >= VFS_PATH_MAX)
		return dentry_result_err(-ENAMETOOLONG);
	bool must_dir = str_ends_with(path, STR("/"));
	struct dentry *cur = str_starts_with(path, STR("/")) ? c->root : c->cwd;
	w.rest[0] = path;
	if (last)
		*last = STR(".");
	for (;;) {
		struct str comp;
		u32 lvl = w.depth < VFS_MAX_NEST ? w.depth : VFS_MAX_NEST;
		struct str level = w.rest[lvl];
		bool got = next_comp(&level, &comp);
		w.rest[lvl] = level;
		if (!got) {
			if (w.depth == 0)
				break;
			w.depth--;
			continue;
		}
		if (!is_dir(cur->inode))
			return dentry_result_err(-ENOTDIR);
		int e = vfs_permission(cur->inode, &c->cred, VFS_MAY_EXEC);
		if (e)
			return dentry_result_err(e);
		if (str_len(comp) > VFS_NAME_MAX)
			return dentry_result_err(-ENAMETOOLONG);
		bool final = is_last(&w);
		if (final && mode == WALK_PARENT) {
			if (last)
				*last = comp;
			return dentry_result_ok(cur);
		}
		if (str_eq(comp, STR(".")))
			continue;
		if (str_eq(comp, STR(".."))) {
			/* never above the process root; across a mount to the covered directory */
			while (cur != c->root && cur->parent == cur && cur->mountpoint)
				cur = cur->mountpoint;
			if (cur != c->root)
				cur = cur->parent;
			continue;
		}
		struct dentry *child = find_child(cur, comp);
		if (!child)
			return dentry_result_err(-ENOENT);
		while (child->mounted)
			child = child->mounted;
		if (is_link(child->inode) && (!final || mode == WALK_FINAL_FOLLOW)) {
			if (++w.links > VFS_MAXSYMLINKS)
				return dentry_result_err(-ELOOP);
			/* A link that ends a level replaces it (a tail call, as Linux): only
			 * links in the middle of a path nest. */
			while (w.depth > 0 && w.depth <= VFS_MAX_NEST &&
			       !level_has_more(w.rest[w.depth]))
				w.depth--;
			if (w.depth >= VFS_MAX_NEST)
				return dentry_result_err(-ELOOP);
			struct str target = child->inode->ops->readlink(child->inode);
			w.depth++;
			w.rest[w.depth] = target;
			if (str_starts_with(target, STR("/")))
				cur = c->root;
			continue;
		}
		cur = child;
	}
	if (mode == WALK_PARENT) {
		/* "/" or "." or "a/..": no last name to create or remove */
		return dentry_result_ok(cur);
	}
	if (must_dir && !is_dir(cur->inode))
		return dentry_result_err(-ENOTDIR);
	return dentry_result_ok(cur);
}

struct dentry_result vfs_lookup(const struct vfs_ctx *c, struct str path, bool follow)
{
	litelock_lock(&vfs_lock);
	struct dentry_result r =
		walk_locked(c, path, follow ? WALK_FINAL_FOLLOW : WALK_FINAL_NOFOLLOW, NULL);
	litelock_unlock(&vfs_lock);
	return r;
}

/* --- namespace changes ---------------------------------------------------------------- */

/* parent_for_create - the directory to add `last` to, checked for write+exec. */
static struct dentry_result parent_for_change(const struct vfs_ctx *c, struct str path,
					      struct str *last)
	REQUIRES(vfs_lock)
{
	struct dentry_result p = walk_locked(c, path, WALK_PARENT, last);
	if (p.err)
		return p;
	if (!is_dir(p.value->inode))
		return dentry_result_err(-ENOTDIR);
	int e = vfs_permission(p.value->inode, &c->cred, VFS_MAY_WRITE | VFS_MAY_EXEC);
	if (e)
		return dentry_result_err(e);
	return p;
}

static bool is_dot_or_dotdot(struct str name)
{
	return str_eq(name, STR(".")) || str_eq(name, STR(".."));
}

/* create_locked - a new inode of `mode` named by `path`; the dentry, or -errno. */
static struct dentry_result create_locked(const struct vfs_ctx *c, struct str path, u32 mode,
					  struct str link_target)
	REQUIRES(vfs_lock)
{
	struct str last;
	struct dentry_result p = parent_for_change(c, path, &last);
	if (p.err)
		return p;
	if (is_dot_or_dotdot(last) || find_child(p.value, last))
		return dentry_result_err(-EEXIST);
	if (str_ends_with(path, STR("/")) && (mode & VFS_S_IFMT) != VFS_S_IFDIR)
		return dentry_result_err(-ENOENT);
	struct inode *ip = ramfs_new_inode(mode);
	if (!ip)
		return dentry_result_err(-ENOMEM);
	ip->uid = c->cred.euid;
	ip->gid = c->cred.egid;
	if ((mode & VFS_S_IFMT) == VFS_S_IFLNK) {
		int e = ramfs_set_symlink(ip, link_target);
		if (e) {
			vfs_inode_put(ip);
			return dentry_result_err(e);
		}
	}
	struct dentry_result d = new_dentry(p.value, last, ip);
	if (d.err) {
		vfs_inode_put(ip);
		return d;
	}
	if (is_dir(ip))
		p.value->inode->nlink++;
	return d;
}

int vfs_mkdir(const struct vfs_ctx *c, struct str path, u32 mode)
{
	litelock_lock(&vfs_lock);
	struct dentry_result d = create_locked(c, path, VFS_S_IFDIR | (mode & 07777), STR(""));
	litelock_unlock(&vfs_lock);
	return d.err;
}

int vfs_mknod(const struct vfs_ctx *c, struct str path, u32 mode, u32 major, u32 minor)
{
	u32 type = mode & VFS_S_IFMT;
	if (type == 0)
		type = VFS_S_IFREG;
	if (type == VFS_S_IFDIR || type == VFS_S_IFLNK)
		return -EINVAL;
	if ((type == VFS_S_IFCHR || type == VFS_S_IFBLK) && c->cred.euid != 0)
		return -EPERM;
	litelock_lock(&vfs_lock);
	struct dentry_result d = create_locked(c, path, type | (mode & 07777), STR(""));
	if (!d.err) {
		d.value->inode->rdev_major = major;
		d.value->inode->rdev_minor = minor;
	}
	litelock_unlock(&vfs_lock);
	return d.err;
}

int vfs_symlink(const struct vfs_ctx *c, struct str target, struct str path)
{
	if (str_len(target) == 0)
		return -ENOENT;
	if (str_len(target) >= VFS_PATH_MAX)
		return -ENAMETOOLONG;
	litelock_lock(&vfs_lock);
	struct dentry_result d = create_locked(c, path, VFS_S_IFLNK | 0777, target);
	litelock_unlock(&vfs_lock);
	return d.err;
}

/* remove_locked - unlink (dir false) or rmdir (dir true) the entry `path` names. */
static int remove_locked(const struct vfs_ctx *c, struct str path, bool dir)
	REQUIRES(vfs_lock)
{
	struct str last;
	struct dentry_result p = parent_for_change(c, path, &last);
	if (p.err)
		return p.err;
	if (str_eq(last, STR(".")))
		return dir ? -EINVAL : -EISDIR;
	if (str_eq(last, STR("..")))
		return dir ? -ENOTEMPTY : -EISDIR;
	struct dentry *d = find_child(p.value, last);
	if (!d)
		return -ENOENT;
	if (dir) {
		if (!is_dir(d->inode))
			return -ENOTDIR;
		if (d->mounted || d == c->root || d == c->cwd)
			return -EBUSY;
		if (!dentry_children_is_empty(&d->dir->kids))
			return -ENOTEMPTY;
	} else if (is_dir(d->inode)) {
		return -EISDIR;
	} else if (str_ends_with(path, STR("/"))) {
		return -ENOTDIR;
	}
	dentry_children_remove(&p.value->dir->kids, d);
	p.value->generation++;
	if (dir) {
		p.value->inode->nlink--;
		d->inode->nlink = 0;
		KFREE(dentry_dir_cache, d->dir);
	} else {
		d->inode->nlink--;
	}
	vfs_inode_put(d->inode);
	KFREE(dentry_cache, d);
	return 0;
}

int vfs_unlink(const struct vfs_ctx *c, struct str path)
{
	litelock_lock(&vfs_lock);
	int e = remove_locked(c, path, false);
	litelock_unlock(&vfs_lock);
	return e;
}

int vfs_rmdir(const struct vfs_ctx *c, struct str path)
{
	litelock_lock(&vfs_lock);
	int e = remove_locked(c, path, true);
	litelock_unlock(&vfs_lock);
	return e;
}

int vfs_mount_ramfs(const struct vfs_ctx *c, struct str path)
{
	if (c->cred.euid != 0)
		return -EPERM;
	struct inode *ip = ramfs_new_inode(VFS_S_IFDIR | 0755);
	if (!ip)
		return -ENOMEM;
	litelock_lock(&vfs_lock);
	struct dentry_result at = walk_locked(c, path, WALK_FINAL_FOLLOW, NULL);
	/* A lookup that ends on its start (".", the root) has not crossed the mounts on it:
	 * stack the new one on top, never replace one. */
	while (!at.err && at.value->mounted)
		at.value = at.value->mounted;
	int e = at.err;
	if (!e && !is_dir(at.value->inode))
		e = -ENOTDIR;
	if (!e) {
		struct dentry_result r = new_dentry(NULL, vfs_dentry_name(at.value), ip);
		e = r.err;
		if (!e) {
			r.value->mountpoint = at.value;
			at.value->mounted = r.value;
			ip = NULL;
		}
	}
	vfs_inode_put(ip);
	litelock_unlock(&vfs_lock);
	return e;
}

/* --- stat, readlink, path ---------------------------------------------------------------- */

void vfs_stat_inode(struct inode *ip, struct vfs_stat *st)
{
	*st = (struct vfs_stat){ .ino = ip->ino, .mode = ip->mode, .nlink = ip->nlink,
				 .uid = ip->uid, .gid = ip->gid, .size = ip->size,
				 .rdev_major = ip->rdev_major, .rdev_minor = ip->rdev_minor };
}

int vfs_stat(const struct vfs_ctx *c, struct str path, bool follow, struct vfs_stat *st)
{
	litelock_lock(&vfs_lock);
	struct dentry_result d =
		walk_locked(c, path, follow ? WALK_FINAL_FOLLOW : WALK_FINAL_NOFOLLOW, NULL);
	if (!d.err)
		vfs_stat_inode(d.value->inode, st);
	litelock_unlock(&vfs_lock);
	return d.err;
}

struct result_size vfs_readlink(const struct vfs_ctx *c, struct str path, struct bytes dst)
{
	litelock_lock(&vfs_lock);
	struct dentry_result d = walk_locked(c, path, WALK_FINAL_NOFOLLOW, NULL);
	struct result_size r;
	if (d.err)
		r = result_size_err(d.err);
	else if (!is_link(d.value->inode))
		r = result_size_err(-EINVAL);
	else {
		struct str t = d.value->inode->ops->readlink(d.value->inode);
		r = str_copy_to(bytes_head(dst, str_len(t)), str_head(t, bytes_len(dst)));
	}
	litelock_unlock(&vfs_lock);
	return r;
}

struct result_size vfs_path_of(struct dentry *root, struct dentry *d, struct bytes dst)
{
	/* Built from the end of dst backwards, then moved to the front. */
	size_t end = bytes_len(dst), pos = end;
	litelock_lock(&vfs_lock);
	if (pos == 0 || bytes_put_u8(dst, --pos, 0))
		goto range;
	for (u32 guard = 0; d != root && guard < 100000; guard++) {
		while (d->parent == d && d->mountpoint && d != root)
			d = d->mountpoint;
		if (d == root || d->parent == d)
			break;
		struct str name = vfs_dentry_name(d);
		if (pos < str_len(name) + 1)
			goto range;
		pos -= str_len(name);
		if (str_copy_to(bytes_skip(dst, pos).value, name).err || bytes_put_u8(dst, --pos, '/'))
			goto range;
		d = d->parent;
	}
	if (pos == end - 1) { /* the root itself */
		if (pos == 0 || bytes_put_u8(dst, --pos, '/'))
			goto range;
	}
	litelock_unlock(&vfs_lock);
	struct bytes_result tail = bytes_sub(dst, pos, end - pos);
	if (tail.err || bytes_copy(dst, tail.value))
		return result_size_err(-ERANGE);
	return result_size_ok(end - pos);
range:
	litelock_unlock(&vfs_lock);
	return result_size_err(-ERANGE);
}

/* --- helpers for file.c and initramfs.c ------------------------------------------------ */

struct dentry_result vfs_walk_locked(const struct vfs_ctx *c, struct str path, bool follow)
{
	return walk_locked(c, path, follow ? WALK_FINAL_FOLLOW : WALK_FINAL_NOFOLLOW, NULL);
}

struct dentry_result vfs_create_locked(const struct vfs_ctx *c, struct str path, u32 mode)
{
	return create_locked(c, path, mode, STR(""));
}

struct dentry_result vfs_child_at_locked(struct dentry *dir, u64 pos)
{
	u64 i = 2;
	if (!dir->dir)
		return dentry_result_err(-ENOTDIR);
	LIST_FOR_EACH(dentry_children, &dir->dir->kids, d)
		if (i++ == pos)
			return dentry_result_ok(d);
	return dentry_result_err(-ENOENT);
}

int vfs_setattr(const struct vfs_ctx *c, struct str path, u32 uid, u32 gid, u32 perm)
{
	litelock_lock(&vfs_lock);
	struct dentry_result d = walk_locked(c, path, WALK_FINAL_NOFOLLOW, NULL);
	if (!d.err) {
		struct inode *ip = d.value->inode;
		ip->uid = uid;
		ip->gid = gid;
		ip->mode = (ip->mode & VFS_S_IFMT) | (perm & 07777);
	}
	litelock_unlock(&vfs_lock);
	return d.err;
}

void vfs_free_tree(struct dentry *top)
{
	litelock_lock(&vfs_lock);
	struct dentry *cur = top;
	for (u64 guard = 0; cur && guard < (1ull << 40); guard++) {
		if (cur->mounted) { /* a mounted tree first; its root leads back here */
			struct dentry *m = cur->mounted;
			cur->mounted = NULL;
			cur = m;
			continue;
		}
		struct dentry *child = cur->dir ? dentry_children_first(&cur->dir->kids) : NULL;
		if (child) {
			cur = child;
			continue;
		}
		/* a leaf: unlink it from its parent (or its mount point) and free it */
		bool is_root = cur->parent == cur;
		struct dentry *up = is_root ? cur->mountpoint : cur->parent;
		if (!is_root)
			dentry_children_remove(&up->dir->kids, cur);
		vfs_inode_put(cur->inode);
		if (cur->dir)
			KFREE(dentry_dir_cache, cur->dir);
		bool last = cur == top;
		KFREE(dentry_cache, cur);
		if (last)
			break;
		cur = up;
	}
	litelock_unlock(&vfs_lock);
}
