/*
 * fs_attr.c — file system calls on attributes: chmod/fchmod/fchmodat, chown/fchown/lchown/
 * fchownat, utime/utimes/futimesat/utimensat, truncate/ftruncate/fallocate, fsync/fdatasync/
 * sync/syncfs, statfs/fstatfs and statx. Each names its file by a path (relative to a dirfd),
 * by an fd, or by both with AT_EMPTY_PATH; `struct target` is the one way in.
 * Memory file systems have nothing to write back: the sync calls check their argument and
 * succeed. Block devices do: fsync/fdatasync/syncfs on one write its dirty cached blocks and
 * flush the disk (block/bdev.h), sync(2) does it for every device.
 */
#include <block/bcache.h>
#include <block/bdev.h>
#include <fw/uaccess.h>
#include <syscall/define.h>
#include <uapi/fs.h>
#include <uapi/misc.h>
#include <uapi/time.h>

/* utimensat's and utimes' arguments: two times, atime then mtime */
struct fs_timespec_pair {
	struct uapi_timespec t[2];
};
struct fs_timeval_pair {
	struct uapi_timeval t[2];
};
DEFINE_UCOPY(ufs_timespec2, struct fs_timespec_pair);
DEFINE_UCOPY(ufs_timeval2, struct fs_timeval_pair);
DEFINE_UCOPY(ufs_utimbuf, struct uapi_utimbuf);
DEFINE_UCOPY(ufs_statfs, struct uapi_statfs);
DEFINE_UCOPY(ufs_statx, struct uapi_statx);

/* What a call acts on: an inode, kept alive by a path reference or an open file, and the
 * mount it was reached through (its flags: read-only). */
struct target {
	struct inode *ip;
	struct vfs_path path;  /* references, or empty */
	struct file *file;     /* borrowed from the fd table, or NULL */
	struct vfs_mount *mnt; /* path.mnt or file->mnt (NULL for a pipe) */
};

static void target_put(struct target *t)
{
	vfs_path_put(t->path);
	*t = (struct target){ 0 };
}

/* target_writable - 0, or -EROFS when the target's mount is read-only. */
static int target_writable(const struct target *t)
{
	return (vfs_mnt_flags(t->mnt) & VFS_MNT_RDONLY) ? -EROFS : 0;
}

static struct file *fd_file(struct thread *p, u64 fd)
{
	return fd > 0x7fffffff ? NULL : proc_fd_get(p, (i64)fd);
}

/* target_fd - the file of `fd`: 0 or -EBADF. */
static int target_fd(struct thread *p, u64 fd, struct target *t)
{
	*t = (struct target){ 0 };
	t->file = fd_file(p, fd);
	if (!t->file)
		return -EBADF;
	t->ip = t->file->inode;
	t->mnt = t->file->mnt;
	return 0;
}

/* target_at - what (dirfd, upath) names; AT_EMPTY_PATH in `flags` with "" names dirfd's
 * file itself (AT_FDCWD: the working directory). 0 or -errno. */
static int target_at(struct thread *p, i64 dirfd, u64 upath, bool follow, u32 flags,
		     struct target *t)
{
	*t = (struct target){ 0 };
	struct upath path;
	int e = upath_get(&path, upath);
	if (e == -ENOENT && (flags & UAPI_AT_EMPTY_PATH)) {
		upath_put(&path);
		if (dirfd == UAPI_AT_FDCWD) {
			vfs_path_get(p->fs.cwd);
			t->path = p->fs.cwd;
			t->mnt = t->path.mnt;
			t->ip = t->path.dentry->inode;
			return 0;
		}
		return dirfd < 0 ? -EBADF : target_fd(p, (u64)dirfd, t);
	}
	struct vfs_ctx c;
	if (!e)
		e = at_ctx(p, dirfd, path.s, &c);
	if (!e) {
		struct path_result d = vfs_lookup_path(&c, path.s, follow);
		e = d.err;
		if (!e) {
			t->path = d.value;
			t->mnt = d.value.mnt;
			t->ip = d.value.dentry->inode;
		}
	}
	upath_put(&path);
	return e;
}

/* --- chmod ------------------------------------------------------------------------------ */

