/*
 * fs_path.c — file system calls on names: getcwd, chdir/fchdir, chroot, mkdir(at),
 * unlink(at), rmdir, rename/renameat/renameat2, link(at), symlink(at), mknod(at),
 * readlink(at), access/faccessat/faccessat2 and umask.
 */
#include <fw/heap.h>
#include <fw/uaccess.h>
#include <syscall/define.h>
#include <uapi/fs.h>

#define AT_REMOVEDIR UAPI_AT_REMOVEDIR
#define AT_EACCESS UAPI_AT_EACCESS
#define AT_SYMLINK_NOFOLLOW UAPI_AT_SYMLINK_NOFOLLOW

/* with_path - copy the path, build the *at context; 0 or -errno (path released on error). */
static int with_path(struct thread *p, i64 dirfd, u64 upath, struct upath *path, struct vfs_ctx *c)
{
	int e = upath_get(path, upath);
	if (!e)
		e = at_ctx(p, dirfd, path->s, c);
	if (e)
		upath_put(path);
	return e;
}

SYSCALL_DEFINE2(getcwd, uptr, buf, ulong, size)
{
	struct kbuf kb = KBUF_EMPTY;
	if (kbuf_alloc(&kb, VFS_PATH_MAX))
		return -ENOMEM;
	struct bytes b = kbuf_bytes(&kb);
	struct result_size n = vfs_path_of(p->fs.root, p->fs.cwd, b);
	i64 r = n.err ? n.err : (i64)n.value;
	if (!n.err && n.value > size)
		r = -ERANGE;
	if (r > 0) {
		struct vm_writer w = vm_writer_user(buf, n.value);
		struct result_size c = vm_write(&w, bytes_head(b, n.value));
		if (c.err || c.value != n.value)
			r = -EFAULT;
	}
	kbuf_free(&kb);
	return r;
}

SYSCALL_DEFINE1(chdir, ulong, filename)
{
	struct upath path;
	int e = upath_get(&path, filename);
	if (e) {
		upath_put(&path);
		return e;
	}
	struct path_result d = vfs_lookup_path(&p->fs, path.s, true);
	upath_put(&path);
	if (d.err)
		return d.err;
	struct inode *ip = d.value.dentry->inode;
	e = (ip->mode & VFS_S_IFMT) != VFS_S_IFDIR ? -ENOTDIR
		: vfs_permission(ip, &p->fs.cred, VFS_MAY_EXEC);
	if (e)
		vfs_path_put(d.value);
	else
		proc_fs_set_cwd(p, d.value);
	return e;
}

static i64 do_mkdir(struct thread *p, i64 dirfd, u64 upath, u64 mode)
{
	struct upath path;
	struct vfs_ctx c;
	int e = with_path(p, dirfd, upath, &path, &c);
	if (e)
		return e;
	e = vfs_mkdir(&c, path.s, (u32)mode & ~p->umask & 07777);
	upath_put(&path);
	return e;
}

SYSCALL_DEFINE2(mkdir, ulong, pathname, uint, mode)
{
	return do_mkdir(p, UAPI_AT_FDCWD, pathname, mode);
}

SYSCALL_DEFINE3(mkdirat, int, dfd, ulong, pathname, uint, mode)
{
	return do_mkdir(p, dfd, pathname, mode);
}

static i64 do_unlink(struct thread *p, i64 dirfd, u64 upath, u64 flags)
{
	if (flags & ~(u64)AT_REMOVEDIR)
		return -EINVAL;
	struct upath path;
	struct vfs_ctx c;
	int e = with_path(p, dirfd, upath, &path, &c);
	if (e)
		return e;
	e = (flags & AT_REMOVEDIR) ? vfs_rmdir(&c, path.s) : vfs_unlink(&c, path.s);
	upath_put(&path);
	return e;
}

SYSCALL_DEFINE1(unlink, ulong, pathname)
{
	return do_unlink(p, UAPI_AT_FDCWD, pathname, 0);
}

SYSCALL_DEFINE3(unlinkat, int, dfd, ulong, pathname, uint, flag)
{
	return do_unlink(p, dfd, pathname, flag);
}

SYSCALL_DEFINE1(rmdir, ulong, pathname)
{
	return do_unlink(p, UAPI_AT_FDCWD, pathname, AT_REMOVEDIR);
}

