/*
 * syscall/inotify.c — inotify_init, inotify_init1, inotify_add_watch and inotify_rm_watch
 * over the instances of fs/vfs/inotify.c (read, poll, epoll and FIONREAD go through the file).
 * Errors in Linux 6.1's order.
 */
#include <syscall/syscall.h>
#include <uapi/events.h>

i64 sys_inotify_init1(struct process *p, const struct sc_args *a)
{
	u32 flags = (u32)a->a[0];
	if (a->a[0] & ~(u64)(UAPI_IN_CLOEXEC | UAPI_IN_NONBLOCK))
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

i64 sys_inotify_init(struct process *p, const struct sc_args *a)
{
	(void)a;
	struct sc_args none = { 0 };
	return sys_inotify_init1(p, &none);
}

/* the bits inotify_add_watch knows (Linux's ALL_INOTIFY_BITS) */
#define IN_KNOWN_BITS                                                                       \
	(UAPI_IN_ALL_EVENTS | UAPI_IN_ONLYDIR | UAPI_IN_DONT_FOLLOW | UAPI_IN_EXCL_UNLINK |   \
	 UAPI_IN_MASK_CREATE | UAPI_IN_MASK_ADD | UAPI_IN_ONESHOT | UAPI_IN_ISDIR |          \
	 UAPI_IN_UNMOUNT | UAPI_IN_Q_OVERFLOW | UAPI_IN_IGNORED)

static struct file *inotify_file(struct process *p, u64 fd, int *err)
{
	struct file *f = proc_fd_get(p, (i64)(int)fd);
	*err = !f ? -EBADF : !vfs_file_is_inotify(f) ? -EINVAL : 0;
	return *err ? NULL : f;
}

/* inotify_add_watch(fd, path, mask): a watch descriptor for path's inode (the same one again
 * for an inode already watched: its mask replaced, or extended with IN_MASK_ADD). */
i64 sys_inotify_add_watch(struct process *p, const struct sc_args *a)
{
	u32 mask = (u32)a->a[2];
	if ((mask & UAPI_IN_MASK_ADD) && (mask & UAPI_IN_MASK_CREATE))
		return -EINVAL;
	if (!(mask & IN_KNOWN_BITS))
		return -EINVAL;
	int e;
	struct file *f = inotify_file(p, a->a[0], &e);
	if (!f)
		return e;
	struct upath path;
	e = upath_get(&path, a->a[1]);
	if (e)
		return e;
	struct result_i64 r = vfs_inotify_add_watch(f, &p->fs, path.s, mask);
	upath_put(&path);
	return r.err ? r.err : r.value;
}

i64 sys_inotify_rm_watch(struct process *p, const struct sc_args *a)
{
	int e;
	struct file *f = inotify_file(p, a->a[0], &e);
	if (!f)
		return e;
	return vfs_inotify_rm_watch(f, (i32)a->a[1]);
}
