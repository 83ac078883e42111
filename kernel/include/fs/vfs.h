/*
 * fs/vfs.h — the VFS core: inodes (one subtype per file system, reached by checked
 * downcasts, behaviour in two static const tables: inode ops and the file ops of their open
 * files), reference-counted dentries forming a tree
 * that is also the name cache (hashed by parent and name, fs/vfs/dentry.c), path lookup with
 * `.`, `..`, symlinks (ELOOP after 40, or 8 deep) and mount points, Linux's permission checks
 * (owner/group/other, root bypass, sticky directories), open files with offsets, and
 * getdents64 records. ramfs (fs/vfs/ramfs.c) is the first file system: like Linux's ramfs its
 * directories live entirely in the dentry tree.
 *
 * Dentry lifetime. A dentry is counted: one reference from its parent's child list while it
 * is linked in the tree, one held by each of its children (a child pins its parent), and one
 * per holder (a process's root and working directory, an open file, a mount). unlink, rmdir
 * and rename-over take a dentry out of the tree and mark it dead: lookups never find it again,
 * yet those holding it keep a valid object (a removed working directory stays one: getcwd
 * says ENOENT and nothing can be created in it). The last reference frees it.
 *
 * Directory positions. Each child gets a cookie from its directory's counter when it is
 * linked; the child list stays in cookie order, and getdents resumes at the first cookie at or
 * after the file position, so entries removed or added while a directory is read never make
 * it skip a surviving one.
 *
 * Locking (docs/vfs.md "Locking"). Lock order, outermost first:
 *     vfs_lock  ->  a directory's dir_lock  ->  inode->lock  ->  sb->space_lock
 *     ->  a device's or pipe's own lock
 *   and dcache_lock inside any of the first three, with nothing taken inside it.
 * - `vfs_lock` (an rwsem) guards the shape of the namespace: where dentries are (their parent
 *   and name), the mount table, file locks, generated (procfs, sysfs) entries. Public
 *   functions take it themselves: lookups, opens of existing nodes and changes inside one
 *   directory (create, mkdir, mknod, symlink, link, unlink, rmdir) for reading, so they run
 *   at once (a walk that meets a generated name walks again for writing); rename, mounts and
 *   generated entries for writing (it is the rename lock). A dentry, inode or path put takes
 *   it (for writing) only for a last reference: nothing is freed while anyone walks.
 * - a directory's `dir_lock` (a mutex) makes the changes of one directory one at a time.
 * - `dcache_lock` (an rwsem) guards the dentry hash, the children lists and `dead`: a walk
 *   holds it for reading from its first component to its last, a change for writing only
 *   while it adds or removes an entry.
 * - `inode->lock` (a mutex, Linux's i_rwsem) guards an inode's data (a regular file's bytes),
 *   size, times, mode, owner and link count, and the offset (f->pos) of every regular file or
 *   directory open on it. Every change of those fields holds it (after creation: an inode
 *   nobody else can reach yet is filled in without it); stat reads them under it.
 * - `sb->space_lock` (a spinlock) guards a size-limited instance's space account.
 * Data I/O on an open file (read, write, pread, pwrite, lseek) never takes vfs_lock: a
 * regular file in a page cache under its inode's lock; a file whose file system makes its
 * bytes itself (no page cache: procfs, block devices), a device, pipe or socket under that
 * object's own locks only (their ops are called with no VFS lock held, and may take
 * vfs_lock; code holding an inode's lock never does). Nobody sleeps for anything but
 * these locks while holding one (blocking reads wait in the system call layer, outside).
 */
#ifndef KERNEL_FS_VFS_H
#define KERNEL_FS_VFS_H

#include <fw/atomic.h>
#include <fw/bytes.h>
#include <fw/frame.h>
#include <fw/hash.h>
#include <fw/list.h>
#include <fw/sync.h>
#include <fw/refcount.h>
#include <fw/result.h>
#include <fw/str.h>
#include <fw/strbuf.h>
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
#define VFS_O_NONBLOCK 04000u
#define VFS_O_DIRECTORY 0200000u
#define VFS_O_NOFOLLOW 0400000u
#define VFS_O_CLOEXEC 02000000u
#define VFS_O_NOATIME 01000000u
#define VFS_O_PATH 010000000u
#define VFS_O_TMPFILE (020000000u | VFS_O_DIRECTORY)

/* The setuid, setgid and sticky bits. */
#define VFS_S_ISUID 04000u
#define VFS_S_ISGID 02000u
#define VFS_S_ISVTX 01000u

struct inode;
struct dentry;
extern struct rwsem vfs_lock;
/* dcache_lock (fs/vfs/dentry.c): a reader-writer semaphore inside vfs_lock and every
 * directory's dir_lock: the dentry hash, the children lists, their cookies, `dead`. A walk
 * holds it for reading throughout; a change, for writing, only to add or remove an entry. */
extern struct rwsem dcache_lock;

/* The credentials permission checks use (fsuid/fsgid are the effective ids here). */
#define CRED_NGROUPS 16 /* supplementary groups a process may hold (setgroups: EINVAL beyond) */

/* Who a process is: real, effective and saved ids (Linux's credential rules, sys_setuid & co.),
 * the filesystem ids every file check uses (the effective ids unless setfsuid/setfsgid moved
 * them; fsuid 0 has root's file privileges) and its supplementary groups, which
 * vfs_permission consults like the fs gid. */
struct cred {
	u32 uid, gid, euid, egid;
	u32 suid, sgid;
	u32 fsuid, fsgid;
	u32 ngroups;
	u32 groups[CRED_NGROUPS];
};

/* cred_in_group - whether gid is the fs gid or one of the supplementary groups. */
static inline bool cred_in_group(const struct cred *c, u32 gid)
{
	if (c->fsgid == gid)
		return true;
	for (u32 i = 0; i < c->ngroups && i < CRED_NGROUPS; i++)
		if (c->groups[i] == gid)
			return true;
	return false;
}

/* A timestamp (seconds and nanoseconds of the kernel's clock, CLOCK_REALTIME). */
struct vfs_time {
	i64 sec;
	i64 nsec;
};

/* vfs_now - the current time for timestamps. */
struct vfs_time vfs_now(void);
/* The granularity of Linux's coarse clock (current_time) at HZ=250: times set by a stream of
 * writes to a pipe move once per tick. */
#define VFS_TIME_TICK_NS 4000000ll

struct file;
struct poll_entry;
struct terminal;
struct thread;

/*
 * Readiness (docs/poll.md). A file is pollable through file_ops.poll: it returns the
 * VFS_POLL* bits the file is ready for now and, when `pt` is not NULL, calls
 * poll_wait(pt, wq) for every wait queue whose wake-up may change those bits. poll, ppoll,
 * select and pselect6 all ask files through vfs_poll; a file without .poll is always
 * readable and writable (regular files, /dev/null...), as on Linux.
 */
#define VFS_POLL_ENTRIES 64u /* distinct queues one poll table watches; beyond: re-scan per tick */
struct poll_table {
	/* register the poller on `wq` (set by the poller; called through poll_wait) */
	void (*queue)(struct poll_table *pt, struct waitq *wq);
	struct thread *p;                         /* the poller */
	struct file *file; /* the file being asked (set by the poller: its registrations hold it) */
	struct poll_entry *e[VFS_POLL_ENTRIES];    /* its registrations */
	u32 n;
	bool overflow; /* a queue did not fit: the poller re-scans at every tick */
	struct epitem *ep_item; /* epoll's registration: the item being hooked (fs/vfs/epoll.c) */
};

