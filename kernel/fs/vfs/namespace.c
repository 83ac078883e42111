/*
 * namespace.c — changes to the tree (fs/vfs.h): mkdir, mknod, symlink, unlink, rmdir, link,
 * rename (with RENAME_NOREPLACE and RENAME_EXCHANGE) and mounting a fresh ramfs. Each call
 * resolves its parent directories, checks everything (Linux's errno order where tests see it),
 * then changes the tree; the directory times and link counts follow.
 */
#include <fs/vfs_internal.h>

static bool is_dir(const struct inode *ip)
{
	return (ip->mode & VFS_S_IFMT) == VFS_S_IFDIR;
}

static bool is_dot_or_dotdot(struct str name)
{
	return str_eq(name, STR(".")) || str_eq(name, STR(".."));
}

/* fs_root - the root of the file system d is in (its dentry that is its own parent). */
static struct dentry *fs_root(struct dentry *d) REQUIRES(vfs_lock)
{
	for (u32 guard = 0; d->parent != d && guard < 100000; guard++)
		d = d->parent;
	return d;
}

/* dir_changed - an entry of dir was added or removed: its mtime and ctime are now. */
static void dir_changed(struct dentry *dir) REQUIRES(vfs_lock)
{
	vfs_touch_locked(dir->inode, VFS_TOUCH_M | VFS_TOUCH_C);
}

/* create_locked - a new inode of `mode` named by `path`; the dentry (borrowed), or -errno. */
static struct dentry_result create_locked(const struct vfs_ctx *c, struct str path, u32 mode,
					  struct str link_target)
	REQUIRES(vfs_lock)
{
	struct str last;
	struct dentry_result p = vfs_parent_for_change_locked(c, path, &last);
	if (p.err)
		return p;
	if (is_dot_or_dotdot(last) || vfs_find_child_locked(p.value, last))
		return dentry_result_err(-EEXIST);
	if (str_ends_with(path, STR("/")) && (mode & VFS_S_IFMT) != VFS_S_IFDIR)
		return dentry_result_err(-ENOENT);
	struct inode *ip = ramfs_new_inode(p.value->inode->sb, mode);
	if (!ip)
		return dentry_result_err(-ENOMEM);
	ip->uid = c->cred.euid;
	ip->gid = c->cred.egid;
	/* a setgid directory passes its group on, and its setgid bit to subdirectories */
	struct inode *pip = p.value->inode;
	if (pip->mode & VFS_S_ISGID) {
		ip->gid = pip->gid;
		if (is_dir(ip))
			ip->mode |= VFS_S_ISGID;
	}
	if ((mode & VFS_S_IFMT) == VFS_S_IFLNK) {
		int e = ramfs_set_symlink(ip, link_target);
		if (e) {
			vfs_inode_put(ip);
			return dentry_result_err(e);
		}
	}
	struct dentry_result d = vfs_dentry_new_locked(p.value, last, ip);
	if (d.err) {
		vfs_inode_put(ip);
		return d;
	}
	if (is_dir(ip))
		pip->nlink++;
	dir_changed(p.value);
	return d;
}

