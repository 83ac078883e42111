/*
 * anon.c — anonymous files (fs/vfs.h): the one open file of an object that no directory names
 * (epoll, eventfd, timerfd, pidfd, inotify, signalfd), Linux's anon_inode_getfile.
 *
 * The object embeds its struct inode (a checked subtype); vfs_anon_file fills in what every
 * such inode has in common — its lock, inode and file ops, mode 0600 with no file type bits
 * (as Linux's anonymous inodes), owner, one link and an inode number from one counter shared
 * by all kinds — and opens it O_RDWR | flags. The file then owns the inode: its last close calls the file
 * ops' release and, with the inode's last reference, the inode ops' destroy.
 */
#include <fs/vfs.h>

static struct spinlock anon_ino_lock = SPINLOCK_INIT(anon_ino_lock);
static u64 anon_next_ino GUARDED_BY(&anon_ino_lock) = 1;

struct file_result vfs_anon_file(struct inode *ip, const struct inode_ops *ops,
				 const struct file_ops *fops, u32 flags, u32 uid, u32 gid)
{
	vfs_inode_init(ip);
	ip->ops = ops;
	ip->fops = fops;
	ip->mode = 0600;
	ip->uid = uid;
	ip->gid = gid;
	ip->nlink = 1;
	spin_lock(&anon_ino_lock);
	ip->ino = anon_next_ino++;
	spin_unlock(&anon_ino_lock);
	refcount_init(&ip->refs, 1); /* dropped below: the file holds the inode */
	struct file *f = vfs_file_new(ip, VFS_O_RDWR | flags);
	down_write(&vfs_lock);
	vfs_inode_put(ip); /* without a file this is the last reference: ops->destroy */
	up_write(&vfs_lock);
	return f ? file_result_ok(f) : file_result_err(-ENOMEM);
}
