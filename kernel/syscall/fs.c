/*
 * fs.c — file system calls on open files: read, write, readv, writev, open(at), close,
 * lseek, the stat family, getdents64, ioctl, poll/ppoll, dup, dup2, dup3 and fcntl basics.
 * Terminals (fs/terminal.h) and sockets do their own reads, writes and ioctls. A read of a
 * pipe with nothing readable (-EAGAIN from the file), or a write to a full pipe, sleeps on
 * the file's wait queue (proc/wait.h) unless the file is O_NONBLOCK; a signal ends the sleep
 * with the bytes already moved, or -ERESTARTSYS. An eventfd write sleeps until its value
 * fits. Data moves between user memory and files through the calling process's page-sized
 * buffer.
 */
#include <block/bdev.h>
#include <fw/heap.h>
#include <fw/uaccess.h>
#include <syscall/define.h>
#include <syscall/syscall.h>
#include <uapi/fs.h>
#include <uapi/misc.h>
#include <uapi/stat.h>
#include <fs/terminal.h>
#include <fw/time.h>
#include <proc/wait.h>
#include <net/socket.h>
#include <time/timerfd.h>
#include <proc/signalfd.h>

#define AT_FDCWD (-100)
#define AT_SYMLINK_NOFOLLOW 0x100
#define AT_EMPTY_PATH 0x1000
#define MAX_RW_COUNT 0x7ffff000ull
#define O_NONBLOCK 04000u

DEFINE_UCOPY(ustat, struct uapi_stat);
DEFINE_UCOPY(uiovec, struct uapi_iovec);
DEFINE_UCOPY(utermios, struct uapi_termios);
DEFINE_UCOPY(uwinsize, struct uapi_winsize);
DEFINE_UCOPY(uint32, u32);
DEFINE_UCOPY(utimespec, struct uapi_timespec);
DEFINE_UCOPY(uefd_value, u64);

static struct file *fd_file(struct thread *p, u64 fd)
{
	return fd > 0x7fffffff ? NULL : proc_fd_get(p, (i64)fd);
}

/* read_into_user - up to `count` bytes from f to user `buf` (at *pos when pos is not NULL,
 * advancing it; else at the file offset): bytes done or -errno. */
static i64 read_into_user(struct thread *p, struct file *f, u64 buf, u64 count, u64 *pos)
{
	struct vm_writer w = vm_writer_user(uaddr(buf), count);
	struct bytes io_buf = kbuf_bytes(&p->io_kbuf);
	u64 done = 0;
	if (pos && f->inode && f->inode->cache && (f->inode->mode & VFS_S_IFMT) == VFS_S_IFREG) {
		/* pread of a file in the page cache: straight from its frames (one copy). The
		 * empty pread first does what the VFS does for every read: the open mode and
		 * directory checks, and the access time. */
		struct result_size chk = vfs_pread(f, bytes_empty(), *pos);
		if (chk.err)
			return chk.err;
		u64 size = f->inode->size;
		u64 n = *pos >= size ? 0 : (size - *pos < count ? size - *pos : count);
		struct result_size r = vm_object_read_user(f->inode->cache, *pos, n, &w);
		if (r.err)
			return r.err;
		*pos += r.value;
		return (i64)r.value;
	}
	while (done < count) {
		u64 want = count - done < bytes_len(io_buf) ? count - done : bytes_len(io_buf);
		struct bytes chunk = bytes_head(io_buf, want);
		struct result_size n = pos ? vfs_pread(f, chunk, *pos) : vfs_read(f, chunk);
		if (n.err)
			return done ? (i64)done : n.err;
		if (n.value == 0)
			break;
		if (pos)
			*pos += n.value;
		struct result_size c = vm_write(&w, bytes_head(io_buf, n.value));
		if (c.err)
			return done ? (i64)done : c.err;
		done += c.value;
		if (c.value < n.value || n.value < want)
			break;
		if (done < count && proc_signal_fatal(p))
			break; /* being killed: what was read so far (done > 0 here) */
	}
	return (i64)done;
}

/* write_limits - what a write of *count bytes to a regular file does first, as Linux's
 * generic_write_checks and file_remove_privs: RLIMIT_FSIZE (SIGXFSZ + -EFBIG at the limit, a
 * shorter write below it), then an unprivileged writer clears setuid/setgid. */
static int write_limits(struct thread *p, struct file *f, u64 *count, const u64 *pos)
{
	if (!*count || (f->inode->mode & VFS_S_IFMT) != VFS_S_IFREG)
		return 0;
	u64 at = pos ? *pos : f->pos;
	if (!pos && (f->flags & VFS_O_APPEND)) {
		struct vfs_stat st;
		vfs_stat_inode(f->inode, &st);
		at = st.size;
	}
	int e = proc_rlimit_fsize(p, at, count);
	if (!e)
		vfs_kill_suid(f->inode, &p->fs.cred);
	return e;
}

static i64 write_from_user(struct thread *p, struct file *f, u64 buf, u64 count, u64 *pos)
{
	int e = write_limits(p, f, &count, pos);
	if (e)
		return e;
	struct vm_reader r = vm_reader_user(uaddr(buf), count);
	struct bytes io_buf = kbuf_bytes(&p->io_kbuf);
	u64 done = 0;
	while (done < count) {
		u64 want = count - done < bytes_len(io_buf) ? count - done : bytes_len(io_buf);
		struct result_size c = vm_read(&r, bytes_head(io_buf, want));
		if (c.err)
			return done ? (i64)done : c.err;
		struct bytes chunk = bytes_head(io_buf, c.value);
		struct result_size n = pos ? vfs_pwrite(f, chunk, *pos) : vfs_write(f, chunk);
		if (n.err == -EPIPE && vfs_file_is_pipe(f)) /* no reader left: SIGPIPE, as Linux */
			(void)proc_signal_send(p, UAPI_SIGPIPE, (struct proc_siginfo){
				.code = 0, .pid = p->leader->pid, .uid = p->fs.cred.uid });
		if (n.err)
			return done ? (i64)done : n.err;
		if (pos)
			*pos += n.value;
		done += n.value;
		if (n.value < c.value || c.value < want)
			break;
		if (done < count && proc_signal_fatal(p))
			break; /* being killed: what was written so far (done > 0 here) */
	}
	return (i64)done;
}