static i64 do_chmod(struct thread *p, struct target *t, int e, u64 mode)
{
	if (!e)
		e = target_writable(t);
	if (!e)
		e = vfs_chmod(t->ip, &p->fs.cred, (u32)mode);
	target_put(t);
	return e;
}

SYSCALL_DEFINE2(chmod, ulong, filename, uint, mode)
{
	struct target t;
	int e = target_at(p, UAPI_AT_FDCWD, filename, true, 0, &t);
	return do_chmod(p, &t, e, mode);
}

/* opath - an O_PATH descriptor: calls that use the open file itself say EBADF. */
static bool opath(struct thread *p, u64 fd)
{
	struct file *f = fd_file(p, fd);
	return f && (f->flags & VFS_O_PATH);
}

SYSCALL_DEFINE2(fchmod, uint, fd, uint, mode)
{
	if (opath(p, fd))
		return -EBADF;
	struct target t;
	int e = target_fd(p, fd, &t);
	return do_chmod(p, &t, e, mode);
}

SYSCALL_DEFINE3(fchmodat, int, dfd, ulong, filename, uint, mode)
{
	/* fchmodat(2) has no flags argument (glibc emulates AT_SYMLINK_NOFOLLOW) */
	struct target t;
	int e = target_at(p, dfd, filename, true, 0, &t);
	return do_chmod(p, &t, e, mode);
}

/* --- chown ------------------------------------------------------------------------------ */

static i64 do_chown(struct thread *p, struct target *t, int e, u64 uid, u64 gid)
{
	if (!e)
		e = target_writable(t);
	if (!e)
		e = vfs_chown(t->ip, &p->fs.cred, (u32)uid, (u32)gid);
	target_put(t);
	return e;
}

SYSCALL_DEFINE3(chown, ulong, filename, uint, user, uint, group)
{
	struct target t;
	int e = target_at(p, UAPI_AT_FDCWD, filename, true, 0, &t);
	return do_chown(p, &t, e, user, group);
}

SYSCALL_DEFINE3(lchown, ulong, filename, uint, user, uint, group)
{
	struct target t;
	int e = target_at(p, UAPI_AT_FDCWD, filename, false, 0, &t);
	return do_chown(p, &t, e, user, group);
}

SYSCALL_DEFINE3(fchown, uint, fd, uint, user, uint, group)
{
	if (opath(p, fd))
		return -EBADF;
	struct target t;
	int e = target_fd(p, fd, &t);
	return do_chown(p, &t, e, user, group);
}

SYSCALL_DEFINE5(fchownat, int, dfd, ulong, filename, uint, user, uint, group, uint, flags)
{
	if (flags & ~(u32)(UAPI_AT_SYMLINK_NOFOLLOW | UAPI_AT_EMPTY_PATH))
		return -EINVAL;
	struct target t;
	int e = target_at(p, dfd, filename, !(flags & UAPI_AT_SYMLINK_NOFOLLOW), flags, &t);
	return do_chown(p, &t, e, user, group);
}

/* --- times ------------------------------------------------------------------------------ */

/* set_one - one utimensat timespec into the request: -EINVAL for a bad tv_nsec. */
static int set_one(struct uapi_timespec ts, struct vfs_time *out, bool *now, bool *omit)
{
	if (ts.tv_nsec == UAPI_UTIME_NOW) {
		*now = true;
		return 0;
	}
	if (ts.tv_nsec == UAPI_UTIME_OMIT) {
		*omit = true;
		return 0;
	}
	if (ts.tv_nsec < 0 || ts.tv_nsec >= 1000000000)
		return -EINVAL;
	*out = (struct vfs_time){ .sec = ts.tv_sec, .nsec = ts.tv_nsec };
	return 0;
}

/* do_utimes - apply `ts` (NULL: both now) to the target. */
static i64 do_utimes(struct thread *p, struct target *t, int e, const struct fs_timespec_pair *ts)
{
	struct vfs_utimes u = { .now_a = true, .now_m = true };
	if (!e && ts) {
		u.now_a = u.now_m = false;
		e = set_one(ts->t[0], &u.atime, &u.now_a, &u.omit_a);
		if (!e)
			e = set_one(ts->t[1], &u.mtime, &u.now_m, &u.omit_m);
	}
	if (!e)
		e = target_writable(t);
	if (!e && !(u.omit_a && u.omit_m))
		e = vfs_utimes(t->ip, &p->fs.cred, &u);
	target_put(t);
	return e;
}

