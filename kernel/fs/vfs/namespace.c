/*
 * namespace.c — changes to the tree (fs/vfs.h): mkdir, mknod, symlink, unlink, rmdir, link,
 * rename (with RENAME_NOREPLACE and RENAME_EXCHANGE). Each call
 * resolves its parent directories, checks everything (Linux's errno order where tests see it),
 * then changes the tree; the directory times and link counts follow.
 */
#include <fs/vfs_internal.h>
#include <uapi/events.h>

static bool is_dir(const struct inode *ip)
{
	return (ip->mode & VFS_S_IFMT) == VFS_S_IFDIR;
}

static bool is_dot_or_dotdot(struct str name)
{
	return str_eq(name, STR(".")) || str_eq(name, STR(".."));
}

static bool mnt_rdonly(struct vfs_path p) REQUIRES(vfs_lock)
{
	return (p.mnt->flags & VFS_MNT_RDONLY) != 0;
}

/* dir_changed - an entry of dir was added or removed: its mtime and ctime are now. */
static void dir_changed(struct dentry *dir) REQUIRES(vfs_lock)
{
	vfs_inode_touch(dir->inode, VFS_TOUCH_M | VFS_TOUCH_C);
}

/* nlink_add - change ip's link count by `delta` (never below 0), under its lock; `touch`:
 * its ctime is now too. */
static void nlink_add(struct inode *ip, int delta, bool touch)
{
	mutex_lock(&ip->lock);
	if (delta > 0)
		ip->nlink += (u32)delta;
	else if (ip->nlink >= (u32)-delta)
		ip->nlink -= (u32)-delta;
	else
		ip->nlink = 0;
	if (touch)
		vfs_inode_touch_ilocked(ip, VFS_TOUCH_C);
	mutex_unlock(&ip->lock);
}

/* create_locked - a new inode of `mode` named by `path`; the dentry (borrowed), or -errno. */
static struct dentry_result create_locked(const struct vfs_ctx *c, struct str path, u32 mode,
					  struct str link_target, struct vfs_mount **mnt_out)
	REQUIRES(vfs_lock)
{
	struct str last;
	struct path_result pp = vfs_parent_for_change_locked(c, path, &last);
	if (pp.err)
		return dentry_result_err(pp.err);
	struct dentry_result p = dentry_result_ok(pp.value.dentry);
	if (is_dot_or_dotdot(last) || vfs_find_child_locked(p.value, last))
		return dentry_result_err(-EEXIST);
	if (mnt_rdonly(pp.value))
		return dentry_result_err(-EROFS);
	if (mnt_out)
		*mnt_out = pp.value.mnt;
	if (str_ends_with(path, STR("/")) && (mode & VFS_S_IFMT) != VFS_S_IFDIR)
		return dentry_result_err(-ENOENT);
	struct inode *ip = ramfs_new_inode(p.value->inode->sb, mode);
	if (!ip)
		return dentry_result_err(-ENOMEM);
	ip->uid = c->cred.fsuid;
	ip->gid = c->cred.fsgid;
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
		nlink_add(pip, 1, false);
	dir_changed(p.value);
	vfs_notify_child(pip, UAPI_IN_CREATE | (is_dir(ip) ? UAPI_IN_ISDIR : 0), last, 0);
	return d;
}

struct path_result vfs_create_locked(const struct vfs_ctx *c, struct str path, u32 mode)
{
	struct vfs_mount *m = NULL;
	struct dentry_result d = create_locked(c, path, mode, STR(""), &m);
	if (d.err)
		return path_result_err(d.err);
	return path_result_ok((struct vfs_path){ .mnt = m, .dentry = d.value });
}

int vfs_mkdir(const struct vfs_ctx *c, struct str path, u32 mode)
{
	down_write(&vfs_lock);
	struct dentry_result d = create_locked(c, path, VFS_S_IFDIR | (mode & 07777), STR(""), NULL);
	up_write(&vfs_lock);
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
	if ((type == VFS_S_IFCHR || type == VFS_S_IFBLK) && c->cred.fsuid != 0)
		return -EPERM;
	down_write(&vfs_lock);
	struct dentry_result d = create_locked(c, path, type | (mode & 07777), STR(""), NULL);
	if (!d.err) {
		d.value->inode->rdev_major = major;
		d.value->inode->rdev_minor = minor;
	}
	up_write(&vfs_lock);
	return d.err;
}

int vfs_symlink(const struct vfs_ctx *c, struct str target, struct str path)
{
	if (str_len(target) == 0)
		return -ENOENT;
	if (str_len(target) >= VFS_PATH_MAX)
		return -ENAMETOOLONG;
	down_write(&vfs_lock);
	struct dentry_result d = create_locked(c, path, VFS_S_IFLNK | 0777, target, NULL);
	up_write(&vfs_lock);
	return d.err;
}

