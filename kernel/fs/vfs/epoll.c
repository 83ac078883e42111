/*
 * epoll.c — epoll instances (fs/vfs.h, docs/poll.md), built on the one readiness interface
 * (file_ops.poll, poll_wait): an anonymous inode holding an interest table and a ready list.
 *
 * An item (struct epitem) watches one (file, fd) pair. At EPOLL_CTL_ADD the item asks its file
 * with a poll table whose queue callback hooks a wait entry (struct ep_hook) on each of the
 * file's wait queues. From then on every wake-up of those queues puts the item on the ready
 * list (unless it is there) and wakes the instance's sleepers and pollers: O(1) per wake-up,
 * and epoll_wait looks only at the ready items — O(ready), not O(watched). A wake-up says
 * "something changed", not what: the collector asks each ready item's file again
 * (vfs_poll(f, NULL)) and drops it when it is not ready for what the item asks.
 * Level-triggered items that were reported go back on the ready list at once (at its tail,
 * so every ready item gets its turn; the round's token in the item ends the round when it
 * comes round again, so none is reported twice); EPOLLET items leave it until the next wake-up; EPOLLONESHOT items
 * are disarmed (their events cut to the private bits; a hook then does nothing) until
 * EPOLL_CTL_MOD. EPOLLERR and EPOLLHUP are always asked. EPOLLWAKEUP is dropped (no suspend).
 * An EPOLLEXCLUSIVE item's hooks are exclusive wait entries (fw/sync.h): a wake-up of the file
 * runs them in the order they were added only until one wakes an epoll_wait sleeper, so of
 * several instances blocked on one file, one is woken (those without sleepers still get the
 * item on their ready list, as Linux).
 *
 * Lock order: vfs_epoll_lock (global mutex: ADD and DEL, the files' watcher lists, the
 * epoll-in-epoll graph, removal at a file's last close) → ep->mtx (the interest table; held
 * across vfs_poll of the items, so a file cannot lose its items under a scan, and across the
 * store of each event to user memory, page fault included, as Linux's ep_send_events; an outer
 * instance's before an inner one's) → a watched file's own locks (in its poll) → ep->lock
 * (spinlock: the ready list and the items' event masks; the hooks take it from the waker's
 * context with the woken queue's lock held, so nothing calls into a file or wakes a queue
 * while holding it).
 *
 * An item holds no reference on its file (as Linux): the file's last close removes every item
 * watching it (vfs_epoll_file_closed, from vfs_close). An instance may watch another (its own
 * poll is readable when one of its ready items is ready) up to EP_MAX_NESTS levels below the
 * top one, never itself through any path (ELOOP).
 */
#include <fs/vfs.h>
#include <fw/hash.h>
#include <fw/heap.h>
#include <fw/sync.h>
#include <fw/typecache.h>
#include <uapi/epoll.h>

#define EP_MAX_NESTS 4u /* instances below the top one (Linux's EP_MAX_NESTS) */
#define EP_HOOKS 2u     /* distinct wait queues one item watches (every file type uses one) */
#define EP_PRIVATE UAPI_EPOLL_PRIVATE_BITS

struct mutex vfs_epoll_lock = MUTEX_INIT(vfs_epoll_lock);

struct eventpoll;
struct epitem;

/* A hook: a wake-up of a watched file's queue puts its item on the ready list. */
struct ep_hook {
	struct wait_entry we;
	struct epitem *item; /* immutable */
	struct waitq *wq;    /* the queue it is on; immutable */
};
DEFINE_SUBTYPE(ep_hook_sub, struct ep_hook, we, struct wait_entry, tag);

struct epitem {
	/* immutable after creation */
	struct eventpoll *ep;
	struct file *file;       /* no reference: the file's last close removes the item */
	i32 fd;
	struct eventpoll *child; /* the watched instance when the file is an epoll, else NULL */
	/* ep->mtx */
	struct hash_link by_fd;  /* in ep->items, keyed by fd */
	u64 data;
	struct ep_hook *hooks[EP_HOOKS];
	u32 nhooks;
	/* ep->lock (events is written with ep->mtx held too: read under either) */
	struct list_link rdlink; /* on ep->rdlist */
	u32 events;              /* asked events | ERR | HUP, and the EPOLLET/ONESHOT flags */
	u32 seen;                /* the token of the last wait that reported it (0: none) */
	/* vfs_epoll_lock */
	struct list_link flink;  /* on file->ep_watchers */
	struct list_link clink;  /* on ep->children (when child) */
};

