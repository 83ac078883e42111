/*
 * fs_mount.c — mount(2) and umount2(2): decode the flags and strings, then one VFS call
 * (fs/vfs/mount.c): a new instance of a registered type (tmpfs, ramfs), MS_BIND, MS_REMOUNT
 * (per-mount flags), MS_MOVE, and the propagation types (every mount is private: MS_PRIVATE
 * is what there is, the others are accepted and change nothing).
 */
#include <fw/uaccess.h>
#include <syscall/define.h>
#include <uapi/fs.h>

#define MS_PROPAGATION (UAPI_MS_SHARED | UAPI_MS_PRIVATE | UAPI_MS_SLAVE | UAPI_MS_UNBINDABLE)

/* ustring - an optional user string (0: absent, `absent` then): 0 or -errno. */
static int ustring(struct upath *u, u64 addr, bool *absent)
{
	*absent = addr == 0;
	if (!addr) {
		upath_put(u); /* an empty string */
		return 0;
	}
	int e = upath_get(u, addr);
	if (e == -ENOENT) /* "" */
		e = 0;
	if (e)
		upath_put(u);
	return e;
}

SYSCALL_DEFINE5(mount, ulong, dev_name, ulong, dir_name, ulong, fstype, ulong, flags, ulong,
		data_page)
{
	if (p->fs.cred.euid != 0)
		return -EPERM;
	if ((flags & UAPI_MS_MGC_MSK) == UAPI_MS_MGC_VAL)
		flags &= ~(u64)UAPI_MS_MGC_MSK;
	struct upath source, target, type, data;
	bool no_source, no_target, no_type, no_data;
	int e = ustring(&target, dir_name, &no_target);
	if (e)
		return e;
	if (no_target || !str_len(target.s)) {
		upath_put(&target);
		return no_target ? -EFAULT : -ENOENT;
	}
	e = ustring(&source, dev_name, &no_source);
	if (!e) {
		e = ustring(&type, fstype, &no_type);
		if (!e) {
			e = ustring(&data, data_page, &no_data);
			if (!e) {
				u32 mflags = (u32)flags & VFS_MNT_FLAGS;
				if (flags & UAPI_MS_REMOUNT)
					e = vfs_mount_remount(&p->fs, target.s, mflags,
							      (flags & UAPI_MS_BIND) != 0, data.s);
				else if (flags & UAPI_MS_BIND)
					e = no_source ? -EFAULT
						      : vfs_mount_bind(&p->fs, source.s, target.s, mflags,
								       (flags & UAPI_MS_REC) != 0);
				else if (flags & MS_PROPAGATION) {
					struct path_result t = vfs_lookup_path(&p->fs, target.s, true);
					e = t.err;
					if (!e)
						vfs_path_put(t.value);
				} else if (flags & UAPI_MS_MOVE)
					e = no_source ? -EFAULT : vfs_mount_move(&p->fs, source.s, target.s);
				else if (no_type || !str_len(type.s))
					e = -EINVAL;
				else
					e = vfs_mount_new(&p->fs, type.s,
							  no_source || !str_len(source.s) ? STR("none") : source.s,
							  target.s, mflags, data.s);
				upath_put(&data);
			}
			upath_put(&type);
		}
		upath_put(&source);
	}
	upath_put(&target);
	return e;
}

SYSCALL_DEFINE2(umount2, ulong, name, int, flags)
{
	if (flags & ~(int)(UAPI_MNT_FORCE | UAPI_MNT_DETACH | UAPI_MNT_EXPIRE | UAPI_UMOUNT_NOFOLLOW))
		return -EINVAL;
	if ((flags & UAPI_MNT_EXPIRE) && (flags & (UAPI_MNT_FORCE | UAPI_MNT_DETACH)))
		return -EINVAL;
	if (p->fs.cred.euid != 0)
		return -EPERM;
	struct upath target;
	int e = upath_get(&target, name);
	if (!e && (flags & UAPI_MNT_EXPIRE))
		e = -EAGAIN; /* marked for expiry: nothing expires mounts here */
	if (!e)
		e = vfs_umount(&p->fs, target.s, (flags & UAPI_MNT_DETACH) != 0,
			       (flags & UAPI_UMOUNT_NOFOLLOW) != 0);
	upath_put(&target);
	return e;
}