SYSCALL_DEFINE4(utimensat, int, dirfd, ulong, upath, ulong, uts, uint, flags)
{
	struct fs_timespec_pair tp;
	if (flags & ~(u32)(UAPI_AT_SYMLINK_NOFOLLOW | UAPI_AT_EMPTY_PATH))
		return -EINVAL;
	if (uts && ufs_timespec2_from_user(&tp, uaddr(uts)))
		return -EFAULT;
	for (u32 i = 0; uts && i < 2; i++)
		if (tp.t[i].tv_nsec != UAPI_UTIME_NOW && tp.t[i].tv_nsec != UAPI_UTIME_OMIT &&
		    (tp.t[i].tv_nsec < 0 || tp.t[i].tv_nsec >= 1000000000))
			return -EINVAL;
	struct target t;
	int e;
	if (!upath) /* futimens: the file of dirfd */
		e = dirfd == UAPI_AT_FDCWD ? -EFAULT : target_fd(p, (u64)dirfd, &t);
	else
		e = target_at(p, dirfd, upath, !(flags & UAPI_AT_SYMLINK_NOFOLLOW), flags, &t);
	if (e)
		t = (struct target){ 0 };
	return do_utimes(p, &t, e, uts ? &tp : NULL);
}

/* timeval_pair - utimes'/futimesat's argument as timespecs: 0, -EFAULT, -EINVAL. */
static int timeval_pair(u64 utv, struct fs_timespec_pair *ts)
{
	struct fs_timeval_pair tv;
	if (ufs_timeval2_from_user(&tv, uaddr(utv)))
		return -EFAULT;
	for (u32 i = 0; i < 2; i++) {
		if (tv.t[i].tv_usec < 0 || tv.t[i].tv_usec >= 1000000)
			return -EINVAL;
		ts->t[i] = (struct uapi_timespec){ .tv_sec = tv.t[i].tv_sec,
						   .tv_nsec = tv.t[i].tv_usec * 1000 };
	}
	return 0;
}

static i64 do_futimesat(struct thread *p, i64 dirfd, u64 upath, u64 utv)
{
	struct fs_timespec_pair ts;
	if (utv) {
		int e = timeval_pair(utv, &ts);
		if (e)
			return e;
	}
	struct target t;
	int e = target_at(p, dirfd, upath, true, 0, &t);
	return do_utimes(p, &t, e, utv ? &ts : NULL);
}

SYSCALL_DEFINE2(utimes, ulong, filename, ulong, utimes)
{
	return do_futimesat(p, UAPI_AT_FDCWD, filename, utimes);
}

SYSCALL_DEFINE3(futimesat, int, dfd, ulong, filename, ulong, utimes)
{
	return do_futimesat(p, dfd, filename, utimes);
}

SYSCALL_DEFINE2(utime, ulong, filename, ulong, times)
{
	struct fs_timespec_pair ts;
	if (times) {
		struct uapi_utimbuf ub;
		if (ufs_utimbuf_from_user(&ub, uaddr(times)))
			return -EFAULT;
		ts.t[0] = (struct uapi_timespec){ .tv_sec = ub.actime };
		ts.t[1] = (struct uapi_timespec){ .tv_sec = ub.modtime };
	}
	struct target t;
	int e = target_at(p, UAPI_AT_FDCWD, filename, true, 0, &t);
	return do_utimes(p, &t, e, times ? &ts : NULL);
}

/* --- size ------------------------------------------------------------------------------- */

/* truncate_limits - what truncate does first, as Linux's do_truncate: a size above
 * RLIMIT_FSIZE is SIGXFSZ + -EFBIG (inode_newsize_ok), and an unprivileged caller clears
 * setuid/setgid. */
static int truncate_limits(struct thread *p, struct inode *ip, u64 size)
{
	u64 one = 1;
	if (size && proc_rlimit_fsize(p, size - 1, &one))
		return -EFBIG;
	vfs_kill_suid(ip, &p->fs.cred);
	return 0;
}

