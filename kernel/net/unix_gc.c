/*
 * unix_gc.c — garbage collection of AF_UNIX sockets in flight (net/unix.h).
 *
 * SCM_RIGHTS lets a socket's open file sit in a queued message — even in its own queue, or in
 * the queue of a socket that itself sits in the first one's queue. Once every descriptor of
 * such sockets is closed, nothing can read those queues again, yet the messages keep the
 * files open: a cycle that reference counting never frees. Linux collects them (net/unix/
 * garbage.c); so does this, with the same idea:
 *
 *  - accounting: `inflight` counts the queued messages that carry a socket's file (a message
 *    counts its files from the moment it takes them until a reader takes them or it is freed);
 *    sockets with inflight > 0 are on the in-flight list;
 *  - candidates: a socket whose file has no reference but those messages (its file's count
 *    equals inflight) can only come back through one of them;
 *  - each candidate's references from candidates' queues are subtracted (gc_refs); a candidate
 *    left with a reference from elsewhere (a socket somebody holds, a message being sent or
 *    received) is reachable, and so is everything in a reachable candidate's queue;
 *  - the rest is garbage: every message of their queues is taken out (while the lock is held),
 *    then freed, which closes the files in them, and so the garbage sockets themselves.
 *
 * Consistency: unix_gc_lock (a mutex) is held while the counts are taken and the reachability
 * is worked out, and every change of a file's in-flight state (a message taking files, a
 * reader taking them or a duplicate of them, a message freed) takes it too. A candidate has no
 * descriptor, so nothing but such a change can give it a new reference. The taken messages
 * are freed after the lock is dropped (freeing a message takes it again).
 * Lock order: unix_gc_lock -> a socket's sk.lock.
 *
 * Not collected: a cycle through a connection still waiting on a listener's accept queue (its
 * queue is not scanned as part of the listener's; those files count as reachable).
 */
#include <net/unix.h>

struct mutex unix_gc_lock = MUTEX_INIT(unix_gc_lock);

DEFINE_LIST(unix_gc_list, struct unix_sock, gc_link, mutex);

static struct unix_gc_list inflight_list GUARDED_BY(&unix_gc_lock);
static bool gc_ready GUARDED_BY(&unix_gc_lock);
static bool gc_running GUARDED_BY(&unix_gc_lock);

static void gc_init_locked(void) REQUIRES(unix_gc_lock)
{
	if (gc_ready)
		return;
	unix_gc_list_init(&inflight_list, &unix_gc_lock);
	gc_ready = true;
}

/* unix_of_file - the unix socket open file f is on, or NULL. */
static struct unix_sock *unix_of_file(struct file *f)
{
	struct socket *s = sock_of_file(f);
	return s && s->family == UAPI_AF_UNIX ? unix_of(s) : NULL;
}

void unix_inflight(struct sock_files *fs, bool add)
{
	if (!fs)
		return;
	mutex_lock(&unix_gc_lock);
	gc_init_locked();
	for (u32 i = 0; i < fs->n && i < UAPI_SCM_MAX_FD; i++) {
		struct unix_sock *v = unix_of_file(fs->f[i]);
		if (!v)
			continue;
		if (add) {
			if (v->inflight++ == 0) {
				v->gc_file = fs->f[i];
				v->gc_multi = false;
				unix_gc_list_push_back(&inflight_list, v);
			} else if (v->gc_file != fs->f[i]) {
				v->gc_multi = true;
			}
		} else if (v->inflight && --v->inflight == 0) {
			unix_gc_list_remove(&inflight_list, v);
			v->gc_file = NULL;
			v->gc_garbage = false;
		}
	}
	mutex_unlock(&unix_gc_lock);
}

struct sock_files *unix_files_peek(struct sock_files *fs)
{
	struct sock_files *d = sock_files_new();
	if (!d)
		return NULL;
	mutex_lock(&unix_gc_lock);
	for (u32 i = 0; i < fs->n && i < UAPI_SCM_MAX_FD; i++) {
		vfs_file_get(fs->f[i]);
		d->f[i] = fs->f[i];
	}
	d->n = fs->n;
	mutex_unlock(&unix_gc_lock);
	return d;
}

/* scan_locked - the candidates u's queue holds lose (restore: regain) one outside reference
 * each time they appear in it. */