/* file_waitq - where a caller blocked on f sleeps: a pipe's, socket's or terminal's; NULL
 * for files that never block. */
static struct waitq *file_waitq(struct file *f)
{
	if (vfs_file_is_pipe(f))
		return vfs_pipe_waitq(f);
	if (vfs_file_is_socket(f))
		return sock_waitq(f);
	if (vfs_file_is_tty(f))
		return term_waitq(f);
	if (vfs_file_is_eventfd(f))
		return vfs_eventfd_waitq(f);
	if (vfs_file_is_timerfd(f))
		return timerfd_waitq(f);
	if (vfs_file_is_inotify(f))
		return vfs_inotify_waitq(f);
	return NULL;
}

/* file_ready - f would not block for `ev` (VFS_POLLIN or VFS_POLLOUT) now. */
static bool file_ready(struct file *f, u32 ev)
{
	if (vfs_file_is_pipe(f))
		return (vfs_pipe_poll(f) & (ev | VFS_POLLHUP | VFS_POLLERR)) != 0;
	if (vfs_file_is_socket(f))
		return (sock_poll(f) & (ev | VFS_POLLHUP | VFS_POLLERR)) != 0;
	if (vfs_file_is_tty(f))
		return (vfs_poll(f, NULL) & (ev | VFS_POLLHUP | VFS_POLLERR)) != 0;
	if (vfs_file_is_eventfd(f))
		return (vfs_eventfd_poll(f) & ev) != 0;
	if (vfs_file_is_timerfd(f))
		return ev != VFS_POLLIN || timerfd_readable(f);
	if (vfs_file_is_inotify(f))
		return ev != VFS_POLLIN || vfs_inotify_readable(f);
	return true;
}

/* How long rw_wait sleeps at most when the file says ready but the retry still fails. */
#define RW_RETRY_NS (4 * FW_NSEC_PER_MSEC)

/* rw_wait - sleep on wq until f looks ready for `ev` (VFS_POLLIN or VFS_POLLOUT); with `again`
 * (an earlier wait ended, yet the retry moved nothing) until the queue's next wake-up, a
 * signal or RW_RETRY_NS instead: file_ready is a hint (POLLOUT promises room for one byte,
 * not for this write), so a copy loop never spins in the kernel where SIGKILL cannot get in.
 * 0 or the wait's error. */
static int rw_wait(struct thread *p, struct file *f, struct waitq *wq, u32 ev, bool again)
{
	if (!again)
		return PROC_WAIT(p, wq, file_ready(f, ev), 0);
	u32 looks = 0;
	int e = PROC_WAIT(p, wq, looks++ > 0, fw_time_ns() + RW_RETRY_NS);
	return e == -ETIMEDOUT ? 0 : e;
}

/* rw_blocking - a read or write of a pipe or terminal that sleeps while the file is not ready
 * (unless O_NONBLOCK). A write goes on until every byte went in, as Linux does for pipes; a
 * signal ends the sleep with the bytes already moved, else -ERESTARTSYS.
 *
 * file_ready is a hint: when a wait ended (the file looked ready) and the retry still moved
 * nothing (another task took the data, or the file's readiness is coarser than this request),
 * the next wait does not trust it: it sleeps until the queue's next wake-up, a signal or
 * RW_RETRY_NS. The loop never spins in the kernel, and a signal (SIGKILL) always gets in. */
static i64 rw_blocking(struct thread *p, struct file *f, u64 buf, u64 count, bool write)
{
	if (vfs_file_is_tty(f))
		return tty_rw(p, f, buf, count, write, true);
	struct waitq *wq = NULL; /* looked up only when the call must sleep */
	u64 done = 0;
	bool waited = false;
	for (;;) {
		i64 r = write ? write_from_user(p, f, buf + done, count - done, NULL)
			      : read_into_user(p, f, buf + done, count - done, NULL);
		if (r > 0)
			done += (u64)r;
		if (r > 0 && (!write || done == count))
			return (i64)done;
		if (r < 0 && r != -EAGAIN)
			return done ? (i64)done : r;
		if (r == 0 && !write)
			return 0; /* end of file */
		if (!wq && !(f->flags & O_NONBLOCK))
			wq = file_waitq(f);
		if (!wq || (f->flags & O_NONBLOCK))
			return done ? (i64)done : (r < 0 ? r : -EAGAIN);
		int e = rw_wait(p, f, wq, write ? VFS_POLLOUT : VFS_POLLIN, waited && r <= 0);
		if (e)
			return done ? (i64)done : e;
		waited = true;
	}
}

/* eventfd_write - write(2) of an eventfd: the 8-byte value at buf, copied in once, is added
 * when it fits; else (unless O_NONBLOCK) sleep until this value fits — not until POLLOUT,
 * which only promises room for 1 (fuzz seed 22: a write spun in the kernel, unkillable). */
static i64 eventfd_write(struct thread *p, struct file *f, u64 buf)
{
	u64 v;
	if (uefd_value_from_user(&v, uaddr(buf)))
		return -EFAULT;
	for (;;) {
		int e = vfs_eventfd_add(f, v);
		if (e != -EAGAIN)
			return e ? e : 8;
		if (f->flags & O_NONBLOCK)
			return -EAGAIN;
		e = PROC_WAIT(p, vfs_eventfd_waitq(f), vfs_eventfd_fits(f, v), 0);
		if (e)
			return e;
	}
}

SYSCALL_DEFINE3(read, uint, fd, ulong, buf, size, len)
{
	struct file *f = fd_file(p, fd);
	if (!f)
		return -EBADF;
	u64 count = len > MAX_RW_COUNT ? MAX_RW_COUNT : len;
	if (vfs_file_is_socket(f))
		return net_file_rw(p, f, fd, buf, count, false, false);
	if (vfs_file_is_tty(f))
		return tty_rw(p, f, buf, count, false, true);
	if (vfs_file_is_signalfd(f)) /* the reader's signals: it needs the reader */
		return signalfd_read(p, f, buf, count);
	if (vfs_file_is_eventfd(f)) { /* one 8-byte value per call */
		if (count < 8)
			return -EINVAL;
		return rw_blocking(p, f, buf, 8, false);
	}
	if (!count)
		return read_into_user(p, f, buf, 0, NULL);
	return rw_blocking(p, f, buf, count, false);
}

