/*
 * fs_xattr.c — the extended attribute calls (setxattr, getxattr, listxattr, removexattr and
 * their l* and f* forms). No file system here keeps extended attributes: the file is looked
 * up (so a missing one is ENOENT, a bad fd EBADF, a bad name EFAULT/ERANGE), a list is empty,
 * and getting, setting or removing one is EOPNOTSUPP, as Linux says for such a file system.
 */
#include <fw/uaccess.h>
#include <syscall/syscall.h>

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
static int check_path(struct process *p, u64 upath, bool follow)
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

static int check_fd(struct process *p, u64 fd)
{
	struct file *f = fd <= 0x7fffffff ? proc_fd_get(p, (i64)fd) : NULL;
	return f && !(f->flags & VFS_O_PATH) ? 0 : -EBADF; /* O_PATH: as Linux's fdget */
}

/* what: 0 set, 1 get, 2 list, 3 remove; by: 0 path, 1 lpath, 2 fd. */
static i64 do_xattr(struct process *p, const struct sc_args *a, u32 what, u32 by)
{
	int e = by == 2 ? check_fd(p, a->a[0]) : check_path(p, a->a[0], by == 0);
	if (e)
		return e;
	if (what == 2) /* listxattr(.., list, size): no attributes */
		return 0;
	e = check_name(a->a[1]);
	if (e)
		return e;
	if (what == 0 && (a->a[4] & ~(u64)(XATTR_CREATE | XATTR_REPLACE)))
		return -EINVAL;
	return -EOPNOTSUPP;
}

i64 sys_setxattr(struct process *p, const struct sc_args *a)
{
	return do_xattr(p, a, 0, 0);
}

i64 sys_lsetxattr(struct process *p, const struct sc_args *a)
{
	return do_xattr(p, a, 0, 1);
}

i64 sys_fsetxattr(struct process *p, const struct sc_args *a)
{
	return do_xattr(p, a, 0, 2);
}

i64 sys_getxattr(struct process *p, const struct sc_args *a)
{
	return do_xattr(p, a, 1, 0);
}

i64 sys_lgetxattr(struct process *p, const struct sc_args *a)
{
	return do_xattr(p, a, 1, 1);
}

i64 sys_fgetxattr(struct process *p, const struct sc_args *a)
{
	return do_xattr(p, a, 1, 2);
}

i64 sys_listxattr(struct process *p, const struct sc_args *a)
{
	return do_xattr(p, a, 2, 0);
}

i64 sys_llistxattr(struct process *p, const struct sc_args *a)
{
	return do_xattr(p, a, 2, 1);
}

i64 sys_flistxattr(struct process *p, const struct sc_args *a)
{
	return do_xattr(p, a, 2, 2);
}

i64 sys_removexattr(struct process *p, const struct sc_args *a)
{
	return do_xattr(p, a, 3, 0);
}

i64 sys_lremovexattr(struct process *p, const struct sc_args *a)
{
	return do_xattr(p, a, 3, 1);
}

i64 sys_fremovexattr(struct process *p, const struct sc_args *a)
{
	return do_xattr(p, a, 3, 2);
}

