/*
 * pipe.c — anonymous pipes (fs/vfs.h): a pipe is an inode holding a 64 KiB ring buffer (inline: one typed-heap object) and
 * whether its read end and its write end are still open; pipe(2) makes one read-only and one
 * write-only open file on it. The ends are open file descriptions: dup, fork and fd passing
 * share them (the file's reference count), and an end closes when its file's last reference
 * goes (vfs_close calls the inode's `release`).
 *
 * Linux semantics: a read takes what is buffered (up to the count), returns 0 (end of file)
 * when the buffer is empty and the write end is closed, and -EAGAIN when it is empty and a
 * writer exists (the read system call turns that into waiting unless O_NONBLOCK). A write
 * with the read end closed is -EPIPE (the write system calls then send SIGPIPE, syscall/fs.c);
 * a chunk of at most PIPE_BUF bytes goes in whole or not at all (-EAGAIN); a larger one goes
 * in as far as it fits. Every change a waiter could care about (bytes in, bytes out of a pipe
 * that had less than PIPE_BUF bytes free, an end closing) wakes the pipe's wait queue
 * (vfs_pipe_waitq), where blocked readers and writers sleep; the ring and the ends are
 * guarded by the pipe's spinlock, and the VFS calls these ops with no other lock held. Poll
 * reads a copy of the readiness (`state`) that every release of the lock publishes, without
 * taking the lock (as Linux's pipe_poll): select over 100 pipes takes no pipe lock.
 *
 * Pipes live in pipefs (Linux's pseudo file system, never mounted where a walk finds it): the
 * pipe inode is counted in its superblock (st_dev, fstatfs's PIPEFS_MAGIC) and both ends share
 * one dead dentry "pipe:[ino]" under its root, so a pipe has a path: /proc/PID/fd/N reads that
 * name and opening it makes a new end on the same pipe (cat /dev/stdin with a pipe as stdin,
 * bash's process substitution through /dev/fd/N), as Linux's fifo_open does for a pipe: at
 * once, never waiting for the other end, never ENXIO.
 *
 * FIFOs (named pipes, fifo(7)): a FIFO node of any file system gets a pipe at the first open
 * (inode->fifo, made and dropped under vfs_lock) and loses it, with any bytes left in it,
 * when the last file open on it closes. Its open files are the node's (fstat shows the node)
 * with fifo_fops, which find the pipe through the node. Each open counts as a reader, a
 * writer or (O_RDWR) both; an open for reading or writing alone waits (in the system call
 * layer, vfs_fifo_opened) until the other end has been opened, unless O_NONBLOCK: then a
 * reader opens at once and a writer with no reader fails with -ENXIO.
 */
#include <fs/vfs_internal.h>
#include <fw/strbuf.h>
#include <fw/sync.h>
#include <fw/typecache.h>
#include <uapi/socket.h> /* FIONREAD */

struct pipe {
	struct inode vfs;
	struct spinlock lock;
	struct waitq wq;  /* readers and writers waiting for a change */
	u8 ring[VFS_PIPE_SIZE] GUARDED_BY(&lock);
	size_t head GUARDED_BY(&lock); /* index of the oldest buffered byte */
	size_t len GUARDED_BY(&lock);  /* bytes buffered */
	u32 readers GUARDED_BY(&lock), writers GUARDED_BY(&lock); /* open files on each end */
	u64 r_opens GUARDED_BY(&lock), w_opens GUARDED_BY(&lock); /* a FIFO's opens of each end */
	/* PIPE_ST_* bits of the fields above, for pipe_poll to read without the lock (as Linux's
	 * pipe_poll reads head, tail, readers and writers with READ_ONCE): written only by
	 * pipe_unlock, so every release of the lock publishes what it changed */
	struct atomic_u32 state;
};
DEFINE_SUBTYPE(pipe, struct pipe, vfs, struct inode, tag);