SYSCALL_DEFINE3(write, uint, fd, ulong, buf, size, len)
{
	struct file *f = fd_file(p, fd);
	if (!f)
		return -EBADF;
	u64 count = len > MAX_RW_COUNT ? MAX_RW_COUNT : len;
	if (vfs_file_is_socket(f))
		return net_file_rw(p, f, fd, buf, count, false, true);
	if (vfs_file_is_tty(f))
		return tty_rw(p, f, buf, count, true, true);
	if (vfs_file_is_eventfd(f)) { /* one 8-byte value per call */
		if (count < 8)
			return -EINVAL;
		return eventfd_write(p, f, buf);
	}
	if (!count)
		return write_from_user(p, f, buf, 0, NULL);
	return rw_blocking(p, f, buf, count, true);
}

/* rw_vector - readv/writev: each iovec in turn, stopping at the first short transfer. */
static i64 rw_vector(struct thread *p, u32 fd, u64 uiov, u64 cnt, bool write)
{
	struct file *f = fd_file(p, fd);
	if (!f)
		return -EBADF;
	if (cnt > UAPI_IOV_MAX)
		return -EINVAL;
	if (vfs_file_is_socket(f))
		return net_file_rw(p, f, fd, uiov, cnt, true, write);
	i64 total = 0;
	for (u64 i = 0; i < cnt; i++) {
		struct uapi_iovec iov;
		if (uiovec_from_user(&iov, uaddr(uiov + i * sizeof iov)))
			return total ? total : -EFAULT;
		if ((i64)iov.iov_len < 0)
			return total ? total : -EINVAL;
		if (iov.iov_len == 0)
			continue;
		/* the first segment may sleep; later ones take what is there */
		i64 n = !total ? rw_blocking(p, f, iov.iov_base, iov.iov_len, write)
			: vfs_file_is_tty(f) ? tty_rw(p, f, iov.iov_base, iov.iov_len, write, false)
			: write ? write_from_user(p, f, iov.iov_base, iov.iov_len, NULL)
				: read_into_user(p, f, iov.iov_base, iov.iov_len, NULL);
		if (n < 0)
			return total ? total : n;
		total += n;
		if ((u64)n < iov.iov_len)
			break;
	}
	return total;
}

/* pread64/pwrite64: at an offset, the file offset untouched; not on a terminal. */
static i64 prw(struct thread *p, u32 fd, u64 buf, u64 len, i64 off, bool write)
{
	struct file *f = fd_file(p, fd);
	if (!f)
		return -EBADF;
	if (vfs_file_is_tty(f) || vfs_file_is_pipe(f) || vfs_file_is_socket(f))
		return -ESPIPE;
	if (off < 0)
		return -EINVAL;
	u64 pos = (u64)off, count = len > MAX_RW_COUNT ? MAX_RW_COUNT : len;
	return write ? write_from_user(p, f, buf, count, &pos)
		     : read_into_user(p, f, buf, count, &pos);
}

SYSCALL_DEFINE4(pread64, uint, fd, ulong, buf, size, len, long, off)
{
	return prw(p, fd, buf, len, off, false);
}

SYSCALL_DEFINE4(pwrite64, uint, fd, ulong, buf, size, len, long, off)
{
	return prw(p, fd, buf, len, off, true);
}

/* no_splice_write - Linux's splice and sendfile refuse (EINVAL) an out_fd whose file has no
 * splice_write: an eventfd, an epoll or an inotify instance. An eventfd's write of a value
 * that does not fit is EAGAIN while POLLOUT promises room for 1: sendfile spun in the kernel
 * on that, unkillable (30-min soak; mem.sendfile_soak_hang_stays_killable). */
static bool no_splice_write(struct file *f)
{
	return vfs_file_is_eventfd(f) || vfs_file_is_epoll(f) || vfs_file_is_inotify(f);
}

/* sendfile_piece - sendfile's next piece of `in` at pos, at most `want` bytes. From a regular
 * file in the page cache the pieces are its pages: *fr gets the page's frame (a hole: zeros in
 * buf), *want shrinks to the page's end and the file's size, and a pipe or FIFO then takes the
 * frame straight into its ring (vfs_write_frame: no bounce buffer, as Linux splices page-cache
 * pages); other files are read into buf. The piece's length (0: the end) or -errno. */
static struct result_size sendfile_piece(struct file *in, bool cached, u64 pos, u64 *want,
					 struct bytes buf, struct frame *fr)
{
	if (!cached)
		return vfs_pread(in, bytes_head(buf, *want), pos);
	u64 size = in->inode->size, in_page = pos % VM_PAGE_SIZE;
	if (pos >= size)
		return result_size_ok(0);
	if (*want > VM_PAGE_SIZE - in_page)
		*want = VM_PAGE_SIZE - in_page;
	if (*want > size - pos)
		*want = size - pos;
	int e = vm_object_page(in->inode->cache, pos / VM_PAGE_SIZE, false, fr);
	if (e == -ENOENT)
		bytes_fill(bytes_head(buf, *want), 0); /* a hole */
	return e && e != -ENOENT ? result_size_err(e) : result_size_ok(*want);
}

DEFINE_UCOPY(uoff, u64);

/* sendfile(out_fd, in_fd, offset, count): in_fd is read at an explicit position (`offset`'s,
 * else its file offset, moved only by what was written), and each chunk goes out whole,
 * sleeping while out_fd is a full pipe; a signal ends it with the bytes already sent (one
 * during that sleep, or SIGKILL after any chunk). A long transfer lets other processes run
 * when its time slice is used up. */
