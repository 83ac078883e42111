/*
 * inotify.c — inotify instances and the VFS's notification hooks (fs/vfs.h, docs/poll.md).
 *
 * An instance is an anonymous file (vfs_anon_file) holding its watches, by watch descriptor,
 * and a queue of events that read(2) returns as Linux's packed struct inotify_event records
 * (the name NUL-padded to a multiple of 16 bytes). A watch names an inode by pointer, keyed by
 * its number in one global table, and holds no reference on it: the inode's last put
 * (vfs_inode_put -> vfs_notify_inode_gone) reports IN_DELETE_SELF when it has no link left,
 * then IN_IGNORED, and removes the watch — as Linux, where the mark goes when the inode is
 * evicted (an unlinked file still open reports IN_DELETE_SELF at its last close).
 *
 * The hooks: the namespace changes (fs/vfs/namespace.c) report IN_CREATE, IN_DELETE and
 * IN_MOVED_FROM/IN_MOVED_TO (one cookie per rename) to the directory with the entry's name,
 * and IN_MOVE_SELF to the moved inode; open files (fs/vfs/file.c) report IN_OPEN, IN_MODIFY
 * (a write that moved bytes, a truncate) and IN_CLOSE_WRITE/IN_CLOSE_NOWRITE to the inode and
 * to its parent directory with its name (the parent first, as Linux). Every hook returns at
 * once while no watch exists anywhere (one atomic load). Not reported: IN_ACCESS, IN_ATTRIB,
 * IN_UNMOUNT. Events equal to the last one queued are merged; past INO_MAX_EVENTS queued, one
 * IN_Q_OVERFLOW (wd -1) stands for the ones dropped.
 *
 * Locks, in order: vfs_lock (the hooks that need a parent's name take it) -> ino_mtx (a mutex:
 * every watch, the global table, each instance's watch table; events are allocated under it)
 * -> an instance's `lock` (a spinlock: its event queue; read and poll take it alone).
 */
#include <fs/vfs.h>
#include <fw/heap.h>
#include <fw/hash.h>
#include <fw/typecache.h>
#include <uapi/events.h>
#include <uapi/socket.h> /* FIONREAD */

#define INO_MAX_EVENTS 16384u  /* Linux's default max_queued_events */
#define INO_MAX_WATCHES 8192u  /* per instance (Linux: max_user_watches, per user) */
#define INO_EVENT_SIZE 16u     /* sizeof(struct inotify_event) */

struct inotify_dev;

/* A watch: one inode watched by one instance. */
struct ino_watch {
	/* immutable after creation */
	struct inotify_dev *dev;
	struct inode *ip; /* no reference: the inode's last put removes the watch */
	i32 wd;
	/* ino_mtx */
	u32 mask;                  /* IN_ALL_EVENTS bits and IN_ONESHOT */
	struct hash_link by_inode; /* in ino_watches, keyed by ip->ino */
	struct hash_link by_wd;    /* in dev->wds, keyed by wd */
};
DEFINE_TYPE_CACHE(ino_watch_cache, struct ino_watch);
DEFINE_HASH(ino_by_inode, struct ino_watch, by_inode, 8, mutex);
DEFINE_HASH(ino_by_wd, struct ino_watch, by_wd, 5, mutex);

/* A queued event. */
struct ino_event {
	struct list_link link;
	i32 wd;
	u32 mask;
	u32 cookie;
	u32 name_len; /* without the NUL; 0: no name */
	u8 name[VFS_NAME_MAX + 1];
};
DEFINE_TYPE_CACHE(ino_event_cache, struct ino_event);
DEFINE_LIST(ino_events, struct ino_event, link, spinlock);

