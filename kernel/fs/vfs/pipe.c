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
 * guarded by the pipe's spinlock, and the VFS calls these ops with no other lock held.
 */
#include <fs/vfs.h>
#include <fw/sync.h>
#include <fw/typecache.h>

struct pipe {
	struct inode vfs;
	struct spinlock lock;
	struct waitq wq;  /* readers and writers waiting for a change */
	u8 ring[VFS_PIPE_SIZE] GUARDED_BY(&lock);
	size_t head GUARDED_BY(&lock); /* index of the oldest buffered byte */
	size_t len GUARDED_BY(&lock);  /* bytes buffered */
	bool reader GUARDED_BY(&lock), writer GUARDED_BY(&lock); /* the ends still open */
};
DEFINE_SUBTYPE(pipe, struct pipe, vfs, struct inode, tag);

static struct spinlock pipe_ino_lock = SPINLOCK_INIT(pipe_ino_lock);
static u64 pipe_next_ino GUARDED_BY(&pipe_ino_lock) = 1;

struct waitq *vfs_pipe_waitq(struct file *f)
{
	return &pipe_from(f->inode)->wq;
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
		if (pp->writer)
			r = result_size_err(-EAGAIN);
	} else {
		r = result_size_ok(pipe_ring_read(BYTES_OF_ARRAY(pp->ring), &pp->head, &pp->len, dst));
		if (pp->len == 0)
			pp->head = 0;
	}
	spin_unlock(&pp->lock);
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
	if (!pp->reader)
		r = result_size_err(-EPIPE);
	else if (bytes_len(src) == 0)
		r = result_size_ok(0);
	else if (room == 0 || (bytes_len(src) <= VFS_PIPE_BUF && room < bytes_len(src)))
		r = result_size_err(-EAGAIN);
	else
		r = result_size_ok(pipe_ring_write(BYTES_OF_ARRAY(pp->ring), pp->head, &pp->len, src));
	spin_unlock(&pp->lock);
	if (!r.err && r.value)
		(void)waitq_wake_all(&pp->wq);
	return r;
}

static void pipe_release(struct inode *ip, u32 flags)
{
	struct pipe *pp = pipe_from(ip);
	spin_lock(&pp->lock);
	if ((flags & VFS_O_ACCMODE) == VFS_O_RDONLY)
		pp->reader = false;
	else
		pp->writer = false;
	spin_unlock(&pp->lock);
	(void)waitq_wake_all(&pp->wq);
}

static void pipe_destroy(struct inode *ip)
{
	struct pipe *pp = pipe_from(ip);
	pipe_delete(pp);
}

static u32 pipe_poll(struct file *f, struct poll_table *pt);

static const struct inode_ops pipe_ops = {
	.read = pipe_read,
	.write = pipe_write,
	.release = pipe_release,
	.destroy = pipe_destroy,
	.poll = pipe_poll,
};

bool vfs_file_is_pipe(const struct file *f)
{
	return f->ops == &pipe_ops;
}

u32 vfs_pipe_poll(struct file *f)
{
	struct pipe *pp = pipe_from(f->inode);
	u32 ev = 0;
	spin_lock(&pp->lock);
	if ((f->flags & VFS_O_ACCMODE) == VFS_O_RDONLY) {
		if (pp->len)
			ev |= VFS_POLLIN;
		if (!pp->writer)
			ev |= VFS_POLLHUP;
	} else {
		if (VFS_PIPE_SIZE - pp->len >= VFS_PIPE_BUF)
			ev |= VFS_POLLOUT;
		if (!pp->reader)
			ev |= VFS_POLLERR;
	}
	spin_unlock(&pp->lock);
	return ev;
}

/* pipe_poll - vfs_pipe_poll, watching the pipe's queue (every change wakes it). */
static u32 pipe_poll(struct file *f, struct poll_table *pt)
{
	poll_wait(pt, &pipe_from(f->inode)->wq);
	u32 ev = vfs_pipe_poll(f);
	if (ev & VFS_POLLIN)
		ev |= VFS_POLLRDNORM;
	if (ev & VFS_POLLOUT)
		ev |= VFS_POLLWRNORM;
	return ev;
}

int vfs_pipe(u32 flags, u32 uid, u32 gid, struct file **rd, struct file **wr)
{
	struct pipe *pp = pipe_new();
	if (!pp)
		return -ENOMEM;
	spin_lock_init(&pp->lock);
	waitq_init(&pp->wq);
	spin_lock(&pp->lock);
	pp->reader = pp->writer = true;
	spin_unlock(&pp->lock);
	struct inode *ip = pipe_base(pp);
	vfs_inode_init(ip);
	ip->ops = &pipe_ops;
	ip->atime = ip->mtime = ip->ctime = vfs_now();
	ip->mode = VFS_S_IFIFO | 0600;
	ip->uid = uid;
	ip->gid = gid;
	ip->nlink = 1;
	spin_lock(&pipe_ino_lock);
	ip->ino = pipe_next_ino++;
	spin_unlock(&pipe_ino_lock);
	refcount_init(&ip->refs, 1); /* dropped below: the files hold the inode */
	struct file *r = vfs_file_new(ip, VFS_O_RDONLY | flags);
	struct file *w = r ? vfs_file_new(ip, VFS_O_WRONLY | flags) : NULL;
	if (!w) {
		if (r)
			vfs_close(r);
		mutex_lock(&vfs_lock);
		vfs_inode_put(ip);
		mutex_unlock(&vfs_lock);
		return -ENOMEM;
	}
	mutex_lock(&vfs_lock);
	vfs_inode_put(ip);
	mutex_unlock(&vfs_lock);
	*rd = r;
	*wr = w;
	return 0;
}