SYSCALL_DEFINE4(sendfile, int, out_fd, int, in_fd, ulong, uoffset, size, ucount)
{
	struct file *out = fd_file(p, (u64)(i64)out_fd), *in = fd_file(p, (u64)(i64)in_fd);
	if (!out || !in)
		return -EBADF;
	if (vfs_file_is_pipe(in) || vfs_file_is_tty(in))
		return -EINVAL; /* in_fd must support positioned reads (Linux: mmap-like files) */
	if (no_splice_write(out))
		return -EINVAL;
	u64 pos = vfs_file_pos(in), count = ucount > MAX_RW_COUNT ? MAX_RW_COUNT : ucount, done = 0;
	if (uoffset && uoff_from_user(&pos, uaddr(uoffset)))
		return -EFAULT;
	if ((i64)pos < 0)
		return -EINVAL;
	bool cached = in->inode && in->inode->cache &&
		      (in->inode->mode & VFS_S_IFMT) == VFS_S_IFREG;
	if (cached) {
		/* what the VFS does for every read first: the open mode and directory checks,
		 * and the access time */
		struct result_size chk = vfs_pread(in, bytes_empty(), pos);
		if (chk.err)
			return chk.err;
	}
	bool frames = cached && vfs_file_takes_frames(out);
	struct bytes io_buf = kbuf_bytes(&p->io_kbuf);
	struct waitq *wq = file_waitq(out);
	i64 err = 0;
	while (done < count && !err) {
		u64 want = count - done < bytes_len(io_buf) ? count - done : bytes_len(io_buf);
		struct frame fr = FRAME_EMPTY;
		struct result_size n = sendfile_piece(in, cached, pos, &want, io_buf, &fr);
		if (n.err || n.value == 0) {
			err = n.err;
			break;
		}
		u64 in_page = pos % VM_PAGE_SIZE;
		bool direct = frames && !frame_is_empty(&fr);
		if (!direct && !frame_is_empty(&fr)) /* out takes bytes only */
			err = frame_read(&fr, in_page, bytes_head(io_buf, n.value));
		u64 sent = 0;
		bool waited = false, stalled = false;
		while (sent < n.value && !err && !stalled) {
			struct bytes_result part = bytes_sub(io_buf, sent, n.value - sent);
			struct result_size w = direct ? vfs_write_frame(out, &fr, in_page + sent,
									 n.value - sent)
					     : part.err ? result_size_err(-EIO)
							: vfs_write(out, part.value);
			if (w.err == -EPIPE && vfs_file_is_pipe(out)) /* as Linux's splice */
				(void)proc_signal_send(p, UAPI_SIGPIPE, (struct proc_siginfo){
					.code = 0, .pid = p->leader->pid, .uid = p->fs.cred.uid });
			if (w.err == -EAGAIN && wq && !(out->flags & O_NONBLOCK)) {
				/* rw_wait: never a spin (it was one, unkillable, in the 30-min
				 * soak of seed 1116910314342691096) */
				err = rw_wait(p, out, wq, VFS_POLLOUT, waited);
				waited = true;
			} else if (w.err) {
				err = w.err;
			} else if (!w.value) {
				stalled = true; /* the file takes nothing more: the call ends short */
			} else {
				sent += w.value;
				waited = false;
			}
		}
		frame_release(&fr);
		pos += sent;
		done += sent;
		if (n.value < want || stalled)
			break;
		/* a process being killed stops here: to the console (which never waits) a
		 * transfer of a GiB from /dev/zero outlived SIGKILL for hours (repro
		 * console_write_outlives_sigkill) */
		if (done < count && proc_signal_fatal(p))
			break;
	}
	if (uoffset) {
		if (uoff_to_user(&pos, uaddr(uoffset)))
			return -EFAULT;
	} else {
		vfs_file_set_pos(in, pos);
	}
	return done ? (i64)done : err;
}

#define SPLICE_F_MOVE 1u
#define SPLICE_F_NONBLOCK 2u
#define SPLICE_F_MORE 4u
#define SPLICE_F_GIFT 8u
#define SPLICE_F_ALL (SPLICE_F_MOVE | SPLICE_F_NONBLOCK | SPLICE_F_MORE | SPLICE_F_GIFT)

/* positioned - f's data sits at offsets (a regular file, a block device): splice reads and
 * writes it at an explicit position; anything else that is not a pipe is a stream. */
static bool positioned(struct file *f)
{
	u32 t = f->inode->mode & VFS_S_IFMT;
	return !vfs_file_is_pipe(f) && (t == VFS_S_IFREG || t == VFS_S_IFBLK);
}

/* splice_in - up to bytes_len(dst) bytes from `in` (a pipe: peeked, taken out only once they
 * went on; positioned: at *pos), waiting for some unless `nonblock`: a count, 0 at the end,
 * or -errno. */
static struct result_size splice_in(struct thread *p, struct file *in, struct bytes dst,
				    u64 pos, bool nonblock)
{
	for (;;) {
		struct result_size r = vfs_file_is_pipe(in) ? vfs_pipe_peek(in, dst)
				     : positioned(in)      ? vfs_pread(in, dst, pos)
							   : vfs_read(in, dst);
		struct waitq *wq = file_waitq(in);
		if (r.err != -EAGAIN || nonblock || !wq || (in->flags & O_NONBLOCK))
			return r;
		int e = PROC_WAIT(p, wq, file_ready(in, VFS_POLLIN), 0);
		if (e)
			return result_size_err(e);
	}
}

/* splice_out - src to `out` (positioned: at pos): a pipe takes what fits, waiting for room
 * for the first byte unless `nonblock`; other files take it all. Bytes written or -errno (a
 * pipe without readers: -EPIPE and SIGPIPE). */
static struct result_size splice_out(struct thread *p, struct file *out, struct bytes src,
				     u64 pos, bool nonblock)
{
	u64 sent = 0;
	bool waited = false;
	while (sent < bytes_len(src)) {
		struct bytes_result part = bytes_sub(src, sent, bytes_len(src) - sent);
		if (part.err)
			return result_size_err(-EIO);
		struct result_size w = positioned(out) ? vfs_pwrite(out, part.value, pos + sent)
						       : vfs_write(out, part.value);
		if (w.err == -EPIPE && vfs_file_is_pipe(out))
			proc_signal_send(p, UAPI_SIGPIPE, (struct proc_siginfo){ .code = 0, .pid = p->pid });
		if (w.err == -EAGAIN && sent && vfs_file_is_pipe(out))
			break;
		struct waitq *wq = file_waitq(out);
		if (w.err == -EAGAIN && !nonblock && wq && !(out->flags & O_NONBLOCK)) {
			int e = rw_wait(p, out, wq, VFS_POLLOUT, waited);
			if (e)
				return sent ? result_size_ok(sent) : result_size_err(e);
			waited = true;
			continue;
		}
		if (w.err)
			return sent ? result_size_ok(sent) : w;
		waited = false;
		sent += w.value;
		if (w.value == 0)
			break;
	}
	return result_size_ok(sent);
}

/* splice_off - an offset argument: *pos from user memory when `uoff` is given (-EINVAL when
 * negative), else f's offset (a positioned file) or 0. */
