/*
 * fs_xattr.c — the extended attribute calls (setxattr, getxattr, listxattr, removexattr and
 * their l* and f* forms). No file system here keeps extended attributes: the file is looked
 * up (so a missing one is ENOENT, a bad fd EBADF, a bad name EFAULT/ERANGE), a list is empty,
 * and getting, setting or removing one is EOPNOTSUPP, as Linux says for such a file system.
 */
#include <fw/uaccess.h>
#include <syscall/define.h>

#define XATTR_NAME_MAX 255u
#define XATTR_CREATE 1u
#define XATTR_REPLACE 2u

/* check_name - the attribute name: 0, -EFAULT, -ERANGE (empty or longer than 255). */
static int check_name(u64 uname)
{
	struct upath name;
	int e = upath_get(&name, uname);
	if (!e && str_len(name.s) > XATTR_NAME_MAX)
		e = -ERANGE;
	if (e == -ENOENT || e == -ENAMETOOLONG)
		e = -ERANGE;
	upath_put(&name);
	return e;
}

/* check_path - the file names exists: 0 or the lookup's error. */
static int check_path(struct thread *p, u64 upath, bool follow)
{
	struct upath path;
	int e = upath_get(&path, upath);
	if (!e) {
		struct dentry_result d = vfs_lookup(&p->fs, path.s, follow);
		e = d.err;
		if (!e)
			vfs_dentry_put(d.value);
	}
	upath_put(&path);
	return e;
}

static int check_fd(struct thread *p, u64 fd)
{
	struct file *f = fd <= 0x7fffffff ? proc_fd_get(p, (i64)fd) : NULL;
	return f && !(f->flags & VFS_O_PATH) ? 0 : -EBADF; /* O_PATH: as Linux's fdget */
}

/* what: 0 set, 1 get, 2 list, 3 remove; by: 0 path, 1 lpath, 2 fd. `at` is the path's user
 * address or the descriptor (an int: the low 32 bits), `flags` setxattr's. */
static i64 do_xattr(struct thread *p, u64 at, u64 name, int flags, u32 what, u32 by)
{
	int e = by == 2 ? check_fd(p, (u64)(u32)at) : check_path(p, at, by == 0);
	if (e)
		return e;
	if (what == 2) /* listxattr(.., list, size): no attributes */
		return 0;
	e = check_name(name);
	if (e)
		return e;
	if (what == 0 && (flags & ~(int)(XATTR_CREATE | XATTR_REPLACE)))
		return -EINVAL;
	return -EOPNOTSUPP;
}

SYSCALL_DEFINE5(setxattr, ulong, path, ulong, name, ulong, value, size, size, int, flags)
{
	(void)value, (void)size;
	return do_xattr(p, path, name, flags, 0, 0);
}

SYSCALL_DEFINE5(lsetxattr, ulong, path, ulong, name, ulong, value, size, size, int, flags)
{
	(void)value, (void)size;
	return do_xattr(p, path, name, flags, 0, 1);
}

SYSCALL_DEFINE5(fsetxattr, int, fd, ulong, name, ulong, value, size, size, int, flags)
{
	(void)value, (void)size;
	return do_xattr(p, (u64)(u32)fd, name, flags, 0, 2);
}

SYSCALL_DEFINE2(getxattr, ulong, path, ulong, name)
{
	return do_xattr(p, path, name, 0, 1, 0);
}

SYSCALL_DEFINE2(lgetxattr, ulong, path, ulong, name)
{
	return do_xattr(p, path, name, 0, 1, 1);
}

SYSCALL_DEFINE2(fgetxattr, int, fd, ulong, name)
{
	return do_xattr(p, (u64)(u32)fd, name, 0, 1, 2);
}

SYSCALL_DEFINE1(listxattr, ulong, path)
{
	return do_xattr(p, path, 0, 0, 2, 0);
}

SYSCALL_DEFINE1(llistxattr, ulong, path)
{
	return do_xattr(p, path, 0, 0, 2, 1);
}

SYSCALL_DEFINE1(flistxattr, int, fd)
{
	return do_xattr(p, (u64)(u32)fd, 0, 0, 2, 2);
}

SYSCALL_DEFINE2(removexattr, ulong, path, ulong, name)
{
	return do_xattr(p, path, name, 0, 3, 0);
}

SYSCALL_DEFINE2(lremovexattr, ulong, path, ulong, name)
{
	return do_xattr(p, path, name, 0, 3, 1);
}

SYSCALL_DEFINE2(fremovexattr, int, fd, ulong, name)
{
	return do_xattr(p, (u64)(u32)fd, name, 0, 3, 2);
}
