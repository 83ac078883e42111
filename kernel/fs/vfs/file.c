/*
 * file.c — open files (fs/vfs.h): open(2) flag handling and permission checks, read/write
 * through the inode's ops at the file's offset, lseek, and getdents64's linux_dirent64
 * records (d_ino u64, d_off i64, d_reclen u16, d_type u8, the name and a NUL, padded to 8).
 *
 * Data I/O takes no namespace lock. A regular file is read and written under its inode's
 * lock, which also guards the file offset, the size, the space account and the times. A
 * block device node (file_ops.io_unlocked) only takes that lock to read and move the offset:
 * its transfer sleeps on the disk and the buffer cache guards itself. Character devices, pipes and sockets run their ops with no VFS lock
 * at all (each guards itself) and have no offset; as on Linux, writing to a character device
 * leaves its node's times alone, and a pipe's write sets its mtime and ctime.
 */
#include <fs/vfs_internal.h>
#include <fw/atomic.h>
#include <fw/heap.h>
#include <fw/typecache.h>
#include <uapi/events.h>

DEFINE_TYPE_CACHE(file_cache, struct file);
static struct atomic_u64 file_ids; /* the last struct file's id */

struct chrdev {
	u32 major, minor;
	const struct file_ops *ops;
	bool tty;
};
static struct chrdev chrdevs[VFS_MAX_DEVICES];
static u32 nchrdevs;
static const struct file_ops *blkdev_ops; /* set once at boot (vfs_register_blkdev_ops) */

void vfs_register_blkdev_ops(const struct file_ops *ops)
{
	blkdev_ops = ops;
}

int vfs_register_chrdev(u32 major, u32 minor, const struct file_ops *ops, bool tty)
{
	for (u32 i = 0; i < nchrdevs && i < VFS_MAX_DEVICES; i++)
		if (chrdevs[i].major == major && chrdevs[i].minor == minor)
			return -EEXIST;
	if (nchrdevs >= VFS_MAX_DEVICES)
		return -ENOSPC;
	chrdevs[nchrdevs++] = (struct chrdev){ .major = major, .minor = minor, .ops = ops, .tty = tty };
	return 0;
}

const struct file_ops vfs_no_file_ops = { 0 };

int vfs_fsync_noop(struct file *f)
{
	(void)f;
	return 0;
}

int vfs_fsync(struct file *f)
{
	return f->ops->fsync ? f->ops->fsync(f) : -EINVAL;
}

/* inode_fops - the file ops an open of ip starts with (a device node's: replaced by its
 * driver's at open). */
static const struct file_ops *inode_fops(const struct inode *ip)
{
	return ip->fops ? ip->fops : &vfs_no_file_ops;
}

bool vfs_file_is_tty(const struct file *f)
{
	return f->tty;
}

bool vfs_chrdev_registered(u32 major, u32 minor)
{
	for (u32 i = 0; i < nchrdevs && i < VFS_MAX_DEVICES; i++)
		if (chrdevs[i].major == major &&
		    (chrdevs[i].minor == minor || chrdevs[i].minor == VFS_ANY_MINOR))
			return true;
	return false;
}

/* chrdev_find - the registered device of a character node, or -1. */
static int chrdev_find(const struct inode *ip)
{
	int any = -1;
	for (u32 i = 0; i < nchrdevs && i < VFS_MAX_DEVICES; i++) {
		if (chrdevs[i].major != ip->rdev_major)
			continue;
		if (chrdevs[i].minor == ip->rdev_minor)
			return (int)i;
		if (chrdevs[i].minor == VFS_ANY_MINOR)
			any = (int)i;
	}
	return any;
}

static bool is_dir(const struct inode *ip)
{
	return (ip->mode & VFS_S_IFMT) == VFS_S_IFDIR;
}

/* open_tmpfile - O_TMPFILE: a nameless regular file in the file system of the directory
 * `path` names (write and search permission on it, a writable mount). */
