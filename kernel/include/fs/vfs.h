/*
 * fs/vfs.h — the VFS core: inodes (one subtype per file system, reached by checked
 * downcasts, behaviour in a static const ops table), a dentry tree that is also the name
 * cache, path lookup with `.`, `..`, symlinks (ELOOP after 40, or 8 deep) and mount points,
 * Linux's permission checks (owner/group/other, root bypass), open files with offsets and
 * getdents64 records. ramfs (fs/vfs/ramfs.c) is the first file system: like Linux's ramfs its
 * directories live entirely in the dentry tree.
 *
 * Locking: one namespace lock, `vfs_lock`, guards the tree, every inode's fields and every
 * open file's offset (the sync layer will split it). Public functions take it themselves.
 */
#ifndef KERNEL_FS_VFS_H
#define KERNEL_FS_VFS_H

#include <fw/bytes.h>
#include <fw/list.h>
#include <fw/litelock.h>
#include <fw/refcount.h>
#include <fw/result.h>
#include <fw/str.h>
#include <fw/subtype.h>
#include <fw/sync.h>
#include <fw/types.h>

#define VFS_NAME_MAX 255u
#define VFS_PATH_MAX 4096u
#define VFS_MAXSYMLINKS 40u /* symlinks followed in one lookup (Linux) */
#define VFS_MAX_NEST 8u     /* symlinks being expanded at once */

/* st_mode bits (Linux values) */
#define VFS_S_IFMT 0170000u
#define VFS_S_IFLNK 0120000u
#define VFS_S_IFREG 0100000u
#define VFS_S_IFDIR 0040000u
#define VFS_S_IFCHR 0020000u
#define VFS_S_IFBLK 0060000u
#define VFS_S_IFIFO 0010000u
#define VFS_S_IFSOCK 0140000u

#define VFS_MAY_EXEC 1u
#define VFS_MAY_WRITE 2u
#define VFS_MAY_READ 4u

/* open flags (x86-64 Linux values) */
#define VFS_O_ACCMODE 03u
#define VFS_O_RDONLY 0u
#define VFS_O_WRONLY 01u
#define VFS_O_RDWR 02u
#define VFS_O_CREAT 0100u
#define VFS_O_EXCL 0200u
#define VFS_O_TRUNC 01000u
#define VFS_O_APPEND 02000u
#define VFS_O_DIRECTORY 0200000u
#define VFS_O_NOFOLLOW 0400000u
#define VFS_O_CLOEXEC 02000000u

struct inode;
struct dentry;

/* The credentials permission checks use (fsuid/fsgid are the effective ids here). */
struct cred {
	u32 uid, gid, euid, egid;
};

/* What a file system does for one kind of inode: a static const table per kind. */
struct inode_ops {
	/* bytes read at `pos` into dst (0 at the end), or -errno */
	struct result_size (*read)(struct inode *ip, struct bytes dst, u64 pos);
	/* bytes written from src at `pos`, or -errno */
	struct result_size (*write)(struct inode *ip, struct bytes src, u64 pos);
	/* the target of a symlink; valid while the inode lives */
	struct str (*readlink)(struct inode *ip);
	/* set the size (zero-filling growth); 0 or -errno */
	int (*truncate)(struct inode *ip, u64 size);
	/* an open file on it (open(2) `flags`) is closed: its last reference is gone */
	void (*release)(struct inode *ip, u32 flags);
	/* free the object: the last reference is gone */
	void (*destroy)(struct inode *ip);
};

struct vm_object;

struct inode {
	struct type_tag tag;
	const struct inode_ops *ops;
	struct vm_object *cache; /* the page cache of a regular file's data (vm/vm.h), or NULL:
				  * mmap and exec map its frames */
	struct refcount refs; /* one per dentry naming it, one per open file */
	u64 ino;
	u32 mode;
	u32 uid, gid;
	u32 nlink;
	u64 size;
	u32 rdev_major, rdev_minor;
};

struct dentry_dir; /* the children of a directory dentry (vfs.c) */

