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

static bool mnt_rdonly(struct vfs_path p) REQUIRES_SHARED(vfs_lock)
{
	return (p.mnt->flags & VFS_MNT_RDONLY) != 0;
}

/* dir_changed - an entry of dir was added or removed: its mtime and ctime are now. */
static void dir_changed(struct dentry *dir)
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

/*
 * Changes inside one directory (create, mkdir, mknod, symlink, link, unlink, rmdir) run with
 * vfs_lock held for reading and the directory's dir_lock, so changes in other directories,
 * walks and opens run at the same time; the dentry tree's own lists are dcache_lock's
 * (dentry.c). The parent walk runs shared; when it must change the tree (a generated name on
 * the way: -ECHILD) the change goes again with vfs_lock held for writing, taking the
 * directory's dir_lock all the same. A change never frees under a read hold: what it takes
 * out of the tree is put once the hold is gone (a last put takes vfs_lock for writing).
 */

/* What a create makes: the type and permission bits, a symlink's target, a device's number. */
struct node_spec {
	u32 mode;
	struct str target;
	u32 major, minor;
};

/* create_in - make `last` (the last name of `path`) in the directory at pp, under its
 * dir_lock (taken here): the new dentry (borrowed while vfs_lock is held), or -errno. */
static struct dentry_result create_in(const struct vfs_ctx *c, struct vfs_path pp,
				      struct str last, struct str path, const struct node_spec *n)
	REQUIRES_SHARED(vfs_lock)
{
	struct dentry *dir = pp.dentry;
	if (is_dot_or_dotdot(last))
		return dentry_result_err(-EEXIST);
	mutex_lock(&dir->dir_lock);
	/* EEXIST comes before EROFS and a trailing slash's ENOENT (Linux's order): in those
	 * cases only, the name is looked up first; else the insert refuses a name that exists */
	bool slash = str_ends_with(path, STR("/")) && (n->mode & VFS_S_IFMT) != VFS_S_IFDIR;
	struct dentry_result d = dentry_result_err(-EEXIST);
	if ((slash || mnt_rdonly(pp)) && vfs_find_child_locked(dir, last))
		goto out;
	d.err = -EROFS;
	if (mnt_rdonly(pp))
		goto out;
	d.err = -ENOENT;
	if (slash)
		goto out;
	d.err = -ENOMEM;
	struct inode *pip = dir->inode;
	struct inode *ip = ramfs_new_inode(pip->sb, n->mode);
	if (!ip)
		goto out;
	ip->uid = c->cred.fsuid;
	ip->gid = c->cred.fsgid;
	ip->rdev_major = n->major;
	ip->rdev_minor = n->minor;
	/* a setgid directory passes its group on, and its setgid bit to subdirectories */
	if (pip->mode & VFS_S_ISGID) {
		ip->gid = pip->gid;
		if (is_dir(ip))
			ip->mode |= VFS_S_ISGID;
	}
	d.err = (n->mode & VFS_S_IFMT) == VFS_S_IFLNK ? ramfs_set_symlink(ip, n->target) : 0;
	if (!d.err)
		d = vfs_dentry_new_dirlocked(dir, last, ip); /* -ENOENT: dir was removed */
	if (d.err) {
		vfs_inode_put_new(ip);
		goto out;
	}
	if (is_dir(ip))
		nlink_add(pip, 1, false);
	dir_changed(dir);
	vfs_notify_child(pip, UAPI_IN_CREATE | (is_dir(ip) ? UAPI_IN_ISDIR : 0), last, 0);
out:
	mutex_unlock(&dir->dir_lock);
	return d;
}

/* create_file - open's create: a regular file of `mode` as `last` of `path` in the directory
 * pp (a parent walk's result); the new node's path. */
static struct path_result create_file(const struct vfs_ctx *c, struct path_result pp,
				      struct str last, struct str path, u32 mode)
	REQUIRES_SHARED(vfs_lock)
{
	if (pp.err)
		return pp;
	struct node_spec n = { .mode = mode };
	struct dentry_result d = create_in(c, pp.value, last, path, &n);
	if (d.err)
		return path_result_err(d.err);
	return path_result_ok((struct vfs_path){ .mnt = pp.value.mnt, .dentry = d.value });
}

struct path_result vfs_create_locked(const struct vfs_ctx *c, struct str path, u32 mode)
{
	struct str last = STR("");
	struct path_result pp = vfs_parent_for_change_locked(c, path, &last);
	return create_file(c, pp, last, path, mode);
}

struct path_result vfs_create_shared(const struct vfs_ctx *c, struct str path, u32 mode)
{
	struct str last = STR("");
	struct path_result pp = vfs_parent_for_change_shared(c, path, &last);
	return create_file(c, pp, last, path, mode);
}