struct inotify_dev {
	struct inode vfs;
	struct waitq wq; /* readers, pollers and epoll: woken by every queued event */
	/* ino_mtx */
	struct ino_by_wd wds;
	i32 last_wd; /* descriptors are handed out cyclically from 1, as Linux's idr */
	u32 nwatches;
	bool released; /* the file was closed: no watch may be added */
	/* lock */
	struct spinlock lock;
	struct ino_events events;
	u32 nevents;
	u64 bytes;     /* what a read of everything would return (FIONREAD) */
	bool overflow; /* an IN_Q_OVERFLOW event is queued */
};
DEFINE_SUBTYPE(ino_dev, struct inotify_dev, vfs, struct inode, tag);

static struct mutex ino_mtx = MUTEX_INIT(ino_mtx);
static struct ino_by_inode ino_watches GUARDED_BY(&ino_mtx);
static bool ino_ready GUARDED_BY(&ino_mtx);
static struct atomic_u32 ino_nwatches; /* every instance's: the hooks' fast path */
static struct atomic_u32 ino_cookie;

/* record_size - the bytes event e takes in a read. */
static u64 record_size(const struct ino_event *e)
{
	u32 padded = e->name_len ? (e->name_len + INO_EVENT_SIZE) & ~(INO_EVENT_SIZE - 1) : 0;
	return INO_EVENT_SIZE + padded;
}

static bool same_event(struct ino_event *a, struct ino_event *b)
{
	return a->wd == b->wd && a->mask == b->mask && a->cookie == b->cookie &&
	       a->name_len == b->name_len &&
	       bytes_eq(bytes_head(BYTES_OF_ARRAY(a->name), a->name_len),
			bytes_head(BYTES_OF_ARRAY(b->name), b->name_len));
}

/* queue_event - append an event to dev's queue (merged with an equal last one; past the
 * limit an overflow event stands for it) and wake dev's readers. */
static void queue_event(struct inotify_dev *dev, i32 wd, u32 mask, u32 cookie, struct str name)
	REQUIRES(&ino_mtx)
{
	struct ino_event *e = KNEW(ino_event_cache);
	if (e) {
		e->wd = wd;
		e->mask = mask;
		e->cookie = cookie;
		struct result_size n = str_copy_to(BYTES_OF_ARRAY(e->name), name);
		e->name_len = n.err ? 0 : (u32)n.value;
	}
	bool queued = false;
	spin_lock(&dev->lock);
	struct ino_event *last = ino_events_last(&dev->events);
	if (e && last && same_event(last, e)) {
		/* merged with the last one (Linux's inotify_merge) */
	} else if (!e || dev->nevents >= INO_MAX_EVENTS) {
		if (!dev->overflow && e) {
			e->wd = -1;
			e->mask = UAPI_IN_Q_OVERFLOW;
			e->cookie = 0;
			e->name_len = 0;
			dev->overflow = true;
			ino_events_push_back(&dev->events, e);
			dev->nevents++;
			dev->bytes += record_size(e);
			queued = true;
		}
	} else {
		ino_events_push_back(&dev->events, e);
		dev->nevents++;
		dev->bytes += record_size(e);
		queued = true;
	}
	spin_unlock(&dev->lock);
	if (!queued && e)
		KFREE(ino_event_cache, e);
	if (queued)
		(void)waitq_wake_all(&dev->wq);
}

/* watch_remove - w goes: IN_IGNORED is queued for it and it is freed. */
static void watch_remove(struct ino_watch *w) REQUIRES(&ino_mtx)
{
	struct inotify_dev *dev = w->dev;
	ino_by_inode_remove(&ino_watches, w);
	ino_by_wd_remove(&dev->wds, w);
	dev->nwatches--;
	(void)atomic_u32_fetch_sub(&ino_nwatches, 1);
	queue_event(dev, w->wd, UAPI_IN_IGNORED, 0, str_empty());
	KFREE(ino_watch_cache, w);
}

/* deliver - event `mask` (with IN_ISDIR when about a directory) on inode ip to every watch of
 * ip that asks for it; a one-shot watch goes after its event. */