DEFINE_TYPE_CACHE(epitem_cache, struct epitem);
DEFINE_HASH(ep_items, struct epitem, by_fd, 6, mutex);
DEFINE_LIST_FUNCS(vfs_ep_watchers, struct epitem, flink, mutex);
DEFINE_LIST(ep_children, struct epitem, clink, mutex);
DEFINE_LIST(ep_rdlist, struct epitem, rdlink, spinlock);

struct eventpoll {
	struct inode vfs;
	/* immutable after creation */
	struct file *file;     /* its one open file (no reference: the file owns the inode) */
	struct waitq wq;       /* epoll_wait sleepers */
	struct waitq poll_wq;  /* pollers of the instance itself: poll, select, an outer epoll */
	struct mutex mtx;
	struct ep_items items; /* mtx (checked by the table's functions) */
	struct spinlock lock;
	struct ep_rdlist rdlist; /* lock: items a wake-up touched */
	u32 calls;               /* lock: the last wait round's token (vfs_epoll_collect) */
	struct ep_children children;               /* vfs_epoll_lock: items watching instances */
};
DEFINE_SUBTYPE(ep_inode, struct eventpoll, vfs, struct inode, tag);

void vfs_epoll_file_init(struct file *f)
{
	vfs_ep_watchers_init(&f->ep_watchers, &vfs_epoll_lock);
}

/* ep_hook_fire - a watched queue was woken: the item is (maybe) ready. Context: the waker's,
 * with that queue's lock held. */
static void ep_hook_fire(struct wait_entry *we)
{
	struct epitem *it = ep_hook_sub_from(we)->item;
	struct eventpoll *ep = it->ep;
	spin_lock(&ep->lock);
	bool armed = (it->events & ~EP_PRIVATE) != 0; /* a fired EPOLLONESHOT item is not */
	if (armed && !list_link_is_linked(&it->rdlink))
		ep_rdlist_push_back(&ep->rdlist, it);
	spin_unlock(&ep->lock);
	if (armed) {
		(void)waitq_wake_all(&ep->wq);
		(void)waitq_wake_all(&ep->poll_wq);
	}
}

/* ep_hook_fire_exclusive - the same for an EPOLLEXCLUSIVE item, queued as an exclusive entry:
 * true when it woke an epoll_wait sleeper of its instance, which ends this wake-up for the
 * exclusive entries behind it (Linux's ep_poll_callback "ewake"; our wake-ups carry no poll
 * key, so any wake-up counts, not only one for the events the item asks). */
static bool ep_hook_fire_exclusive(struct wait_entry *we)
{
	struct epitem *it = ep_hook_sub_from(we)->item;
	struct eventpoll *ep = it->ep;
	spin_lock(&ep->lock);
	bool armed = (it->events & ~EP_PRIVATE) != 0;
	if (armed && !list_link_is_linked(&it->rdlink))
		ep_rdlist_push_back(&ep->rdlist, it);
	spin_unlock(&ep->lock);
	if (!armed)
		return false;
	u32 woken = waitq_wake_all(&ep->wq);
	(void)waitq_wake_all(&ep->poll_wq);
	return woken != 0;
}

/* ep_ptable_queue - the poll table's queue callback at ADD: hook the item on `wq` (once). */
static void ep_ptable_queue(struct poll_table *pt, struct waitq *wq)
{
	struct epitem *it = pt->ep_item;
	if (!it)
		return;
	for (u32 i = 0; i < it->nhooks && i < EP_HOOKS; i++)
		if (it->hooks[i]->wq == wq)
			return;
	struct ep_hook *h = it->nhooks < EP_HOOKS ? ep_hook_sub_new() : NULL;
	if (!h) {
		pt->overflow = true;
		return;
	}
	h->item = it;
	h->wq = wq;
	spin_lock(&it->ep->lock);
	bool exclusive = (it->events & UAPI_EPOLLEXCLUSIVE) != 0; /* fixed for the item's life */
	spin_unlock(&it->ep->lock);
	if (exclusive)
		waitq_add_exclusive_entry(wq, &h->we, ep_hook_fire_exclusive);
	else
		waitq_add_entry(wq, &h->we, ep_hook_fire);
	it->hooks[it->nhooks++] = h;
}

