/*
 * memfd.c — anonymous memory files (memfd_create(2)): a regular tmpfs inode with no name in
 * any directory (nlink 0), opened read-write; it lives while a file refers to it. All memfds
 * share one internal tmpfs instance, never mounted.
 */
#include <fs/vfs_internal.h>
#include <fw/heap.h>

static struct vfs_sb *memfd_sb GUARDED_BY(&vfs_lock);

struct file_result vfs_memfd(u32 uid, u32 gid)
{
	struct vfs_sb *fresh = NULL;
	mutex_lock(&vfs_lock);
	bool need = memfd_sb == NULL;
	mutex_unlock(&vfs_lock);
	if (need) {
		fresh = vfs_sb_new(VFS_TMPFS_MAGIC);
		if (!fresh)
			return file_result_err(-ENOMEM);
	}
	mutex_lock(&vfs_lock);
	if (!memfd_sb) {
		memfd_sb = fresh; /* its reference is the file system's own, for good */
		fresh = NULL;
	}
	struct inode *ip = ramfs_new_inode(memfd_sb, VFS_S_IFREG | 0777);
	if (ip) {
		ip->uid = uid;
		ip->gid = gid;
		ip->nlink = 0;
	}
	mutex_unlock(&vfs_lock);
	vfs_sb_put(fresh);
	if (!ip)
		return file_result_err(-ENOMEM);
	struct file *f = vfs_file_new(ip, VFS_O_RDWR);
	mutex_lock(&vfs_lock);
	vfs_inode_put(ip); /* the file holds it now (or nothing does) */
	mutex_unlock(&vfs_lock);
	return f ? file_result_ok(f) : file_result_err(-ENOMEM);
}