static i64 do_readlink(struct thread *p, i64 dirfd, u64 upath, u64 ubuf, u64 size)
{
	if ((i64)size <= 0)
		return -EINVAL;
	struct upath path;
	struct vfs_ctx c;
	int e = with_path(p, dirfd, upath, &path, &c);
	if (e)
		return e;
	struct kbuf kb = KBUF_EMPTY;
	i64 r = kbuf_alloc(&kb, VFS_PATH_MAX) ? -ENOMEM : 0;
	if (!r) {
		struct bytes b = kbuf_bytes(&kb);
		struct result_size n = vfs_readlink(&c, path.s, bytes_head(b, size));
		r = n.err;
		if (!n.err) {
			struct vm_writer w = vm_writer_user(uaddr(ubuf), n.value);
			struct result_size cpy = vm_write(&w, bytes_head(b, n.value));
			r = cpy.err ? cpy.err : (i64)cpy.value;
		}
		kbuf_free(&kb);
	}
	upath_put(&path);
	return r;
}

SYSCALL_DEFINE3(readlink, ulong, path, ulong, buf, int, bufsiz)
{
	return do_readlink(p, UAPI_AT_FDCWD, path, buf, (u64)(i64)bufsiz);
}

SYSCALL_DEFINE4(readlinkat, int, dfd, ulong, path, ulong, buf, int, bufsiz)
{
	return do_readlink(p, dfd, path, buf, (u64)(i64)bufsiz);
}

SYSCALL_DEFINE1(fchdir, uint, fd)
{
	struct file *f = fd > 0x7fffffff ? NULL : proc_fd_get(p, (i64)fd);
	if (!f)
		return -EBADF;
	if ((f->inode->mode & VFS_S_IFMT) != VFS_S_IFDIR)
		return -ENOTDIR;
	int e = vfs_permission(f->inode, &p->fs.cred, VFS_MAY_EXEC);
	if (!e)
		proc_fs_set_cwd(p, vfs_file_path(f));
	return e;
}

/* access_check - faccessat's verdict for ip reached through mnt (Linux's do_faccessat): X_OK of
 * a regular file on a noexec mount is EACCES, then the permission bits, then W_OK of a file,
 * directory or symlink on a read-only mount is EROFS (devices, FIFOs and sockets are not the
 * mount's data). */
static int access_check(struct inode *ip, struct vfs_mount *mnt, const struct cred *cr, u32 mode)
{
	if (!mode)
		return 0;
	u32 type = ip->mode & VFS_S_IFMT, mflags = vfs_mnt_flags(mnt);
	if ((mode & VFS_MAY_EXEC) && type == VFS_S_IFREG && (mflags & VFS_MNT_NOEXEC))
		return -EACCES;
	int e = vfs_permission(ip, cr, mode);
	if (!e && (mode & VFS_MAY_WRITE) && (mflags & VFS_MNT_RDONLY) &&
	    (type == VFS_S_IFREG || type == VFS_S_IFDIR || type == VFS_S_IFLNK))
		e = -EROFS;
	return e;
}

static i64 do_access(struct thread *p, i64 dirfd, u64 upath, u64 mode, u64 flags)
{
	if (mode & ~7ull || flags & ~(u64)(AT_EACCESS | AT_SYMLINK_NOFOLLOW | UAPI_AT_EMPTY_PATH))
		return -EINVAL;
	struct upath path;
	struct vfs_ctx c;
	int e = upath_get(&path, upath);
	if (e == -ENOENT && (flags & UAPI_AT_EMPTY_PATH)) { /* "": dirfd's file itself */
		upath_put(&path);
		struct file *f = dirfd == UAPI_AT_FDCWD || dirfd < 0 ? NULL : proc_fd_get(p, dirfd);
		if (dirfd != UAPI_AT_FDCWD && !f)
			return -EBADF;
		struct inode *ip = f ? f->inode : p->fs.cwd.dentry->inode;
		struct vfs_mount *mnt = f ? f->mnt : p->fs.cwd.mnt;
		struct cred cr = p->fs.cred;
		if (!(flags & AT_EACCESS)) { /* the real ids, as below (the checks use the fs ids) */
			cr.fsuid = cr.uid;
			cr.fsgid = cr.gid;
		}
		return access_check(ip, mnt, &cr, (u32)mode);
	}
	if (!e)
		e = at_ctx(p, dirfd, path.s, &c);
	if (e) {
		upath_put(&path);
		return e;
	}
	if (!(flags & AT_EACCESS)) { /* access(2) checks with the real ids */
		c.cred.fsuid = c.cred.uid;
		c.cred.fsgid = c.cred.gid;
	} /* AT_EACCESS: the fs ids, as every other file check */
	struct path_result d = vfs_lookup_path(&c, path.s, !(flags & AT_SYMLINK_NOFOLLOW));
	upath_put(&path);
	if (d.err)
		return d.err;
	e = access_check(d.value.dentry->inode, d.value.mnt, &c.cred, (u32)mode);
	vfs_path_put(d.value);
	return e;
}