static struct file_result open_tmpfile(const struct vfs_ctx *c, struct str path, u32 flags,
				       u32 mode)
{
	u32 acc = flags & VFS_O_ACCMODE;
	if (acc == VFS_O_RDONLY || (flags & VFS_O_CREAT))
		return file_result_err(-EINVAL);
	down_write(&vfs_lock);
	struct path_result d = vfs_walk_path_locked(c, path, WALK_FINAL_FOLLOW, NULL);
	int e = d.err;
	struct inode *dir = e ? NULL : d.value.dentry->inode;
	if (!e && (dir->mode & VFS_S_IFMT) != VFS_S_IFDIR)
		e = -ENOTDIR;
	if (!e)
		e = vfs_permission(dir, &c->cred, VFS_MAY_WRITE | VFS_MAY_EXEC);
	if (!e && vfs_dentry_dead(d.value.dentry))
		e = -ENOENT;
	if (!e && (d.value.mnt->flags & VFS_MNT_RDONLY))
		e = -EROFS;
	struct inode *ip = e ? NULL : ramfs_new_inode(dir->sb, VFS_S_IFREG | (mode & 07777));
	if (!e && !ip)
		e = -ENOMEM;
	struct dentry *td = NULL;
	if (ip) {
		ip->uid = c->cred.fsuid;
		ip->gid = c->cred.fsgid;
		ip->nlink = 0;
		mutex_lock(&ip->lock); /* not shared yet: for the lock annotations only */
		ip->linkable = !(flags & VFS_O_EXCL);
		mutex_unlock(&ip->lock);
		/* a dead dentry "#ino" under the directory, as Linux's: the file's path (linkat
		 * through /proc/self/fd/N, the mount it is on) */
		u8 name[24] = { '#' };
		size_t n = 1;
		u8 digits[20];
		size_t nd = 0;
		for (u64 v = ip->ino; nd < sizeof(digits); v /= 10) {
			digits[nd++] = (u8)('0' + v % 10);
			if (v < 10)
				break;
		}
		while (nd > 0 && n < sizeof(name))
			name[n++] = digits[--nd];
		struct dentry_result dr = vfs_dentry_new_locked(
			NULL, str_from_bytes(bytes_head(BYTES_OF_ARRAY(name), n)), ip);
		if (dr.err) {
			vfs_inode_put(ip);
			e = dr.err;
		} else { /* the dentry took the inode's reference */
			td = dr.value;
			vfs_dentry_hang_dead_locked(td, d.value.dentry);
		}
	}
	struct file *f = NULL;
	if (td) {
		f = vfs_file_new(ip, flags & ~(VFS_O_TMPFILE | VFS_O_CREAT | VFS_O_EXCL |
					       VFS_O_TRUNC | VFS_O_NOFOLLOW));
		if (f) { /* the dentry's reference is the file's */
			vfs_path_get((struct vfs_path){ .mnt = d.value.mnt, .dentry = td });
			vfs_dentry_put_locked(td);
			f->dentry = td;
			f->mnt = d.value.mnt;
		} else {
			vfs_dentry_put_locked(td);
			e = -ENOMEM;
		}
	}
	up_write(&vfs_lock);
	return e ? file_result_err(e) : file_result_ok(f);
}

/* open_node - what open(2) with `flags` does to the node at `at` (created: this open just
 * made it), short of a FIFO's ends: the type and permission checks, O_TRUNC, the device's
 * or file's open op. *opsp gets the file's ops, *devp the character device (or -1). 0 or
 * -errno. Nothing here changes the tree: vfs_lock held either way. */