static void deliver(struct inode *ip, u32 mask, u32 cookie, struct str name) REQUIRES(&ino_mtx)
{
	if (!ino_ready)
		return;
	struct ino_watch *w = ino_by_inode_find(&ino_watches, ip->ino);
	while (w) {
		struct ino_watch *next = ino_by_inode_find_next(&ino_watches, w);
		if (w->ip == ip && (w->mask & mask & UAPI_IN_ALL_EVENTS)) {
			queue_event(w->dev, w->wd, mask, cookie, name);
			if (w->mask & UAPI_IN_ONESHOT)
				watch_remove(w);
		}
		w = next;
	}
}

static bool watching(void)
{
	return atomic_u32_load(&ino_nwatches) != 0;
}

static u32 isdir_bit(const struct inode *ip)
{
	return (ip->mode & VFS_S_IFMT) == VFS_S_IFDIR ? UAPI_IN_ISDIR : 0;
}

u32 vfs_notify_cookie(void)
{
	return atomic_u32_add_return(&ino_cookie, 1);
}

void vfs_notify_child(struct inode *dir, u32 mask, struct str name, u32 cookie)
{
	if (!watching())
		return;
	mutex_lock(&ino_mtx);
	deliver(dir, mask, cookie, name);
	mutex_unlock(&ino_mtx);
}

void vfs_notify_self(struct inode *ip, u32 mask)
{
	if (!watching())
		return;
	mutex_lock(&ino_mtx);
	deliver(ip, mask | isdir_bit(ip), 0, str_empty());
	mutex_unlock(&ino_mtx);
}

void vfs_notify_file(struct file *f, u32 mask)
{
	if (!watching())
		return;
	struct inode *ip = f->inode;
	mask |= isdir_bit(ip);
	down_read(&vfs_lock); /* the parent and the name change only under a write hold (rename) */
	struct dentry *d = f->dentry;
	struct inode *parent = d && !vfs_dentry_dead(d) && d->parent != d ? d->parent->inode : NULL;
	mutex_lock(&ino_mtx);
	if (parent)
		deliver(parent, mask, 0, vfs_dentry_name(d));
	deliver(ip, mask, 0, str_empty());
	mutex_unlock(&ino_mtx);
	up_read(&vfs_lock);
}

void vfs_notify_inode_gone(struct inode *ip)
{
	if (!watching())
		return;
	mutex_lock(&ino_mtx);
	if (ip->nlink == 0)
		deliver(ip, UAPI_IN_DELETE_SELF | isdir_bit(ip), 0, str_empty());
	if (ino_ready) {
		struct ino_watch *w = ino_by_inode_find(&ino_watches, ip->ino);
		while (w) {
			struct ino_watch *next = ino_by_inode_find_next(&ino_watches, w);
			if (w->ip == ip)
				watch_remove(w);
			w = next;
		}
	}
	mutex_unlock(&ino_mtx);
}

/* The instance's file. */

/* put_record - event e as a struct inotify_event and its padded name into rec (zeroed
 * first: the padding must not show what the buffer held). */
static void put_record(struct bytes rec, struct ino_event *e, u32 len)
{
	bytes_fill(rec, 0);
	(void)bytes_put_le32(rec, 0, (u32)e->wd);
	(void)bytes_put_le32(rec, 4, e->mask);
	(void)bytes_put_le32(rec, 8, e->cookie);
	(void)bytes_put_le32(rec, 12, len);
	struct bytes_result nm = bytes_sub(rec, INO_EVENT_SIZE, e->name_len);
	if (!nm.err)
		(void)bytes_copy(nm.value, bytes_head(BYTES_OF_ARRAY(e->name), e->name_len));
}

/* ino_read - as many whole events as fit in dst (a kernel buffer): -EINVAL when the first
 * does not, -EAGAIN when none is queued (the read system call sleeps on vfs_inotify_waitq). */