SYSCALL_DEFINE2(access, ulong, filename, uint, mode)
{
	return do_access(p, UAPI_AT_FDCWD, filename, mode, 0);
}

SYSCALL_DEFINE3(faccessat, int, dfd, ulong, filename, uint, mode)
{
	return do_access(p, dfd, filename, mode, 0);
}

SYSCALL_DEFINE1(umask, uint, mask)
{
	return proc_fs_set_umask(p, mask & 0777);
}

/* --- rename, link, symlink, mknod, chroot ------------------------------------------------ */

/* two_paths - both paths of a two-path *at call copied in, with their contexts. */
static int two_paths(struct thread *p, i64 olddirfd, u64 uold, i64 newdirfd, u64 unew,
		     struct upath *op, struct vfs_ctx *oc, struct upath *np, struct vfs_ctx *nc)
{
	int e = with_path(p, olddirfd, uold, op, oc);
	if (e)
		return e;
	e = with_path(p, newdirfd, unew, np, nc);
	if (e)
		upath_put(op);
	return e;
}

static i64 do_rename(struct thread *p, i64 olddirfd, u64 uold, i64 newdirfd, u64 unew, u64 flags)
{
	if (flags & ~(u64)(UAPI_RENAME_NOREPLACE | UAPI_RENAME_EXCHANGE | UAPI_RENAME_WHITEOUT))
		return -EINVAL;
	struct upath op, np;
	struct vfs_ctx oc, nc;
	int e = two_paths(p, olddirfd, uold, newdirfd, unew, &op, &oc, &np, &nc);
	if (e)
		return e;
	e = vfs_rename(&oc, op.s, &nc, np.s, (u32)flags);
	upath_put(&np);
	upath_put(&op);
	return e;
}

SYSCALL_DEFINE2(rename, ulong, oldname, ulong, newname)
{
	return do_rename(p, UAPI_AT_FDCWD, oldname, UAPI_AT_FDCWD, newname, 0);
}

SYSCALL_DEFINE4(renameat, int, olddfd, ulong, oldname, int, newdfd, ulong, newname)
{
	return do_rename(p, olddfd, oldname, newdfd, newname, 0);
}

SYSCALL_DEFINE5(renameat2, int, olddfd, ulong, oldname, int, newdfd, ulong, newname, uint,
		flags)
{
	return do_rename(p, olddfd, oldname, newdfd, newname, flags);
}

/* link_fd - linkat(olddirfd, "", newdirfd, newpath, AT_EMPTY_PATH): a name for the file
 * olddirfd is open on (AT_FDCWD: the working directory, a directory: EPERM). Linux asks for
 * CAP_DAC_READ_SEARCH (else ENOENT): here, an effective uid of 0. */
static i64 link_fd(struct thread *p, i64 olddirfd, i64 newdirfd, u64 unew)
{
	if (p->fs.cred.euid != 0)
		return -ENOENT;
	if (olddirfd == UAPI_AT_FDCWD)
		return -EPERM; /* the working directory: a directory */
	struct file *f = olddirfd < 0 ? NULL : proc_fd_get(p, olddirfd);
	if (!f)
		return -EBADF;
	struct upath np;
	struct vfs_ctx nc;
	int e = with_path(p, newdirfd, unew, &np, &nc);
	if (e)
		return e;
	e = vfs_link_file(f, &nc, np.s);
	upath_put(&np);
	return e;
}

static i64 do_link(struct thread *p, i64 olddirfd, u64 uold, i64 newdirfd, u64 unew, u64 flags)
{
	if (flags & ~(u64)(UAPI_AT_SYMLINK_FOLLOW | UAPI_AT_EMPTY_PATH))
		return -EINVAL;
	struct upath op, np;
	if (flags & UAPI_AT_EMPTY_PATH) { /* "" names olddirfd's file: root only, as Linux */
		int e = upath_get(&op, uold);
		upath_put(&op);
		if (e == -ENOENT)
			return link_fd(p, olddirfd, newdirfd, unew);
		if (e)
			return e;
	}
	struct vfs_ctx oc, nc;
	int e = two_paths(p, olddirfd, uold, newdirfd, unew, &op, &oc, &np, &nc);
	if (e)
		return e;
	e = vfs_link(&oc, op.s, &nc, np.s, (flags & UAPI_AT_SYMLINK_FOLLOW) != 0);
	upath_put(&np);
	upath_put(&op);
	return e;
}