/* poll_wait - register pt's poller on wq (no-op when either is NULL). Context: may sleep. */
static inline void poll_wait(struct poll_table *pt, struct waitq *wq)
{
	if (pt && pt->queue && wq)
		pt->queue(pt, wq);
}

struct vfs_ctx;
struct path_result;
DEFINE_RESULT(inode_result, struct inode *);

/* One directory entry as a generated directory's readdir reports it. */
struct vfs_dirent {
	u64 ino;
	u8 type;  /* DT_*: the S_IFMT bits >> 12 */
	u64 next; /* the position of the entry after it */
	size_t name_len;
	u8 name[VFS_NAME_MAX + 1];
};

/*
 * Operations come in two static const tables per kind of object, as Linux's
 * inode_operations and file_operations (docs/vfs.md "Operations"): an inode's `ops` say what
 * its file system does with the object (look names up in it, follow it, cut it, free it);
 * its `fops` say what an open file of it does (read, write, poll, release...). A device node
 * is an inode of the file system it sits in (its `ops`) whose open files take the driver's
 * file ops (vfs_register_chrdev), as Linux's chrdev_open replaces f_op.
 */

/* What an open file does: a static const table per kind of file (struct file.ops). */
struct file_ops {
	/* a device node or a regular file is being opened with open(2) `flags`: 0 or -errno
	 * (-ENXIO: no such device; sysfs: -EACCES for writing). Called under vfs_lock (held for
	 * reading at least: it may not change the tree); a file it
	 * let open gets release at its last close. */
	int (*open)(struct inode *ip, u32 flags);
	/* read and write are called with no VFS lock held (a block device: they sleep on the
	 * disk); the file offset is read before and advanced after, under the inode's lock */
	bool io_unlocked;
	/* bytes read at `pos` into dst (0 at the end), or -errno */
	struct result_size (*read)(struct inode *ip, struct bytes dst, u64 pos);
	/* bytes written from src at `pos`, or -errno */
	struct result_size (*write)(struct inode *ip, struct bytes src, u64 pos);
	/* optional, streams (a pipe): `write` of `len` bytes of frame fr from `off`, copied
	 * straight from the frame (sendfile from the page cache: no bounce buffer) */
	struct result_size (*write_frame)(struct inode *ip, const struct frame *fr, size_t off,
					  size_t len);
	/* a read at `pos` called WITHOUT vfs_lock (it may take other locks and sleep), used
	 * instead of .read (generated files: procfs, sysfs) */
	struct result_size (*read_file)(struct file *f, struct bytes dst, u64 pos);
	/* readiness of the open file `f`: VFS_POLL* bits; poll_wait(pt, q) on each queue that
	 * may change them (pt may be NULL: only look). NULL: always readable and writable. */
	u32 (*poll)(struct file *f, struct poll_table *pt);
	/* ioctl(2) by process p on `f` (not O_PATH): `cmd` (an unsigned int) with `arg`: a
	 * value or -errno, -ENOTTY for a command it does not know. Called with no VFS lock.
	 * NULL: every command is -ENOTTY (Linux's vfs_ioctl without unlocked_ioctl). */
	i64 (*ioctl)(struct thread *p, struct file *f, u64 cmd, u64 arg);
	/* mmap(2) of `f`: the page-cache object a mapping maps (borrowed: the mapping takes its
	 * own reference), or NULL. NULL op: the file cannot be mapped (-ENODEV). The system call
	 * layer checks the open mode, seals and the mount's noexec (syscall/mm.c). */
	struct vm_object *(*mmap)(struct file *f);
	/* fsync(2) and fdatasync(2): its data (and metadata) on stable storage: 0 or -errno.
	 * NULL: it cannot be synced (-EINVAL: devices, pipes, sockets, procfs, anonymous files,
	 * as Linux); vfs_fsync_noop for memory whose bytes have nowhere else to go. */
	int (*fsync)(struct file *f);
	/* lseek(2) with whence SEEK_SET (0) to SEEK_HOLE (4): the new offset or -errno; called
	 * with no VFS lock (f->pos is moved under the inode's lock). NULL: vfs_generic_llseek. Linux's kinds: vfs_no_llseek (streams: ESPIPE), vfs_noop_llseek
	 * (anonymous files, random: the offset, unmoved), vfs_zero_llseek (/dev/null, zero,
	 * full: 0), vfs_dir_llseek (directories of the dentry tree: SEEK_SET and SEEK_CUR). */
	struct result_i64 (*llseek)(struct file *f, i64 off, int whence);
	/* getdents of a generated directory (procfs): the first entry of directory `dir` at or
	 * after position `pos` (>= 2) into *out (out->next: the position after it): 0, or
	 * -ENOENT past the last. vfs_lock held. NULL: the dentry tree's children are listed. */
	int (*readdir)(struct inode *dir, u64 pos, struct vfs_dirent *out);
	/* optional: the open file `f` (a terminal's, fs/terminal.h) lost its last reference;
	 * called before release, without vfs_lock */
	void (*close)(struct file *f);
	/* an open file on it (open(2) `flags`) is closed: its last reference is gone. Called
	 * without vfs_lock (it may close other files: a socket's files in flight). */
	void (*release)(struct inode *ip, u32 flags);
};

/* What a file system does with one kind of inode: a static const table per kind. */
struct inode_ops {
	/* the target of a symlink; valid while the inode lives */
	struct str (*readlink)(struct inode *ip);
	/* set the size (zero-filling growth); 0 or -errno */
	int (*truncate)(struct inode *ip, u64 size);
	/* free the object: the last reference is gone */
	void (*destroy)(struct inode *ip);

	/* Generated trees (procfs, docs/procfs.md): directories whose names are made when they
	 * are looked up rather than kept in the dentry tree (their file ops' readdir lists
	 * them). All optional. */
	/* the inode `name` names in directory `dir` (a new reference the tree takes over), or
	 * -ENOENT; called with vfs_lock held when the name is not among dir's cached children */
	struct inode_result (*lookup)(const struct vfs_ctx *c, struct inode *dir, struct str name);
	/* whether a cached dentry of `ip` may be used again; false: the walker takes the dentry
	 * (and everything below it) out of the tree and asks the parent's lookup anew. vfs_lock
	 * held. */
	bool (*revalidate)(const struct vfs_ctx *c, struct inode *ip);
	/* a "magic" link (procfs fd/N, cwd, root): where following it leads for `c`, a path
	 * borrowed while vfs_lock is held, used instead of its target text (reopens a deleted
	 * file, crosses to what an fd names); an error falls back to the text. vfs_lock held. */
	struct path_result (*follow)(const struct vfs_ctx *c, struct inode *ip);
};

/* A mounted file system instance: what statfs reports and st_dev names. Each inode holds a
 * reference; the last one frees it. */
#define VFS_RAMFS_MAGIC 0x858458f6ull
#define VFS_TMPFS_MAGIC 0x01021994ull
#define VFS_PIPEFS_MAGIC 0x50495045ull
struct vfs_fstype;
struct vfs_sb {
	struct refcount refs;
	const struct vfs_fstype *type; /* NULL: an internal one (pipes) */
	u64 magic;
	u32 dev_major, dev_minor;
	struct spinlock space_lock;           /* inode numbers and counts, the space account */
	u64 next_ino GUARDED_BY(&space_lock);
	u64 inodes GUARDED_BY(&space_lock);   /* live inodes */
	struct dentry *root;                  /* its root dentry, while mounted somewhere */
	u32 mounts GUARDED_BY(&vfs_lock);     /* mounts of it (bind mounts included) */
	u64 max_bytes;                        /* size= limit (0: none) */
	u64 bytes_used GUARDED_BY(&space_lock); /* data pages of regular files, in bytes */
};

