/*
 * syscall/signalfd.c — signalfd and signalfd4 over the files of proc/signalfd.c (a read is
 * signalfd_read, from sys_read; poll and epoll go through the file). Errors in Linux 6.1's
 * order.
 */
#include <fw/uaccess.h>
#include <proc/signalfd.h>
#include <syscall/define.h>
#include <syscall/syscall.h>
#include <uapi/events.h>

DEFINE_UCOPY(usigset, u64);

static i64 do_signalfd(struct thread *p, i64 fd, u64 umask, u64 size, u64 flags)
{
	if (size != sizeof(u64))
		return -EINVAL;
	u64 mask;
	if (usigset_from_user(&mask, uaddr(umask)))
		return -EFAULT;
	if (flags & ~(u64)(UAPI_SFD_CLOEXEC | UAPI_SFD_NONBLOCK))
		return -EINVAL;
	if (fd != -1) { /* a new mask for an existing signalfd */
		struct file *f = proc_fd_get(p, fd);
		if (!f)
			return -EBADF;
		if (!vfs_file_is_signalfd(f))
			return -EINVAL;
		signalfd_set_mask(f, mask);
		return fd;
	}
	struct file_result f = signalfd_new(p, mask, (u32)flags & UAPI_SFD_NONBLOCK);
	if (f.err)
		return f.err;
	struct result_i64 r = proc_fd_install(p, f.value, 0, (flags & UAPI_SFD_CLOEXEC) != 0);
	if (r.err)
		vfs_close(f.value);
	return r.err ? r.err : r.value;
}

/* signalfd4(fd, mask, sizemask, flags): flags an int */
SYSCALL_DEFINE4(signalfd4, int, fd, ulong, umask, size, sizemask, uint, flags)
{
	return do_signalfd(p, fd, umask, sizemask, flags);
}

/* signalfd(fd, mask, sizemask): signalfd4 with no flags */
SYSCALL_DEFINE3(signalfd, int, fd, ulong, umask, size, sizemask)
{
	return do_signalfd(p, fd, umask, sizemask, 0);
}