SYSCALL_DEFINE2(truncate, ulong, path, long, length)
{
	if (length < 0)
		return -EINVAL;
	struct target t;
	int e = target_at(p, UAPI_AT_FDCWD, path, true, 0, &t);
	if (!e && (t.ip->mode & VFS_S_IFMT) == VFS_S_IFDIR)
		e = -EISDIR;
	if (!e)
		e = vfs_permission(t.ip, &p->fs.cred, VFS_MAY_WRITE);
	if (!e)
		e = target_writable(&t);
	if (!e)
		e = truncate_limits(p, t.ip, (u64)length);
	if (!e)
		e = vfs_truncate(t.ip, (u64)length);
	target_put(&t);
	return e;
}

SYSCALL_DEFINE2(ftruncate, uint, fd, long, length)
{
	struct file *f = fd_file(p, fd);
	if (!f || (f->flags & VFS_O_PATH))
		return -EBADF;
	if (length < 0 || (f->flags & VFS_O_ACCMODE) == VFS_O_RDONLY ||
	    (f->inode->mode & VFS_S_IFMT) != VFS_S_IFREG)
		return -EINVAL;
	int e = truncate_limits(p, f->inode, (u64)length);
	return e ? e : vfs_truncate(f->inode, (u64)length);
}

/* fallocate: mode 0 makes [offset, offset+len) part of the file (a memory file system has
 * nothing to reserve beyond the size), FALLOC_FL_KEEP_SIZE alone changes nothing,
 * FALLOC_FL_PUNCH_HOLE (with KEEP_SIZE) zeroes the range; zeroing, collapsing and inserting
 * ranges are -EOPNOTSUPP, as on Linux's tmpfs. */
SYSCALL_DEFINE4(fallocate, int, fd, uint, mode, long, off, long, len)
{
	struct file *f = fd_file(p, (u64)(i64)fd);
	if (!f || (f->flags & VFS_O_PATH))
		return -EBADF;
	if (off < 0 || len <= 0)
		return -EINVAL;
	/* Linux's vfs_fallocate checks, then tmpfs's (KEEP_SIZE and PUNCH_HOLE only) */
	const u32 keep = UAPI_FALLOC_FL_KEEP_SIZE, punch = UAPI_FALLOC_FL_PUNCH_HOLE,
		  collapse = 0x08, zero = 0x10, insert = 0x20, unshare = 0x40;
	if (mode & ~(keep | punch | collapse | zero | insert | unshare))
		return -EOPNOTSUPP;
	if ((mode & punch) && (mode & zero))
		return -EOPNOTSUPP;
	if ((mode & punch) && !(mode & keep))
		return -EOPNOTSUPP;
	if (((mode & collapse) && (mode & ~collapse)) || ((mode & insert) && (mode & ~insert)) ||
	    ((mode & unshare) && (mode & ~(unshare | keep))))
		return -EINVAL;
	if (mode & ~(keep | punch))
		return -EOPNOTSUPP;
	if ((f->flags & VFS_O_ACCMODE) == VFS_O_RDONLY)
		return -EBADF;
	u32 type = f->inode->mode & VFS_S_IFMT;
	if (type == VFS_S_IFDIR)
		return -EISDIR;
	if (type == VFS_S_IFIFO)
		return -ESPIPE;
	if (type != VFS_S_IFREG)
		return -ENODEV;
	u64 end;
	if (fw_add_overflow((u64)off, (u64)len, &end) || end > 0x7fffffffffffffffull)
		return -EFBIG;
	if (mode & UAPI_FALLOC_FL_PUNCH_HOLE)
		return vfs_punch_hole(f->inode, (u64)off, (u64)len);
	if (mode & UAPI_FALLOC_FL_KEEP_SIZE)
		return 0;
	struct vfs_stat st;
	vfs_stat_inode(f->inode, &st);
	if (end <= st.size)
		return 0;
	u64 one = 1;
	if (proc_rlimit_fsize(p, end - 1, &one))
		return -EFBIG;
	return vfs_truncate(f->inode, end);
}

/* --- sync ------------------------------------------------------------------------------- */

static i64 do_fsync(struct thread *p, u64 fd)
{
	struct file *f = fd_file(p, fd);
	if (!f || (f->flags & VFS_O_PATH))
		return -EBADF;
	/* the file's op: a block device writes its dirty blocks and flushes the disk's cache,
	 * memory file systems have nothing to write; devices, pipes, sockets, procfs and
	 * anonymous files have none: EINVAL */
	return vfs_fsync(f);
}