/* vfs_sb_new - a file system instance with `magic` and a fresh anonymous device number
 * (major 0); one reference, the caller's. NULL when memory is short. */
struct vfs_sb *vfs_sb_new(u64 magic);
void vfs_sb_put(struct vfs_sb *sb);
/* vfs_sb_inode_added - one more live inode of sb (statfs's count; vfs_inode_put takes it). */
void vfs_sb_inode_added(struct vfs_sb *sb);

struct vm_object;
/* A file lock (fs/vfs/flock.c): a POSIX record lock (owned by a process), an OFD lock (owned
 * by an open file) or a flock (owned by an open file; a class of its own). */
enum vfs_lock_kind {
	VFS_LOCK_POSIX,
	VFS_LOCK_OFD,
	VFS_LOCK_FLOCK,
};
#define VFS_F_RDLCK 0u
#define VFS_F_WRLCK 1u
#define VFS_F_UNLCK 2u
#define VFS_LOCK_EOF 0xffffffffffffffffull /* an `end` reaching every byte to come */
struct vfs_file_lock {
	struct list_link link;
	enum vfs_lock_kind kind;
	u32 type;       /* VFS_F_RDLCK or VFS_F_WRLCK */
	u64 owner;      /* POSIX: the pid; OFD and flock: the open file's id */
	i32 pid;        /* what F_GETLK reports (-1 for an OFD lock) */
	u64 start, end; /* bytes [start, end], end included */
};
DEFINE_LIST(vfs_lock_list, struct vfs_file_lock, link, rwsem);

/* An inode. Every file system makes its inodes with vfs_inode_init (it sets up `lock`). */
struct inode {
	/* fixed once the inode is made */
	struct type_tag tag;
	const struct inode_ops *ops;
	/* what its open files do (Linux's i_fop); NULL: nothing (a directory of the dentry tree,
	 * a symlink). A device node's open files take its driver's instead. */
	const struct file_ops *fops;
	struct vfs_sb *sb; /* holds a reference (NULL: none, e.g. a pipe) */
	struct vm_object *cache; /* the page cache of a regular file's data (vm/vm.h), or NULL:
				  * mmap and exec map its frames */
	u64 ino;
	u32 rdev_major, rdev_minor;
	struct refcount refs; /* one per dentry naming it, one per open file */
	/* `lock` (see "Locking" above): written only with it held; stat reads under it. Not
	 * annotated GUARDED_BY: the file type bits of `mode` never change and are read freely,
	 * and a single aligned field may be read without it where a stale value is harmless. */
	struct mutex lock;
	u32 mode;
	u32 uid, gid;
	u32 nlink;
	u64 size;
	struct vfs_time atime, mtime, ctime;
	/* a pipe's: the coarse-clock tick (VFS_TIME_TICK_NS) of its last mtime update, so a
	 * stream of writes updates it once per tick, as Linux's coarse clock does */
	struct atomic_i64 mtime_tick;
	struct vfs_lock_list locks GUARDED_BY(&vfs_lock); /* file locks (once locks_ready) */
	/* a FIFO node's pipe while files are open on it (fs/vfs/pipe.c): set and cleared under
	 * vfs_lock; an open file of the FIFO reads it freely (it holds the pipe open) */
	struct inode *fifo;
	bool locks_ready GUARDED_BY(&vfs_lock);
	/* an O_TMPFILE file opened without O_EXCL: linkat may give it a name though its link
	 * count is 0 (Linux's I_LINKABLE); cleared when it is linked */
	bool linkable GUARDED_BY(&lock);
	/* file seals (fcntl F_ADD_SEALS, VFS_SEAL_*): only a tmpfs regular file's, memfds
	 * included (`sealable`, set once when it is made, as Linux's shmem files), take any;
	 * they start as F_SEAL_SEAL (a memfd made with MFD_ALLOW_SEALING: none); `seals` only
	 * grows, under `lock` */
	bool sealable;
	u32 seals;
};

/* File seals (Linux's F_SEAL_*, fcntl(2) "File sealing"). */
#define VFS_SEAL_SEAL 0x1u
#define VFS_SEAL_SHRINK 0x2u
#define VFS_SEAL_GROW 0x4u
#define VFS_SEAL_WRITE 0x8u
#define VFS_SEAL_FUTURE_WRITE 0x10u
#define VFS_SEALS_ALL 0x1fu

struct dentry_dir; /* the children of a directory dentry (dentry.c) */

struct dentry {
	struct refcount refs;       /* see "Dentry lifetime" above */
	struct list_link sibling;   /* on the parent's children list, while linked */
	struct hash_link hashed;    /* in the dentry hash by (parent, name), while linked */
	u64 id;                     /* unique: a parent's part of its children's hash key */
	struct dentry *parent;      /* itself for a file system's root; else holds a reference */
	struct inode *inode;        /* holds a reference */
	struct dentry_dir *dir;     /* children, for directories */
	u32 mounts;                 /* mounts whose mount point it is (vfs_lock) */
	u64 cookie;                 /* its getdents position in the parent (>= 2) */
	/* removed from the tree: never found by a lookup again (read: vfs_dentry_dead) */
	bool dead GUARDED_BY(&dcache_lock);
	/* a directory's: its entries change (create, link, unlink, rmdir) one change at a time
	 * under it, with vfs_lock held for reading; Linux's i_rwsem of a directory */
	struct mutex dir_lock;
	size_t name_len;
	u8 name[VFS_NAME_MAX + 1];
};

/* Mount flags (per mount; the MS_* values of mount(2)). */
#define VFS_MNT_RDONLY 0x1u
#define VFS_MNT_NOSUID 0x2u
#define VFS_MNT_NODEV 0x4u
#define VFS_MNT_NOEXEC 0x8u
#define VFS_MNT_NOSYMFOLLOW 0x100u
#define VFS_MNT_NOATIME 0x400u
#define VFS_MNT_NODIRATIME 0x800u
#define VFS_MNT_FLAGS 0xd0fu
#define VFS_MNT_SOURCE_MAX 64u

/* A mount: a file system (or, for a bind mount, a subtree of one) attached at a directory of
 * its parent mount. The mount table (fs/vfs/mount.c, one namespace) holds one reference while
 * it is attached; every path held (a process's root or cwd, an open file) holds one more. */
struct vfs_mount {
	struct refcount refs;
	u32 id;                      /* unique, from 1 (mountinfo) */
	struct list_link link;       /* on the mount table, while attached (vfs_lock) */
	struct vfs_mount *parent;    /* NULL: the namespace's root mount, or detached */
	struct dentry *mountpoint;   /* in parent; a reference (NULL for the root mount) */
	struct dentry *root;         /* a reference */
	struct vfs_sb *sb;           /* a reference */
	u32 flags;                   /* VFS_MNT_* (vfs_lock) */
	size_t source_len;
	u8 source[VFS_MNT_SOURCE_MAX]; /* the "device" mount(2) named, for /proc/mounts */
};