/* create_node - mkdir, mknod and symlink: make what n says at `path`. */
static int create_node(const struct vfs_ctx *c, struct str path, const struct node_spec *n)
{
	struct str last = STR("");
	down_read(&vfs_lock);
	struct path_result pp = vfs_parent_for_change_shared(c, path, &last);
	int e = pp.err ? pp.err : create_in(c, pp.value, last, path, n).err;
	up_read(&vfs_lock);
	if (e != -ECHILD)
		return e;
	down_write(&vfs_lock); /* a generated name on the way (procfs, sysfs) */
	pp = vfs_parent_for_change_locked(c, path, &last);
	e = pp.err ? pp.err : create_in(c, pp.value, last, path, n).err;
	up_write(&vfs_lock);
	return e;
}

int vfs_mkdir(const struct vfs_ctx *c, struct str path, u32 mode)
{
	struct node_spec n = { .mode = VFS_S_IFDIR | (mode & 07777) };
	return create_node(c, path, &n);
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
	struct node_spec n = { .mode = type | (mode & 07777), .major = major, .minor = minor };
	return create_node(c, path, &n);
}

int vfs_symlink(const struct vfs_ctx *c, struct str target, struct str path)
{
	if (str_len(target) == 0)
		return -ENOENT;
	if (str_len(target) >= VFS_PATH_MAX)
		return -ENAMETOOLONG;
	struct node_spec n = { .mode = VFS_S_IFLNK | 0777, .target = target };
	return create_node(c, path, &n);
}

/* unlinked_inode - d (just taken out of the tree, dir's child) loses its link: a directory
 * its own and its ".." in dir. */
static void unlinked_inode(struct dentry *dir, struct dentry *d)
{
	if (is_dir(d->inode)) {
		nlink_add(dir->inode, -1, false); /* its ".." */
		nlink_add(d->inode, -0x7fffffff, true); /* to 0 */
	} else {
		nlink_add(d->inode, -1, true);
	}
}

/* kill_locked - rename over d (found under dir): out of the tree for good, dead for lookups,
 * its inode loses the link, the tree's reference goes (vfs_lock held for writing). */
static void kill_locked(struct dentry *dir, struct dentry *d) REQUIRES(vfs_lock)
{
	vfs_dentry_kill_locked(d);
	unlinked_inode(dir, d);
	vfs_dentry_put_locked(d);
}

/* remove_in - unlink (rmdir false) or rmdir (true) `last` in the directory at pp, under its
 * dir_lock (taken here). On success *victim is the entry taken out of the tree with the
 * tree's reference, for the caller to put once vfs_lock is released. */
static int remove_in(const struct vfs_ctx *c, struct vfs_path pp, struct str last,
		     struct str path, bool rmdir, struct dentry **victim) REQUIRES_SHARED(vfs_lock)
{
	struct dentry *dir = pp.dentry;
	if (mnt_rdonly(pp))
		return -EROFS;
	if (str_eq(last, STR(".")))
		return rmdir ? -EINVAL : -EISDIR;
	if (str_eq(last, STR("..")))
		return rmdir ? -ENOTEMPTY : -EISDIR;
	mutex_lock(&dir->dir_lock);
	int e = -ENOENT;
	struct dentry *d = vfs_find_child_locked(dir, last);
	if (!d)
		goto out;
	if (rmdir) {
		e = !is_dir(d->inode) ? -ENOTDIR : (d->mounts || d == c->root.dentry) ? -EBUSY : 0;
	} else {
		e = is_dir(d->inode) ? -EISDIR : str_ends_with(path, STR("/")) ? -ENOTDIR :
			d->mounts ? -EBUSY : 0;
	}
	if (!e)
		e = vfs_may_delete_locked(dir, d, &c->cred);
	if (!e) /* rmdir: -ENOTEMPTY, checked in one step with taking it out */
		e = vfs_dentry_kill_dirlocked(dir, d, rmdir);
	if (e)
		goto out;
	unlinked_inode(dir, d);
	dir_changed(dir);
	*victim = d;
out:
	mutex_unlock(&dir->dir_lock);
	return e;
}

/* remove_node - unlink or rmdir `path`. The entry taken out is put after the lock, and an
 * inode that put frees reports IN_DELETE_SELF before the directory's IN_DELETE (as Linux). */