#define PIPE_ST_DATA 1u    /* len > 0 */
#define PIPE_ST_ROOM 2u    /* at least VFS_PIPE_BUF bytes free */
#define PIPE_ST_READERS 4u /* a read end is open */
#define PIPE_ST_WRITERS 8u /* a write end is open */

/* pipe_unlock - publish pp's readiness bits (pp->state), then release pp->lock. Every change
 * of len, readers and writers is made under the lock and so reaches `state` before the lock is
 * free; a poller that registered on pp->wq before reading `state` cannot miss it (the waker
 * takes the queue's lock after this store: fs/vfs/poll.c's ordering argument). */
static void pipe_unlock(struct pipe *pp) RELEASE(&pp->lock)
{
	u32 st = (pp->len ? PIPE_ST_DATA : 0) |
		 (VFS_PIPE_SIZE - pp->len >= VFS_PIPE_BUF ? PIPE_ST_ROOM : 0) |
		 (pp->readers ? PIPE_ST_READERS : 0) | (pp->writers ? PIPE_ST_WRITERS : 0);
	atomic_u32_store(&pp->state, st);
	spin_unlock(&pp->lock);
}

static struct spinlock pipe_ino_lock = SPINLOCK_INIT(pipe_ino_lock);
static u64 pipe_next_ino GUARDED_BY(&pipe_ino_lock) = 1;

static const struct inode_ops pipe_ops;
static const struct file_ops pipe_fops, fifo_fops;

/* pipefs: made by vfs_init (or the first pipe), kept for good; set once. */
static struct vfs_mount *pipefs_mnt GUARDED_BY(&vfs_lock);

/* pipefs_mount - pipefs's mount, made if it is not yet; NULL when memory is short. */
static struct vfs_mount *pipefs_mount(void)
{
	down_write(&vfs_lock);
	struct vfs_mount *m = pipefs_mnt;
	up_write(&vfs_lock);
	if (m)
		return m;
	struct vfs_sb *sb = vfs_sb_new(VFS_PIPEFS_MAGIC);
	if (!sb)
		return NULL;
	down_write(&vfs_lock);
	if (!pipefs_mnt)
		pipefs_mnt = vfs_internal_mount_locked(sb, STR("pipefs"));
	m = pipefs_mnt;
	up_write(&vfs_lock);
	vfs_sb_put(sb); /* the mount holds its own reference */
	return m;
}

void vfs_pipefs_init(void)
{
	(void)pipefs_mount();
}

/* pipe_of - the pipe under open file f (a pipe's or a FIFO's). A FIFO node's `fifo` is set
 * while any file is open on it: f is. */
static struct pipe *pipe_of(const struct file *f)
{
	return pipe_from(f->ops == &fifo_fops ? f->inode->fifo : f->inode);
}

struct waitq *vfs_pipe_waitq(struct file *f)
{
	return &pipe_of(f)->wq;
}

size_t pipe_ring_read(struct bytes ring, size_t *head, size_t *len, struct bytes dst)
{
	size_t size = bytes_len(ring), n = 0;
	while (n < bytes_len(dst) && *len > 0) {
		size_t run = size - *head; /* contiguous bytes from head */
		if (run > *len)
			run = *len;
		if (run > bytes_len(dst) - n)
			run = bytes_len(dst) - n;
		struct bytes_result from = bytes_sub(ring, *head, run);
		struct bytes_result to = bytes_sub(dst, n, run);
		if (from.err || to.err || bytes_copy(to.value, from.value))
			break;
		n += run;
		*head = (*head + run) % size;
		*len -= run;
	}
	return n;
}

size_t pipe_ring_write(struct bytes ring, size_t head, size_t *len, struct bytes src)
{
	size_t size = bytes_len(ring), n = 0;
	while (n < bytes_len(src) && *len < size) {
		size_t tail = (head + *len) % size;
		size_t run = size - tail; /* to the end of the ring, within the free space */
		if (run > size - *len)
			run = size - *len;
		if (run > bytes_len(src) - n)
			run = bytes_len(src) - n;
		struct bytes_result from = bytes_sub(src, n, run);
		struct bytes_result to = bytes_sub(ring, tail, run);
		if (from.err || to.err || bytes_copy(to.value, from.value))
			break;
		n += run;
		*len += run;
	}
	return n;
}