static int splice_off(struct file *f, u64 uoff, u64 *pos)
{
	if (!uoff) {
		*pos = positioned(f) ? vfs_file_pos(f) : 0;
		return 0;
	}
	if (uoff_from_user(pos, uaddr(uoff)))
		return -EFAULT;
	return (i64)*pos < 0 ? -EINVAL : 0;
}

/* splice(fd_in, off_in, fd_out, off_out, len, flags): one end at least is a pipe (an offset
 * for a pipe is ESPIPE). Moves what it can in rounds of a page: the first round waits for
 * bytes and for room (unless SPLICE_F_NONBLOCK or the pipe's O_NONBLOCK), later ones stop
 * where they would wait. Bytes taken from a pipe leave it only once written; a positioned
 * file's offset (or *off) moves by what went through. */
SYSCALL_DEFINE6(splice, int, fd_in, ulong, off_in, int, fd_out, ulong, off_out, size, ulen, uint,
		flags)
{
	struct file *in = fd_file(p, (u64)(i64)fd_in), *out = fd_file(p, (u64)(i64)fd_out);
	u64 len = ulen > MAX_RW_COUNT ? MAX_RW_COUNT : ulen;
	if (len == 0)
		return 0; /* before anything else, as Linux */
	if (flags & ~SPLICE_F_ALL)
		return -EINVAL;
	if (!in || !out)
		return -EBADF;
	if ((in->flags & VFS_O_ACCMODE) == VFS_O_WRONLY ||
	    (out->flags & VFS_O_ACCMODE) == VFS_O_RDONLY)
		return -EBADF;
	bool in_pipe = vfs_file_is_pipe(in), out_pipe = vfs_file_is_pipe(out);
	if (!in_pipe && !out_pipe)
		return -EINVAL;
	if ((in_pipe && off_in) || (out_pipe && off_out))
		return -ESPIPE;
	if (in_pipe && out_pipe && vfs_pipe_same(in, out))
		return -EINVAL;
	if (!out_pipe && ((out->flags & VFS_O_APPEND) || no_splice_write(out)))
		return -EINVAL;
	if ((!in_pipe && !positioned(in) && off_in) || (!out_pipe && !positioned(out) && off_out))
		return -ESPIPE;
	u64 ipos, opos;
	int e = splice_off(in, off_in, &ipos);
	if (!e)
		e = splice_off(out, off_out, &opos);
	if (e)
		return e;
	bool nonblock = (flags & SPLICE_F_NONBLOCK) != 0;
	struct bytes io_buf = kbuf_bytes(&p->io_kbuf);
	u64 done = 0;
	i64 err = 0;
	while (done < len) {
		u64 want = len - done < bytes_len(io_buf) ? len - done : bytes_len(io_buf);
		struct result_size n = splice_in(p, in, bytes_head(io_buf, want), ipos, nonblock || done);
		if (n.err || n.value == 0) {
			err = n.err;
			break;
		}
		struct result_size w = splice_out(p, out, bytes_head(io_buf, n.value), opos,
						  nonblock || done);
		if (w.err) {
			err = w.err;
			break;
		}
		if (in_pipe)
			vfs_pipe_consume(in, w.value);
		ipos += w.value;
		opos += w.value;
		done += w.value;
		if (w.value < n.value || n.value < want)
			break;
		if (done < len && proc_signal_fatal(p))
			break; /* being killed: what was moved so far */
	}
	if (off_in && done && uoff_to_user(&ipos, uaddr(off_in)))
		return -EFAULT;
	if (off_out && done && uoff_to_user(&opos, uaddr(off_out)))
		return -EFAULT;
	if (!off_in && positioned(in) && done)
		vfs_file_set_pos(in, ipos);
	if (!off_out && positioned(out) && done)
		vfs_file_set_pos(out, opos);
	return done ? (i64)done : err;
}

/* tee(fd_in, fd_out, len, flags): copies bytes of pipe fd_in into pipe fd_out, leaving them
 * in fd_in; waits for bytes and for room unless SPLICE_F_NONBLOCK; 0 at fd_in's end. */
SYSCALL_DEFINE4(tee, int, fd_in, int, fd_out, size, ulen, uint, flags)
{
	struct file *in = fd_file(p, (u64)(i64)fd_in), *out = fd_file(p, (u64)(i64)fd_out);
	u64 len = ulen > MAX_RW_COUNT ? MAX_RW_COUNT : ulen;
	if (flags & ~SPLICE_F_ALL)
		return -EINVAL;
	if (len == 0)
		return 0;
	if (!in || !out)
		return -EBADF;
	if ((in->flags & VFS_O_ACCMODE) == VFS_O_WRONLY ||
	    (out->flags & VFS_O_ACCMODE) == VFS_O_RDONLY)
		return -EBADF;
	if (!vfs_file_is_pipe(in) || !vfs_file_is_pipe(out) || vfs_pipe_same(in, out))
		return -EINVAL;
	bool nonblock = (flags & SPLICE_F_NONBLOCK) != 0;
	struct bytes io_buf = kbuf_bytes(&p->io_kbuf);
	u64 want = len < bytes_len(io_buf) ? len : bytes_len(io_buf);
	struct result_size n = splice_in(p, in, bytes_head(io_buf, want), 0, nonblock);
	if (n.err || n.value == 0)
		return n.err;
	struct result_size w = splice_out(p, out, bytes_head(io_buf, n.value), 0, nonblock);
	return w.err ? w.err : (i64)w.value;
}

/* readv/writev: Linux's fd is an unsigned long that fdget truncates to 32 bits */
SYSCALL_DEFINE3(readv, uint, fd, ulong, vec, ulong, vlen)
{
	return rw_vector(p, fd, vec, vlen, false);
}

SYSCALL_DEFINE3(writev, uint, fd, ulong, vec, ulong, vlen)
{
	return rw_vector(p, fd, vec, vlen, true);
}

/* at_ctx - the lookup context for a *at call: cwd replaced by dirfd's directory when the
 * path is relative. */
int at_ctx(struct thread *p, i64 dirfd, struct str path, struct vfs_ctx *out)
{
	*out = p->fs;
	if (dirfd == AT_FDCWD || str_starts_with(path, STR("/")))
		return 0;
	struct file *d = proc_fd_get(p, dirfd);
	if (!d)
		return -EBADF;
	if ((d->inode->mode & VFS_S_IFMT) != VFS_S_IFDIR)
		return -ENOTDIR;
	out->cwd = (struct vfs_path){ .mnt = d->mnt, .dentry = d->dentry };
	return 0;
}

