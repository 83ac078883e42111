/*
 * flock.c — file locks (fs/vfs.h): POSIX record locks (fcntl F_SETLK/F_SETLKW/F_GETLK, owned
 * by a process, released when it closes any descriptor of the file), OFD locks (F_OFD_*, the
 * same byte-range space, owned by an open file) and flock(2) locks (whole file, owned by an
 * open file, a class of their own). Each inode keeps its locks in a list under vfs_lock.
 *
 * Two locks conflict when their classes match (POSIX and OFD share one), their owners differ,
 * their byte ranges overlap and one of them is a write lock. Setting a lock first removes the
 * owner's own locks in the range (splitting one that straddles it), then adds the new one.
 *
 * Waiting: every release bumps a generation counter and wakes one queue; a waiter sleeps
 * until the generation moves, then asks again (the system call layer does the sleeping,
 * outside vfs_lock). POSIX waiters are recorded (waiter pid -> holder pid) so that a request
 * which would complete a cycle of waiters fails with EDEADLK instead of sleeping forever.
 */
#include <fs/vfs_internal.h>
#include <fw/atomic.h>
#include <fw/typecache.h>

DEFINE_TYPE_CACHE(vfs_file_lock_cache, struct vfs_file_lock);

static struct atomic_u64 lock_gen;
static struct waitq lock_wq;
static bool lock_wq_ready GUARDED_BY(&vfs_lock);

/* Who waits for whom (POSIX owners), for deadlock detection. */
#define VFS_LOCK_WAITERS 64u
struct lock_wait {
	u64 waiter, holder;
	bool used;
};
static struct lock_wait waiters[VFS_LOCK_WAITERS] GUARDED_BY(&vfs_lock);

u64 vfs_lock_generation(void)
{
	return atomic_u64_load(&lock_gen);
}

static void wq_ready_locked(void) REQUIRES(vfs_lock)
{
	if (!lock_wq_ready) {
		waitq_init(&lock_wq);
		lock_wq_ready = true;
	}
}

struct waitq *vfs_lock_waitq(void)
{
	down_write(&vfs_lock);
	wq_ready_locked();
	up_write(&vfs_lock);
	return &lock_wq;
}

/* released_locked - locks went: waiters look again. */
static void released_locked(void) REQUIRES(vfs_lock)
{
	(void)atomic_u64_add_return(&lock_gen, 1);
	wq_ready_locked();
	(void)waitq_wake_all(&lock_wq);
}

static void list_ready_locked(struct inode *ip) REQUIRES(vfs_lock)
{
	if (!ip->locks_ready) {
		vfs_lock_list_init(&ip->locks, &vfs_lock);
		ip->locks_ready = true;
	}
}

static bool same_class(enum vfs_lock_kind a, enum vfs_lock_kind b)
{
	return (a == VFS_LOCK_FLOCK) == (b == VFS_LOCK_FLOCK);
}

static bool same_owner(const struct vfs_file_lock *l, const struct vfs_lock_req *r)
{
	return l->kind == r->kind && l->owner == r->owner;
}

static bool overlaps(const struct vfs_file_lock *l, u64 start, u64 end)
{
	return l->start <= end && start <= l->end;
}

/* conflict_locked - another owner's lock that stands in r's way, or NULL. */
static struct vfs_file_lock *conflict_locked(struct inode *ip, const struct vfs_lock_req *r)
	REQUIRES(vfs_lock)
{
	LIST_FOR_EACH(vfs_lock_list, &ip->locks, l)
		if (same_class(l->kind, r->kind) && !same_owner(l, r) &&
		    overlaps(l, r->start, r->end) &&
		    (l->type == VFS_F_WRLCK || r->type == VFS_F_WRLCK))
			return l;
	return NULL;
}

static void describe(const struct vfs_file_lock *l, struct vfs_lock_req *out)
{
	*out = (struct vfs_lock_req){ .kind = l->kind, .type = l->type, .owner = l->owner,
				      .pid = l->pid, .start = l->start, .end = l->end };
}

/* would_deadlock_locked - `owner` waiting for `holder` closes a cycle of POSIX waiters. */
static bool would_deadlock_locked(u64 owner, u64 holder) REQUIRES(vfs_lock)
{
	u64 x = holder;
	for (u32 step = 0; step < VFS_LOCK_WAITERS; step++) {
		if (x == owner)
			return true;
		bool found = false;
		for (u32 i = 0; i < VFS_LOCK_WAITERS; i++)
			if (waiters[i].used && waiters[i].waiter == x) {
				x = waiters[i].holder;
				found = true;
				break;
			}
		if (!found)
			return false;
	}
	return false;
}

static void wait_record_locked(u64 owner, u64 holder) REQUIRES(vfs_lock)
{
	u32 free_slot = VFS_LOCK_WAITERS;
	for (u32 i = 0; i < VFS_LOCK_WAITERS; i++) {
		if (waiters[i].used && waiters[i].waiter == owner) {
			waiters[i].holder = holder;
			return;
		}
		if (!waiters[i].used && free_slot == VFS_LOCK_WAITERS)
			free_slot = i;
	}
	if (free_slot < VFS_LOCK_WAITERS) /* full: this waiter is just not seen in cycles */
		waiters[free_slot] = (struct lock_wait){ .waiter = owner, .holder = holder, .used = true };
}

void vfs_lock_wait_done(u64 owner)
{
	down_write(&vfs_lock);
	for (u32 i = 0; i < VFS_LOCK_WAITERS; i++)
		if (waiters[i].used && waiters[i].waiter == owner)
			waiters[i].used = false;
	up_write(&vfs_lock);
}