static int open_node(const struct vfs_ctx *c, struct vfs_path at, u32 flags, bool created,
		     const struct file_ops **opsp, int *devp) REQUIRES_SHARED(vfs_lock)
{
	bool opath = (flags & VFS_O_PATH) != 0;
	u32 acc = flags & VFS_O_ACCMODE;
	struct inode *ip = at.dentry->inode;
	u32 type = ip->mode & VFS_S_IFMT;
	*devp = -1;
	*opsp = inode_fops(ip);
	if (type == VFS_S_IFLNK && !opath)
		return -ELOOP; /* O_NOFOLLOW on a symlink */
	if ((flags & VFS_O_DIRECTORY) && !is_dir(ip))
		return -ENOTDIR;
	if (is_dir(ip) && (acc != VFS_O_RDONLY || (flags & VFS_O_CREAT)))
		return -EISDIR;
	if (!created && !opath) {
		u32 mask = (acc != VFS_O_WRONLY ? VFS_MAY_READ : 0) |
			   (acc != VFS_O_RDONLY || (flags & VFS_O_TRUNC) ? VFS_MAY_WRITE : 0);
		int e = vfs_permission(ip, &c->cred, mask);
		if (e)
			return e;
		/* a read-only mount: no writing its files (devices and FIFOs are not its data) */
		if ((mask & VFS_MAY_WRITE) && (at.mnt->flags & VFS_MNT_RDONLY) &&
		    (type == VFS_S_IFREG || type == VFS_S_IFDIR || type == VFS_S_IFLNK))
			return -EROFS;
		if ((type == VFS_S_IFCHR || type == VFS_S_IFBLK) && (at.mnt->flags & VFS_MNT_NODEV))
			return -EACCES;
	}
	if ((flags & VFS_O_TRUNC) && acc != VFS_O_RDONLY && type == VFS_S_IFREG) {
		if (!ip->ops->truncate)
			return -EINVAL; /* generated files (procfs) have no size to cut */
		mutex_lock(&ip->lock);
		u64 old = ip->size;
		int e = ip->ops->truncate(ip, 0);
		if (!e)
			vfs_sb_resized(ip, old, 0);
		if (!e && !created)
			vfs_inode_touch_ilocked(ip, VFS_TOUCH_M | VFS_TOUCH_C);
		mutex_unlock(&ip->lock);
		if (e)
			return e;
	}
	if (type == VFS_S_IFCHR && !opath) {
		*devp = chrdev_find(ip);
		if (*devp < 0 || *devp >= (int)VFS_MAX_DEVICES)
			return -ENXIO;
		*opsp = chrdevs[*devp].ops;
	}
	/* O_PATH names the node without opening the device (Linux's do_dentry_open) */
	if (type == VFS_S_IFBLK && !opath) {
		if (!blkdev_ops)
			return -ENXIO;
		*opsp = blkdev_ops;
	}
	bool blkdev = type == VFS_S_IFBLK && !opath;
	if ((blkdev || type == VFS_S_IFCHR || type == VFS_S_IFREG) && (*opsp)->open)
		return (*opsp)->open(ip, flags);
	return 0;
}

/* open_fill - f becomes the open file of the node at `at`. */
static void open_fill(struct file *f, struct vfs_path at, u32 flags, const struct file_ops *ops,
		      int dev, u64 fifo_peer) REQUIRES_SHARED(vfs_lock)
{
	struct inode *ip = at.dentry->inode;
	f->ops = ops;
	if (dev >= 0 && dev < (int)VFS_MAX_DEVICES)
		f->tty = chrdevs[dev].tty;
	refcount_init(&f->refs, 1);
	f->id = atomic_u64_add_return(&file_ids, 1);
	refcount_get(&ip->refs);
	vfs_path_get(at);
	f->dentry = at.dentry;
	f->mnt = at.mnt;
	f->inode = ip;
	f->flags = flags & ~(VFS_O_CREAT | VFS_O_EXCL | VFS_O_TRUNC | VFS_O_NOFOLLOW);
	f->pos = 0;
	f->fifo_peer = fifo_peer;
}

/* open_shared - open(2) under vfs_lock held for reading (opens run at once), creating the
 * file under its directory's dir_lock (O_CREAT): 0 or -errno, or *again when this open needs
 * the lock for writing (a generated name on the way, a FIFO's ends, a name that appeared
 * between the walk and the create): the caller opens anew with open_exclusive. */
static int open_shared(const struct vfs_ctx *c, struct str path, u32 flags, u32 mode,
		       enum walk_mode wmode, struct file *f, bool *created, bool *again)
{
	bool excl = (flags & VFS_O_CREAT) && (flags & VFS_O_EXCL);
	down_read(&vfs_lock);
	struct path_result d = vfs_walk_path_shared(c, path, wmode, NULL);
	if (d.err == -ENOENT && (flags & VFS_O_CREAT)) {
		d = vfs_create_shared(c, path, VFS_S_IFREG | (mode & 07777));
		*created = !d.err;
		if (d.err == -EEXIST && !excl)
			d.err = -ECHILD; /* made meanwhile (or a dangling symlink): open it anew */
	} else if (!d.err && excl) {
		d = path_result_err(-EEXIST);
	}
	int e = d.err;
	*again = e == -ECHILD ||
		 (!e && (d.value.dentry->inode->mode & VFS_S_IFMT) == VFS_S_IFIFO &&
		  !(flags & VFS_O_PATH));
	const struct file_ops *ops = NULL;
	int dev = -1;
	if (!e && !*again)
		e = open_node(c, d.value, flags, *created, &ops, &dev);
	if (!e && !*again)
		open_fill(f, d.value, flags, ops, dev, 0);
	up_read(&vfs_lock);
	return e;
}