/* kill_locked - take d (found under dir) out of the tree for good: it is dead for lookups,
 * its inode loses the link, and the tree's reference goes. */
static void kill_locked(struct dentry *dir, struct dentry *d) REQUIRES(vfs_lock)
{
	vfs_dentry_unlink_locked(d);
	d->dead = true;
	if (is_dir(d->inode)) {
		nlink_add(dir->inode, -1, false); /* its ".." */
		nlink_add(d->inode, -0x7fffffff, true); /* to 0 */
	} else {
		nlink_add(d->inode, -1, true);
	}
	vfs_dentry_put_locked(d);
}

/* remove_locked - unlink (dir false) or rmdir (dir true) the entry `path` names. */
static int remove_locked(const struct vfs_ctx *c, struct str path, bool dir)
	REQUIRES(vfs_lock)
{
	struct str last;
	struct path_result pp = vfs_parent_for_change_locked(c, path, &last);
	if (pp.err)
		return pp.err;
	if (mnt_rdonly(pp.value))
		return -EROFS;
	struct dentry_result p = dentry_result_ok(pp.value.dentry);
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
		if (d->mounts || d == c->root.dentry)
			return -EBUSY;
		if (!vfs_dir_is_empty_locked(d))
			return -ENOTEMPTY;
	} else if (is_dir(d->inode)) {
		return -EISDIR;
	} else if (str_ends_with(path, STR("/"))) {
		return -ENOTDIR;
	} else if (d->mounts) {
		return -EBUSY;
	}
	int e = vfs_may_delete_locked(p.value, d, &c->cred);
	if (e)
		return e;
	u32 isdir = is_dir(d->inode) ? UAPI_IN_ISDIR : 0;
	kill_locked(p.value, d); /* an inode it frees reports IN_DELETE_SELF first, as Linux */
	dir_changed(p.value);
	vfs_notify_child(p.value->inode, UAPI_IN_DELETE | isdir, last, 0);
	return 0;
}

int vfs_unlink(const struct vfs_ctx *c, struct str path)
{
	down_write(&vfs_lock);
	int e = remove_locked(c, path, false);
	up_write(&vfs_lock);
	return e;
}

int vfs_rmdir(const struct vfs_ctx *c, struct str path)
{
	down_write(&vfs_lock);
	int e = remove_locked(c, path, true);
	up_write(&vfs_lock);
	return e;
}

/* link_path_locked - a new name `newpath` (for new_c) for what srcp names. */
static int link_path_locked(struct path_result srcp, const struct vfs_ctx *new_c,
			    struct str newpath) REQUIRES(vfs_lock)
{
	if (srcp.err)
		return srcp.err;
	struct dentry_result src = dentry_result_ok(srcp.value.dentry);
	struct str last;
	struct path_result npp = vfs_parent_for_change_locked(new_c, newpath, &last);
	if (npp.err)
		return npp.err;
	struct dentry_result np = dentry_result_ok(npp.value.dentry);
	if (is_dot_or_dotdot(last) || vfs_find_child_locked(np.value, last))
		return -EEXIST;
	if (srcp.value.mnt != npp.value.mnt)
		return -EXDEV;
	if (mnt_rdonly(npp.value))
		return -EROFS;
	struct inode *ip = src.value->inode;
	if (is_dir(ip))
		return -EPERM;
	if (ip->nlink == 0 && !ip->linkable)
		return -ENOENT;
	if (str_ends_with(newpath, STR("/")))
		return -ENOENT;
	refcount_get(&ip->refs);
	struct dentry_result d = vfs_dentry_new_locked(np.value, last, ip);
	if (d.err) {
		vfs_inode_put(ip);
		return d.err;
	}
	ip->linkable = false;
	nlink_add(ip, 1, true);
	dir_changed(np.value);
	vfs_notify_child(np.value->inode, UAPI_IN_CREATE, last, 0);
	return 0;
}

static int link_locked(const struct vfs_ctx *old_c, struct str oldpath,
		       const struct vfs_ctx *new_c, struct str newpath, bool follow)
	REQUIRES(vfs_lock)
{
	return link_path_locked(vfs_walk_path_locked(old_c, oldpath,
		follow ? WALK_FINAL_FOLLOW : WALK_FINAL_NOFOLLOW, NULL), new_c, newpath);
}

int vfs_link_file(struct file *f, const struct vfs_ctx *new_c, struct str newpath)
{
	if (!f->dentry || !f->mnt)
		return -ENOENT; /* a pipe, socket or other nameless file */
	down_write(&vfs_lock);
	int e = link_path_locked(path_result_ok((struct vfs_path){ .mnt = f->mnt,
								  .dentry = f->dentry }),
				 new_c, newpath);
	up_write(&vfs_lock);
	return e;
}