/* ep_mark_ready - put `it` on the ready list and wake when `rev` (its file's VFS_POLL* bits)
 * has something it asks for. */
static void ep_mark_ready(struct eventpoll *ep, struct epitem *it, u32 rev)
{
	spin_lock(&ep->lock);
	bool ready = (rev & it->events & ~EP_PRIVATE) != 0;
	if (ready && !list_link_is_linked(&it->rdlink))
		ep_rdlist_push_back(&ep->rdlist, it);
	spin_unlock(&ep->lock);
	if (ready) {
		(void)waitq_wake_all(&ep->wq);
		(void)waitq_wake_all(&ep->poll_wq);
	}
}

/* ep_remove - unhook, unlink and free an item. After the hooks are off their queues no hook
 * of it runs any more (a wake runs hooks under the queue's lock, which removal takes). */
static void ep_remove(struct eventpoll *ep, struct epitem *it) REQUIRES(&vfs_epoll_lock)
	REQUIRES(&ep->mtx)
{
	for (u32 i = 0; i < it->nhooks && i < EP_HOOKS; i++) {
		waitq_remove_entry(it->hooks[i]->wq, &it->hooks[i]->we);
		ep_hook_sub_delete(it->hooks[i]);
		it->hooks[i] = NULL;
	}
	it->nhooks = 0;
	spin_lock(&ep->lock);
	if (ep_rdlist_contains(&ep->rdlist, it))
		ep_rdlist_remove(&ep->rdlist, it);
	spin_unlock(&ep->lock);
	ep_items_remove(&ep->items, it);
	vfs_ep_watchers_remove(&it->file->ep_watchers, it);
	(void)atomic_u32_sub_return(&it->file->ep_watched, 1);
	if (it->child)
		ep_children_remove(&ep->children, it);
	KFREE(epitem_cache, it);
}

/* ep_find - the item of (f, fd), or NULL. */
static struct epitem *ep_find(struct eventpoll *ep, struct file *f, i32 fd) REQUIRES(&ep->mtx)
{
	for (struct epitem *it = ep_items_find(&ep->items, (u64)(u32)fd); it;
	     it = ep_items_find_next(&ep->items, it))
		if (it->file == f && it->fd == fd)
			return it;
	return NULL;
}

/* A frame of the depth-first walks of the epoll graph below (bounded: no recursion). */
struct ep_walk_frame {
	struct eventpoll *ep;
	struct epitem *cur;
};

/* ep_depth_below - the longest chain of instances watched below `top` (0: none); -ELOOP when
 * `self` is among them or the chain is deeper than EP_MAX_NESTS. */
static int ep_depth_below(struct eventpoll *top, struct eventpoll *self)
	REQUIRES(&vfs_epoll_lock)
{
	struct ep_walk_frame st[EP_MAX_NESTS + 1];
	u32 sp = 0, deepest = 0;
	st[0].ep = top;
	st[0].cur = ep_children_first(&top->children);
	for (;;) {
		struct epitem *c = st[sp].cur;
		if (!c) {
			if (sp == 0)
				return (int)deepest;
			sp--;
			st[sp].cur = ep_children_next(&st[sp].ep->children, st[sp].cur);
			continue;
		}
		if (c->child == self || sp + 1 > EP_MAX_NESTS)
			return -ELOOP;
		sp++;
		st[sp].ep = c->child;
		st[sp].cur = ep_children_first(&c->child->children);
		if (sp > deepest)
			deepest = sp;
	}
}

/* ep_depth_above - the longest chain of instances watching `bottom` (0: none); -ELOOP when
 * deeper than EP_MAX_NESTS. Every watcher of an epoll file is an item of an instance. */