struct dentry_result vfs_create_locked(const struct vfs_ctx *c, struct str path, u32 mode)
{
	return create_locked(c, path, mode, STR(""));
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
	if (type == VFS_S_IFDIR)
		return -EPERM; /* as Linux's may_mknod */
	if (type != VFS_S_IFREG && type != VFS_S_IFCHR && type != VFS_S_IFBLK &&
	    type != VFS_S_IFIFO && type != VFS_S_IFSOCK)
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

/* kill_locked - take d (found under dir) out of the tree for good: it is dead for lookups,
 * its inode loses the link, and the tree's reference goes. */
static void kill_locked(struct dentry *dir, struct dentry *d) REQUIRES(vfs_lock)
{
	vfs_dentry_unlink_locked(d);
	d->dead = true;
	if (is_dir(d->inode)) {
		dir->inode->nlink--; /* its ".." */
		d->inode->nlink = 0;
	} else if (d->inode->nlink) {
		d->inode->nlink--;
	}
	vfs_touch_locked(d->inode, VFS_TOUCH_C);
	vfs_dentry_put_locked(d);
}

/* remove_locked - unlink (dir false) or rmdir (dir true) the entry `path` names. */
static int remove_locked(const struct vfs_ctx *c, struct str path, bool dir)
	REQUIRES(vfs_lock)
{
	struct str last;
	struct dentry_result p = vfs_parent_for_change_locked(c, path, &last);
	if (p.err)
		return p.err;
	if (str_eq(last, STR(".")))
		return dir ? -EINVAL : -EISDIR;
	if (str_eq(last, STR("..")))
		return dir ? -ENOTEMPTY : -EISDIR;
	struct dentry *d = vfs_find_child_locked(p.value, last);
	if (!d)
		return -ENOENT;
	if (dir) {
		if (!is_dir(d->inode))
			return -ENOTDIR;
		if (d->mounted || d == c->root)
			return -EBUSY;
		if (!vfs_dir_is_empty_locked(d))
			return -ENOTEMPTY;
	} else if (is_dir(d->inode)) {
		return -EISDIR;
	} else if (str_ends_with(path, STR("/"))) {
		return -ENOTDIR;
	}
	int e = vfs_may_delete_locked(p.value, d, &c->cred);
	if (e)
		return e;
	kill_locked(p.value, d);
	dir_changed(p.value);
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

static int link_locked(const struct vfs_ctx *old_c, struct str oldpath,
		       const struct vfs_ctx *new_c, struct str newpath, bool follow)
	REQUIRES(vfs_lock)
{
	struct dentry_result src = vfs_walk_locked(old_c, oldpath, follow);
	if (src.err)
		return src.err;
	struct str last;
	struct dentry_result np = vfs_parent_for_change_locked(new_c, newpath, &last);
	if (np.err)
		return np.err;
	if (is_dot_or_dotdot(last) || vfs_find_child_locked(np.value, last))
		return -EEXIST;
	struct inode *ip = src.value->inode;
	if (is_dir(ip))
		return -EPERM;
	if (fs_root(src.value) != fs_root(np.value))
		return -EXDEV;
	if (ip->nlink == 0)
		return -ENOENT;
	if (str_ends_with(newpath, STR("/")))
		return -ENOENT;
	refcount_get(&ip->refs);
	struct dentry_result d = vfs_dentry_new_locked(np.value, last, ip);
	if (d.err) {
		vfs_inode_put(ip);
		return d.err;
	}
	ip->nlink++;
	vfs_touch_locked(ip, VFS_TOUCH_C);
	dir_changed(np.value);
	return 0;
}

int vfs_link(const struct vfs_ctx *old_c, struct str oldpath, const struct vfs_ctx *new_c,
	     struct str newpath, bool follow)
{
	litelock_lock(&vfs_lock);
	int e = link_locked(old_c, oldpath, new_c, newpath, follow);
	litelock_unlock(&vfs_lock);
	return e;
}

/* is_ancestor - a is d or one of d's ancestors (in d's file system). */
static bool is_ancestor(struct dentry *a, struct dentry *d) REQUIRES(vfs_lock)
{
	for (u32 guard = 0; guard < 100000; guard++) {
		if (d == a)
			return true;
		if (d->parent == d)
			return false;
		d = d->parent;
	}
	return false;
}

/* move_locked - relink d under `to` named `name` (d is linked now; it keeps its tree
 * reference). A directory moving to another parent takes its ".." link along. */
static void move_locked(struct dentry *d, struct dentry *to, struct str name) REQUIRES(vfs_lock)
{
	struct dentry *from = d->parent;
	vfs_dentry_unlink_locked(d);
	(void)vfs_dentry_set_name_locked(d, name); /* checked by the walk: <= NAME_MAX */
	vfs_dentry_link_locked(to, d);
	if (is_dir(d->inode) && from != to) {
		from->inode->nlink--;
		to->inode->nlink++;
	}
	vfs_dentry_put_locked(from); /* d's pin moved to `to`; from stays in its tree */
	vfs_touch_locked(d->inode, VFS_TOUCH_C);
}

/* rename_checks - may `src` (in op) move onto the name of `dst` (in np; NULL: free)? */
static int rename_checks(struct dentry *op, struct dentry *src, struct dentry *np,
			 struct dentry *dst, const struct vfs_ctx *c, bool exchange)
	REQUIRES(vfs_lock)
{
	if (is_dir(src->inode)) {
		if (is_ancestor(src, np))
			return -EINVAL; /* into its own subtree */
		if (dst && !exchange && !is_dir(dst->inode))
			return -ENOTDIR;
		if (dst && !exchange && !vfs_dir_is_empty_locked(dst))
			return -ENOTEMPTY;
		if (op != np) { /* its ".." changes */
			int e = vfs_permission(src->inode, &c->cred, VFS_MAY_WRITE);
			if (e)
				return e;
		}
	} else if (dst && !exchange && is_dir(dst->inode)) {
		return -EISDIR;
	}
	if (src->mounted || (dst && dst->mounted) || src == c->root)
		return -EBUSY;
	return vfs_may_delete_locked(op, src, &c->cred);
}

static int rename_locked(const struct vfs_ctx *old_c, struct str oldpath,
			 const struct vfs_ctx *new_c, struct str newpath, u32 flags)
	REQUIRES(vfs_lock)
{
	bool exchange = flags & VFS_RENAME_EXCHANGE;
	struct str olast, nlast;
	struct dentry_result op = vfs_parent_for_change_locked(old_c, oldpath, &olast);
	if (op.err)
		return op.err;
	struct dentry_result np = vfs_parent_for_change_locked(new_c, newpath, &nlast);
	if (np.err)
		return np.err;
	if (is_dot_or_dotdot(olast) || is_dot_or_dotdot(nlast))
		return -EBUSY;
	struct dentry *src = vfs_find_child_locked(op.value, olast);
	if (!src)
		return -ENOENT;
	struct dentry *dst = vfs_find_child_locked(np.value, nlast);
	if (fs_root(op.value) != fs_root(np.value))
		return -EXDEV;
	if (exchange && !dst)
		return -ENOENT;
	if ((flags & VFS_RENAME_NOREPLACE) && dst)
		return -EEXIST;
	bool slash = str_ends_with(oldpath, STR("/")) || str_ends_with(newpath, STR("/"));
	if (slash && !is_dir(src->inode))
		return -ENOTDIR;
	if (dst == src || (dst && dst->inode == src->inode && !exchange))
		return 0; /* the same file: nothing happens (as Linux) */
	int e = rename_checks(op.value, src, np.value, dst, old_c, exchange);
	if (!e && exchange)
		e = rename_checks(np.value, dst, op.value, src, new_c, true);
	else if (!e && dst)
		e = vfs_may_delete_locked(np.value, dst, &new_c->cred);
	if (e)
		return e;
	if (exchange) {
		move_locked(src, np.value, nlast);
		move_locked(dst, op.value, olast);
	} else {
		if (dst)
			kill_locked(np.value, dst);
		move_locked(src, np.value, nlast);
	}
	dir_changed(op.value);
	dir_changed(np.value);
	return 0;
}

int vfs_rename(const struct vfs_ctx *old_c, struct str oldpath, const struct vfs_ctx *new_c,
	       struct str newpath, u32 flags)
{
	if (flags & ~(VFS_RENAME_NOREPLACE | VFS_RENAME_EXCHANGE))
		return -EINVAL; /* RENAME_WHITEOUT: overlay file systems only, not here */
	if ((flags & VFS_RENAME_NOREPLACE) && (flags & VFS_RENAME_EXCHANGE))
		return -EINVAL;
	litelock_lock(&vfs_lock);
	int e = rename_locked(old_c, oldpath, new_c, newpath, flags);
	litelock_unlock(&vfs_lock);
	return e;
}

int vfs_mount_ramfs(const struct vfs_ctx *c, struct str path)
{
	if (c->cred.euid != 0)
		return -EPERM;
	struct vfs_sb *sb = vfs_sb_new(VFS_TMPFS_MAGIC);
	if (!sb)
		return -ENOMEM;
	litelock_lock(&vfs_lock);
	struct inode *ip = ramfs_new_inode(sb, VFS_S_IFDIR | 01777);
	vfs_sb_put(sb);
	if (!ip) {
		litelock_unlock(&vfs_lock);
		return -ENOMEM;
	}
	struct dentry_result at = vfs_walk_locked(c, path, true);
	/* A lookup that ends on its start (".", the root) has not crossed the mounts on it:
	 * stack the new one on top, never replace one. */
	while (!at.err && at.value->mounted)
		at.value = at.value->mounted;
	int e = at.err;
	if (!e && !is_dir(at.value->inode))
		e = -ENOTDIR;
	if (!e) {
		struct dentry_result r = vfs_dentry_new_locked(NULL, vfs_dentry_name(at.value), ip);
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
