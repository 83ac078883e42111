/*
 * pidfd.c — process file descriptors (proc/pidfd.h): an anonymous inode holding a reference
 * on a thread group's leader. The reference keeps the struct (its wait queue, its ids) alive
 * after the group is reaped; the system calls (syscall/pidfd.c) check `listed` to answer
 * ESRCH for a reaped one.
 *
 * Readiness watches the leader's exit_wq, which proc_exit wakes once the group is a zombie (a
 * reaped one stays readable; Linux 6.1 adds no POLLHUP then, later kernels do).
 */
#include <fw/typecache.h>
#include <proc/pidfd.h>

struct pidfd {
	struct inode vfs;
	struct thread *proc; /* immutable; a reference, dropped at the file's close */
};
DEFINE_SUBTYPE(pidfd_inode, struct pidfd, vfs, struct inode, tag);

struct thread *pidfd_process(struct file *f)
{
	return pidfd_inode_from(f->inode)->proc;
}

/* pidfd_poll - readable once every thread of the group has exited (a zombie, or reaped). */
static u32 pidfd_poll(struct file *f, struct poll_table *pt)
{
	struct thread *g = pidfd_process(f);
	poll_wait(pt, &g->exit_wq);
	spin_lock(&proc_lock);
	bool exited = !g->listed || g->state == PROC_ZOMBIE;
	spin_unlock(&proc_lock);
	return exited ? VFS_POLLIN | VFS_POLLRDNORM : 0;
}

static struct result_size pidfd_rw(struct inode *ip, struct bytes b, u64 pos)
{
	(void)ip;
	(void)b;
	(void)pos;
	return result_size_err(-EINVAL); /* Linux's pidfd_fops has neither */
}

/* pidfd_release - the file is closed: the process may go. */
static void pidfd_release(struct inode *ip, u32 flags)
{
	(void)flags;
	struct pidfd *pf = pidfd_inode_from(ip);
	struct thread *g = pf->proc;
	pf->proc = NULL;
	if (g)
		proc_put(g);
}

static void pidfd_destroy(struct inode *ip)
{
	pidfd_inode_delete(pidfd_inode_from(ip));
}

static const struct inode_ops pidfd_ops = {
	.destroy = pidfd_destroy,
};

static const struct file_ops pidfd_fops = {
	.poll = pidfd_poll,
	.read = pidfd_rw,
	.write = pidfd_rw,
	.release = pidfd_release,
};

bool vfs_file_is_pidfd(const struct file *f)
{
	return f->ops == &pidfd_fops;
}

struct file_result pidfd_new(struct thread *g, u32 flags)
{
	struct pidfd *pf = pidfd_inode_new();
	if (!pf)
		return file_result_err(-ENOMEM);
	proc_get(g);
	pf->proc = g;
	struct file_result r = vfs_anon_file(pidfd_inode_base(pf), &pidfd_ops, &pidfd_fops, flags, 0, 0);
	if (r.err)
		proc_put(g); /* no file, no release: the reference is ours to drop */
	return r;
}