static int ep_depth_above(struct eventpoll *bottom) REQUIRES(&vfs_epoll_lock)
{
	struct ep_walk_frame st[EP_MAX_NESTS + 1];
	u32 sp = 0, deepest = 0;
	st[0].ep = bottom;
	st[0].cur = vfs_ep_watchers_first(&bottom->file->ep_watchers);
	for (;;) {
		struct epitem *w = st[sp].cur;
		if (!w) {
			if (sp == 0)
				return (int)deepest;
			sp--;
			st[sp].cur = vfs_ep_watchers_next(&st[sp].ep->file->ep_watchers, st[sp].cur);
			continue;
		}
		if (sp + 1 > EP_MAX_NESTS)
			return -ELOOP;
		sp++;
		st[sp].ep = w->ep;
		st[sp].cur = vfs_ep_watchers_first(&w->ep->file->ep_watchers);
		if (sp > deepest)
			deepest = sp;
	}
}

/* ep_loop_check - may `ep` watch the instance `target`? 0, or -ELOOP when target reaches ep
 * or the chain through them would be more than EP_MAX_NESTS + 1 instances deep (as Linux). */
static int ep_loop_check(struct eventpoll *ep, struct eventpoll *target) REQUIRES(&vfs_epoll_lock)
{
	int below = ep_depth_below(target, ep);
	if (below < 0)
		return below;
	int above = ep_depth_above(ep);
	if (above < 0 || (u32)below + 1 + (u32)above > EP_MAX_NESTS)
		return -ELOOP;
	return 0;
}

/* ep_insert - EPOLL_CTL_ADD of a new item; hooks it on tf's queues (registering before
 * looking: no wake-up is lost) and marks it ready if it is. */
static int ep_insert(struct eventpoll *ep, struct file *tf, i32 fd, u32 events, u64 data)
	REQUIRES(&vfs_epoll_lock) REQUIRES(&ep->mtx)
{
	struct eventpoll *child = vfs_file_is_epoll(tf) ? ep_inode_from(tf->inode) : NULL;
	if (child) {
		int e = ep_loop_check(ep, child);
		if (e)
			return e;
	}
	struct epitem *it = KNEW(epitem_cache);
	if (!it)
		return -ENOMEM;
	it->ep = ep;
	it->file = tf;
	it->fd = fd;
	it->child = child;
	it->data = data;
	spin_lock(&ep->lock);
	it->events = events;
	spin_unlock(&ep->lock);
	ep_items_insert(&ep->items, it, (u64)(u32)fd);
	vfs_ep_watchers_push_back(&tf->ep_watchers, it);
	(void)atomic_u32_add_return(&tf->ep_watched, 1);
	if (child)
		ep_children_push_back(&ep->children, it);
	struct poll_table pt = { .queue = ep_ptable_queue, .ep_item = it };
	u32 rev = vfs_poll(tf, &pt);
	if (pt.overflow) { /* more queues than EP_HOOKS, or no memory for a hook */
		ep_remove(ep, it);
		return -ENOMEM;
	}
	ep_mark_ready(ep, it, rev);
	return 0;
}

/* ep_modify - EPOLL_CTL_MOD: new events and data, and ready at once if the file is (which
 * also re-arms a fired EPOLLONESHOT item). */
static int ep_modify(struct eventpoll *ep, struct file *tf, i32 fd, u32 events, u64 data)
{
	int err = 0;
	mutex_lock(&ep->mtx);
	struct epitem *it = ep_find(ep, tf, fd);
	if (!it) {
		err = -ENOENT;
	} else if (it->events & UAPI_EPOLLEXCLUSIVE) {
		err = -EINVAL; /* an exclusive item cannot be modified (as Linux) */
	} else {
		spin_lock(&ep->lock);
		it->events = events;
		spin_unlock(&ep->lock);
		it->data = data;
		ep_mark_ready(ep, it, vfs_poll(tf, NULL));
	}
	mutex_unlock(&ep->mtx);
	return err;
}

