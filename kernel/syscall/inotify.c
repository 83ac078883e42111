/*
 * syscall/inotify.c — inotify_init, inotify_init1, inotify_add_watch and inotify_rm_watch
 * over the instances of fs/vfs/inotify.c (read, poll, epoll and FIONREAD go through the file).
 * Errors in Linux 6.1's order.
 */
#include <syscall/define.h>
#include <uapi/events.h>

/* inotify_init1 - a new instance (flags: IN_CLOEXEC, IN_NONBLOCK). */
static i64 inotify_new_fd(struct thread *p, int iflags)
{
	u32 flags = (u32)iflags;
	if (flags & ~(u32)(UAPI_IN_CLOEXEC | UAPI_IN_NONBLOCK))
		return -EINVAL;
	/* root owns anonymous inodes on Linux, whoever made them */
	struct file_result f = vfs_inotify_new(flags & UAPI_IN_NONBLOCK, 0, 0);
	if (f.err)
		return f.err;
	struct result_i64 r = proc_fd_install(p, f.value, 0, (flags & UAPI_IN_CLOEXEC) != 0);
	if (r.err)
		vfs_close(f.value);
	return r.err ? r.err : r.value;
}

SYSCALL_DEFINE1(inotify_init1, int, flags)
{
	return inotify_new_fd(p, flags);
}

SYSCALL_DEFINE0(inotify_init)
{
	return inotify_new_fd(p, 0);
}

/* the bits inotify_add_watch knows (Linux's ALL_INOTIFY_BITS) */
#define IN_KNOWN_BITS                                                                       \
	(UAPI_IN_ALL_EVENTS | UAPI_IN_ONLYDIR | UAPI_IN_DONT_FOLLOW | UAPI_IN_EXCL_UNLINK |   \
	 UAPI_IN_MASK_CREATE | UAPI_IN_MASK_ADD | UAPI_IN_ONESHOT | UAPI_IN_ISDIR |          \
	 UAPI_IN_UNMOUNT | UAPI_IN_Q_OVERFLOW | UAPI_IN_IGNORED)

static struct file *inotify_file(struct thread *p, int fd, int *err)
{
	struct file *f = proc_fd_get(p, fd);
	*err = !f ? -EBADF : !vfs_file_is_inotify(f) ? -EINVAL : 0;
	return *err ? NULL : f;
}

/* inotify_add_watch(fd, path, mask): a watch descriptor for path's inode (the same one again
 * for an inode already watched: its mask replaced, or extended with IN_MASK_ADD). */
SYSCALL_DEFINE3(inotify_add_watch, int, fd, ulong, pathname, uint, mask)
{
	if ((mask & UAPI_IN_MASK_ADD) && (mask & UAPI_IN_MASK_CREATE))
		return -EINVAL;
	if (!(mask & IN_KNOWN_BITS))
		return -EINVAL;
	int e;
	struct file *f = inotify_file(p, fd, &e);
	if (!f)
		return e;
	struct upath path;
	e = upath_get(&path, pathname);
	if (e)
		return e;
	struct result_i64 r = vfs_inotify_add_watch(f, &p->fs, path.s, mask);
	upath_put(&path);
	return r.err ? r.err : r.value;
}

SYSCALL_DEFINE2(inotify_rm_watch, int, fd, int, wd)
{
	int e;
	struct file *f = inotify_file(p, fd, &e);
	if (!f)
		return e;
	return vfs_inotify_rm_watch(f, wd);
}