SYSCALL_DEFINE2(link, ulong, oldname, ulong, newname)
{
	return do_link(p, UAPI_AT_FDCWD, oldname, UAPI_AT_FDCWD, newname, 0);
}

SYSCALL_DEFINE5(linkat, int, olddfd, ulong, oldname, int, newdfd, ulong, newname, uint, flags)
{
	return do_link(p, olddfd, oldname, newdfd, newname, flags);
}

static i64 do_symlink(struct thread *p, u64 utarget, i64 dirfd, u64 upath)
{
	struct upath target;
	int e = upath_get(&target, utarget);
	if (e) {
		upath_put(&target);
		return e;
	}
	struct upath path;
	struct vfs_ctx c;
	e = with_path(p, dirfd, upath, &path, &c);
	if (!e) {
		e = vfs_symlink(&c, target.s, path.s);
		upath_put(&path);
	}
	upath_put(&target);
	return e;
}

SYSCALL_DEFINE2(symlink, ulong, oldname, ulong, newname)
{
	return do_symlink(p, oldname, UAPI_AT_FDCWD, newname);
}

SYSCALL_DEFINE3(symlinkat, ulong, oldname, int, newdfd, ulong, newname)
{
	return do_symlink(p, oldname, newdfd, newname);
}

/* new_decode_dev: the 32-bit dev_t mknod(2) takes */
static i64 do_mknod(struct thread *p, i64 dirfd, u64 upath, u64 mode, u64 dev)
{
	u32 major = (u32)((dev & 0xfff00) >> 8), minor = (u32)((dev & 0xff) | ((dev >> 12) & 0xfff00));
	struct upath path;
	struct vfs_ctx c;
	int e = with_path(p, dirfd, upath, &path, &c);
	if (e)
		return e;
	u32 m = ((u32)mode & VFS_S_IFMT) | ((u32)mode & 07777 & ~p->umask);
	e = vfs_mknod(&c, path.s, m, major, minor);
	upath_put(&path);
	return e;
}

SYSCALL_DEFINE3(mknod, ulong, filename, uint, mode, uint, dev)
{
	return do_mknod(p, UAPI_AT_FDCWD, filename, mode, dev);
}

SYSCALL_DEFINE4(mknodat, int, dfd, ulong, filename, uint, mode, uint, dev)
{
	return do_mknod(p, dfd, filename, mode, dev);
}

SYSCALL_DEFINE4(faccessat2, int, dfd, ulong, filename, uint, mode, uint, flags)
{
	return do_access(p, dfd, filename, mode, flags);
}

/* chroot: root only; the new root must be a searchable directory. The working directory
 * stays (as Linux: it may now lie outside the root). */
/* pivot_root(new_root, put_old): the caller's root (and its cwd, when that was the old root)
 * move to the new root, for every thread sharing them (CLONE_FS); every other process whose
 * root or cwd was the old root moves at its next system call (proc_fs_sync), as Linux's
 * chroot_fs_refs. */
SYSCALL_DEFINE2(pivot_root, ulong, new_root, ulong, put_old)
{
	struct upath nr, po;
	int e = upath_get(&nr, new_root);
	int e2 = upath_get(&po, put_old);
	if (!e)
		e = e2;
	struct vfs_path root = { 0 };
	if (!e)
		e = vfs_pivot_root(&p->fs, nr.s, po.s, &root);
	upath_put(&po);
	upath_put(&nr);
	if (e)
		return e;
	/* through the shared context: threads sharing it (CLONE_FS) move too, and the caller's
	 * next chdir does not take its copy back to the old root */
	if (p->fs.cwd.mnt == p->fs.root.mnt && p->fs.cwd.dentry == p->fs.root.dentry) {
		vfs_path_get(root);
		proc_fs_set_cwd(p, root);
	}
	proc_fs_set_root(p, root);
	return 0;
}

SYSCALL_DEFINE1(chroot, ulong, filename)
{
	struct upath path;
	int e = upath_get(&path, filename);
	if (e) {
		upath_put(&path);
		return e;
	}
	struct path_result d = vfs_lookup_path(&p->fs, path.s, true);
	upath_put(&path);
	if (d.err)
		return d.err;
	struct inode *ip = d.value.dentry->inode;
	if ((ip->mode & VFS_S_IFMT) != VFS_S_IFDIR)
		e = -ENOTDIR;
	else
		e = vfs_permission(ip, &p->fs.cred, VFS_MAY_EXEC);
	if (!e && p->fs.cred.euid != 0)
		e = -EPERM;
	if (e)
		vfs_path_put(d.value);
	else
		proc_fs_set_root(p, d.value);
	return e;
}