static struct result_size ino_read(struct inode *ip, struct bytes dst, u64 pos)
{
	(void)pos;
	struct inotify_dev *dev = ino_dev_from(ip);
	size_t off = 0;
	int err = 0;
	spin_lock(&dev->lock);
	struct ino_event *e;
	while ((e = ino_events_first(&dev->events))) {
		u64 size = record_size(e);
		struct bytes_result rec = bytes_sub(dst, off, size);
		if (rec.err) {
			if (off == 0)
				err = -EINVAL;
			break;
		}
		put_record(rec.value, e, (u32)(size - INO_EVENT_SIZE));
		ino_events_remove(&dev->events, e);
		dev->nevents--;
		dev->bytes -= size;
		if (e->wd == -1 && e->mask == UAPI_IN_Q_OVERFLOW)
			dev->overflow = false;
		KFREE(ino_event_cache, e);
		off += size;
	}
	spin_unlock(&dev->lock);
	if (!err && off == 0)
		err = -EAGAIN;
	return err ? result_size_err(err) : result_size_ok(off);
}

static u32 ino_poll(struct file *f, struct poll_table *pt)
{
	struct inotify_dev *dev = ino_dev_from(f->inode);
	poll_wait(pt, &dev->wq);
	spin_lock(&dev->lock);
	bool ready = dev->nevents != 0;
	spin_unlock(&dev->lock);
	return ready ? VFS_POLLIN | VFS_POLLRDNORM : 0;
}

/* ino_release - the instance is closed: its watches go (their IN_IGNORED events with them). */
static void ino_release(struct inode *ip, u32 flags)
{
	(void)flags;
	struct inotify_dev *dev = ino_dev_from(ip);
	mutex_lock(&ino_mtx);
	dev->released = true;
	struct ino_watch *w;
	while ((w = ino_by_wd_first(&dev->wds)))
		watch_remove(w);
	mutex_unlock(&ino_mtx);
	spin_lock(&dev->lock);
	struct ino_event *e;
	while ((e = ino_events_pop_front(&dev->events)))
		KFREE(ino_event_cache, e);
	dev->nevents = 0;
	dev->bytes = 0;
	spin_unlock(&dev->lock);
}

static void ino_destroy(struct inode *ip)
{
	ino_dev_delete(ino_dev_from(ip));
}

static const struct inode_ops ino_ops = {
	.destroy = ino_destroy,
};

/* ino_ioctl - FIONREAD: the bytes a read would return (Linux's inotify_ioctl). */
static i64 ino_ioctl(struct thread *p, struct file *f, u64 cmd, u64 arg)
{
	(void)p;
	if (cmd != UAPI_FIONREAD)
		return -ENOTTY;
	return vfs_u32_to_user((u32)vfs_inotify_pending_bytes(f), arg);
}

static const struct file_ops ino_fops = {
	.llseek = vfs_noop_llseek,
	.poll = ino_poll,
	.read = ino_read,
	.ioctl = ino_ioctl,
	.release = ino_release,
};

bool vfs_file_is_inotify(const struct file *f)
{
	return f->ops == &ino_fops;
}

struct waitq *vfs_inotify_waitq(struct file *f)
{
	return &ino_dev_from(f->inode)->wq;
}

bool vfs_inotify_readable(struct file *f)
{
	return (ino_poll(f, NULL) & VFS_POLLIN) != 0;
}

u64 vfs_inotify_pending_bytes(struct file *f)
{
	struct inotify_dev *dev = ino_dev_from(f->inode);
	spin_lock(&dev->lock);
	u64 n = dev->bytes;
	spin_unlock(&dev->lock);
	return n;
}

struct file_result vfs_inotify_new(u32 flags, u32 uid, u32 gid)
{
	struct inotify_dev *dev = ino_dev_new();
	if (!dev)
		return file_result_err(-ENOMEM);
	waitq_init(&dev->wq);
	spin_lock_init(&dev->lock);
	ino_events_init(&dev->events, &dev->lock);
	mutex_lock(&ino_mtx);
	ino_by_wd_init(&dev->wds, &ino_mtx);
	if (!ino_ready) {
		ino_by_inode_init(&ino_watches, &ino_mtx);
		ino_ready = true;
	}
	mutex_unlock(&ino_mtx);
	return vfs_anon_file(ino_dev_base(dev), &ino_ops, &ino_fops, flags, uid, gid);
}