static void scan_locked(struct unix_sock *u, bool restore) REQUIRES(unix_gc_lock)
{
	spin_lock(&u->sk.lock);
	LIST_FOR_EACH(unix_msg_list, &u->rq, m) {
		struct sock_files *fs = m->files;
		for (u32 i = 0; fs && i < fs->n && i < UAPI_SCM_MAX_FD; i++) {
			struct unix_sock *v = unix_of_file(fs->f[i]);
			if (!v || !v->gc_candidate)
				continue;
			if (restore)
				v->gc_refs++;
			else if (v->gc_refs)
				v->gc_refs--;
		}
	}
	spin_unlock(&u->sk.lock);
}

/* mark_locked - work out which in-flight sockets are garbage (gc_garbage): how many. */
static u32 mark_locked(void) REQUIRES(unix_gc_lock)
{
	LIST_FOR_EACH(unix_gc_list, &inflight_list, u) {
		u->gc_candidate = !u->gc_multi && u->gc_file &&
				  refcount_read(&u->gc_file->refs) == u->inflight;
		u->gc_refs = u->inflight;
		u->gc_reachable = !u->gc_candidate;
		u->gc_garbage = false;
	}
	LIST_FOR_EACH(unix_gc_list, &inflight_list, u)
		if (u->gc_candidate)
			scan_locked(u, false);
	/* a candidate with an outside reference is reachable, and so is what its queue holds */
	for (bool changed = true; changed;) {
		changed = false;
		LIST_FOR_EACH(unix_gc_list, &inflight_list, u) {
			if (u->gc_reachable || u->gc_refs == 0)
				continue;
			u->gc_reachable = true;
			changed = true;
			scan_locked(u, true);
		}
	}
	u32 n = 0;
	LIST_FOR_EACH(unix_gc_list, &inflight_list, u) {
		u->gc_garbage = !u->gc_reachable;
		n += u->gc_garbage;
	}
	return n;
}

/* hitlist: the messages taken out of garbage queues by the collection that runs (one at a
 * time: gc_running), freed once the collector's lock is dropped. */
static struct spinlock hit_lock = SPINLOCK_INIT(hit_lock);
static struct unix_msg_list hitlist GUARDED_BY(&hit_lock);
static bool hit_ready GUARDED_BY(&hit_lock);

static void hit_push(struct unix_msg *m)
{
	spin_lock(&hit_lock);
	if (!hit_ready) {
		unix_msg_list_init(&hitlist, &hit_lock);
		hit_ready = true;
	}
	unix_msg_list_push_back(&hitlist, m);
	spin_unlock(&hit_lock);
}

static struct unix_msg *hit_pop(void)
{
	spin_lock(&hit_lock);
	struct unix_msg *m = hit_ready ? unix_msg_list_pop_front(&hitlist) : NULL;
	spin_unlock(&hit_lock);
	return m;
}

/* take_garbage_locked - move every message of the garbage sockets' queues to the hitlist, so
 * that none of them holds anything when their files close (as Linux: their peers then see
 * an ordinary close, not one with unread data). */
static void take_garbage_locked(void) REQUIRES(unix_gc_lock)
{
	LIST_FOR_EACH(unix_gc_list, &inflight_list, u) {
		if (!u->gc_garbage)
			continue;
		u->gc_garbage = false;
		for (;;) {
			spin_lock(&u->sk.lock);
			struct unix_msg *m = unix_msg_list_pop_front(&u->rq);
			if (m) {
				u->rq_len--;
				u->rq_bytes -= m->len - m->off;
			}
			spin_unlock(&u->sk.lock);
			if (!m)
				break;
			hit_push(m);
		}
	}
}

void unix_gc(void)
{
	mutex_lock(&unix_gc_lock);
	gc_init_locked();
	if (gc_running || unix_gc_list_is_empty(&inflight_list)) {
		mutex_unlock(&unix_gc_lock);
		return;
	}
	gc_running = true;
	if (mark_locked())
		take_garbage_locked();
	mutex_unlock(&unix_gc_lock);
	/* freeing the messages closes the files they hold, and so the garbage sockets (their
	 * releases call unix_gc, which returns at once while this one runs) */
	for (struct unix_msg *m = hit_pop(); m; m = hit_pop())
		unix_msg_free(m);
	mutex_lock(&unix_gc_lock);
	gc_running = false;
	mutex_unlock(&unix_gc_lock);
}