static i64 do_open2(struct thread *p, i64 dirfd, u64 upath, u64 flags, u64 mode, u32 resolve)
{
	struct upath path;
	struct vfs_ctx c;
	int e = upath_get(&path, upath);
	/* a scoped walk starts at dirfd even for an absolute path, and takes it as its root */
	if (!e)
		e = at_ctx(p, dirfd, (resolve & VFS_RESOLVE_SCOPED) ? STR(".") : path.s, &c);
	if (!e && (resolve & VFS_RESOLVE_SCOPED))
		c.root = c.cwd;
	c.resolve = resolve;
	if (e) {
		upath_put(&path);
		return e;
	}
	struct file_result f = vfs_open(&c, path.s, (u32)flags, (u32)mode & ~p->umask & 07777);
	upath_put(&path);
	if (f.err)
		return f.err;
	if (!(flags & VFS_O_NONBLOCK) && !vfs_fifo_opened(f.value)) {
		/* a FIFO opened for one end: wait for the other (a signal: the open fails) */
		e = PROC_WAIT(p, vfs_pipe_waitq(f.value), vfs_fifo_opened(f.value), 0);
		if (e) {
			vfs_close(f.value);
			return e;
		}
	}
	if (vfs_file_is_tty(f.value)) { /* which terminal; a controlling terminal acquired */
		e = tty_open(p, f.value, (u32)flags);
		if (e) {
			vfs_close(f.value);
			return e;
		}
	}
	struct result_i64 fd = proc_fd_install(p, f.value, 0, (flags & VFS_O_CLOEXEC) != 0);
	if (fd.err)
		vfs_close(f.value);
	return fd.err ? fd.err : fd.value;
}

static i64 do_open(struct thread *p, i64 dirfd, u64 upath, u64 flags, u64 mode)
{
	return do_open2(p, dirfd, upath, flags, mode, 0);
}

/* open/openat/creat: flags is an int, mode a umode_t (16 bits): the rest of each register is
 * not looked at, as Linux's wrappers cast them */
SYSCALL_DEFINE3(open, ulong, path, uint, flags, uint, mode)
{
	return do_open(p, AT_FDCWD, path, flags, (u16)mode);
}

SYSCALL_DEFINE4(openat, int, dirfd, ulong, path, uint, flags, uint, mode)
{
	return do_open(p, dirfd, path, flags, (u16)mode);
}

/* struct open_how (linux/openat2.h) */
struct uapi_open_how {
	u64 flags;
	u64 mode;
	u64 resolve;
};
DEFINE_UCOPY(uopen_how, struct uapi_open_how);
DEFINE_UCOPY(ubyte, u8);
#define OPEN_HOW_SIZE_VER0 24u
#define OPENAT2_VALID_FLAGS 037777703ull /* Linux's VALID_OPEN_FLAGS on x86-64 */
#define O_PATH_FLAGS (VFS_O_DIRECTORY | VFS_O_NOFOLLOW | VFS_O_PATH | VFS_O_CLOEXEC)
#define RESOLVE_ALL 0x3full

/* openat2(dirfd, path, how, size): openat with strict checks (unknown flags, a mode without
 * O_CREAT/O_TMPFILE, O_PATH with other flags: EINVAL) and the resolve flags (fs/vfs.h). A
 * larger struct is accepted when its extra bytes are zero (else E2BIG). */
SYSCALL_DEFINE4(openat2, int, dirfd, ulong, path, ulong, uhow, size, size)
{
	if (size < OPEN_HOW_SIZE_VER0)
		return -EINVAL;
	if (size > 4096) /* a page, as Linux */
		return -E2BIG;
	struct uapi_open_how how;
	if (uopen_how_from_user(&how, uaddr(uhow)))
		return -EFAULT;
	for (u64 off = OPEN_HOW_SIZE_VER0; off < size; off++) {
		u8 b;
		if (ubyte_from_user(&b, uaddr(uhow + off)))
			return -EFAULT;
		if (b)
			return -E2BIG;
	}
	if (how.flags & ~OPENAT2_VALID_FLAGS)
		return -EINVAL;
	if (how.resolve & ~RESOLVE_ALL)
		return -EINVAL;
	if ((how.resolve & VFS_RESOLVE_SCOPED) == VFS_RESOLVE_SCOPED)
		return -EINVAL;
	bool creates = (how.flags & VFS_O_CREAT) || (how.flags & VFS_O_TMPFILE) == VFS_O_TMPFILE;
	if (creates ? (how.mode & ~07777ull) != 0 : how.mode != 0)
		return -EINVAL;
	if ((how.flags & VFS_O_PATH) && (how.flags & ~(u64)O_PATH_FLAGS))
		return -EINVAL;
	if ((how.resolve & VFS_RESOLVE_CACHED) &&
	    (how.flags & (VFS_O_TRUNC | VFS_O_CREAT | (VFS_O_TMPFILE & ~VFS_O_DIRECTORY))))
		return -EAGAIN;
	return do_open2(p, dirfd, path, how.flags, how.mode, (u32)how.resolve);
}

/* creat(path, mode): open(path, O_CREAT | O_WRONLY | O_TRUNC, mode). */
SYSCALL_DEFINE2(creat, ulong, path, uint, mode)
{
	return do_open(p, AT_FDCWD, path, VFS_O_CREAT | VFS_O_WRONLY | VFS_O_TRUNC, (u16)mode);
}

SYSCALL_DEFINE1(close, uint, fd)
{
	return fd > 0x7fffffff ? -EBADF : proc_fd_close(p, fd);
}

SYSCALL_DEFINE3(lseek, uint, fd, long, offset, uint, whence)
{
	struct file *f = fd_file(p, fd);
	if (!f)
		return -EBADF;
	/* whence is an unsigned int: past SEEK_HOLE is EINVAL; the rest is the file's llseek op
	 * (streams ESPIPE, a block device's end its size, ...) */
	struct result_i64 r = vfs_lseek(f, offset, whence > 4 ? -1 : (int)whence);
	return r.err ? r.err : r.value;
}