/* open_exclusive - open with vfs_lock held for writing, when open_shared could not: makes
 * the generated names on the way, attaches a FIFO's end, opens or creates a name that
 * appeared between open_shared's walk and its create. *created: whether it made it. */
static int open_exclusive(const struct vfs_ctx *c, struct str path, u32 flags, u32 mode,
			  enum walk_mode wmode, struct file *f, bool *created)
{
	bool excl = (flags & VFS_O_CREAT) && (flags & VFS_O_EXCL);
	down_write(&vfs_lock);
	struct path_result d = vfs_walk_path_locked(c, path, wmode, NULL);
	if (d.err == -ENOENT && (flags & VFS_O_CREAT)) {
		d = vfs_create_locked(c, path, VFS_S_IFREG | (mode & 07777));
		*created = !d.err;
	} else if (!d.err && excl) {
		d = path_result_err(-EEXIST);
	}
	int e = d.err;
	const struct file_ops *ops = NULL;
	int dev = -1;
	if (!e)
		e = open_node(c, d.value, flags, *created, &ops, &dev);
	u64 fifo_peer = 0;
	struct inode *ip = e ? NULL : d.value.dentry->inode;
	if (ip && (ip->mode & VFS_S_IFMT) == VFS_S_IFIFO && !(flags & VFS_O_PATH))
		e = vfs_fifo_open_locked(ip, flags, &fifo_peer, &ops);
	if (!e)
		open_fill(f, d.value, flags, ops, dev, fifo_peer);
	up_write(&vfs_lock);
	return e;
}

struct file_result vfs_open(const struct vfs_ctx *c, struct str path, u32 flags, u32 mode)
{
	/* O_PATH names a node without opening it: no permission on it is needed, a symlink
	 * (O_NOFOLLOW) or device is not followed or opened, and every other flag is ignored */
	bool opath = (flags & VFS_O_PATH) != 0;
	if (opath)
		flags &= VFS_O_PATH | VFS_O_DIRECTORY | VFS_O_NOFOLLOW | VFS_O_CLOEXEC;
	u32 acc = flags & VFS_O_ACCMODE;
	if (acc == VFS_O_ACCMODE)
		return file_result_err(-EINVAL);
	if ((flags & VFS_O_TMPFILE) == VFS_O_TMPFILE)
		return open_tmpfile(c, path, flags, mode);
	if (flags & VFS_O_TMPFILE & ~VFS_O_DIRECTORY)
		return file_result_err(-EINVAL); /* __O_TMPFILE without O_DIRECTORY */
	struct file *f = KNEW(file_cache);
	if (!f)
		return file_result_err(-ENOMEM);
	vfs_epoll_file_init(f);
	bool excl = (flags & VFS_O_CREAT) && (flags & VFS_O_EXCL);
	bool follow = !(flags & VFS_O_NOFOLLOW) && !excl;
	enum walk_mode wmode = follow ? WALK_FINAL_FOLLOW : WALK_FINAL_NOFOLLOW;
	bool created = false, again = false;
	int e = open_shared(c, path, flags, mode, wmode, f, &created, &again);
	if (again)
		e = open_exclusive(c, path, flags, mode, wmode, f, &created);
	if (e) {
		KFREE(file_cache, f);
		return file_result_err(e);
	}
	if (!created && (flags & VFS_O_TRUNC) && acc != VFS_O_RDONLY &&
	    (f->inode->mode & VFS_S_IFMT) == VFS_S_IFREG)
		vfs_notify_file(f, UAPI_IN_MODIFY); /* inotify: the truncation, then the open */
	if (!(flags & VFS_O_PATH))
		vfs_notify_file(f, UAPI_IN_OPEN);
	return file_result_ok(f);
}