int vfs_epoll_ctl(struct file *epf, int op, struct file *tf, i32 fd,
		  const struct vfs_epoll_event *ev)
{
	/* Linux's order: a file without poll, EPOLLEXCLUSIVE misuse, then not an epoll / itself */
	if (!tf->ops || !tf->ops->poll)
		return -EPERM; /* regular files and directories are always ready: refused */
	bool has_event = op != UAPI_EPOLL_CTL_DEL;
	u32 events = has_event ? ev->events : 0;
	if (has_event && (events & UAPI_EPOLLEXCLUSIVE)) {
		if (op == UAPI_EPOLL_CTL_MOD)
			return -EINVAL;
		if (op == UAPI_EPOLL_CTL_ADD &&
		    (vfs_file_is_epoll(tf) || (events & ~UAPI_EPOLLEXCLUSIVE_OK_BITS)))
			return -EINVAL;
	}
	if (epf == tf || !vfs_file_is_epoll(epf))
		return -EINVAL;
	if (op != UAPI_EPOLL_CTL_ADD && op != UAPI_EPOLL_CTL_MOD && op != UAPI_EPOLL_CTL_DEL)
		return -EINVAL;
	/* always reported; no suspend to hold off (EPOLLWAKEUP needs CAP_BLOCK_SUSPEND: dropped) */
	events = (events | UAPI_EPOLLERR | UAPI_EPOLLHUP) & ~UAPI_EPOLLWAKEUP;
	struct eventpoll *ep = ep_inode_from(epf->inode);
	if (op == UAPI_EPOLL_CTL_MOD) /* the interest table only */
		return ep_modify(ep, tf, fd, events, ev->data);
	int err = 0;
	mutex_lock(&vfs_epoll_lock); /* ADD and DEL change the watcher lists and the graph */
	mutex_lock(&ep->mtx);
	struct epitem *it = ep_find(ep, tf, fd);
	if (op == UAPI_EPOLL_CTL_ADD)
		err = it ? -EEXIST : ep_insert(ep, tf, fd, events, ev->data);
	else if (!it)
		err = -ENOENT;
	else
		ep_remove(ep, it);
	mutex_unlock(&ep->mtx);
	mutex_unlock(&vfs_epoll_lock);
	return err;
}

/* ep_pop - the first item of the ready list, taken off it (NULL: empty). */
static struct epitem *ep_pop(struct eventpoll *ep)
{
	spin_lock(&ep->lock);
	struct epitem *it = ep_rdlist_pop_front(&ep->rdlist);
	spin_unlock(&ep->lock);
	return it;
}

i64 vfs_epoll_collect(struct file *epf, u64 uevents, u32 max)
{
	struct eventpoll *ep = ep_inode_from(epf->inode);
	u32 n = 0;
	i64 err = 0;
	mutex_lock(&ep->mtx);
	/* hooks may put items back while we look: bound the pops */
	u64 budget = (u64)ep_items_count(&ep->items) + max;
	spin_lock(&ep->lock); /* let go only around each file's poll and the store */
	if (!++ep->calls)
		++ep->calls; /* 0 means "no wait yet" */
	u32 call = ep->calls;
	struct epitem *it;
	while (n < max && budget && (it = ep_rdlist_pop_front(&ep->rdlist))) {
		budget--;
		if (it->seen == call) {
			/* reported earlier in this round (a level-triggered item put back at the
			 * tail, or an EPOLLET one a hook put back): what is behind it came later */
			ep_rdlist_push_front(&ep->rdlist, it);
			break;
		}
		spin_unlock(&ep->lock);
		/* events and data change only under ep->mtx, which we hold */
		u32 want = it->events;
		u32 rev = vfs_poll(it->file, NULL) & want & ~EP_PRIVATE;
		int fault = rev ? vfs_epoll_event_to_user(rev, it->data,
							  uevents + (u64)n * sizeof(struct uapi_epoll_event))
				: 0;
		spin_lock(&ep->lock);
		if (fault) { /* still ready: back at the head, for the next wait (as Linux) */
			if (!list_link_is_linked(&it->rdlink))
				ep_rdlist_push_front(&ep->rdlist, it);
			err = fault;
			break;
		}
		if (rev) {
			n++;
			it->seen = call;
			if (want & UAPI_EPOLLONESHOT)
				it->events = want & EP_PRIVATE; /* disarmed until EPOLL_CTL_MOD */
			else if (!(want & UAPI_EPOLLET) && !list_link_is_linked(&it->rdlink))
				ep_rdlist_push_back(&ep->rdlist, it); /* level-triggered: still ready,
								     * behind the ones not yet looked at */
		}
	}
	bool more = !ep_rdlist_is_empty(&ep->rdlist);
	spin_unlock(&ep->lock);
	mutex_unlock(&ep->mtx);
	/* another sleeper may take what this call left; the sleepers test the ready list under
	 * ep->lock, which this call took after any of them queued (fw/sync.h) */
	if (more && waitq_has_sleepers(&ep->wq))
		(void)waitq_wake_all(&ep->wq);
	return n ? (i64)n : err;
}