/* A place in the namespace: a dentry as reached through a mount. */
struct vfs_path {
	struct vfs_mount *mnt;
	struct dentry *dentry;
};
DEFINE_RESULT(path_result, struct vfs_path);

/* Where a lookup starts and who asks. A process's context holds references on root and cwd
 * (vfs_ctx_get / vfs_ctx_put); a context built for one call borrows them. */
struct vfs_ctx {
	struct vfs_path root;
	struct vfs_path cwd;
	struct cred cred;
	u32 resolve; /* openat2's VFS_RESOLVE_* for this walk (0: none) */
};
/* openat2(2)'s resolve flags (linux/openat2.h). BENEATH and IN_ROOT walk with root = the
 * starting directory: IN_ROOT treats it as "/", BENEATH fails with EXDEV where the walk
 * would leave it (an absolute path or symlink, ".." at it, a magic link). */
#define VFS_RESOLVE_NO_XDEV 0x01u       /* crossing a mount: EXDEV */
#define VFS_RESOLVE_NO_MAGICLINKS 0x02u /* a /proc magic link: ELOOP */
#define VFS_RESOLVE_NO_SYMLINKS 0x04u   /* any symlink followed: ELOOP */
#define VFS_RESOLVE_BENEATH 0x08u
#define VFS_RESOLVE_IN_ROOT 0x10u
#define VFS_RESOLVE_CACHED 0x20u        /* every lookup is cached here: no effect */
#define VFS_RESOLVE_SCOPED (VFS_RESOLVE_BENEATH | VFS_RESOLVE_IN_ROOT)

/* The epoll items watching a file (fs/vfs/epoll.c), guarded by vfs_epoll_lock. */
struct epitem;
DECLARE_LIST_TYPE(vfs_ep_watchers, mutex);
extern struct mutex vfs_epoll_lock;

struct file {
	struct refcount refs;
	struct dentry *dentry;       /* holds a reference (NULL for a pipe) */
	struct vfs_mount *mnt;       /* holds a reference (NULL for a pipe) */
	struct inode *inode;
	const struct file_ops *ops;  /* the inode's fops, or its driver's for a device node;
				      * never NULL (vfs_no_file_ops) */
	bool tty;                    /* a terminal (ioctl TCGETS works, lseek is ESPIPE) */
	struct terminal *term;       /* a terminal's: which one (a reference; fs/terminal.h) */
	bool term_master;            /* ... and that this is a pty's master side */
	u32 flags;
	/* the offset; under inode->lock for regular files and directories (Linux's f_pos_lock);
	 * unused by devices, pipes and sockets. For directories: the cookie of the next entry
	 * (0 ".", 1 ".."). */
	u64 pos;
	u64 id;  /* unique among open files: the owner of its OFD locks and flocks */
	/* set (vfs_file_owns_locks) before the file asks for an OFD lock or a flock, so that
	 * its last close looks for them only then */
	struct atomic_u32 owns_locks;
	u64 fifo_peer; /* a FIFO's: the other end's opens so far when this one opened */
	/* epoll (fs/vfs/epoll.c): the items watching this file, removed at its last close;
	 * ep_watched counts them so that vfs_close asks epoll only when there are some */
	struct atomic_u32 ep_watched;
	struct vfs_ep_watchers ep_watchers; /* vfs_epoll_lock */
};

DEFINE_RESULT(dentry_result, struct dentry *);
DEFINE_RESULT(file_result, struct file *);

/* stat fields the syscall layer copies into struct stat / struct statx. */
struct vfs_stat {
	u64 ino;
	u32 mode, nlink, uid, gid;
	u64 size;
	u64 blocks; /* 512-byte units allocated */
	u32 rdev_major, rdev_minor;
	u32 dev_major, dev_minor; /* the file system's (st_dev) */
	struct vfs_time atime, mtime, ctime;
};

/* statfs fields (struct statfs without the padding). */
struct vfs_statfs {
	u64 type, bsize, blocks, bfree, bavail, files, ffree, namelen, frsize, flags;
};

/* vfs_init - the namespace: a root mount of a fresh ramfs (mode 0755, root-owned); its root
 * path (references for the caller), or -ENOMEM. Each call makes a separate namespace. */
struct path_result vfs_init(void);

/* vfs_free_tree - unmount and free the namespace whose root `top` is (from vfs_init): every
 * mount below it and their file systems (host tests, fuzzing). Needs: no file in it is open
 * and nothing else holds a path or dentry in it. Iterative: any depth. */
void vfs_free_tree(struct vfs_path top);

/* Dentry references. vfs_dentry_put frees it (and the parents it pinned) with the last one. */
void vfs_dentry_get(struct dentry *d);
void vfs_dentry_put(struct dentry *d);
/* Path references: a mount reference and a dentry reference. */
void vfs_path_get(struct vfs_path p);
void vfs_path_put(struct vfs_path p);
void vfs_path_put_locked(struct vfs_path p) REQUIRES(vfs_lock);
/* vfs_ctx_get / vfs_ctx_put - take / drop the references of a process's context. */
void vfs_ctx_get(struct vfs_ctx *c);
void vfs_ctx_put(struct vfs_ctx *c);
/* vfs_ctx_set_cwd / vfs_ctx_set_root - replace cwd or root with `p` (references the context
 * takes over), dropping the old one. These and vfs_ctx_put change the paths under vfs_lock
 * (they take it), so another task may read a process's cwd and root under it (/proc/PID/cwd). */
void vfs_ctx_set_cwd(struct vfs_ctx *c, struct vfs_path p);
void vfs_ctx_set_root(struct vfs_ctx *c, struct vfs_path p);
/* vfs_file_path - where an open file was opened (references for the caller); -ENOTDIR-free:
 * for a pipe, mnt and dentry are NULL. */
struct vfs_path vfs_file_path(struct file *f);
/* vfs_dentry_count / vfs_inode_count - live dentries / inodes (those made by vfs_inode_init
 * and not yet destroyed), for leak checks. */
u64 vfs_dentry_count(void);
u64 vfs_inode_count(void);

/* Lookup: the dentry `path` names (following a final symlink when `follow`), with a
 * reference the caller drops (vfs_dentry_put). */
struct dentry_result vfs_lookup(const struct vfs_ctx *c, struct str path, bool follow);
/* vfs_lookup_path - the same, as a path with references on both its mount and dentry. */
struct path_result vfs_lookup_path(const struct vfs_ctx *c, struct str path, bool follow);

/* Namespace changes: 0 or -errno, as mkdir(2), mknod(2), symlink(2), unlink(2), rmdir(2),
 * link(2) and renameat2(2) (flags VFS_RENAME_*). */
int vfs_mkdir(const struct vfs_ctx *c, struct str path, u32 mode);
int vfs_mknod(const struct vfs_ctx *c, struct str path, u32 mode, u32 major, u32 minor);
int vfs_symlink(const struct vfs_ctx *c, struct str target, struct str path);
int vfs_unlink(const struct vfs_ctx *c, struct str path);
int vfs_rmdir(const struct vfs_ctx *c, struct str path);
/* vfs_link - a new name `newpath` (in new_c) for what `oldpath` (in old_c) names;
 * `follow`: follow a final symlink of oldpath (AT_SYMLINK_FOLLOW). */
/* vfs_link_file - linkat(fd, "", ..., AT_EMPTY_PATH): a new name for the file f is open on
 * (an O_TMPFILE file's first name). Errors as vfs_link. */
