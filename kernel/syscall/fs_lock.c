/*
 * fs_lock.c — file locks from user space: flock(2), and fcntl's F_GETLK/F_SETLK/F_SETLKW and
 * F_OFD_GETLK/F_OFD_SETLK/F_OFD_SETLKW (sys_fcntl hands those commands here). The VFS keeps
 * the locks (fs/vfs/flock.c); a request that must wait sleeps here, on the VFS's lock queue,
 * until a lock is released somewhere, then asks again; a signal ends the wait (-ERESTARTSYS,
 * so EINTR or a restart with SA_RESTART).
 */
#include <fw/uaccess.h>
#include <proc/wait.h>
#include <syscall/define.h>
#include <uapi/fs.h>

DEFINE_UCOPY(uflock, struct uapi_flock);

/* lock_wait - take the lock r describes, sleeping while another owner's lock conflicts when
 * `wait`: 0 or -errno. */
static i64 lock_wait(struct thread *p, struct inode *ip, const struct vfs_lock_req *r, bool wait)
{
	for (;;) {
		struct vfs_lock_req c;
		u64 gen = 0;
		int e = vfs_lock_set(ip, r, wait, &c, &gen);
		if (e != -EAGAIN || !wait) {
			if (wait && r->kind == VFS_LOCK_POSIX)
				vfs_lock_wait_done(r->owner);
			return e;
		}
		struct waitq *wq = vfs_lock_waitq(); /* before: the wait's condition takes no mutex */
		e = PROC_WAIT(p, wq, vfs_lock_generation() != gen, 0);
		if (e) {
			if (r->kind == VFS_LOCK_POSIX)
				vfs_lock_wait_done(r->owner);
			return e;
		}
	}
}

SYSCALL_DEFINE2(flock, uint, fd, uint, op)
{
	struct file *f = fd > 0x7fffffff ? NULL : proc_fd_get(p, (i64)fd);
	if (!f || (f->flags & VFS_O_PATH))
		return -EBADF;
	u32 what = op & ~(u32)UAPI_LOCK_NB;
	u32 type = what == UAPI_LOCK_SH ? VFS_F_RDLCK : what == UAPI_LOCK_EX ? VFS_F_WRLCK
		 : what == UAPI_LOCK_UN ? VFS_F_UNLCK : 3;
	if (type == 3)
		return -EINVAL;
	struct vfs_lock_req r = { .kind = VFS_LOCK_FLOCK, .type = type, .owner = f->id,
				  .pid = (i32)p->leader->pid, .start = 0, .end = VFS_LOCK_EOF };
	vfs_file_owns_locks(f); /* its last close drops what it holds */
	return lock_wait(p, f->inode, &r, !(op & UAPI_LOCK_NB) && type != VFS_F_UNLCK);
}

/* decode_flock - a struct flock as a request on f: 0, -EFAULT, -EINVAL, -EBADF. */
static int decode_flock(struct thread *p, struct file *f, bool ofd, const struct uapi_flock *fl,
			struct vfs_lock_req *r)
{
	if (fl->l_type != UAPI_F_RDLCK && fl->l_type != UAPI_F_WRLCK && fl->l_type != UAPI_F_UNLCK)
		return -EINVAL;
	if (ofd && fl->l_pid != 0)
		return -EINVAL;
	i64 base;
	if (fl->l_whence == 0) {
		base = 0;
	} else if (fl->l_whence == 1) {
		base = (i64)vfs_file_pos(f);
	} else if (fl->l_whence == 2) {
		struct vfs_stat st;
		vfs_stat_inode(f->inode, &st);
		base = (i64)st.size;
	} else {
		return -EINVAL;
	}
	i64 start, end;
	if (fw_add_overflow(base, fl->l_start, &start))
		return -EOVERFLOW;
	if (fl->l_len > 0) {
		if (fw_add_overflow(start, fl->l_len - 1, &end))
			return -EOVERFLOW;
	} else if (fl->l_len < 0) {
		end = start - 1;
		if (fw_add_overflow(start, fl->l_len, &start))
			return -EINVAL;
	} else {
		end = -1; /* to the end of file, and beyond */
	}
	if (start < 0)
		return -EINVAL;
	*r = (struct vfs_lock_req){ .kind = ofd ? VFS_LOCK_OFD : VFS_LOCK_POSIX,
				    .type = (u32)fl->l_type,
				    .owner = ofd ? f->id : p->leader->pid, .pid = ofd ? -1 : (i32)p->leader->pid,
				    .start = (u64)start, .end = end < 0 ? VFS_LOCK_EOF : (u64)end };
	return 0;
}

i64 fs_fcntl_lock(struct thread *p, struct file *f, u64 cmd, u64 arg)
{
	bool ofd = cmd == UAPI_F_OFD_GETLK || cmd == UAPI_F_OFD_SETLK || cmd == UAPI_F_OFD_SETLKW;
	bool get = cmd == UAPI_F_GETLK || cmd == UAPI_F_OFD_GETLK;
	bool wait = cmd == UAPI_F_SETLKW || cmd == UAPI_F_OFD_SETLKW;
	struct uapi_flock fl;
	if (uflock_from_user(&fl, uaddr(arg)))
		return -EFAULT;
	struct vfs_lock_req r;
	int e = decode_flock(p, f, ofd, &fl, &r);
	if (e)
		return e;
	if (get) {
		if (r.type == VFS_F_UNLCK)
			return -EINVAL;
		struct vfs_lock_req c;
		vfs_lock_test(f->inode, &r, &c);
		fl.l_type = (i16)c.type;
		if (c.type != VFS_F_UNLCK) {
			fl.l_whence = 0;
			fl.l_start = (i64)c.start;
			fl.l_len = c.end == VFS_LOCK_EOF ? 0 : (i64)(c.end - c.start + 1);
			fl.l_pid = c.pid;
		}
		return uflock_to_user(&fl, uaddr(arg)) ? -EFAULT : 0;
	}
	u32 acc = f->flags & VFS_O_ACCMODE;
	if ((r.type == VFS_F_RDLCK && acc == VFS_O_WRONLY) ||
	    (r.type == VFS_F_WRLCK && acc == VFS_O_RDONLY))
		return -EBADF;
	if (ofd)
		vfs_file_owns_locks(f); /* its last close drops what it holds */
	return lock_wait(p, f->inode, &r, wait && r.type != VFS_F_UNLCK);
}