struct dentry {
	struct list_link sibling;   /* on the parent's children list */
	struct dentry *parent;      /* itself for a file system's root */
	struct inode *inode;
	struct dentry_dir *dir;     /* children, for directories */
	struct dentry *mounted;     /* root of the file system mounted here, or NULL */
	struct dentry *mountpoint;  /* for a mounted root: where it is mounted */
	u64 generation;             /* bumps on every change of the children (getdents) */
	size_t name_len;
	u8 name[VFS_NAME_MAX + 1];
};

/* Where a lookup starts and who asks. */
struct vfs_ctx {
	struct dentry *root;
	struct dentry *cwd;
	struct cred cred;
};

struct file {
	struct refcount refs;
	struct dentry *dentry;
	struct inode *inode;
	const struct inode_ops *ops; /* the inode's, or its device's for a device node */
	bool tty;                    /* a terminal (ioctl TCGETS works, lseek is ESPIPE) */
	u32 flags;
	u64 pos; /* for directories: the index of the next entry */
};

DEFINE_RESULT(dentry_result, struct dentry *);
DEFINE_RESULT(file_result, struct file *);

/* stat fields the syscall layer copies into struct stat. */
struct vfs_stat {
	u64 ino;
	u32 mode, nlink, uid, gid;
	u64 size;
	u32 rdev_major, rdev_minor;
};

/* vfs_init - a ramfs root (mode 0755, root-owned); its dentry, or -ENOMEM. Once. */
struct dentry_result vfs_init(void);

/* vfs_free_tree - free a whole tree from its root `top` (from vfs_init, not mounted anywhere),
 * the file systems mounted in it included. Needs: no file in it is open and no process uses
 * it. Iterative: any depth. */
void vfs_free_tree(struct dentry *top);

/* Lookup: the dentry `path` names (following a final symlink when `follow`). */
struct dentry_result vfs_lookup(const struct vfs_ctx *c, struct str path, bool follow);

/* Namespace changes: 0 or -errno, as mkdir(2), mknod(2), symlink(2), unlink(2), rmdir(2). */
int vfs_mkdir(const struct vfs_ctx *c, struct str path, u32 mode);
int vfs_mknod(const struct vfs_ctx *c, struct str path, u32 mode, u32 major, u32 minor);
int vfs_symlink(const struct vfs_ctx *c, struct str target, struct str path);
int vfs_unlink(const struct vfs_ctx *c, struct str path);
int vfs_rmdir(const struct vfs_ctx *c, struct str path);
/* vfs_mount_ramfs - mount a fresh, empty ramfs on the directory `path`. */
int vfs_mount_ramfs(const struct vfs_ctx *c, struct str path);

/* Files: open(2) flags and mode; the file holds a reference until vfs_close. */
struct file_result vfs_open(const struct vfs_ctx *c, struct str path, u32 flags, u32 mode);
void vfs_file_get(struct file *f);
void vfs_close(struct file *f);
struct result_size vfs_read(struct file *f, struct bytes dst);
struct result_size vfs_write(struct file *f, struct bytes src);
/* vfs_pread / vfs_pwrite - the same at `pos`, leaving the file offset alone. */
struct result_size vfs_pread(struct file *f, struct bytes dst, u64 pos);
struct result_size vfs_pwrite(struct file *f, struct bytes src, u64 pos);
/* vfs_lseek - SEEK_SET 0, SEEK_CUR 1, SEEK_END 2; the new offset or -EINVAL. */
struct result_i64 vfs_lseek(struct file *f, i64 off, int whence);
/* vfs_getdents64 - linux_dirent64 records into dst (".", "..", then the children); bytes
 * written, 0 at the end, -EINVAL when dst cannot hold the next record, -ENOTDIR. */
struct result_size vfs_getdents64(struct file *f, struct bytes dst);
void vfs_stat_inode(struct inode *ip, struct vfs_stat *st);
int vfs_stat(const struct vfs_ctx *c, struct str path, bool follow, struct vfs_stat *st);
/* vfs_readlink - copy the target of the symlink at `path` into dst: bytes, -EINVAL if not a link. */
struct result_size vfs_readlink(const struct vfs_ctx *c, struct str path, struct bytes dst);
/* vfs_getcwd - the absolute path of `d` relative to `root`, NUL-terminated, into dst:
 * its length with the NUL, or -ERANGE. */