int vfs_link_file(struct file *f, const struct vfs_ctx *new_c, struct str newpath);
int vfs_link(const struct vfs_ctx *old_c, struct str oldpath, const struct vfs_ctx *new_c,
	     struct str newpath, bool follow);
#define VFS_RENAME_NOREPLACE 1u
#define VFS_RENAME_EXCHANGE 2u
#define VFS_RENAME_WHITEOUT 4u
int vfs_rename(const struct vfs_ctx *old_c, struct str oldpath, const struct vfs_ctx *new_c,
	       struct str newpath, u32 flags);
/* vfs_sb_node_add - a node NAME (mode with its type, owner, device number) in the root
 * directory of file system sb while it is mounted, for a file system whose entries the kernel
 * makes (devpts): 0, -ENOENT (not mounted), -EEXIST or -ENOMEM.
 * vfs_sb_node_remove - remove the non-directory NAME from it again: 0 or -ENOENT. */
int vfs_sb_node_add(struct vfs_sb *sb, struct str name, u32 mode, u32 uid, u32 gid, u32 major,
		    u32 minor);
int vfs_sb_node_remove(struct vfs_sb *sb, struct str name);
/* vfs_memfs_fill - tmpfs's fill (options size=, mode=, uid=, gid=), for types built on it. */
int vfs_memfs_fill(struct vfs_sb *sb, struct str options, struct inode **root) REQUIRES(vfs_lock);
/* vfs_memfs_show - tmpfs's options for /proc/mounts (a vfs_fstype's show). */
void vfs_memfs_show(struct vfs_sb *sb, struct strbuf *out) REQUIRES(vfs_lock);
/* vfs_mount_ramfs - mount a fresh, empty tmpfs on the directory `path` (root only). */
int vfs_mount_ramfs(const struct vfs_ctx *c, struct str path);

/* File system types: mount(2) finds them by name. `fill` makes the root inode of a new
 * instance `sb` from the mount options (the text after -o, parsed by the type): 0 or -errno
 * (-EINVAL for an option it does not know). tmpfs and ramfs are built in. */
struct vfs_fstype {
	struct str name;
	u64 magic;
	int (*fill)(struct vfs_sb *sb, struct str options, struct inode **root); /* vfs_lock held */
	/* optional: fill the new mount's tree (c: rooted at it, as root); an error unmounts */
	int (*populate)(const struct vfs_ctx *c);
	/* optional: the instance's own options as /proc/mounts shows them after the per-mount
	 * ones, each with its leading ',' (Linux's show_options); vfs_lock held */
	void (*show)(struct vfs_sb *sb, struct strbuf *out);
};
/* vfs_register_fstype - add a type (static storage); 0, -EEXIST or -ENOSPC. */
int vfs_register_fstype(const struct vfs_fstype *t);

/* mount(2) as the VFS sees it (decoded by the system call): 0 or -errno.
 * vfs_mount_new - mount a new instance of `type` on `target` with VFS_MNT_* `flags`.
 * vfs_mount_bind - mount the subtree at `source` on `target` (MS_BIND; `recursive`: with the
 *                  mounts below it too).
 * vfs_mount_remount - change the flags of the mount whose root `target` is (MS_REMOUNT).
 * vfs_mount_move - move the mount whose root `source` is to `target` (MS_MOVE).
 * vfs_umount - unmount the mount whose root `target` is: -EBUSY while it is in use or has
 *              mounts below it, unless `detach` (MNT_DETACH: it goes at once and is freed when
 *              the last user lets go). */
int vfs_mount_new(const struct vfs_ctx *c, struct str type, struct str source, struct str target,
		  u32 flags, struct str options);
int vfs_mount_bind(const struct vfs_ctx *c, struct str source, struct str target, u32 flags,
		   bool recursive);
int vfs_mount_remount(const struct vfs_ctx *c, struct str target, u32 flags, bool bind_only,
		      struct str options);
int vfs_mount_move(const struct vfs_ctx *c, struct str source, struct str target);
/* vfs_pivot_root - pivot_root(2) for c: the mount whose root `new_root` is takes the place of
 * c's root mount (which must be a mount's root, not the namespace's: EINVAL), and that one
 * moves to `put_old` (at or under new_root). *out: the new root, with references; the caller
 * makes it its root (and cwd, if that was the old root). EPERM unless root; Linux's errors. */
int vfs_pivot_root(const struct vfs_ctx *c, struct str new_root, struct str put_old,
		   struct vfs_path *out);
/* Linux moves every process's root and cwd that were the old root (chroot_fs_refs); here each
 * process does it itself at the start of its next system call, when vfs_pivot_count moved
 * past the count it saw: vfs_pivot_catch_up says whether c's root and cwd were the last
 * pivot's old root and gives the new root for each that was (a reference each), and sets
 * *seen to the current count. (A process that slept through two pivots follows the last.) */
struct vfs_pivot_move {
	struct vfs_path root, cwd;
	bool root_moves, cwd_moves;
};
u64 vfs_pivot_count(void);
struct vfs_pivot_move vfs_pivot_catch_up(const struct vfs_ctx *c, u64 *seen);
int vfs_umount(const struct vfs_ctx *c, struct str target, bool detach, bool nofollow);
/* vfs_mounts_show - /proc/mounts text of the namespace as seen from `root`: bytes, or -ERANGE
 * when dst is too small. */
struct result_size vfs_mounts_show(struct vfs_path root, struct bytes dst);
/* vfs_mountinfo_show - /proc/PID/mountinfo text (Linux's format: mount id, parent id,
 * MAJ:MIN, the mount's root in its file system, mount point, options, "-", type, source,
 * super options), likewise. */
struct result_size vfs_mountinfo_show(struct vfs_path root, struct bytes dst);
/* vfs_mnt_flags - a mount's VFS_MNT_* flags (0 for NULL). */
u32 vfs_mnt_flags(struct vfs_mount *m);

/* Files: open(2) flags and mode; the file holds a reference until vfs_close. */
struct file_result vfs_open(const struct vfs_ctx *c, struct str path, u32 flags, u32 mode);
void vfs_file_get(struct file *f);
void vfs_close(struct file *f);
struct result_size vfs_read(struct file *f, struct bytes dst);
struct result_size vfs_write(struct file *f, struct bytes src);
/* vfs_write_frame - vfs_write of `len` bytes of frame fr from `off` to a stream file whose
 * inode takes frames (vfs_file_takes_frames: a pipe or FIFO), with no copy on the way;
 * -EOPNOTSUPP for any other file. vfs_file_takes_frames - whether f's inode does. */
struct result_size vfs_write_frame(struct file *f, const struct frame *fr, size_t off,
				   size_t len);
bool vfs_file_takes_frames(const struct file *f);
/* vfs_pread / vfs_pwrite - the same at `pos`, leaving the file offset alone. */
struct result_size vfs_pread(struct file *f, struct bytes dst, u64 pos);
struct result_size vfs_pwrite(struct file *f, struct bytes src, u64 pos);
/* vfs_file_pos / vfs_file_set_pos - read / set the file offset under the inode's lock (for
 * calls that move it themselves: sendfile, copy_file_range, fcntl locks' SEEK_CUR). */
u64 vfs_file_pos(struct file *f);
void vfs_file_set_pos(struct file *f, u64 pos);
/* vfs_file_unread - ioctl FIONREAD on a regular file (Linux's file_ioctl): its size less the
 * offset (negative past the end), read under the inode's lock. */