SYSCALL_DEFINE1(fsync, uint, fd)
{
	return do_fsync(p, fd);
}

SYSCALL_DEFINE1(fdatasync, uint, fd)
{
	return do_fsync(p, fd);
}

SYSCALL_DEFINE0(sync)
{
	(void)p;
	(void)bcache_sync_all(); /* sync(2) reports nothing */
	return 0;
}

SYSCALL_DEFINE1(syncfs, int, fd)
{
	struct file *f = fd_file(p, (u64)(i64)fd);
	if (!f)
		return -EBADF;
	return bdev_is_file(f) ? bdev_fsync(f) : 0; /* memory file systems: nothing to write */
}

/* --- statfs, statx ---------------------------------------------------------------------- */

static i64 put_statfs(const struct target *t, u64 ubuf)
{
	struct vfs_statfs sf;
	vfs_statfs_inode(t->ip, t->mnt, &sf);
	struct uapi_statfs us = {
		.f_type = (i64)sf.type, .f_bsize = (i64)sf.bsize, .f_blocks = sf.blocks,
		.f_bfree = sf.bfree, .f_bavail = sf.bavail, .f_files = sf.files,
		.f_ffree = sf.ffree, .f_namelen = (i64)sf.namelen, .f_frsize = (i64)sf.frsize,
		.f_flags = (i64)(sf.flags | UAPI_ST_VALID),
	};
	return ufs_statfs_to_user(&us, uaddr(ubuf)) ? -EFAULT : 0;
}

SYSCALL_DEFINE2(statfs, ulong, pathname, ulong, buf)
{
	struct target t;
	int e = target_at(p, UAPI_AT_FDCWD, pathname, true, 0, &t);
	i64 r = e ? e : put_statfs(&t, buf);
	target_put(&t);
	return r;
}

SYSCALL_DEFINE2(fstatfs, uint, fd, ulong, buf)
{
	struct target t;
	int e = target_fd(p, fd, &t);
	return e ? e : put_statfs(&t, buf);
}

static struct uapi_statx_timestamp stx_time(struct vfs_time t)
{
	return (struct uapi_statx_timestamp){ .tv_sec = t.sec, .tv_nsec = (u32)t.nsec };
}

SYSCALL_DEFINE5(statx, int, dirfd, ulong, upath, uint, flags, uint, mask, ulong, ubuf)
{
	if (flags & ~(u32)(UAPI_AT_SYMLINK_NOFOLLOW | UAPI_AT_EMPTY_PATH | UAPI_AT_NO_AUTOMOUNT |
			   UAPI_AT_STATX_SYNC_TYPE))
		return -EINVAL;
	if ((flags & UAPI_AT_STATX_SYNC_TYPE) == UAPI_AT_STATX_SYNC_TYPE)
		return -EINVAL;
	if (mask & UAPI_STATX_RESERVED)
		return -EINVAL;
	struct target t;
	int e = target_at(p, dirfd, upath, !(flags & UAPI_AT_SYMLINK_NOFOLLOW), (u32)flags, &t);
	if (e)
		return e;
	struct vfs_stat st;
	vfs_stat_inode(t.ip, &st);
	struct uapi_statx sx = {
		.stx_mask = UAPI_STATX_BASIC_STATS, .stx_blksize = 4096, .stx_nlink = st.nlink,
		.stx_uid = st.uid, .stx_gid = st.gid, .stx_mode = (u16)st.mode, .stx_ino = st.ino,
		.stx_size = st.size, .stx_blocks = st.blocks,
		.stx_atime = stx_time(st.atime), .stx_ctime = stx_time(st.ctime),
		.stx_mtime = stx_time(st.mtime),
		.stx_rdev_major = st.rdev_major, .stx_rdev_minor = st.rdev_minor,
		.stx_dev_major = t.ip->sb ? t.ip->sb->dev_major : 0,
		.stx_dev_minor = t.ip->sb ? t.ip->sb->dev_minor : 0,
	};
	target_put(&t);
	return ufs_statx_to_user(&sx, uaddr(ubuf)) ? -EFAULT : 0;
}