static int put_vfs_stat(const struct vfs_stat *stp, u64 ubuf)
{
	struct vfs_stat st = *stp;
	struct uapi_stat us = {
		.st_dev = uapi_makedev(st.dev_major, st.dev_minor),
		.st_ino = st.ino, .st_nlink = st.nlink, .st_mode = st.mode,
		.st_uid = st.uid, .st_gid = st.gid,
		.st_rdev = uapi_makedev(st.rdev_major, st.rdev_minor),
		.st_size = (i64)st.size, .st_blksize = 4096, .st_blocks = (i64)st.blocks,
		.st_atime_sec = (u64)st.atime.sec, .st_atime_nsec = (u64)st.atime.nsec,
		.st_mtime_sec = (u64)st.mtime.sec, .st_mtime_nsec = (u64)st.mtime.nsec,
		.st_ctime_sec = (u64)st.ctime.sec, .st_ctime_nsec = (u64)st.ctime.nsec,
	};
	return ustat_to_user(&us, uaddr(ubuf));
}

static int put_stat(struct inode *ip, u64 ubuf)
{
	struct vfs_stat st;
	vfs_stat_inode(ip, &st);
	return put_vfs_stat(&st, ubuf);
}

SYSCALL_DEFINE2(fstat, uint, fd, ulong, ubuf)
{
	struct file *f = fd_file(p, fd);
	return f ? put_stat(f->inode, ubuf) : -EBADF;
}

static i64 do_stat(struct thread *p, i64 dirfd, u64 upath, u64 ubuf, u64 flags)
{
	if (flags & ~(u64)(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH))
		return -EINVAL;
	struct upath path;
	int e = upath_get(&path, upath);
	if (e == -ENOENT && (flags & AT_EMPTY_PATH)) {
		upath_put(&path);
		struct file *f = dirfd == AT_FDCWD ? NULL : proc_fd_get(p, dirfd);
		if (dirfd == AT_FDCWD)
			return put_stat(p->fs.cwd.dentry->inode, ubuf);
		return f ? put_stat(f->inode, ubuf) : -EBADF;
	}
	struct vfs_ctx c;
	if (!e)
		e = at_ctx(p, dirfd, path.s, &c);
	struct vfs_stat st;
	if (!e) /* one locked walk, no references taken */
		e = vfs_stat(&c, path.s, !(flags & AT_SYMLINK_NOFOLLOW), &st);
	upath_put(&path);
	return e ? e : put_vfs_stat(&st, ubuf);
}

SYSCALL_DEFINE2(stat, ulong, path, ulong, ubuf)
{
	return do_stat(p, AT_FDCWD, path, ubuf, 0);
}

SYSCALL_DEFINE2(lstat, ulong, path, ulong, ubuf)
{
	return do_stat(p, AT_FDCWD, path, ubuf, AT_SYMLINK_NOFOLLOW);
}

SYSCALL_DEFINE4(newfstatat, int, dirfd, ulong, path, ulong, ubuf, uint, flags)
{
	return do_stat(p, dirfd, path, ubuf, flags);
}

SYSCALL_DEFINE3(getdents64, uint, fd, ulong, dirent, uint, ucount)
{
	struct file *f = fd_file(p, fd);
	if (!f)
		return -EBADF;
	u64 count = ucount < (64u << 10) ? ucount : (64u << 10);
	if (count == 0)
		return -EINVAL;
	struct kbuf kb = KBUF_EMPTY;
	if (kbuf_alloc(&kb, count))
		return -ENOMEM;
	struct bytes b = kbuf_bytes(&kb);
	struct result_size n = vfs_getdents64(f, b);
	i64 r = n.err;
	if (!n.err) {
		struct vm_writer w = vm_writer_user(uaddr(dirent), n.value);
		struct result_size c = vm_write(&w, bytes_head(b, n.value));
		r = c.err ? c.err : (i64)c.value;
	}
	kbuf_free(&kb);
	return r;
}

/* ioctl: the commands every file answers (Linux's do_vfs_ioctl), then the file's own op
 * (file_ops.ioctl: terminals, block devices, sockets, pipes, inotify; none: ENOTTY). */
/* cmd is an unsigned int: musl passes an int, sign-extended */
SYSCALL_DEFINE3(ioctl, uint, fd, uint, cmd, ulong, arg)
{
	struct file *f = fd_file(p, fd);
	if (!f || (f->flags & VFS_O_PATH))
		return -EBADF;
	switch (cmd) {
	case UAPI_FIOCLEX:
	case UAPI_FIONCLEX:
		return proc_fd_set_cloexec(p, fd, cmd == UAPI_FIOCLEX);
	case UAPI_FIONBIO: { /* an int: non-zero sets O_NONBLOCK */
		u32 on;
		if (uint32_from_user(&on, uaddr(arg)))
			return -EFAULT;
		f->flags = on ? f->flags | VFS_O_NONBLOCK : f->flags & ~VFS_O_NONBLOCK;
		return 0;
	}
	case UAPI_FIONREAD: /* a regular file: the bytes from the offset to the end, as an int */
		if (f->inode && (f->inode->mode & VFS_S_IFMT) == VFS_S_IFREG) {
			u32 n = (u32)vfs_file_unread(f);
			return uint32_to_user(&n, uaddr(arg)) ? -EFAULT : 0;
		}
		break;
	default:
		break;
	}
	if (!f->ops->ioctl)
		return -ENOTTY;
	return f->ops->ioctl(p, f, cmd, arg);
}

/* fd_replace - make `newfd` refer to `f` (closing what it held). */
static i64 fd_replace(struct thread *p, u64 newfd, struct file *f, bool cloexec)
{
	if (newfd >= PROC_MAX_FDS) /* proc_fd_install_at checks RLIMIT_NOFILE (EBADF) */
		return -EBADF;
	vfs_file_get(f);
	int e = proc_fd_install_at(p, (i64)newfd, f, cloexec);
	if (e) {
		vfs_close(f);
		return e;
	}
	return (i64)newfd;
}

SYSCALL_DEFINE1(dup, uint, oldfd)
{
	struct file *f = fd_file(p, oldfd);
	if (!f)
		return -EBADF;
	vfs_file_get(f);
	struct result_i64 fd = proc_fd_install(p, f, 0, false);
	if (fd.err)
		vfs_close(f);
	return fd.err ? fd.err : fd.value;
}

SYSCALL_DEFINE2(dup2, uint, oldfd, uint, newfd)
{
	struct file *f = fd_file(p, oldfd);
	if (!f)
		return -EBADF;
	if (oldfd == newfd)
		return newfd;
	return fd_replace(p, newfd, f, false);
}