i64 vfs_file_unread(struct file *f);
/* vfs_lseek - lseek(2): -EBADF for an O_PATH file, -EINVAL for whence past SEEK_HOLE (4),
 * else the file's llseek op (or vfs_generic_llseek): the new offset or -errno. */
struct result_i64 vfs_lseek(struct file *f, i64 off, int whence);
/* The llseek ops (file_ops.llseek). vfs_generic_llseek: SEEK_SET, SEEK_CUR, SEEK_END from
 * the inode's size under its lock; -EINVAL for a negative offset or SEEK_DATA/SEEK_HOLE. */
struct result_i64 vfs_generic_llseek(struct file *f, i64 off, int whence);
struct result_i64 vfs_no_llseek(struct file *f, i64 off, int whence);
struct result_i64 vfs_noop_llseek(struct file *f, i64 off, int whence);
struct result_i64 vfs_zero_llseek(struct file *f, i64 off, int whence);
struct result_i64 vfs_dir_llseek(struct file *f, i64 off, int whence);
/* vfs_getdents64 - linux_dirent64 records into dst (".", "..", then the children in cookie
 * order); bytes written, 0 at the end, -EINVAL when dst cannot hold the next record,
 * -ENOTDIR, -ENOENT for a removed directory. */
struct result_size vfs_getdents64(struct file *f, struct bytes dst);
void vfs_stat_inode(struct inode *ip, struct vfs_stat *st);
int vfs_stat(const struct vfs_ctx *c, struct str path, bool follow, struct vfs_stat *st);
/* vfs_statfs_inode - what statfs(2) reports for the file system holding ip, seen through
 * mount `mnt` (its flags; NULL: none). */
void vfs_statfs_inode(struct inode *ip, struct vfs_mount *mnt, struct vfs_statfs *sf);
/* vfs_readlink - copy the target of the symlink at `path` into dst: bytes, -EINVAL if not a link. */
struct result_size vfs_readlink(const struct vfs_ctx *c, struct str path, struct bytes dst);
/* vfs_path_of - the absolute path of `d` relative to `root`, NUL-terminated, into dst:
 * its length with the NUL, -ERANGE, or -ENOENT when d was removed from the tree. */
struct result_size vfs_path_of(struct vfs_path root, struct vfs_path d, struct bytes dst);
struct result_size vfs_path_of_locked(struct vfs_path root, struct vfs_path d, struct bytes dst)
	REQUIRES(vfs_lock);
/* vfs_fstypes_show - /proc/filesystems: one line per registered type ("nodev\tNAME\n": none
 * needs a block device yet): bytes, or -ERANGE when dst is too small. */
struct result_size vfs_fstypes_show(struct bytes dst);
/* vfs_permission - may `cred` access `ip` for `mask` (VFS_MAY_*): 0 or -EACCES. */
int vfs_permission(const struct inode *ip, const struct cred *cred, u32 mask);

/* Attribute changes on an inode, with chmod(2)/chown(2)/utimensat(2)/truncate(2)'s
 * permission checks for `cred`: 0 or -errno. */
int vfs_chmod(struct inode *ip, const struct cred *cred, u32 mode);
/* vfs_chown - uid/gid (u32)-1: unchanged. */
int vfs_chown(struct inode *ip, const struct cred *cred, u32 uid, u32 gid);
/* vfs_utimes - set atime/mtime; `now_*`: to the current time (UTIME_NOW), `omit_*`: keep
 * (UTIME_OMIT). An explicit time needs ownership; "now" needs ownership or write access. */
struct vfs_utimes {
	struct vfs_time atime, mtime;
	bool now_a, now_m, omit_a, omit_m;
};
int vfs_utimes(struct inode *ip, const struct cred *cred, const struct vfs_utimes *t);
/* vfs_kill_suid - a write or truncate by `cred`: an unprivileged caller clears the setuid bit,
 * and the setgid bit of a group-executable file, of a regular file (Linux's
 * file_remove_privs; root keeps them, as CAP_FSETID). */
void vfs_kill_suid(struct inode *ip, const struct cred *cred);
/* vfs_truncate - set the size of a regular file (no permission check: the caller checked
 * write access, by path or by an open file's mode). */
int vfs_truncate(struct inode *ip, u64 size);
/* vfs_punch_hole - fallocate(FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE): the bytes of
 * [off, off+len) below the size read as zeros from now on (the pages stay: zeroed in place,
 * so st_blocks does not drop); the size is kept. -EOPNOTSUPP for files without a page cache,
 * -ETXTBSY for a running program's. */
int vfs_punch_hole(struct inode *ip, u64 off, u64 len);
/* initramfs_unpack - every entry of the newc archive into the tree at c->root: 0, or the
 * first error (a malformed archive is -EINVAL; entries before it stay). */
int initramfs_unpack(const struct vfs_ctx *c, struct bytes archive);

/* vfs_setattr - set owner and permission bits of `path` (no permission check: for the
 * initramfs unpacker and chown/chmod's root path). */
int vfs_setattr(const struct vfs_ctx *c, struct str path, u32 uid, u32 gid, u32 perm);

/* vfs_dentry_dead - whether d was taken out of the tree (unlinked, removed, renamed over). */
bool vfs_dentry_dead(struct dentry *d) EXCLUDES(dcache_lock);

/* Inside fs/vfs only (need vfs_lock held). */
struct dentry_result vfs_walk_locked(const struct vfs_ctx *c, struct str path, bool follow)
	REQUIRES(vfs_lock);
struct path_result vfs_create_locked(const struct vfs_ctx *c, struct str path, u32 mode)
	REQUIRES(vfs_lock);
/* the first child of dir whose cookie is >= `cookie`, or NULL */
struct dentry *vfs_child_from_locked(struct dentry *dir, u64 cookie) REQUIRES_SHARED(vfs_lock);
struct str vfs_dentry_name(struct dentry *d);
void vfs_inode_put(struct inode *ip) REQUIRES(vfs_lock);
/* vfs_inode_put_unlocked - the same without vfs_lock held: takes it for the last reference. */
void vfs_inode_put_unlocked(struct inode *ip) EXCLUDES(vfs_lock);
/* vfs_inode_put_new - drop the only reference to an inode nobody else ever saw (a create that
 * failed after making it): no file locks, no watches, so no lock is needed. */
void vfs_inode_put_new(struct inode *ip);
void vfs_dentry_put_locked(struct dentry *d) REQUIRES(vfs_lock);
/* vfs_inode_touch - set the times named by VFS_TOUCH_* bits to now (takes ip->lock);
 * vfs_inode_touch_ilocked - the same with ip->lock held. */
#define VFS_TOUCH_A 1u
#define VFS_TOUCH_M 2u
#define VFS_TOUCH_C 4u
void vfs_inode_touch(struct inode *ip, u32 which);
void vfs_inode_touch_ilocked(struct inode *ip, u32 which) REQUIRES(&ip->lock);
/* vfs_inode_init - ready a new inode's lock (every inode of every file system, before it is
 * shared; one lock class for all inodes). Context: task. */
void vfs_inode_init(struct inode *ip);

