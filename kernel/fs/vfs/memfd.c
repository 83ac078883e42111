/*
 * memfd.c — anonymous memory files (memfd_create(2)): a regular tmpfs inode with no name in
 * any directory (nlink 0), opened read-write; it lives while a file refers to it. All memfds
 * share one internal tmpfs instance, mounted nowhere a walk finds it (Linux's shm_mnt); each
 * has a dead dentry "memfd:NAME" under its root, so /proc/PID/fd/N reads
 * "/memfd:NAME (deleted)" as on Linux and opening or executing that link reaches the file.
 */
#include <fs/vfs_internal.h>
#include <fw/heap.h>
#include <vm/vm.h>

/* made by vfs_init (or the first memfd), kept for good; set once */
static struct vfs_mount *memfd_mnt GUARDED_BY(&vfs_lock);

/* memfd_mount - the mount, made if it is not yet; NULL when memory is short. */
static struct vfs_mount *memfd_mount(void)
{
	down_write(&vfs_lock);
	struct vfs_mount *m = memfd_mnt;
	up_write(&vfs_lock);
	if (m)
		return m;
	struct vfs_sb *sb = vfs_sb_new(VFS_TMPFS_MAGIC);
	if (!sb)
		return NULL;
	down_write(&vfs_lock);
	if (!memfd_mnt)
		memfd_mnt = vfs_internal_mount_locked(sb, STR("tmpfs"));
	m = memfd_mnt;
	up_write(&vfs_lock);
	vfs_sb_put(sb); /* the mount holds its own reference */
	return m;
}

void vfs_memfd_init(void)
{
	(void)memfd_mount();
}

struct file_result vfs_memfd(struct str name, u32 uid, u32 gid, bool sealing)
{
	struct vfs_mount *m = memfd_mount();
	if (!m)
		return file_result_err(-ENOMEM);
	down_write(&vfs_lock);
	struct inode *ip = ramfs_new_inode(m->sb, VFS_S_IFREG | 0777);
	struct file *f = NULL;
	if (ip) {
		ip->uid = uid;
		ip->gid = gid;
		ip->nlink = 0;
		ip->seals = sealing ? 0 : VFS_SEAL_SEAL; /* sealable: a tmpfs file */
		struct dentry_result d = vfs_pseudo_dentry_locked(m, name, ip);
		if (!d.err) {
			f = vfs_file_at_locked((struct vfs_path){ .mnt = m, .dentry = d.value },
					       VFS_O_RDWR);
			vfs_dentry_put_locked(d.value); /* the file holds it (or nothing: freed) */
		}
		vfs_inode_put(ip); /* the dentry holds it now (or nothing does) */
	}
	up_write(&vfs_lock);
	return f ? file_result_ok(f) : file_result_err(-ENOMEM);
}

i64 vfs_seals(struct file *f)
{
	struct inode *ip = f->inode;
	if (!ip || !ip->sealable)
		return -EINVAL;
	mutex_lock(&ip->lock);
	u32 s = ip->seals;
	mutex_unlock(&ip->lock);
	return s;
}

int vfs_add_seals(struct file *f, u32 seals)
{
	/* Linux's memfd_add_seals checks in this order: the open mode, the bits, the file */
	struct inode *ip = f->inode;
	if ((f->flags & VFS_O_ACCMODE) == VFS_O_RDONLY)
		return -EPERM; /* only a writable file may add seals */
	if (seals & ~VFS_SEALS_ALL)
		return -EINVAL;
	if (!ip || !ip->sealable)
		return -EINVAL;
	mutex_lock(&ip->lock);
	int e = (ip->seals & VFS_SEAL_SEAL) ? -EPERM : 0;
	/* F_SEAL_WRITE: -EBUSY while a shared mapping may write to the file; from now on no
	 * new one may (vm/map.c counts them, as Linux's mapping_deny_writable) */
	if (!e && (seals & VFS_SEAL_WRITE) && !(ip->seals & VFS_SEAL_WRITE) && ip->cache)
		e = vm_object_deny_writable(ip->cache);
	if (!e)
		ip->seals |= seals;
	mutex_unlock(&ip->lock);
	return e;
}
