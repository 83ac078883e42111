/*
 * fs/vfs/poll.c — the one readiness entry point: every file type answers through its
 * file_ops.poll (docs/poll.md), and poll, ppoll, select and pselect6 ask only vfs_poll.
 */
#include "fs/vfs.h"

u32 vfs_poll(struct file *f, struct poll_table *pt)
{
	if (f->ops && f->ops->poll)
		return f->ops->poll(f, pt);
	return VFS_POLLIN | VFS_POLLOUT | VFS_POLLRDNORM | VFS_POLLWRNORM;
}