struct result_size vfs_path_of(struct dentry *root, struct dentry *d, struct bytes dst);
/* vfs_permission - may `cred` access `ip` for `mask` (VFS_MAY_*): 0 or -EACCES. */
int vfs_permission(const struct inode *ip, const struct cred *cred, u32 mask);

/* initramfs_unpack - every entry of the newc archive into the tree at c->root: 0, or the
 * first error (a malformed archive is -EINVAL; entries before it stay). */
int initramfs_unpack(const struct vfs_ctx *c, struct bytes archive);

/* vfs_setattr - set owner and permission bits of `path` (no permission check: for the
 * initramfs unpacker and chown/chmod's root path). */
int vfs_setattr(const struct vfs_ctx *c, struct str path, u32 uid, u32 gid, u32 perm);

/* Inside fs/vfs only (need vfs_lock held). */
extern struct litelock vfs_lock;
struct dentry_result vfs_walk_locked(const struct vfs_ctx *c, struct str path, bool follow)
	REQUIRES(vfs_lock);
struct dentry_result vfs_create_locked(const struct vfs_ctx *c, struct str path, u32 mode)
	REQUIRES(vfs_lock);
/* the child at getdents position `pos` (>= 2), or -ENOENT past the end */
struct dentry_result vfs_child_at_locked(struct dentry *dir, u64 pos) REQUIRES(vfs_lock);
struct str vfs_dentry_name(struct dentry *d);
void vfs_inode_put(struct inode *ip) REQUIRES(vfs_lock);

/* Character devices: opening a node with this (major, minor) gives a file with `ops`
 * (read/write on the device's inode). At most VFS_MAX_DEVICES; 0 or -ENOSPC / -EEXIST. */
#define VFS_MAX_DEVICES 16u
int vfs_register_chrdev(u32 major, u32 minor, const struct inode_ops *ops, bool tty);
bool vfs_file_is_tty(const struct file *f);

/* vfs_file_new - an open file on `ip` (no dentry: for pipes) with `flags`, holding an
 * inode reference; NULL when memory is short. */
struct file *vfs_file_new(struct inode *ip, u32 flags);

/* Pipes (fs/vfs/pipe.c): a VFS_PIPE_SIZE ring buffer; writes of up to VFS_PIPE_BUF bytes are
 * atomic. vfs_pipe makes the read end (O_RDONLY | flags) and the write end (O_WRONLY | flags):
 * 0 or -ENOMEM. Reads of an empty pipe with a writer and writes that do not fit are -EAGAIN
 * (the caller sleeps on vfs_pipe_waitq); a write with no reader is -EPIPE. */
#define VFS_PIPE_SIZE 65536u
#define VFS_PIPE_BUF 4096u
#define VFS_POLLIN 0x1u
#define VFS_POLLOUT 0x4u
#define VFS_POLLERR 0x8u
#define VFS_POLLHUP 0x10u
int vfs_pipe(u32 flags, u32 uid, u32 gid, struct file **rd, struct file **wr);
bool vfs_file_is_pipe(const struct file *f);
/* vfs_pipe_poll - the VFS_POLL* bits a pipe file `f` is ready for (HUP/ERR: the other end is closed). */
u32 vfs_pipe_poll(struct file *f);
/* vfs_pipe_waitq - where callers blocked on pipe file `f` sleep; woken by every change of
 * the pipe (bytes in or out, an end closed). */
struct waitq *vfs_pipe_waitq(struct file *f);
/* the ring buffer (exposed for the host tests): copy out of / into `ring` holding *len bytes from *head. */
size_t pipe_ring_read(struct bytes ring, size_t *head, size_t *len, struct bytes dst);
size_t pipe_ring_write(struct bytes ring, size_t head, size_t *len, struct bytes src);

/* ramfs (fs/vfs/ramfs.c): new inodes; NULL when memory is short. */
struct inode *ramfs_new_inode(u32 mode);
int ramfs_set_symlink(struct inode *ip, struct str target);

#endif /* KERNEL_FS_VFS_H */