static int remove_node(const struct vfs_ctx *c, struct str path, bool rmdir)
{
	struct str last = STR("");
	struct dentry *victim = NULL;
	down_read(&vfs_lock);
	struct path_result pp = vfs_parent_for_change_shared(c, path, &last);
	int e = pp.err ? pp.err : remove_in(c, pp.value, last, path, rmdir, &victim);
	up_read(&vfs_lock);
	if (e == -ECHILD) {
		down_write(&vfs_lock); /* a generated name on the way (procfs, sysfs) */
		pp = vfs_parent_for_change_locked(c, path, &last);
		e = pp.err ? pp.err : remove_in(c, pp.value, last, path, rmdir, &victim);
		up_write(&vfs_lock);
	}
	if (!victim)
		return e;
	struct dentry *dir = victim->parent; /* pinned by victim, then by this reference */
	vfs_dentry_get(dir);
	u32 isdir = is_dir(victim->inode) ? UAPI_IN_ISDIR : 0;
	vfs_dentry_put(victim);
	vfs_notify_child(dir->inode, UAPI_IN_DELETE | isdir, last, 0);
	vfs_dentry_put(dir);
	return 0;
}

int vfs_unlink(const struct vfs_ctx *c, struct str path)
{
	return remove_node(c, path, false);
}

int vfs_rmdir(const struct vfs_ctx *c, struct str path)
{
	return remove_node(c, path, true);
}

/* link_in - a new name `newpath` (`last` in the directory npp) for what srcp names, made
 * under the new directory's dir_lock (taken here). */
static int link_in(struct path_result srcp, struct path_result npp, struct str last,
		   struct str newpath) REQUIRES_SHARED(vfs_lock)
{
	if (srcp.err)
		return srcp.err;
	if (npp.err)
		return npp.err;
	struct dentry *dir = npp.value.dentry;
	if (is_dot_or_dotdot(last))
		return -EEXIST;
	mutex_lock(&dir->dir_lock);
	struct inode *ip = srcp.value.dentry->inode;
	int e = vfs_find_child_locked(dir, last) ? -EEXIST :
		srcp.value.mnt != npp.value.mnt ? -EXDEV :
		mnt_rdonly(npp.value) ? -EROFS :
		is_dir(ip) ? -EPERM : 0;
	if (!e) {
		mutex_lock(&ip->lock);
		if (ip->nlink == 0 && !ip->linkable)
			e = -ENOENT;
		mutex_unlock(&ip->lock);
	}
	if (!e && str_ends_with(newpath, STR("/")))
		e = -ENOENT;
	if (!e) {
		refcount_get(&ip->refs);
		struct dentry_result d = vfs_dentry_new_dirlocked(dir, last, ip);
		e = d.err;
		/* not the last: the source's dentry holds one while vfs_lock is held */
		if (e && !refcount_put_not_last(&ip->refs))
			e = -EIO;
	}
	if (!e) {
		mutex_lock(&ip->lock);
		ip->linkable = false;
		mutex_unlock(&ip->lock);
		nlink_add(ip, 1, true);
		dir_changed(dir);
		vfs_notify_child(dir->inode, UAPI_IN_CREATE, last, 0);
	}
	mutex_unlock(&dir->dir_lock);
	return e;
}

int vfs_link_file(struct file *f, const struct vfs_ctx *new_c, struct str newpath)
{
	if (!f->dentry || !f->mnt)
		return -ENOENT; /* a pipe, socket or other nameless file */
	struct path_result src = path_result_ok((struct vfs_path){ .mnt = f->mnt,
								  .dentry = f->dentry });
	struct str last = STR("");
	down_read(&vfs_lock);
	int e = link_in(src, vfs_parent_for_change_shared(new_c, newpath, &last), last, newpath);
	up_read(&vfs_lock);
	if (e != -ECHILD)
		return e;
	down_write(&vfs_lock); /* a generated name on the way (procfs, sysfs) */
	e = link_in(src, vfs_parent_for_change_locked(new_c, newpath, &last), last, newpath);
	up_write(&vfs_lock);
	return e;
}

int vfs_link(const struct vfs_ctx *old_c, struct str oldpath, const struct vfs_ctx *new_c,
	     struct str newpath, bool follow)
{
	enum walk_mode mode = follow ? WALK_FINAL_FOLLOW : WALK_FINAL_NOFOLLOW;
	struct str last = STR("");
	down_read(&vfs_lock);
	struct path_result src = vfs_walk_path_shared(old_c, oldpath, mode, NULL);
	int e = link_in(src, vfs_parent_for_change_shared(new_c, newpath, &last), last, newpath);
	up_read(&vfs_lock);
	if (e != -ECHILD)
		return e;
	down_write(&vfs_lock); /* a generated name on the way (procfs, sysfs) */
	src = vfs_walk_path_locked(old_c, oldpath, mode, NULL);
	e = link_in(src, vfs_parent_for_change_locked(new_c, newpath, &last), last, newpath);
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
	vfs_dentry_move_locked(d, to, name);
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
	down_read(&dcache_lock); /* both names in one look */
	struct dentry *src = vfs_find_child_dlocked(op.value, olast);
	struct dentry *dst = src ? vfs_find_child_dlocked(np.value, nlast) : NULL;
	up_read(&dcache_lock);
	if (!src)
		return -ENOENT;
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