/* File locks (fs/vfs/flock.c). A request names its kind, owner (vfs_lock_owner for POSIX:
 * the pid), type (VFS_F_*: UNLCK removes) and bytes [start, end].
 * vfs_lock_set - take or change it: 0, -EAGAIN when another owner's lock conflicts (its
 *                description in *conflict), -EDEADLK when `will_wait` and waiting would close a
 *                cycle of POSIX owners each waiting for the next, -ENOLCK when memory is short.
 *                A waiter (F_SETLKW, flock without LOCK_NB) sleeps until vfs_lock_generation()
 *                moves on from *gen (read with the conflict), on vfs_lock_waitq(), then asks
 *                again, and calls vfs_lock_wait_done when it stops waiting.
 * vfs_lock_test - F_GETLK: the first lock that conflicts with the request (*out), or
 *                 out->type = VFS_F_UNLCK.
 * vfs_locks_drop_posix - a process closed a descriptor of the file: its POSIX locks on it go.
 * vfs_locks_drop_file (in vfs_close) - an open file's last reference went: its OFD locks and
 *                       flocks go. */
struct vfs_lock_req {
	enum vfs_lock_kind kind;
	u32 type;
	u64 owner;
	i32 pid;
	u64 start, end;
};
/* vfs_file_owns_locks - f is about to ask for an OFD lock or a flock (owner f->id). */
void vfs_file_owns_locks(struct file *f);
int vfs_lock_set(struct inode *ip, const struct vfs_lock_req *r, bool will_wait,
		 struct vfs_lock_req *conflict, u64 *gen);
void vfs_lock_test(struct inode *ip, const struct vfs_lock_req *r, struct vfs_lock_req *out);
void vfs_lock_wait_done(u64 owner);
void vfs_locks_drop_posix(struct file *f, u64 pid);
u64 vfs_lock_generation(void);
struct waitq *vfs_lock_waitq(void);

/* Character devices: opening a node with this (major, minor) gives a file with `ops`
 * (read/write on the device's inode); minor VFS_ANY_MINOR stands for every minor of the major
 * not registered on its own. At most VFS_MAX_DEVICES; 0 or -ENOSPC / -EEXIST. */
#define VFS_MAX_DEVICES 16u
#define VFS_ANY_MINOR 0xffffffffu
int vfs_register_chrdev(u32 major, u32 minor, const struct file_ops *ops, bool tty);
/* vfs_chrdev_registered - whether (major, minor) has a driver. */
bool vfs_chrdev_registered(u32 major, u32 minor);
/* Block devices: every block node opens with these ops (the block layer finds the device
 * from the node's rdev in ops->open, -ENXIO when there is none); before they are set, block
 * nodes cannot be opened (-ENXIO). */
void vfs_register_blkdev_ops(const struct file_ops *ops);
bool vfs_file_is_tty(const struct file *f);

/* vfs_memfd - memfd_create(2)'s file: a read-write tmpfs file owned by uid:gid that no
 * directory lists, its dentry named `name` ("memfd:" and the caller's name, at most
 * VFS_NAME_MAX bytes) in memfd's internal mount; -ENOMEM. */
struct file_result vfs_memfd(struct str name, u32 uid, u32 gid, bool sealing);

/* vfs_seals - a file's seals (VFS_SEAL_*), or -EINVAL if it cannot have any (not a tmpfs
 * regular file or memfd).
 * vfs_add_seals - fcntl F_ADD_SEALS: -EPERM when the file is not open for writing, then
 * -EINVAL for unknown bits or an unsealable file, -EPERM when F_SEAL_SEAL is set, -EBUSY
 * for F_SEAL_WRITE while a writable shared mapping of the file exists (vm_object_deny_
 * writable). A tmpfs file, and a memfd made without MFD_ALLOW_SEALING (`sealing` false),
 * starts with F_SEAL_SEAL. */
i64 vfs_seals(struct file *f);
int vfs_add_seals(struct file *f, u32 seals);

/* vfs_no_file_ops - the file ops of an open file whose inode has none (every op NULL). */
extern const struct file_ops vfs_no_file_ops;
/* vfs_fsync_noop - file_ops.fsync of files kept in memory (Linux's noop_fsync): 0. */
int vfs_fsync_noop(struct file *f);
/* vfs_fsync - fsync/fdatasync of open file f (not O_PATH): its op's answer, -EINVAL without
 * one. */
int vfs_fsync(struct file *f);

/* vfs_file_new - an open file on `ip` (no dentry: for pipes) with `flags` and ip's file ops,
 * holding an inode reference; NULL when memory is short. */
struct file *vfs_file_new(struct inode *ip, u32 flags);

/* vfs_anon_file - the one open file (O_RDWR | flags) of an anonymous object (fs/vfs/anon.c:
 * epoll, eventfd, timerfd, pidfd, inotify, signalfd) whose struct inode `ip` is embedded in it
 * and otherwise ready: the inode gets its lock, `ops` and `fops`, mode 0600 without type
 * bits, uid:gid, one link and a fresh number. The file owns the inode; -ENOMEM (ops->destroy
 * has freed the object then). */
struct file_result vfs_anon_file(struct inode *ip, const struct inode_ops *ops,
				 const struct file_ops *fops, u32 flags, u32 uid, u32 gid);

/*
 * inotify (fs/vfs/inotify.c, docs/poll.md): instances, and the hooks the VFS calls on every
 * change (each returns at once while nothing is watched anywhere). Event masks are the UAPI
 * IN_* bits (uapi/events.h).
 * vfs_notify_child - `mask` (with IN_ISDIR for a directory entry) about the entry `name` of
 *                    directory `dir` (IN_CREATE, IN_DELETE, IN_MOVED_*: `cookie` pairs a move).
 * vfs_notify_self - `mask` about ip itself (IN_MOVE_SELF).
 * vfs_notify_file - `mask` about an open file (IN_OPEN, IN_MODIFY, IN_CLOSE_*): to its inode
 *                   and to its parent directory with its name. Takes vfs_lock: not held.
 * vfs_notify_inode_gone - ip's last reference went (vfs_inode_put): IN_DELETE_SELF if it has
 *                   no link, then its watches go (IN_IGNORED).
 * vfs_notify_cookie - a fresh cookie for one rename's IN_MOVED_FROM/IN_MOVED_TO pair.
 */
void vfs_notify_child(struct inode *dir, u32 mask, struct str name, u32 cookie);
void vfs_notify_self(struct inode *ip, u32 mask);
void vfs_notify_file(struct file *f, u32 mask);
void vfs_notify_inode_gone(struct inode *ip);
u32 vfs_notify_cookie(void);
/* vfs_inotify_new - an instance (O_RDWR | flags: O_NONBLOCK at most), or -ENOMEM.
 * vfs_inotify_add_watch - inotify_add_watch(2) for `path` (looked up in c, following a final
 *   symlink unless IN_DONT_FOLLOW): the watch descriptor, or ENOENT & co., ENOTDIR
 *   (IN_ONLYDIR), EACCES (no read permission), EEXIST (IN_MASK_CREATE), ENOSPC, ENOMEM.
 * vfs_inotify_rm_watch - 0, or -EINVAL for a descriptor it does not hold.
 * Reads return whole struct inotify_event records (-EINVAL when the first does not fit,
 * -EAGAIN when empty: sleep on vfs_inotify_waitq until vfs_inotify_readable). */
struct file_result vfs_inotify_new(u32 flags, u32 uid, u32 gid);
bool vfs_file_is_inotify(const struct file *f);
struct result_i64 vfs_inotify_add_watch(struct file *f, const struct vfs_ctx *c, struct str path,
					u32 mask);