struct file *vfs_file_new(struct inode *ip, u32 flags)
{
	struct file *f = KNEW(file_cache);
	if (!f)
		return NULL;
	vfs_epoll_file_init(f);
	refcount_init(&f->refs, 1);
	f->id = atomic_u64_add_return(&file_ids, 1);
	refcount_get(&ip->refs); /* the caller holds one: no lock needed */
	f->inode = ip;
	f->ops = inode_fops(ip);
	f->flags = flags;
	return f;
}

struct file *vfs_file_at_locked(struct vfs_path at, u32 flags)
{
	struct file *f = vfs_file_new(at.dentry->inode, flags);
	if (f) {
		vfs_path_get(at);
		f->dentry = at.dentry;
		f->mnt = at.mnt;
	}
	return f;
}

struct vfs_path vfs_file_path(struct file *f)
{
	struct vfs_path p = { .mnt = f->mnt, .dentry = f->dentry };
	vfs_path_get(p);
	return p;
}

void vfs_file_get(struct file *f)
{
	refcount_get(&f->refs);
}

void vfs_close(struct file *f)
{
	if (!refcount_put(&f->refs))
		return;
	if (atomic_u32_load(&f->ep_watched)) /* epoll items watch it: they go with it */
		vfs_epoll_file_closed(f);
	if (!(f->flags & VFS_O_PATH))
		vfs_notify_file(f, (f->flags & VFS_O_ACCMODE) != VFS_O_RDONLY ? UAPI_IN_CLOSE_WRITE
									      : UAPI_IN_CLOSE_NOWRITE);
	/* an O_PATH file opened nothing (a pipe's, through /proc, is no end of it) */
	if (f->ops->close && !(f->flags & VFS_O_PATH))
		f->ops->close(f);
	if (f->ops->release && !(f->flags & VFS_O_PATH)) /* outside vfs_lock: a socket's closes
							    * the files in flight to it */
		f->ops->release(f->inode, f->flags);
	/* The lock for writing only when there is something to drop or free: the file's OFD
	 * locks or flocks, the inode's or the path's last reference. */
	down_read(&vfs_lock);
	bool locks = vfs_locks_any_locked(f->inode);
	up_read(&vfs_lock);
	if (locks) {
		down_write(&vfs_lock);
		vfs_locks_drop_file_locked(f->inode, f->id);
		up_write(&vfs_lock);
	}
	vfs_inode_put_unlocked(f->inode);
	vfs_path_put((struct vfs_path){ .mnt = f->mnt, .dentry = f->dentry });
	KFREE(file_cache, f);
}

/* touch_atime_ilocked - Linux's relatime: a read updates atime only when it is not newer
 * than mtime or ctime, or is a day old (so most reads write nothing). */
static void touch_atime_ilocked(struct inode *ip) REQUIRES(&ip->lock)
{
	if ((ip->mode & VFS_S_IFMT) != VFS_S_IFREG)
		return;
	struct vfs_time now = vfs_now();
	if (ip->atime.sec <= ip->mtime.sec || ip->atime.sec <= ip->ctime.sec ||
	    now.sec - ip->atime.sec >= 86400)
		ip->atime = now;
}

/* read_generated - a read of a generated file (file_ops.read_file): made with no lock held;
 * the inode's lock guards only the offset. */
static struct result_size read_generated(struct file *f, struct bytes buf, u64 *pos)
{
	struct inode *ip = f->inode;
	mutex_lock(&ip->lock);
	u64 at = *pos;
	mutex_unlock(&ip->lock);
	struct result_size r = f->ops->read_file(f, buf, at);
	if (!r.err) {
		mutex_lock(&ip->lock);
		*pos = at + r.value;
		mutex_unlock(&ip->lock);
	}
	return r;
}

/* has_offset - files whose data sits at offsets the file position moves through: regular
 * files and block devices (their I/O runs under the inode's lock). */
static bool has_offset(const struct inode *ip)
{
	u32 t = ip->mode & VFS_S_IFMT;
	return t == VFS_S_IFREG || t == VFS_S_IFBLK;
}

