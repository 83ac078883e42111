/*
 * eventfd.c — eventfd(2) files (fs/vfs.h): an anonymous inode holding a 64-bit counter.
 *
 * Linux semantics: a read needs an 8-byte buffer (-EINVAL otherwise); it returns the counter
 * and zeroes it, or with EFD_SEMAPHORE returns 1 and takes 1; a zero counter is -EAGAIN (the
 * read system call turns that into waiting unless O_NONBLOCK). A write adds an 8-byte value;
 * 0xffffffffffffffff is -EINVAL, and a sum above 0xfffffffffffffffe is -EAGAIN (waiting). Each
 * change wakes the file's wait queue (vfs_eventfd_waitq), where readers and writers sleep and
 * which poll/select watch through file_ops.poll (docs/poll.md).
 *
 * A blocked write waits until *its* value fits (vfs_eventfd_fits), not for POLLOUT: POLLOUT
 * only says that 1 fits, so a large value under a nonzero counter is not writable although
 * the file polls writable (as on Linux). write(2) adds through vfs_eventfd_add with the value
 * copied in once (syscall/fs.c).
 */
#include <fs/vfs.h>
#include <fw/sync.h>
#include <fw/typecache.h>

#define EFD_MAX 0xfffffffffffffffeULL

struct efd {
	struct inode vfs;
	struct spinlock lock;
	struct waitq wq;
	u64 count GUARDED_BY(&lock);
	bool semaphore;
};
DEFINE_SUBTYPE(efd, struct efd, vfs, struct inode, tag);

struct waitq *vfs_eventfd_waitq(struct file *f)
{
	return &efd_from(f->inode)->wq;
}

static struct result_size efd_read(struct inode *ip, struct bytes dst, u64 pos)
{
	(void)pos;
	struct efd *e = efd_from(ip);
	if (bytes_len(dst) < 8)
		return result_size_err(-EINVAL);
	spin_lock(&e->lock);
	u64 v = 0;
	if (e->count) {
		v = e->semaphore ? 1 : e->count;
		e->count -= v;
	}
	spin_unlock(&e->lock);
	if (!v)
		return result_size_err(-EAGAIN);
	if (bytes_put_le64(dst, 0, v))
		return result_size_err(-EFAULT);
	(void)waitq_wake_all(&e->wq);
	return result_size_ok(8);
}

/* efd_add - add v to the counter when it fits: 0, -EINVAL (v is 2^64-1) or -EAGAIN. */
static int efd_add(struct efd *e, u64 v)
{
	if (v == ~0ULL)
		return -EINVAL;
	spin_lock(&e->lock);
	bool fits = EFD_MAX - e->count >= v;
	if (fits)
		e->count += v;
	spin_unlock(&e->lock);
	if (!fits)
		return -EAGAIN;
	if (v)
		(void)waitq_wake_all(&e->wq);
	return 0;
}

int vfs_eventfd_add(struct file *f, u64 v)
{
	return efd_add(efd_from(f->inode), v);
}

bool vfs_eventfd_fits(struct file *f, u64 v)
{
	struct efd *e = efd_from(f->inode);
	spin_lock(&e->lock);
	bool fits = EFD_MAX - e->count >= v;
	spin_unlock(&e->lock);
	return fits;
}

static struct result_size efd_write(struct inode *ip, struct bytes src, u64 pos)
{
	(void)pos;
	if (bytes_len(src) < 8)
		return result_size_err(-EINVAL);
	struct result_u64 rv = bytes_le64(src, 0);
	if (rv.err)
		return result_size_err(-EFAULT);
	int err = efd_add(efd_from(ip), rv.value);
	return err ? result_size_err(err) : result_size_ok(8);
}

static void efd_destroy(struct inode *ip)
{
	efd_delete(efd_from(ip));
}

static u32 efd_poll(struct file *f, struct poll_table *pt);

static const struct inode_ops efd_ops = {
	.destroy = efd_destroy,
};

static const struct file_ops efd_fops = {
	.llseek = vfs_noop_llseek,
	.poll = efd_poll,
	.read = efd_read,
	.write = efd_write,
};

bool vfs_file_is_eventfd(const struct file *f)
{
	return f->ops == &efd_fops;
}

u32 vfs_eventfd_poll(struct file *f)
{
	struct efd *e = efd_from(f->inode);
	u32 ev = 0;
	spin_lock(&e->lock);
	if (e->count)
		ev |= VFS_POLLIN;
	if (e->count < EFD_MAX)
		ev |= VFS_POLLOUT;
	spin_unlock(&e->lock);
	return ev;
}

/* efd_poll - vfs_eventfd_poll, watching the counter's queue (every change wakes it). */
static u32 efd_poll(struct file *f, struct poll_table *pt)
{
	poll_wait(pt, &efd_from(f->inode)->wq);
	u32 ev = vfs_eventfd_poll(f);
	if (ev & VFS_POLLIN)
		ev |= VFS_POLLRDNORM;
	if (ev & VFS_POLLOUT)
		ev |= VFS_POLLWRNORM;
	return ev;
}

int vfs_eventfd(u64 initval, bool semaphore, u32 flags, u32 uid, u32 gid, struct file **out)
{
	struct efd *e = efd_new();
	if (!e)
		return -ENOMEM;
	spin_lock_init(&e->lock);
	waitq_init(&e->wq);
	spin_lock(&e->lock);
	e->count = initval;
	spin_unlock(&e->lock);
	e->semaphore = semaphore;
	struct file_result r = vfs_anon_file(efd_base(e), &efd_ops, &efd_fops, flags, uid, gid);
	if (r.err)
		return r.err;
	*out = r.value;
	return 0;
}