static struct result_size pipe_read(struct inode *ip, struct bytes dst, u64 pos)
{
	(void)pos;
	struct pipe *pp = pipe_from(ip);
	if (bytes_len(dst) == 0)
		return result_size_ok(0);
	spin_lock(&pp->lock);
	/* a writer waits (and poll reports no POLLOUT) only while fewer than PIPE_BUF bytes
	 * are free: a read that starts with more free wakes nobody (Linux wakes on was_full) */
	bool writers_may_wait = VFS_PIPE_SIZE - pp->len < VFS_PIPE_BUF;
	struct result_size r = result_size_ok(0);
	if (pp->len == 0) {
		if (pp->writers)
			r = result_size_err(-EAGAIN);
	} else {
		r = result_size_ok(pipe_ring_read(BYTES_OF_ARRAY(pp->ring), &pp->head, &pp->len, dst));
		if (pp->len == 0)
			pp->head = 0;
	}
	pipe_unlock(pp);
	if (!r.err && r.value && writers_may_wait)
		(void)waitq_wake_all(&pp->wq);
	return r;
}

static struct result_size pipe_write(struct inode *ip, struct bytes src, u64 pos)
{
	(void)pos;
	struct pipe *pp = pipe_from(ip);
	spin_lock(&pp->lock);
	size_t room = VFS_PIPE_SIZE - pp->len;
	struct result_size r;
	if (!pp->readers)
		r = result_size_err(-EPIPE);
	else if (bytes_len(src) == 0)
		r = result_size_ok(0);
	else if (room == 0 || (bytes_len(src) <= VFS_PIPE_BUF && room < bytes_len(src)))
		r = result_size_err(-EAGAIN);
	else
		r = result_size_ok(pipe_ring_write(BYTES_OF_ARRAY(pp->ring), pp->head, &pp->len, src));
	pipe_unlock(pp);
	if (!r.err && r.value)
		(void)waitq_wake_all(&pp->wq);
	return r;
}

/* pipe_write_frame - pipe_write of `len` bytes of frame fr from `off` (sendfile from the page
 * cache): the same rules, the bytes copied from the frame straight into the ring. */
static struct result_size pipe_write_frame(struct inode *ip, const struct frame *fr,
					   size_t off, size_t len)
{
	struct pipe *pp = pipe_from(ip);
	spin_lock(&pp->lock);
	size_t room = VFS_PIPE_SIZE - pp->len;
	struct result_size r;
	if (!pp->readers) {
		r = result_size_err(-EPIPE);
	} else if (len == 0) {
		r = result_size_ok(0);
	} else if (room == 0 || (len <= VFS_PIPE_BUF && room < len)) {
		r = result_size_err(-EAGAIN);
	} else {
		size_t n = len < room ? len : room, done = 0;
		int e = 0;
		while (!e && done < n) {
			size_t tail = (pp->head + pp->len) % VFS_PIPE_SIZE;
			size_t run = VFS_PIPE_SIZE - tail; /* to the end of the ring */
			if (run > n - done)
				run = n - done;
			struct bytes_result to = bytes_sub(BYTES_OF_ARRAY(pp->ring), tail, run);
			e = to.err ? to.err : frame_read(fr, off + done, to.value);
			if (!e) {
				done += run;
				pp->len += run;
			}
		}
		r = done || !e ? result_size_ok(done) : result_size_err(e);
	}
	pipe_unlock(pp);
	if (!r.err && r.value)
		(void)waitq_wake_all(&pp->wq);
	return r;
}

