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
 * with the read end closed is -EPIPE (SIGPIPE is not delivered: signals do not exist yet);
 * a chunk of at most PIPE_BUF bytes goes in whole or not at all (-EAGAIN); a larger one goes
 * in as far as it fits. Every change a waiter could care about (bytes in, bytes out, an end
 * closing) bumps a counter that the process runner takes to wake the processes waiting on
 * pipes (vfs_pipe_take_events), so no wake-up is lost.
 */
#include <fs/vfs.h>
#include <fw/typecache.h>

struct pipe {
	struct inode vfs;
	u8 ring[VFS_PIPE_SIZE];
	size_t head;      /* index of the oldest buffered byte */
	size_t len;       /* bytes buffered */
	bool reader, writer; /* the ends still open */
};
DEFINE_SUBTYPE(pipe, struct pipe, vfs, struct inode, tag);

static u64 pipe_events;
static u64 pipe_next_ino = 1;

bool vfs_pipe_take_events(void)
{
	bool any = pipe_events != 0;
	pipe_events = 0;
	return any;
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
	if (pp->len == 0)
		return pp->writer ? result_size_err(-EAGAIN) : result_size_ok(0);
	size_t n = pipe_ring_read(BYTES_OF_ARRAY(pp->ring), &pp->head, &pp->len, dst);
	if (pp->len == 0)
		pp->head = 0;
	pipe_events++;
	return result_size_ok(n);
}

static struct result_size pipe_write(struct inode *ip, struct bytes src, u64 pos)
{
	(void)pos;
	struct pipe *pp = pipe_from(ip);
	if (!pp->reader)
		return result_size_err(-EPIPE);
	if (bytes_len(src) == 0)
		return result_size_ok(0);
	size_t room = VFS_PIPE_SIZE - pp->len;
	if (room == 0 || (bytes_len(src) <= VFS_PIPE_BUF && room < bytes_len(src)))
		return result_size_err(-EAGAIN);
	size_t n = pipe_ring_write(BYTES_OF_ARRAY(pp->ring), pp->head, &pp->len, src);
	pipe_events++;
	return result_size_ok(n);
}

static void pipe_release(struct inode *ip, u32 flags)
{
	struct pipe *pp = pipe_from(ip);
	if ((flags & VFS_O_ACCMODE) == VFS_O_RDONLY)
		pp->reader = false;
	else
		pp->writer = false;
	pipe_events++;
}

static void pipe_destroy(struct inode *ip)
{
	struct pipe *pp = pipe_from(ip);
	pipe_delete(pp);
}

static const struct inode_ops pipe_ops = {
	.read = pipe_read,
	.write = pipe_write,
	.release = pipe_release,
	.destroy = pipe_destroy,
};

bool vfs_file_is_pipe(const struct file *f)
{
	return f->ops == &pipe_ops;
}

u32 vfs_pipe_poll(struct file *f)
{
	struct pipe *pp = pipe_from(f->inode);
	u32 ev = 0;
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
	return ev;
}

int vfs_pipe(u32 flags, u32 uid, u32 gid, struct file **rd, struct file **wr)
{
	struct pipe *pp = pipe_new();
	if (!pp)
		return -ENOMEM;
	pp->reader = pp->writer = true;
	struct inode *ip = pipe_base(pp);
	ip->ops = &pipe_ops;
	ip->mode = VFS_S_IFIFO | 0600;
	ip->uid = uid;
	ip->gid = gid;
	ip->nlink = 1;
	ip->ino = pipe_next_ino++;
	refcount_init(&ip->refs, 1); /* dropped below: the files hold the inode */
	struct file *r = vfs_file_new(ip, VFS_O_RDONLY | flags);
	struct file *w = r ? vfs_file_new(ip, VFS_O_WRONLY | flags) : NULL;
	if (!w) {
		if (r)
			vfs_close(r);
		litelock_lock(&vfs_lock);
		vfs_inode_put(ip);
		litelock_unlock(&vfs_lock);
		return -ENOMEM;
	}
	litelock_lock(&vfs_lock);
	vfs_inode_put(ip);
	litelock_unlock(&vfs_lock);
	*rd = r;
	*wr = w;
	return 0;
}