int vfs_link(const struct vfs_ctx *old_c, struct str oldpath, const struct vfs_ctx *new_c,
	     struct str newpath, bool follow)
{
	down_write(&vfs_lock);
	int e = link_locked(old_c, oldpath, new_c, newpath, follow);
	up_write(&vfs_lock);
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
		nlink_add(from->inode, -1, false);
		nlink_add(to->inode, 1, false);
	}
	vfs_dentry_put_locked(from); /* d's pin moved to `to`; from stays in its tree */
	vfs_inode_touch(d->inode, VFS_TOUCH_C);
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
	if (src->mounts || (dst && dst->mounts) || src == c->root.dentry)
		return -EBUSY;
	return vfs_may_delete_locked(op, src, &c->cred);
}

/* notify_move - inotify: ip moved from entry `from` of `fd` to entry `to` of `td`. */
static void notify_move(struct dentry *fd, struct str from, struct dentry *td, struct str to,
			struct inode *ip) REQUIRES(vfs_lock)
{
	u32 isdir = is_dir(ip) ? UAPI_IN_ISDIR : 0;
	u32 cookie = vfs_notify_cookie();
	vfs_notify_child(fd->inode, UAPI_IN_MOVED_FROM | isdir, from, cookie);
	vfs_notify_child(td->inode, UAPI_IN_MOVED_TO | isdir, to, cookie);
	vfs_notify_self(ip, UAPI_IN_MOVE_SELF);
}

static int rename_locked(const struct vfs_ctx *old_c, struct str oldpath,
			 const struct vfs_ctx *new_c, struct str newpath, u32 flags)
	REQUIRES(vfs_lock)
{
	bool exchange = flags & VFS_RENAME_EXCHANGE;
	struct str olast, nlast;
	struct path_result opp = vfs_parent_for_change_locked(old_c, oldpath, &olast);
	if (opp.err)
		return opp.err;
	struct path_result npp = vfs_parent_for_change_locked(new_c, newpath, &nlast);
	if (npp.err)
		return npp.err;
	struct dentry_result op = dentry_result_ok(opp.value.dentry);
	struct dentry_result np = dentry_result_ok(npp.value.dentry);
	if (is_dot_or_dotdot(olast) || is_dot_or_dotdot(nlast))
		return -EBUSY;
	struct dentry *src = vfs_find_child_locked(op.value, olast);
	if (!src)
		return -ENOENT;
	struct dentry *dst = vfs_find_child_locked(np.value, nlast);
	if (opp.value.mnt != npp.value.mnt)
		return -EXDEV;
	if (mnt_rdonly(opp.value))
		return -EROFS;
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
	notify_move(op.value, olast, np.value, nlast, src->inode);
	if (exchange)
		notify_move(np.value, nlast, op.value, olast, dst->inode);
	return 0;
}

int vfs_rename(const struct vfs_ctx *old_c, struct str oldpath, const struct vfs_ctx *new_c,
	       struct str newpath, u32 flags)
{
	if (flags & ~(VFS_RENAME_NOREPLACE | VFS_RENAME_EXCHANGE))
		return -EINVAL; /* RENAME_WHITEOUT: overlay file systems only, not here */
	if ((flags & VFS_RENAME_NOREPLACE) && (flags & VFS_RENAME_EXCHANGE))
		return -EINVAL;
	down_write(&vfs_lock);
	int e = rename_locked(old_c, oldpath, new_c, newpath, flags);
	up_write(&vfs_lock);
	return e;
}

int vfs_sb_node_add(struct vfs_sb *sb, struct str name, u32 mode, u32 uid, u32 gid, u32 major,
		    u32 minor)
{
	down_write(&vfs_lock);
	struct dentry *dir = sb->root;
	int e = dir ? 0 : -ENOENT;
	if (!e && vfs_find_child_locked(dir, name))
		e = -EEXIST;
	struct inode *ip = e ? NULL : ramfs_new_inode(sb, mode);
	if (!e && !ip)
		e = -ENOMEM;
	if (ip) {
		ip->uid = uid;
		ip->gid = gid;
		ip->rdev_major = major;
		ip->rdev_minor = minor;
		struct dentry_result d = vfs_dentry_new_locked(dir, name, ip);
		if (d.err) {
			vfs_inode_put(ip);
			e = d.err;
		} else {
			dir_changed(dir);
		}
	}
	up_write(&vfs_lock);
	return e;
}

int vfs_sb_node_remove(struct vfs_sb *sb, struct str name)
{
	down_write(&vfs_lock);
	struct dentry *dir = sb->root;
	struct dentry *d = dir ? vfs_find_child_locked(dir, name) : NULL;
	if (d && !is_dir(d->inode) && !d->mounts) {
		kill_locked(dir, d);
		dir_changed(dir);
	}
	up_write(&vfs_lock);
	return d ? 0 : -ENOENT;
}