/* pipe_end_close - an open file with `flags` on pp is gone; whether no file is left. */
static bool pipe_end_close(struct pipe *pp, u32 flags)
{
	u32 acc = flags & VFS_O_ACCMODE;
	spin_lock(&pp->lock);
	if (acc != VFS_O_WRONLY && pp->readers)
		pp->readers--;
	if (acc != VFS_O_RDONLY && pp->writers)
		pp->writers--;
	bool none = !pp->readers && !pp->writers;
	pipe_unlock(pp);
	(void)waitq_wake_all(&pp->wq);
	return none;
}

static void pipe_release(struct inode *ip, u32 flags)
{
	(void)pipe_end_close(pipe_from(ip), flags);
}

static void pipe_destroy(struct inode *ip)
{
	struct pipe *pp = pipe_from(ip);
	pipe_delete(pp);
}

static u32 pipe_poll(struct file *f, struct poll_table *pt);

static const struct inode_ops pipe_ops = {
	.destroy = pipe_destroy,
};

/* pipe_ioctl - FIONREAD: the bytes in the pipe (Linux's pipe_ioctl), for a pipe or FIFO. */
static i64 pipe_ioctl(struct thread *p, struct file *f, u64 cmd, u64 arg)
{
	(void)p;
	if (cmd != UAPI_FIONREAD)
		return -ENOTTY;
	struct pipe *pp = pipe_of(f);
	spin_lock(&pp->lock);
	u32 n = (u32)pp->len;
	pipe_unlock(pp);
	return vfs_u32_to_user(n, arg);
}

static const struct file_ops pipe_fops = {
	.llseek = vfs_no_llseek,
	.read = pipe_read,
	.write = pipe_write,
	.ioctl = pipe_ioctl,
	.write_frame = pipe_write_frame,
	.release = pipe_release,
	.poll = pipe_poll,
};

bool vfs_file_is_pipe(const struct file *f)
{
	return f->ops == &pipe_fops || f->ops == &fifo_fops;
}

/* fifo_hup - a FIFO reader's hang-up: no writer, and one has been opened since f was
 * (Linux's w_counter: a reader that never saw a writer is not hung up). Out of line: only
 * FIFOs take the lock in a poll. */
static FW_NOINLINE bool fifo_hup(struct pipe *pp, const struct file *f)
{
	spin_lock(&pp->lock);
	bool hup = !pp->writers && pp->w_opens != f->fifo_peer;
	pipe_unlock(pp);
	return hup;
}

/* pipe_poll_bits - the VFS_POLL* bits of f, an end of pp: from the published `state`, without
 * the lock (but a FIFO reader's hang-up). */
static u32 pipe_poll_bits(struct pipe *pp, const struct file *f)
{
	u32 acc = f->flags & VFS_O_ACCMODE, ev = 0;
	u32 st = atomic_u32_load(&pp->state);
	if (acc != VFS_O_WRONLY) {
		if (st & PIPE_ST_DATA)
			ev |= VFS_POLLIN;
		if (!(st & PIPE_ST_WRITERS) && (f->ops == &pipe_fops || fifo_hup(pp, f)))
			ev |= VFS_POLLHUP;
	}
	if (acc != VFS_O_RDONLY) {
		if (st & PIPE_ST_ROOM)
			ev |= VFS_POLLOUT;
		if (!(st & PIPE_ST_READERS))
			ev |= VFS_POLLERR;
	}
	return ev;
}

u32 vfs_pipe_poll(struct file *f)
{
	return pipe_poll_bits(pipe_of(f), f);
}

/* pipe_poll - vfs_pipe_poll, watching the pipe's queue (every change wakes it). The bits are
 * read without the pipe's lock, after poll_wait: a change published (pipe_unlock) before the
 * waker took the queue's lock to wake it is either seen here, or the waker finds the poller's
 * entry on the queue (poll_wait added it under that lock before this read), so no wake-up is
 * lost. */
static u32 pipe_poll(struct file *f, struct poll_table *pt)
{
	struct pipe *pp = pipe_of(f);
	poll_wait(pt, &pp->wq);
	u32 ev = pipe_poll_bits(pp, f);
	if (ev & VFS_POLLIN)
		ev |= VFS_POLLRDNORM;
	if (ev & VFS_POLLOUT)
		ev |= VFS_POLLWRNORM;
	return ev;
}