int vfs_inotify_rm_watch(struct file *f, i32 wd);
struct waitq *vfs_inotify_waitq(struct file *f);
bool vfs_inotify_readable(struct file *f);
/* vfs_inotify_pending_bytes - what a read of every queued event returns (FIONREAD). */
u64 vfs_inotify_pending_bytes(struct file *f);

/* vfs_u32_to_user - store v at user address `addr` for an ioctl op: 0 or -EFAULT
 * (kernel/fs/user.c: kept out of fs/vfs/ so the VFS builds on the host). */
int vfs_u32_to_user(u32 v, u64 addr);

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
#define VFS_POLLPRI 0x2u
#define VFS_POLLNVAL 0x20u
#define VFS_POLLRDNORM 0x40u
#define VFS_POLLWRNORM 0x100u
#define VFS_POLLRDHUP 0x2000u

/* vfs_poll - the VFS_POLL* bits f is ready for through its file_ops.poll (registering pt's
 * poller on its queues when pt is not NULL); IN|OUT|RDNORM|WRNORM for a file without one.
 * The one readiness entry point: poll, ppoll, select, pselect6 and epoll ask only this
 * (docs/poll.md). Inline: select calls it once per descriptor. */
static inline u32 vfs_poll(struct file *f, struct poll_table *pt)
{
	if (f->ops && f->ops->poll)
		return f->ops->poll(f, pt);
	return VFS_POLLIN | VFS_POLLOUT | VFS_POLLRDNORM | VFS_POLLWRNORM;
}
int vfs_pipe(u32 flags, u32 uid, u32 gid, struct file **rd, struct file **wr);
bool vfs_file_is_pipe(const struct file *f);
/* vfs_pipe_poll - the VFS_POLL* bits a pipe file `f` is ready for (HUP/ERR: the other end is closed). */
u32 vfs_pipe_poll(struct file *f);
/* vfs_pipe_waitq - where callers blocked on pipe file `f` sleep; woken by every change of
 * the pipe (bytes in or out, an end closed). */
struct waitq *vfs_pipe_waitq(struct file *f);
/* vfs_pipe_peek - splice and tee: a read of pipe file f that takes nothing out (0: empty,
 * no writer; -EAGAIN: empty); vfs_pipe_consume then drops the first n bytes (those moved on).
 * vfs_pipe_same: f and g are ends of one pipe. */
struct result_size vfs_pipe_peek(struct file *f, struct bytes dst);
void vfs_pipe_consume(struct file *f, size_t n);
bool vfs_pipe_same(const struct file *f, const struct file *g);
/* vfs_fifo_open_locked - an open(2) with `flags` of FIFO node ip: attaches its pipe (made at
 * the first open) and counts the file as a reader, writer or both; *ops: the open file's ops,
 * *peer_opens: for vfs_fifo_opened (the file's fifo_peer). -ENXIO: O_WRONLY | O_NONBLOCK and
 * no reader; -ENOMEM. The caller makes the file, whose release undoes this. */
int vfs_fifo_open_locked(struct inode *ip, u32 flags, u64 *peer_opens,
			 const struct file_ops **ops) REQUIRES(vfs_lock);
/* vfs_fifo_opened - whether an open of f may return: true but for a FIFO opened for reading
 * (writing) alone whose other end has not been opened since (Linux's wait_for_partner); the
 * caller sleeps on vfs_pipe_waitq until it is. */
bool vfs_fifo_opened(struct file *f);

/* eventfd files (fs/vfs/eventfd.c): a 64-bit counter (EFD_SEMAPHORE: reads take 1). vfs_eventfd
 * makes one O_RDWR | flags file with the counter at initval; reads and writes of fewer than 8
 * bytes are -EINVAL, an empty read or an overflowing write -EAGAIN (callers sleep on
 * vfs_eventfd_waitq). vfs_eventfd_poll: VFS_POLLIN when nonzero, VFS_POLLOUT below the max. */
int vfs_eventfd(u64 initval, bool semaphore, u32 flags, u32 uid, u32 gid, struct file **out);
bool vfs_file_is_eventfd(const struct file *f);
u32 vfs_eventfd_poll(struct file *f);
struct waitq *vfs_eventfd_waitq(struct file *f);
/* vfs_eventfd_add - add v to the counter of eventfd file f: 0, -EINVAL (v is 2^64-1) or
 * -EAGAIN (it does not fit now; sleep on vfs_eventfd_waitq until vfs_eventfd_fits(f, v) —
 * POLLOUT only promises that 1 fits). */
int vfs_eventfd_add(struct file *f, u64 v);
bool vfs_eventfd_fits(struct file *f, u64 v);
/*
 * epoll instances (fs/vfs/epoll.c, docs/poll.md): an O_RDWR file holding an interest list of
 * (file, fd) items and a ready list fed by wait-queue hooks. vfs_epoll_create: 0 or -ENOMEM.
 * vfs_epoll_ctl: EPOLL_CTL_ADD/MOD/DEL of (tf, fd) with Linux's checks and errnos (EPERM for a
 * file without poll, EINVAL for epf not an epoll or epf itself, EEXIST, ENOENT, ELOOP for a
 * cycle or nesting deeper than 5 instances); `ev` is ignored for DEL. vfs_epoll_collect: up to
 * `max` ready events stored to the user array at `uevents` (struct epoll_event, 12 bytes each,
 * through vfs_epoll_event_to_user, with the instance's mutex held, as Linux's ep_send_events);
 * level-triggered items stay ready, EPOLLET ones leave the ready list, EPOLLONESHOT ones are
 * disarmed. Each call is one wait's round: an item reported earlier in it ends the round, so
 * none is reported twice. Returns how many were stored, or -EFAULT when the first store
 * faulted (the item stays ready, as Linux requeues it). The sleeper waits on vfs_epoll_waitq
 * until vfs_epoll_has_ready. vfs_epoll_file_closed: the last close of a watched file removes
 * its items (vfs_close calls it); vfs_epoll_file_init: file creation.
 */
struct vfs_epoll_event {
	u32 events;
	u64 data;
};
/* vfs_epoll_event_to_user - store one struct epoll_event at user address `addr`: 0 or
 * -EFAULT (kernel/fs/user.c; the host tests give their own). */
int vfs_epoll_event_to_user(u32 events, u64 data, u64 addr);
int vfs_epoll_create(u32 flags, u32 uid, u32 gid, struct file **out);
bool vfs_file_is_epoll(const struct file *f);
int vfs_epoll_ctl(struct file *epf, int op, struct file *tf, i32 fd,
		  const struct vfs_epoll_event *ev);
i64 vfs_epoll_collect(struct file *epf, u64 uevents, u32 max);
bool vfs_epoll_has_ready(struct file *epf);
struct waitq *vfs_epoll_waitq(struct file *epf);
void vfs_epoll_file_closed(struct file *f);
void vfs_epoll_file_init(struct file *f);

/* the ring buffer (exposed for the host tests): copy out of / into `ring` holding *len bytes from *head. */
size_t pipe_ring_read(struct bytes ring, size_t *head, size_t *len, struct bytes dst);
size_t pipe_ring_write(struct bytes ring, size_t head, size_t *len, struct bytes src);

/* ramfs (fs/vfs/ramfs.c): a new inode in `sb` (taking a reference on it); NULL when memory
 * is short. */
struct inode *ramfs_new_inode(struct vfs_sb *sb, u32 mode);
int ramfs_set_symlink(struct inode *ip, struct str target);

#endif /* KERNEL_FS_VFS_H */