SYSCALL_DEFINE3(dup3, uint, oldfd, uint, newfd, uint, flags)
{
	if (flags & ~(u32)VFS_O_CLOEXEC)
		return -EINVAL;
	struct file *f = fd_file(p, oldfd);
	if (!f)
		return -EBADF;
	if (oldfd == newfd)
		return -EINVAL;
	return fd_replace(p, newfd, f, flags != 0);
}

#define F_DUPFD 0
#define F_GETFD 1
#define F_SETFD 2
#define F_GETFL 3
#define F_SETFL 4
#define F_DUPFD_CLOEXEC 1030
#define F_GETPIPE_SZ 1032
#define F_ADD_SEALS 1033
#define F_GET_SEALS 1034
#define FD_CLOEXEC 1

SYSCALL_DEFINE3(fcntl, uint, fd, uint, cmd, ulong, arg)
{
	struct file *f = fd_file(p, fd);
	if (!f)
		return -EBADF;
	switch (cmd) {
	case F_DUPFD:
	case F_DUPFD_CLOEXEC: {
		/* the lowest fd is an unsigned int (Linux's f_dupfd): the register's upper half
		 * is not looked at; at or above RLIMIT_NOFILE is EINVAL */
		u32 from = (u32)arg;
		if (from >= proc_fd_limit(p))
			return -EINVAL;
		vfs_file_get(f);
		struct result_i64 nfd = proc_fd_install(p, f, from, cmd == F_DUPFD_CLOEXEC);
		if (nfd.err)
			vfs_close(f);
		return nfd.err ? nfd.err : nfd.value;
	}
	case F_GETFD: {
		int c = proc_fd_cloexec(p, fd);
		return c < 0 ? c : c ? FD_CLOEXEC : 0;
	}
	case F_SETFD:
		return proc_fd_set_cloexec(p, fd, (arg & FD_CLOEXEC) != 0);
	case F_GETFL:
		return f->flags & ~(u32)VFS_O_CLOEXEC;
	case F_GETPIPE_SZ:
		return vfs_file_is_pipe(f) ? VFS_PIPE_SIZE : -EBADF;
	case F_ADD_SEALS: /* memfd seals (fs/vfs/memfd.c); the argument is an int */
		return (f->flags & VFS_O_PATH) ? -EBADF : vfs_add_seals(f, (u32)arg);
	case F_GET_SEALS:
		return (f->flags & VFS_O_PATH) ? -EBADF : vfs_seals(f);
	case UAPI_F_GETLK:
	case UAPI_F_SETLK:
	case UAPI_F_SETLKW:
	case UAPI_F_OFD_GETLK:
	case UAPI_F_OFD_SETLK:
	case UAPI_F_OFD_SETLKW:
		if (f->flags & VFS_O_PATH)
			return -EBADF; /* an O_PATH descriptor: dup, F_GETFD/SETFD and F_GETFL only */
		return fs_fcntl_lock(p, f, cmd, arg);
	case F_SETFL: /* only O_APPEND and O_NONBLOCK (console reads: -EAGAIN) change */
		if (f->flags & VFS_O_PATH)
			return -EBADF;
		f->flags = (f->flags & ~(u32)(VFS_O_APPEND | 04000)) | ((u32)arg & (VFS_O_APPEND | 04000));
		return 0;
	default:
		return -EINVAL;
	}
}

DEFINE_UCOPY(ufdpair, struct uapi_fdpair);

/* pipe2(fds, flags): O_CLOEXEC and O_NONBLOCK; the pair is written with the user-memory
 * writer, and on a fault both fds are closed again (-EFAULT). */
static i64 do_pipe(struct thread *p, u64 ufds, u64 flags)
{
	if (flags & ~(u64)(VFS_O_CLOEXEC | O_NONBLOCK))
		return -EINVAL;
	struct file *rd = NULL, *wr = NULL;
	int e = vfs_pipe((u32)flags & O_NONBLOCK, p->fs.cred.fsuid, p->fs.cred.fsgid, &rd, &wr);
	if (e)
		return e;
	bool cloexec = (flags & VFS_O_CLOEXEC) != 0;
	struct result_i64 r = proc_fd_install(p, rd, 0, cloexec);
	if (r.err) {
		vfs_close(rd);
		vfs_close(wr);
		return r.err;
	}
	struct result_i64 w = proc_fd_install(p, wr, 0, cloexec);
	if (w.err) {
		(void)proc_fd_close(p, r.value);
		vfs_close(wr);
		return w.err;
	}
	struct uapi_fdpair pair = { .fd = { (i32)r.value, (i32)w.value } };
	if (ufdpair_to_user(&pair, uaddr(ufds))) {
		(void)proc_fd_close(p, r.value);
		(void)proc_fd_close(p, w.value);
		return -EFAULT;
	}
	return 0;
}

SYSCALL_DEFINE1(pipe, ulong, ufds)
{
	return do_pipe(p, ufds, 0);
}

SYSCALL_DEFINE2(pipe2, ulong, ufds, uint, flags)
{
	return do_pipe(p, ufds, flags);
}

/* eventfd2(initval, flags): EFD_SEMAPHORE (1), EFD_NONBLOCK (O_NONBLOCK), EFD_CLOEXEC
 * (O_CLOEXEC); any other flag is -EINVAL. eventfd(initval) is eventfd2 with no flags. */
static i64 do_eventfd(struct thread *p, u64 initval, u64 flags)
{
	if (flags & ~(u64)(1 | VFS_O_CLOEXEC | O_NONBLOCK))
		return -EINVAL;
	struct file *f = NULL;
	int e = vfs_eventfd((u32)initval, (flags & 1) != 0, (u32)flags & O_NONBLOCK,
			    p->fs.cred.fsuid, p->fs.cred.fsgid, &f);
	if (e)
		return e;
	struct result_i64 r = proc_fd_install(p, f, 0, (flags & VFS_O_CLOEXEC) != 0);
	if (r.err) {
		vfs_close(f);
		return r.err;
	}
	return r.value;
}

SYSCALL_DEFINE1(eventfd, uint, count)
{
	return do_eventfd(p, count, 0);
}

SYSCALL_DEFINE2(eventfd2, uint, count, uint, flags)
{
	return do_eventfd(p, count, flags);
}