/* pipe_make - a pipe inode with `readers` and `writers` open ends, one reference (the
 * caller's); NULL when memory is short. */
static struct pipe *pipe_make(u32 readers, u32 writers, u32 uid, u32 gid)
{
	struct pipe *pp = pipe_new();
	if (!pp)
		return NULL;
	spin_lock_init(&pp->lock);
	waitq_init(&pp->wq);
	spin_lock(&pp->lock);
	pp->readers = readers;
	pp->writers = writers;
	pipe_unlock(pp);
	struct inode *ip = pipe_base(pp);
	vfs_inode_init(ip);
	ip->ops = &pipe_ops;
	ip->fops = &pipe_fops;
	ip->atime = ip->mtime = ip->ctime = vfs_now();
	ip->mode = VFS_S_IFIFO | 0600;
	ip->uid = uid;
	ip->gid = gid;
	ip->nlink = 1;
	spin_lock(&pipe_ino_lock);
	ip->ino = pipe_next_ino++;
	spin_unlock(&pipe_ino_lock);
	refcount_init(&ip->refs, 1);
	return pp;
}

int vfs_pipe(u32 flags, u32 uid, u32 gid, struct file **rd, struct file **wr)
{
	struct vfs_mount *m = pipefs_mount();
	if (!m)
		return -ENOMEM;
	struct pipe *pp = pipe_make(1, 1, uid, gid);
	if (!pp)
		return -ENOMEM;
	struct inode *ip = pipe_base(pp); /* its reference is dropped below: the files hold it */
	u8 text[32];
	struct strbuf name = strbuf_over(BYTES_OF_ARRAY(text));
	STRBUF_FMT(&name, "pipe:[%u]", ip->ino);
	struct file *r = NULL, *w = NULL;
	down_write(&vfs_lock);
	ip->sb = m->sb;
	refcount_get(&ip->sb->refs);
	vfs_sb_inode_added(ip->sb);
	struct dentry_result d = vfs_pseudo_dentry_locked(m, strbuf_str(&name), ip);
	if (!d.err) {
		struct vfs_path at = { .mnt = m, .dentry = d.value };
		r = vfs_file_at_locked(at, VFS_O_RDONLY | flags);
		w = r ? vfs_file_at_locked(at, VFS_O_WRONLY | flags) : NULL;
		vfs_dentry_put_locked(d.value); /* the files hold it (or nothing: freed) */
	}
	vfs_inode_put(ip);
	up_write(&vfs_lock);
	if (!w) {
		if (r)
			vfs_close(r);
		return -ENOMEM;
	}
	*rd = r;
	*wr = w;
	return 0;
}

/* FIFOs: the file ops of the node's open files, forwarding to the pipe (inode->fifo). */
static struct result_size fifo_read(struct inode *ip, struct bytes dst, u64 pos)
{
	return pipe_read(ip->fifo, dst, pos);
}

static struct result_size fifo_write(struct inode *ip, struct bytes src, u64 pos)
{
	return pipe_write(ip->fifo, src, pos);
}

static struct result_size fifo_write_frame(struct inode *ip, const struct frame *fr,
					   size_t off, size_t len)
{
	return pipe_write_frame(ip->fifo, fr, off, len);
}

/* fifo_release - an open file of the FIFO node ip is gone: the pipe goes with the last. */
static void fifo_release(struct inode *ip, u32 flags)
{
	down_write(&vfs_lock);
	struct inode *pi = ip->fifo;
	if (pi && pipe_end_close(pipe_from(pi), flags)) {
		ip->fifo = NULL;
		vfs_inode_put(pi);
	}
	up_write(&vfs_lock);
}

static const struct file_ops fifo_fops = {
	.llseek = vfs_no_llseek,
	.read = fifo_read,
	.write = fifo_write,
	.ioctl = pipe_ioctl,
	.write_frame = fifo_write_frame,
	.release = fifo_release,
	.poll = pipe_poll,
};