/* rw_stream - a character device, pipe or socket: the ops guard themselves (no VFS lock, no
 * offset). Only a pipe's (or FIFO's) write sets times, as Linux's pipe_write. */
/* fifo_written - a write to a pipe or FIFO changed ip's times: Linux's file_update_time, where
 * with a coarse clock only the first write of a tick takes the inode's lock (two racing
 * writers may both: harmless). */
static void fifo_written(struct inode *ip)
{
	if ((ip->mode & VFS_S_IFMT) != VFS_S_IFIFO)
		return;
	struct vfs_time now = vfs_now();
	i64 tick = now.sec * (1000000000ll / VFS_TIME_TICK_NS) + now.nsec / VFS_TIME_TICK_NS;
	if (atomic_i64_load_relaxed(&ip->mtime_tick) != tick) {
		atomic_i64_store(&ip->mtime_tick, tick);
		mutex_lock(&ip->lock);
		ip->mtime = ip->ctime = now;
		mutex_unlock(&ip->lock);
	}
}

static struct result_size rw_stream(struct file *f, struct bytes buf, u64 pos, bool write)
{
	struct inode *ip = f->inode;
	struct result_size r = write ? f->ops->write(ip, buf, pos) : f->ops->read(ip, buf, pos);
	if (!r.err && write && r.value)
		fifo_written(ip);
	return r;
}

/* rw_unlocked - a block device (file_ops.io_unlocked): its I/O sleeps on the disk, so the
 * position is taken and advanced under the inode's lock and the transfer runs without it
 * (the buffer cache guards itself). Two racing reads of one open file may read the same
 * bytes (Linux serialises them with f_pos_lock). */
static struct result_size rw_unlocked(struct file *f, struct bytes buf, u64 *pos, bool write)
{
	struct inode *ip = f->inode;
	mutex_lock(&ip->lock);
	u64 at = *pos;
	mutex_unlock(&ip->lock);
	struct result_size r = write ? f->ops->write(ip, buf, at) : f->ops->read(ip, buf, at);
	if (!r.err) {
		mutex_lock(&ip->lock);
		*pos = at + r.value;
		mutex_unlock(&ip->lock);
	}
	return r;
}

/* rw - a read or write at *pos (the file offset, or a pread/pwrite position). A file with
 * offsets does it all under its inode's lock, reading and moving *pos there. */
static struct result_size rw(struct file *f, struct bytes buf, u64 *pos, bool write, bool append)
{
	u32 acc = f->flags & VFS_O_ACCMODE;
	struct inode *ip = f->inode;
	if (f->flags & VFS_O_PATH)
		return result_size_err(-EBADF);
	if (write ? acc == VFS_O_RDONLY : acc == VFS_O_WRONLY)
		return result_size_err(-EBADF);
	if (!write && is_dir(ip))
		return result_size_err(-EISDIR);
	if (!write && f->ops->read_file)
		return read_generated(f, buf, pos);
	if (write ? !f->ops->write : !f->ops->read)
		return result_size_err(-EINVAL);
	if (f->ops->io_unlocked)
		return rw_unlocked(f, buf, pos, write);
	if (!has_offset(ip))
		return rw_stream(f, buf, *pos, write);
	mutex_lock(&ip->lock);
	if (append)
		*pos = ip->size;
	u64 charged = ip->size;
	if (write && (ip->seals & (VFS_SEAL_WRITE | VFS_SEAL_FUTURE_WRITE))) {
		mutex_unlock(&ip->lock);
		return result_size_err(-EPERM); /* a sealed memfd */
	}
	if (write && (ip->seals & VFS_SEAL_GROW) && bytes_len(buf)) {
		if (*pos >= ip->size) {
			mutex_unlock(&ip->lock);
			return result_size_err(-EPERM); /* F_SEAL_GROW: nothing past the end */
		}
		if (bytes_len(buf) > ip->size - *pos) /* Linux: a short write up to the end */
			buf = bytes_head(buf, ip->size - *pos);
	}
	if (write) {
		u64 room = vfs_sb_charge(ip, *pos, bytes_len(buf), &charged);
		if (room == 0 && bytes_len(buf)) {
			mutex_unlock(&ip->lock);
			return result_size_err(-ENOSPC);
		}
		buf = bytes_head(buf, room);
	}
	struct result_size r = write ? f->ops->write(ip, buf, *pos) : f->ops->read(ip, buf, *pos);
	if (write)
		vfs_sb_resized(ip, charged, ip->size); /* give back what was not used */
	if (!r.err)
		*pos += r.value;
	if (!r.err && write && r.value)
		vfs_inode_touch_ilocked(ip, VFS_TOUCH_M | VFS_TOUCH_C);
	else if (!r.err && !write && !(f->flags & VFS_O_NOATIME))
		touch_atime_ilocked(ip);
	mutex_unlock(&ip->lock);
	return r;
}