/* lock_fill - describe a fresh (unlinked) lock node. */
static void lock_fill(struct vfs_file_lock *l, enum vfs_lock_kind kind, u32 type, u64 owner,
		      i32 pid, u64 start, u64 end)
{
	l->kind = kind;
	l->type = type;
	l->owner = owner;
	l->pid = pid;
	l->start = start;
	l->end = end;
}

/* unlock_range_locked - remove r's owner's locks of r's class in [start, end], splitting a
 * lock that straddles the range (using *spare, which is then taken: set to NULL). */
static bool unlock_range_locked(struct inode *ip, const struct vfs_lock_req *r,
				struct vfs_file_lock **spare) REQUIRES(vfs_lock)
{
	bool changed = false;
	LIST_FOR_EACH_SAFE(vfs_lock_list, &ip->locks, l) {
		if (!same_owner(l, r) || !overlaps(l, r->start, r->end))
			continue;
		changed = true;
		bool left = l->start < r->start, right = l->end > r->end;
		if (left && right && *spare) { /* keep both ends: the spare is the right one */
			struct vfs_file_lock *rl = *spare;
			*spare = NULL;
			lock_fill(rl, l->kind, l->type, l->owner, l->pid, r->end + 1, l->end);
			vfs_lock_list_push_back(&ip->locks, rl);
			l->end = r->start - 1;
		} else if (left) {
			l->end = r->start - 1;
		} else if (right) {
			l->start = r->end + 1;
		} else {
			vfs_lock_list_remove(&ip->locks, l);
			vfs_file_lock_cache_free(l);
		}
	}
	return changed;
}

int vfs_lock_set(struct inode *ip, const struct vfs_lock_req *r, bool will_wait,
		 struct vfs_lock_req *conflict, u64 *gen)
{
	if (r->start > r->end)
		return -EINVAL;
	/* both nodes a change can need, allocated before anything changes */
	struct vfs_file_lock *add = r->type == VFS_F_UNLCK ? NULL : vfs_file_lock_cache_alloc();
	struct vfs_file_lock *spare = vfs_file_lock_cache_alloc();
	if ((r->type != VFS_F_UNLCK && !add) || !spare) {
		vfs_file_lock_cache_free(add);
		vfs_file_lock_cache_free(spare);
		return -ENOLCK;
	}
	int e = 0;
	down_write(&vfs_lock);
	list_ready_locked(ip);
	/* flock(2) converts by unlocking first (not atomic, as Linux) */
	if (r->kind == VFS_LOCK_FLOCK && unlock_range_locked(ip, r, &spare))
		released_locked();
	struct vfs_file_lock *c = r->type == VFS_F_UNLCK ? NULL : conflict_locked(ip, r);
	if (c) {
		describe(c, conflict);
		*gen = atomic_u64_load(&lock_gen);
		e = -EAGAIN;
		if (will_wait && r->kind == VFS_LOCK_POSIX && c->kind == VFS_LOCK_POSIX) {
			if (would_deadlock_locked(r->owner, c->owner))
				e = -EDEADLK;
			else
				wait_record_locked(r->owner, c->owner);
		}
	} else {
		bool changed = r->kind != VFS_LOCK_FLOCK && unlock_range_locked(ip, r, &spare);
		if (add) {
			lock_fill(add, r->kind, r->type, r->owner, r->pid, r->start, r->end);
			vfs_lock_list_push_back(&ip->locks, add);
			add = NULL;
		}
		if (changed) /* a downgrade or an unlock may let waiters in */
			released_locked();
	}
	up_write(&vfs_lock);
	vfs_file_lock_cache_free(add);
	vfs_file_lock_cache_free(spare);
	return e;
}

void vfs_lock_test(struct inode *ip, const struct vfs_lock_req *r, struct vfs_lock_req *out)
{
	*out = *r;
	out->type = VFS_F_UNLCK;
	down_write(&vfs_lock);
	list_ready_locked(ip);
	struct vfs_file_lock *c = conflict_locked(ip, r);
	if (c)
		describe(c, out);
	up_write(&vfs_lock);
}

/* drop_locked - every lock of ip matching (kind filter, owner) goes. */
static void drop_locked(struct inode *ip, bool posix, u64 owner) REQUIRES(vfs_lock)
{
	if (!ip->locks_ready)
		return;
	bool changed = false;
	LIST_FOR_EACH_SAFE(vfs_lock_list, &ip->locks, l) {
		if ((l->kind == VFS_LOCK_POSIX) != posix || l->owner != owner)
			continue;
		vfs_lock_list_remove(&ip->locks, l);
		vfs_file_lock_cache_free(l);
		changed = true;
	}
	if (changed)
		released_locked();
}

void vfs_locks_drop_posix(struct file *f, u64 pid)
{
	down_write(&vfs_lock);
	drop_locked(f->inode, true, pid);
	up_write(&vfs_lock);
}

bool vfs_locks_any_locked(struct inode *ip)
{
	return ip->locks_ready && !vfs_lock_list_is_empty(&ip->locks);
}

void vfs_locks_drop_file_locked(struct inode *ip, u64 id)
{
	drop_locked(ip, false, id);
}

void vfs_locks_free_locked(struct inode *ip)
{
	if (!ip->locks_ready)
		return;
	for (;;) {
		struct vfs_file_lock *l = vfs_lock_list_pop_front(&ip->locks);
		if (!l)
			break;
		vfs_file_lock_cache_free(l);
	}
}