bool vfs_epoll_has_ready(struct file *epf)
{
	struct eventpoll *ep = ep_inode_from(epf->inode);
	spin_lock(&ep->lock);
	bool ready = !ep_rdlist_is_empty(&ep->rdlist);
	spin_unlock(&ep->lock);
	return ready;
}

struct waitq *vfs_epoll_waitq(struct file *epf)
{
	return &ep_inode_from(epf->inode)->wq;
}

/* ep_file_poll - an instance is readable when one of its ready items really is (as Linux:
 * items a wake-up touched that are not ready are dropped on the way). */
static u32 ep_file_poll(struct file *f, struct poll_table *pt)
{
	struct eventpoll *ep = ep_inode_from(f->inode);
	poll_wait(pt, &ep->poll_wq);
	bool ready = false;
	mutex_lock(&ep->mtx);
	u64 budget = ep_items_count(&ep->items);
	struct epitem *it;
	while (!ready && budget-- && (it = ep_pop(ep))) {
		u32 rev = vfs_poll(it->file, NULL);
		spin_lock(&ep->lock);
		ready = (rev & it->events & ~EP_PRIVATE) != 0;
		if (ready && !list_link_is_linked(&it->rdlink))
			ep_rdlist_push_front(&ep->rdlist, it);
		spin_unlock(&ep->lock);
	}
	mutex_unlock(&ep->mtx);
	return ready ? VFS_POLLIN | VFS_POLLRDNORM : 0;
}

void vfs_epoll_file_closed(struct file *f)
{
	mutex_lock(&vfs_epoll_lock);
	struct epitem *it;
	while ((it = vfs_ep_watchers_first(&f->ep_watchers))) {
		struct eventpoll *ep = it->ep; /* alive: its release removes its items under this lock */
		mutex_lock(&ep->mtx);
		ep_remove(ep, it);
		mutex_unlock(&ep->mtx);
	}
	mutex_unlock(&vfs_epoll_lock);
}

/* ep_release - the instance's file is closed: every item goes. */
static void ep_release(struct inode *ip, u32 flags)
{
	(void)flags;
	struct eventpoll *ep = ep_inode_from(ip);
	mutex_lock(&vfs_epoll_lock);
	mutex_lock(&ep->mtx);
	struct epitem *it;
	while ((it = ep_items_first(&ep->items)))
		ep_remove(ep, it);
	mutex_unlock(&ep->mtx);
	mutex_unlock(&vfs_epoll_lock);
}

static void ep_destroy(struct inode *ip)
{
	ep_inode_delete(ep_inode_from(ip));
}

static const struct inode_ops ep_ops = {
	.destroy = ep_destroy,
};

static const struct file_ops ep_fops = {
	.llseek = vfs_noop_llseek,
	.poll = ep_file_poll,
	.release = ep_release,
};

bool vfs_file_is_epoll(const struct file *f)
{
	return f->ops == &ep_fops;
}

int vfs_epoll_create(u32 flags, u32 uid, u32 gid, struct file **out)
{
	struct eventpoll *ep = ep_inode_new();
	if (!ep)
		return -ENOMEM;
	waitq_init(&ep->wq);
	waitq_init(&ep->poll_wq);
	mutex_init(&ep->mtx);
	spin_lock_init(&ep->lock);
	ep_items_init(&ep->items, &ep->mtx);
	ep_rdlist_init(&ep->rdlist, &ep->lock);
	ep_children_init(&ep->children, &vfs_epoll_lock);
	struct file_result r = vfs_anon_file(ep_inode_base(ep), &ep_ops, &ep_fops, flags, uid, gid);
	if (r.err)
		return r.err;
	ep->file = r.value;
	*out = r.value;
	return 0;
}