struct result_size vfs_read(struct file *f, struct bytes dst)
{
	return rw(f, dst, &f->pos, false, false);
}

struct result_size vfs_write(struct file *f, struct bytes src)
{
	struct result_size r = rw(f, src, &f->pos, true, (f->flags & VFS_O_APPEND) != 0);
	if (!r.err && r.value)
		vfs_notify_file(f, UAPI_IN_MODIFY);
	return r;
}

bool vfs_file_takes_frames(const struct file *f)
{
	return f->ops->write_frame != NULL;
}

struct result_size vfs_write_frame(struct file *f, const struct frame *fr, size_t off,
				   size_t len)
{
	u32 acc = f->flags & VFS_O_ACCMODE;
	if ((f->flags & VFS_O_PATH) || acc == VFS_O_RDONLY)
		return result_size_err(-EBADF);
	if (!f->ops->write_frame)
		return result_size_err(-EOPNOTSUPP);
	struct result_size r = f->ops->write_frame(f->inode, fr, off, len);
	if (!r.err && r.value) {
		fifo_written(f->inode);
		vfs_notify_file(f, UAPI_IN_MODIFY);
	}
	return r;
}

struct result_size vfs_pread(struct file *f, struct bytes dst, u64 pos)
{
	return rw(f, dst, &pos, false, false);
}

struct result_size vfs_pwrite(struct file *f, struct bytes src, u64 pos)
{
	struct result_size r = rw(f, src, &pos, true, false);
	if (!r.err && r.value)
		vfs_notify_file(f, UAPI_IN_MODIFY);
	return r;
}

u64 vfs_file_pos(struct file *f)
{
	mutex_lock(&f->inode->lock);
	u64 pos = f->pos;
	mutex_unlock(&f->inode->lock);
	return pos;
}

void vfs_file_set_pos(struct file *f, u64 pos)
{
	mutex_lock(&f->inode->lock);
	f->pos = pos;
	mutex_unlock(&f->inode->lock);
}

i64 vfs_file_unread(struct file *f)
{
	mutex_lock(&f->inode->lock);
	i64 n = (i64)(f->inode->size - f->pos);
	mutex_unlock(&f->inode->lock);
	return n;
}

struct result_i64 vfs_lseek(struct file *f, i64 off, int whence)
{
	if (f->flags & VFS_O_PATH)
		return result_i64_err(-EBADF);
	if (whence < 0 || whence > 4)
		return result_i64_err(-EINVAL); /* past SEEK_HOLE: before any file's answer */
	return f->ops->llseek ? f->ops->llseek(f, off, whence) : vfs_generic_llseek(f, off, whence);
}

struct result_i64 vfs_no_llseek(struct file *f, i64 off, int whence)
{
	(void)f;
	(void)off;
	(void)whence;
	return result_i64_err(-ESPIPE); /* a stream: pipes, FIFOs, sockets, terminals */
}

struct result_i64 vfs_noop_llseek(struct file *f, i64 off, int whence)
{
	(void)off;
	(void)whence;
	return result_i64_ok((i64)vfs_file_pos(f)); /* the offset means nothing: it stays */
}

struct result_i64 vfs_zero_llseek(struct file *f, i64 off, int whence)
{
	(void)off;
	(void)whence;
	vfs_file_set_pos(f, 0); /* Linux's null_lseek: always at 0 */
	return result_i64_ok(0);
}

struct result_i64 vfs_dir_llseek(struct file *f, i64 off, int whence)
{
	if (whence != 0 && whence != 1)
		return result_i64_err(-EINVAL); /* Linux's dcache_dir_lseek: no end to seek from */
	return vfs_generic_llseek(f, off, whence);
}