int vfs_fifo_open_locked(struct inode *ip, u32 flags, u64 *peer_opens,
			 const struct file_ops **ops)
{
	u32 acc = flags & VFS_O_ACCMODE;
	bool nonblock = (flags & VFS_O_NONBLOCK) != 0;
	if (ip->ops == &pipe_ops) {
		/* a pipe itself (its pipefs path, through /proc/PID/fd/N): another end */
		struct pipe *pp = pipe_from(ip);
		spin_lock(&pp->lock);
		if (acc != VFS_O_WRONLY)
			pp->readers++;
		if (acc != VFS_O_RDONLY)
			pp->writers++;
		pipe_unlock(pp);
		(void)waitq_wake_all(&pp->wq);
		*ops = &pipe_fops;
		return 0;
	}
	if (!ip->fifo) {
		if (acc == VFS_O_WRONLY && nonblock)
			return -ENXIO; /* no reader */
		struct pipe *made = pipe_make(0, 0, ip->uid, ip->gid);
		if (!made)
			return -ENOMEM;
		ip->fifo = pipe_base(made); /* the node's reference while files are open */
	}
	struct pipe *pp = pipe_from(ip->fifo);
	spin_lock(&pp->lock);
	int e = 0;
	if (acc == VFS_O_WRONLY && nonblock && !pp->readers) {
		e = -ENXIO;
	} else {
		if (acc != VFS_O_WRONLY) {
			pp->readers++;
			pp->r_opens++;
			*peer_opens = pp->w_opens;
		}
		if (acc != VFS_O_RDONLY) {
			pp->writers++;
			pp->w_opens++;
			*peer_opens = pp->r_opens;
		}
	}
	bool unused = !pp->readers && !pp->writers;
	pipe_unlock(pp);
	if (e) {
		if (unused) {
			struct inode *pi = ip->fifo;
			ip->fifo = NULL;
			vfs_inode_put(pi);
		}
		return e;
	}
	(void)waitq_wake_all(&pp->wq); /* openers waiting for this end */
	*ops = &fifo_fops;
	return 0;
}

bool vfs_fifo_opened(struct file *f)
{
	if (f->ops != &fifo_fops)
		return true;
	struct pipe *pp = pipe_of(f);
	u32 acc = f->flags & VFS_O_ACCMODE;
	spin_lock(&pp->lock);
	bool ok = acc == VFS_O_RDWR ||
		  (acc == VFS_O_RDONLY ? pp->writers || pp->w_opens != f->fifo_peer
				       : pp->readers || pp->r_opens != f->fifo_peer);
	pipe_unlock(pp);
	return ok;
}

struct result_size vfs_pipe_peek(struct file *f, struct bytes dst)
{
	struct pipe *pp = pipe_of(f);
	spin_lock(&pp->lock);
	struct result_size r = result_size_ok(0);
	if (pp->len == 0) {
		if (pp->writers)
			r = result_size_err(-EAGAIN);
	} else {
		size_t head = pp->head, len = pp->len; /* copies: nothing is taken */
		r = result_size_ok(pipe_ring_read(BYTES_OF_ARRAY(pp->ring), &head, &len, dst));
	}
	pipe_unlock(pp);
	return r;
}

void vfs_pipe_consume(struct file *f, size_t n)
{
	struct pipe *pp = pipe_of(f);
	spin_lock(&pp->lock);
	bool writers_may_wait = VFS_PIPE_SIZE - pp->len < VFS_PIPE_BUF;
	if (n > pp->len)
		n = pp->len;
	pp->head = (pp->head + n) % VFS_PIPE_SIZE;
	pp->len -= n;
	if (pp->len == 0)
		pp->head = 0;
	pipe_unlock(pp);
	if (n && writers_may_wait)
		(void)waitq_wake_all(&pp->wq);
}

bool vfs_pipe_same(const struct file *a, const struct file *b)
{
	return pipe_of(a) == pipe_of(b);
}