/* find_watch - dev's watch on ip, or NULL. */
static struct ino_watch *find_watch(struct inotify_dev *dev, struct inode *ip)
	REQUIRES(&ino_mtx)
{
	for (struct ino_watch *w = ino_by_inode_find(&ino_watches, ip->ino); w;
	     w = ino_by_inode_find_next(&ino_watches, w))
		if (w->ip == ip && w->dev == dev)
			return w;
	return NULL;
}

/* next_wd - the next free descriptor after the last one handed out (cyclic, from 1). */
static i32 next_wd(struct inotify_dev *dev) REQUIRES(&ino_mtx)
{
	for (u32 tries = 0; tries <= INO_MAX_WATCHES; tries++) {
		i32 wd = dev->last_wd >= 0x7fffffff - 1 ? 1 : dev->last_wd + 1;
		dev->last_wd = wd;
		if (!ino_by_wd_find(&dev->wds, (u64)wd))
			return wd;
	}
	return -1;
}

struct result_i64 vfs_inotify_add_watch(struct file *f, const struct vfs_ctx *c, struct str path,
					u32 mask)
{
	struct inotify_dev *dev = ino_dev_from(f->inode);
	struct dentry_result d = vfs_lookup(c, path, !(mask & UAPI_IN_DONT_FOLLOW));
	if (d.err)
		return result_i64_err(d.err);
	struct inode *ip = d.value->inode;
	int e = 0;
	if ((mask & UAPI_IN_ONLYDIR) && (ip->mode & VFS_S_IFMT) != VFS_S_IFDIR)
		e = -ENOTDIR;
	if (!e)
		e = vfs_permission(ip, &c->cred, VFS_MAY_READ);
	i64 wd = e;
	u32 want = mask & (UAPI_IN_ALL_EVENTS | UAPI_IN_ONESHOT);
	struct ino_watch *fresh = e ? NULL : KNEW(ino_watch_cache);
	if (!e && !fresh)
		wd = -ENOMEM;
	if (!e && fresh) {
		mutex_lock(&ino_mtx);
		struct ino_watch *w = find_watch(dev, ip);
		if (w && (mask & UAPI_IN_MASK_CREATE)) {
			wd = -EEXIST;
		} else if (w) {
			w->mask = (mask & UAPI_IN_MASK_ADD) ? w->mask | want : want;
			wd = w->wd;
		} else if (dev->released || dev->nwatches >= INO_MAX_WATCHES) {
			wd = -ENOSPC;
		} else {
			wd = next_wd(dev);
			if (wd > 0) {
				fresh->dev = dev;
				fresh->ip = ip;
				fresh->wd = (i32)wd;
				fresh->mask = want;
				ino_by_inode_insert(&ino_watches, fresh, ip->ino);
				ino_by_wd_insert(&dev->wds, fresh, (u64)wd);
				dev->nwatches++;
				(void)atomic_u32_fetch_add(&ino_nwatches, 1);
				fresh = NULL;
			} else {
				wd = -ENOSPC;
			}
		}
		mutex_unlock(&ino_mtx);
	}
	if (fresh)
		KFREE(ino_watch_cache, fresh);
	vfs_dentry_put(d.value); /* the watch holds no reference (see above) */
	return wd < 0 ? result_i64_err((int)wd) : result_i64_ok(wd);
}

int vfs_inotify_rm_watch(struct file *f, i32 wd)
{
	struct inotify_dev *dev = ino_dev_from(f->inode);
	mutex_lock(&ino_mtx);
	struct ino_watch *w = wd > 0 ? ino_by_wd_find(&dev->wds, (u64)wd) : NULL;
	if (w)
		watch_remove(w);
	mutex_unlock(&ino_mtx);
	return w ? 0 : -EINVAL;
}