struct result_i64 vfs_generic_llseek(struct file *f, i64 off, int whence)
{
	struct inode *ip = f->inode;
	mutex_lock(&ip->lock);
	i64 base = whence == 0 ? 0 : whence == 1 ? (i64)f->pos : (i64)ip->size;
	i64 pos;
	struct result_i64 r;
	if (whence < 0 || whence > 2 || fw_add_overflow(base, off, &pos) || pos < 0)
		r = result_i64_err(-EINVAL);
	else {
		f->pos = (u64)pos;
		r = result_i64_ok(pos);
	}
	mutex_unlock(&ip->lock);
	return r;
}

/* put_dirent - one linux_dirent64 at `at` in dst; its length, or 0 when it does not fit. */
static size_t put_dirent(struct bytes dst, size_t at, u64 ino, i64 next, u8 type, struct str name)
{
	size_t reclen = (19 + str_len(name) + 1 + 7) & ~(size_t)7;
	struct bytes_result rec = bytes_sub(dst, at, reclen);
	if (rec.err)
		return 0;
	bytes_fill(rec.value, 0);
	if (bytes_put_le64(rec.value, 0, ino) || bytes_put_le64(rec.value, 8, (u64)next) ||
	    bytes_put_le16(rec.value, 16, (u16)reclen) || bytes_put_u8(rec.value, 18, type) ||
	    str_copy_to(bytes_skip(rec.value, 19).value, name).err)
		return 0;
	return reclen;
}

/* getdents_fill - vfs_getdents64's records from f->pos on: the bytes used (*end: the
 * directory has no more). */
static size_t getdents_fill(struct file *f, struct bytes dst, bool *end) REQUIRES_SHARED(vfs_lock)
{
	size_t used = 0;
	struct vfs_dirent gen;
	mutex_lock(&f->inode->lock); /* f->pos */
	for (;;) {
		u64 ino, next;
		u8 type;
		struct str name;
		if (f->pos == 0) {
			ino = f->inode->ino, type = 4, name = STR("."), next = 1;
		} else if (f->pos == 1) {
			ino = f->dentry->parent->inode->ino, type = 4, name = STR(".."), next = 2;
		} else if (f->ops->readdir) {
			if (f->ops->readdir(f->inode, f->pos, &gen) || gen.next <= f->pos) {
				*end = true;
				break;
			}
			ino = gen.ino, type = gen.type, next = gen.next;
			name = str_from_bytes(bytes_head(BYTES_OF_ARRAY(gen.name), gen.name_len));
		} else {
			struct dentry *e = vfs_child_from_locked(f->dentry, f->pos);
			if (!e) {
				*end = true;
				break;
			}
			ino = e->inode->ino;
			type = (u8)((e->inode->mode & VFS_S_IFMT) >> 12);
			name = vfs_dentry_name(e);
			next = e->cookie + 1;
		}
		size_t n = put_dirent(dst, used, ino, (i64)next, type, name);
		if (!n)
			break;
		used += n;
		f->pos = next;
	}
	if (used)
		touch_atime_ilocked(f->inode);
	mutex_unlock(&f->inode->lock);
	return used;
}

struct result_size vfs_getdents64(struct file *f, struct bytes dst)
{
	if (f->flags & VFS_O_PATH)
		return result_size_err(-EBADF);
	if (!is_dir(f->inode))
		return result_size_err(-ENOTDIR);
	if (!f->dentry || vfs_dentry_dead(f->dentry))
		return result_size_err(-ENOENT);
	size_t used;
	bool end = false;
	/* a directory of the dentry tree is listed with vfs_lock held for reading (its entries
	 * under dcache_lock); a generated one's readdir (procfs, sysfs) runs with it held for
	 * writing, as its lookups do */
	if (f->ops->readdir) {
		down_write(&vfs_lock);
		used = getdents_fill(f, dst, &end);
		up_write(&vfs_lock);
	} else {
		down_read(&vfs_lock);
		used = getdents_fill(f, dst, &end);
		up_read(&vfs_lock);
	}
	if (used == 0 && !end)
		return result_size_err(-EINVAL);
	return result_size_ok(used);
}
