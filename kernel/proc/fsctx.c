/*
 * fsctx.c — the fs context (root, working directory, umask) shared under CLONE_FS.
 *
 * Every thread keeps its own copy in p->fs (root, cwd, with their references) and p->umask,
 * which the VFS calls of its system calls use unlocked: only p's task ever changes them. Threads
 * made with CLONE_FS also hold one `struct proc_fsctx`, the group's current values with a
 * generation number. A change (chdir, fchdir, chroot, umask) writes the caller's copy and the
 * shared object and bumps the generation; every thread compares the generation at the start of
 * each system call (proc_fs_sync, one atomic load) and copies the shared values when it moved.
 * So a chdir in one thread is seen by the others' next calls; a call already running in another
 * thread finishes with the directory it started with (as on Linux, where the two race).
 *
 * pivot_root moves every process whose root or cwd was the old root: each one does so here at
 * its next system call (pivot_catch_up) when the pivot count moved past the one it saw.
 *
 * Each change writes only its own field, so a chdir in one thread and a chroot in another at the
 * same time both take effect. Locking: fc->lock (a mutex: replacing a path puts a reference,
 * which may free a dentry) guards the values; the generation is atomic so the check needs no
 * lock. Lock order: fc->lock -> vfs_lock.
 */
#include <fw/typecache.h>
#include <proc/process.h>

struct proc_fsctx {
	struct refcount refs;          /* the threads sharing it */
	struct atomic_u64 gen;         /* bumped by every change */
	struct mutex lock;
	struct vfs_path root GUARDED_BY(&lock);
	struct vfs_path cwd GUARDED_BY(&lock);
	u32 umask GUARDED_BY(&lock);
};

DEFINE_TYPE_CACHE(fsctx_cache, struct proc_fsctx);

int proc_fs_share(struct thread *dst, struct thread *src)
{
	struct proc_fsctx *fc = src->fsctx;
	if (!fc) {
		/* the first CLONE_FS of src: its own copy becomes the shared values */
		fc = KNEW(fsctx_cache);
		if (!fc)
			return -ENOMEM;
		refcount_init(&fc->refs, 1);
		mutex_init(&fc->lock);
		mutex_lock(&fc->lock);
		fc->root = src->fs.root;
		fc->cwd = src->fs.cwd;
		vfs_path_get(fc->root);
		vfs_path_get(fc->cwd);
		fc->umask = src->umask;
		mutex_unlock(&fc->lock);
		atomic_u64_store(&fc->gen, 0);
		src->fsctx = fc;
		src->fsctx_gen = 0;
	}
	refcount_get(&fc->refs);
	dst->fsctx = fc;
	/* dst's copy was made from src's, which is current (src synced at its call's start and
	 * any change since went to both) */
	dst->fsctx_gen = src->fsctx_gen;
	return 0;
}

void proc_fs_release(struct thread *p)
{
	struct proc_fsctx *fc = p->fsctx;
	p->fsctx = NULL;
	if (!fc || !refcount_put(&fc->refs))
		return;
	mutex_lock(&fc->lock);
	struct vfs_path root = fc->root, cwd = fc->cwd;
	fc->root = fc->cwd = (struct vfs_path){ 0 };
	mutex_unlock(&fc->lock);
	vfs_path_put(root);
	vfs_path_put(cwd);
	KFREE(fsctx_cache, fc);
}

/* struct fs_copy - the shared values with their references, for a thread's copy. */
struct fs_copy {
	struct vfs_path root, cwd;
	u32 umask;
	u64 gen;
};

static struct fs_copy copy_locked(struct proc_fsctx *fc) REQUIRES(fc->lock)
{
	struct fs_copy c = { fc->root, fc->cwd, fc->umask, atomic_u64_load(&fc->gen) };
	vfs_path_get(c.root);
	vfs_path_get(c.cwd);
	return c;
}

/* adopt - p's copy becomes c (its references move in; the old ones are dropped). */
static void adopt(struct thread *p, struct fs_copy c)
{
	vfs_ctx_set_root(&p->fs, c.root);
	vfs_ctx_set_cwd(&p->fs, c.cwd);
	p->umask = c.umask;
	p->fsctx_gen = c.gen;
}

/* pivot_catch_up - a pivot_root happened since p last looked: p's root and cwd move to the
 * new root if they were the old one (through the shared values, so a CLONE_FS group moves
 * once and its other threads adopt that). */
static FW_NOINLINE void pivot_catch_up(struct thread *p)
{
	struct vfs_pivot_move m = vfs_pivot_catch_up(&p->fs, &p->pivot_seen);
	if (m.cwd_moves)
		proc_fs_set_cwd(p, m.cwd);
	if (m.root_moves)
		proc_fs_set_root(p, m.root);
}

/* sync_shared - another thread changed the shared values: p adopts them. Out of line, as
 * pivot_catch_up, so proc_fs_sync's common path needs no frame for their locals. */
static FW_NOINLINE void sync_shared(struct thread *p, struct proc_fsctx *fc)
{
	mutex_lock(&fc->lock);
	struct fs_copy c = copy_locked(fc);
	mutex_unlock(&fc->lock);
	adopt(p, c);
}

void proc_fs_sync(struct thread *p)
{
	/* the common case: two loads per system call */
	struct proc_fsctx *fc = p->fsctx;
	if (fc && atomic_u64_load(&fc->gen) != p->fsctx_gen)
		sync_shared(p, fc);
	if (vfs_pivot_count() != p->pivot_seen)
		pivot_catch_up(p);
}

/* change - one field of the shared values changes (a path's references move into the shared
 * object; the replaced path is put after the lock); p's copy is then made of all of them (another
 * thread may have changed another field since p's call began). Returns the umask replaced. */
enum fs_field { FS_CWD, FS_ROOT, FS_UMASK };

static u32 change(struct thread *p, struct proc_fsctx *fc, enum fs_field what,
		  struct vfs_path path, u32 mask)
{
	struct vfs_path old = { 0 };
	u32 old_mask = 0;
	mutex_lock(&fc->lock);
	if (what == FS_CWD) {
		old = fc->cwd;
		fc->cwd = path;
	} else if (what == FS_ROOT) {
		old = fc->root;
		fc->root = path;
	} else {
		old_mask = fc->umask; /* the group's, even if another thread changed it just now */
		fc->umask = mask;
	}
	atomic_u64_store(&fc->gen, atomic_u64_load(&fc->gen) + 1);
	struct fs_copy c = copy_locked(fc);
	mutex_unlock(&fc->lock);
	if (what != FS_UMASK)
		vfs_path_put(old);
	adopt(p, c);
	return old_mask;
}

void proc_fs_set_cwd(struct thread *p, struct vfs_path cwd)
{
	if (p->fsctx)
		(void)change(p, p->fsctx, FS_CWD, cwd, 0); /* cwd's references go to the shared object */
	else
		vfs_ctx_set_cwd(&p->fs, cwd);
}

void proc_fs_set_root(struct thread *p, struct vfs_path root)
{
	if (p->fsctx)
		(void)change(p, p->fsctx, FS_ROOT, root, 0);
	else
		vfs_ctx_set_root(&p->fs, root);
}

u32 proc_fs_set_umask(struct thread *p, u32 mask)
{
	struct proc_fsctx *fc = p->fsctx;
	if (!fc) {
		u32 old = p->umask;
		p->umask = mask;
		return old;
	}
	return change(p, fc, FS_UMASK, (struct vfs_path){ 0 }, mask);
}
