/*
 * files.c — the descriptor table of a process: one `struct fd_table` per process, shared by
 * the threads (or processes) made with CLONE_FILES, copied by fork and by clone without it.
 *
 * Locking: the table is touched only under its spinlock (other processes read it too:
 * /proc/<pid>/fd). TABLE_OP below is the one place that takes it. p->files itself is changed
 * only by p's task, under p->sig_lock (set_table), so another process reads it under that lock
 * and keeps it while it looks (OTHER_OP: lock order sig_lock -> the table's lock).
 *
 * Lifetime of a looked-up file (proc_fd_get): in a shared table another thread may close the
 * descriptor while this one uses the file, so the lookup takes a reference of its own and
 * records it in p->fd_borrowed; proc_fd_end_call drops them when the system call returns
 * (Linux's fdget/fdput, with the put deferred to the end of the call). In an unshared table
 * the table's own reference lasts as long: only this task could close it.
 *
 * An unshared table changes only in its one task, which then takes no reference to what it
 * looks up; its lookups still hold the lock for the read (the array is GUARDED_BY it: a
 * growable array read while another task resizes it could pair new storage with an old
 * length, rule shared-fat; the lock is never contended then). The table becomes shared only
 * through a clone by this same task, and unshared again when the last other holder lets go
 * (refcount_put orders that holder's last change before the count drops).
 *
 * Files are closed (vfs_close) outside the table's lock: a close may sleep.
 */
#include <proc/process.h>

struct fd_table {
	struct refcount refs;
	struct spinlock lock;
	struct fd_array fds GUARDED_BY(&lock);
};
DEFINE_TYPE_CACHE(fd_table_cache, struct fd_table);

/* set_table - p's table pointer becomes t (under sig_lock: other processes read it). */
static void set_table(struct thread *p, struct fd_table *t)
{
	spin_lock(&p->sig_lock);
	p->files = t;
	spin_unlock(&p->sig_lock);
}

static bool shared(const struct fd_table *t)
{
	return refcount_read(&t->refs) > 1;
}

/* Run `stmt` on table t under its lock. */
#define TABLE_OP(t, stmt)                                                                   \
	do {                                                                                \
		spin_lock(&(t)->lock);                                                      \
		stmt;                                                                       \
		spin_unlock(&(t)->lock);                                                    \
	} while (0)

/* Run `stmt` on another process's table (named `t` in it), when it has one: under p->sig_lock,
 * so p cannot drop the table meanwhile, and the table's lock. */
#define OTHER_OP(p, t, stmt)                                                                \
	do {                                                                                \
		spin_lock(&(p)->sig_lock);                                                  \
		struct fd_table *t = (p)->files;                                            \
		if (t)                                                                      \
			TABLE_OP(t, stmt);                                                  \
		spin_unlock(&(p)->sig_lock);                                                \
	} while (0)

static struct fd_slot slot_of(const struct fd_table *t, i64 fd) REQUIRES(&t->lock)
{
	if (fd < 0 || (u64)fd >= fd_array_len(&t->fds))
		return (struct fd_slot){ 0 };
	return fd_array_get(&t->fds, (size_t)fd).value;
}

static void close_all(struct fd_table *t, u32 pid);

/* used_len - one past t's highest open descriptor (0 when none is open). A fork copies and an
 * exit walks only this much, as Linux copies only up to its last open file: after 100 pipes
 * were opened and closed, a fork no longer pays for the slots they left. proc_fd_close trims
 * the array to it when it closes the last slot, so the scan here is short. */
static size_t used_len(struct fd_table *t) REQUIRES(&t->lock)
{
	size_t n = fd_array_len(&t->fds);
	while (n && !fd_array_get(&t->fds, n - 1).value.file)
		n--;
	return n;
}

static struct fd_table *table_new(void)
{
	struct fd_table *t = KNEW(fd_table_cache);
	if (!t)
		return NULL;
	refcount_init(&t->refs, 1);
	spin_lock_init(&t->lock);
	TABLE_OP(t, fd_array_init(&t->fds, PROC_MAX_FDS));
	return t;
}

int proc_files_new(struct thread *p)
{
	struct fd_table *t = table_new();
	set_table(p, t);
	return t ? 0 : -ENOMEM;
}

/* table_copy - a new table holding every descriptor of t (each file referenced again). */
static struct fd_table *table_copy(struct fd_table *t)
{
	struct fd_table *n = table_new();
	if (!n)
		return NULL;
	int e = 0;
	TABLE_OP(t, {
		/* n is new and private: its lock is free (a try, so no order against t's) */
		if (!spin_trylock(&n->lock)) {
			e = -EAGAIN;
		} else {
			size_t len = used_len(t);
			e = fd_array_resize(&n->fds, len);
			for (size_t fd = 0; !e && fd < len; fd++) {
				struct fd_slot s = fd_array_get(&t->fds, fd).value;
				if (!s.file)
					continue;
				vfs_file_get(s.file);
				(void)fd_array_set(&n->fds, fd, s);
			}
			spin_unlock(&n->lock);
		}
	});
	if (e) {
		close_all(n, 0);
		return NULL;
	}
	return n;
}

/* replace - p's table becomes n; the one it had (new and empty) goes. */
static void replace(struct thread *p, struct fd_table *n)
{
	struct fd_table *old = p->files;
	set_table(p, n);
	if (old && refcount_put(&old->refs))
		close_all(old, 0);
}

int proc_copy_files(struct thread *dst, struct thread *src)
{
	struct fd_table *n = table_copy(src->files);
	if (!n)
		return -ENOMEM;
	replace(dst, n);
	return 0;
}

void proc_share_files(struct thread *dst, struct thread *src)
{
	refcount_get(&src->files->refs);
	replace(dst, src->files);
}

/* close_all - close every descriptor of an unshared table (t's last reference) and free it;
 * `pid` given (not 0): its POSIX locks go with each close, as at a process's exit. */
static void close_all(struct fd_table *t, u32 pid)
{
	/* The lock is free (t's last reference) but the array is guarded: each open slot is
	 * found and taken under it (one lock round per open file, not per slot), and closed
	 * outside (a close may sleep). */
	for (size_t fd = 0;; fd++) {
		struct file *f = NULL;
		TABLE_OP(t, {
			size_t len = fd_array_len(&t->fds);
			while (fd < len && !(f = fd_array_get(&t->fds, fd).value.file))
				fd++;
			if (f)
				(void)fd_array_set(&t->fds, fd, (struct fd_slot){ 0 });
		});
		if (!f)
			break;
		if (pid)
			vfs_locks_drop_posix(f, pid);
		vfs_close(f);
	}
	TABLE_OP(t, fd_array_destroy(&t->fds));
	KFREE(fd_table_cache, t);
}

void proc_files_put(struct thread *p, bool process_exit)
{
	proc_fd_end_call(p);
	struct fd_table *t = p->files;
	set_table(p, NULL);
	if (t && refcount_put(&t->refs))
		close_all(t, process_exit ? p->leader->pid : 0);
}

int proc_files_unshare(struct thread *p)
{
	struct fd_table *t = p->files;
	if (!shared(t))
		return 0;
	struct fd_table *n = table_copy(t);
	if (!n)
		return -ENOMEM;
	set_table(p, n);
	if (refcount_put(&t->refs)) /* the others let go meanwhile */
		close_all(t, 0);
	return 0;
}

u32 proc_fd_limit(struct thread *p)
{
	u64 lim = proc_rlimit_cur(p, UAPI_RLIMIT_NOFILE);
	return lim < PROC_MAX_FDS ? (u32)lim : PROC_MAX_FDS;
}

struct result_i64 proc_fd_install(struct thread *p, struct file *f, u32 min_fd, bool cloexec)
{
	struct fd_table *t = p->files;
	u32 limit = proc_fd_limit(p); /* RLIMIT_NOFILE: EMFILE at or above it */
	i64 r = -EMFILE;
	TABLE_OP(t, {
		size_t n = fd_array_len(&t->fds);
		for (size_t fd = min_fd; fd < limit; fd++) {
			if (fd >= n) {
				/* growing the table failed: ENOMEM, as Linux's expand_files (an
				 * injected failure said EMFILE: events.pidfd_open_flags_and_errors
				 * under make test-abi-fault) */
				int ge = fd_array_resize(&t->fds, fd + 1);
				if (ge) {
					r = ge == -ENOMEM ? -ENOMEM : -EMFILE;
					break;
				}
				n = fd + 1;
			}
			if (!fd_array_get(&t->fds, fd).value.file) {
				(void)fd_array_set(&t->fds, fd,
						   (struct fd_slot){ .file = f, .cloexec = cloexec });
				r = (i64)fd;
				break;
			}
		}
	});
	return r < 0 ? result_i64_err(r) : result_i64_ok(r);
}

int proc_fd_install_at(struct thread *p, i64 fd, struct file *f, bool cloexec)
{
	if (fd < 0 || fd >= (i64)proc_fd_limit(p)) /* Linux: at or above RLIMIT_NOFILE is EBADF */
		return -EBADF;
	struct fd_table *t = p->files;
	struct file *old = NULL;
	int e = 0;
	TABLE_OP(t, {
		int ge = (size_t)fd >= fd_array_len(&t->fds) ? fd_array_resize(&t->fds, (size_t)fd + 1)
							    : 0;
		if (ge) {
			e = ge == -ENOMEM ? -ENOMEM : -EMFILE;
		} else {
			old = fd_array_get(&t->fds, (size_t)fd).value.file;
			(void)fd_array_set(&t->fds, (size_t)fd,
					   (struct fd_slot){ .file = f, .cloexec = cloexec });
		}
	});
	if (old) { /* closed as close(2) would: p's POSIX locks on it go */
		vfs_locks_drop_posix(old, p->leader->pid);
		vfs_close(old);
	}
	return e;
}

struct file *proc_fd_get(struct thread *p, i64 fd)
{
	struct fd_table *t = p->files;
	struct file *f = NULL;
	if (!shared(t)) { /* only p changes its unshared table: no reference (see top) */
		TABLE_OP(t, f = slot_of(t, fd).file);
		return f;
	}
	TABLE_OP(t, {
		f = slot_of(t, fd).file;
		if (f)
			vfs_file_get(f);
	});
	int full = 0;
	if (f) {
		spin_lock(&p->borrowed_lock);
		full = file_refs_push(&p->fd_borrowed, f);
		p->nborrowed = (u32)file_refs_len(&p->fd_borrowed);
		spin_unlock(&p->borrowed_lock);
	}
	if (full) {
		/* no room to record it (out of memory): the reference is dropped now and the
		 * descriptor answers EBADF rather than risk a file freed under the call */
		vfs_close(f);
		return NULL;
	}
	return f;
}

u64 proc_fd_get_set(struct thread *p, u64 base, u64 mask, struct proc_fd_set *out)
{
	struct fd_table *t = p->files;
	bool refs = shared(t);
	u64 found = 0;
	TABLE_OP(t, {
		for (u64 m = mask; m; m &= m - 1) {
			u32 i = (u32)__builtin_ctzll(m) & 63; /* < 64: no bounds trap to emit */
			struct fd_array_get_result g = fd_array_get(&t->fds, (size_t)(base + i));
			struct file *f = g.err ? NULL : g.value.file;
			out->f[i] = f;
			if (f) {
				found |= 1ull << i;
				if (refs)
					vfs_file_get(f);
			}
		}
	});
	if (!refs || !found)
		return found;
	/* recorded as proc_fd_get's, under one acquisition of borrowed_lock */
	u64 lost = 0;
	spin_lock(&p->borrowed_lock);
	for (u64 m = found; m; m &= m - 1) {
		u32 i = (u32)__builtin_ctzll(m) & 63;
		if (file_refs_push(&p->fd_borrowed, out->f[i]))
			lost |= 1ull << i;
	}
	p->nborrowed = (u32)file_refs_len(&p->fd_borrowed);
	spin_unlock(&p->borrowed_lock);
	for (u64 m = lost; m; m &= m - 1) { /* no room to record it: EBADF, as proc_fd_get */
		u32 i = (u32)__builtin_ctzll(m) & 63;
		vfs_close(out->f[i]);
		out->f[i] = NULL;
	}
	return found & ~lost;
}

struct file *proc_fd_peek(struct thread *p, i64 fd)
{
	struct file *f = NULL;
	OTHER_OP(p, t, f = slot_of(t, fd).file);
	return f;
}

struct file *proc_fd_peek_get(struct thread *p, i64 fd, bool *cloexec)
{
	struct fd_slot s = { 0 };
	OTHER_OP(p, t, {
		s = slot_of(t, fd);
		if (s.file)
			vfs_file_get(s.file);
	});
	*cloexec = s.cloexec;
	return s.file;
}

void proc_fd_drop_borrowed(struct thread *p)
{
	while (p->nborrowed) {
		struct file *f = NULL;
		spin_lock(&p->borrowed_lock);
		if (file_refs_len(&p->fd_borrowed))
			f = file_refs_pop(&p->fd_borrowed).value;
		p->nborrowed = (u32)file_refs_len(&p->fd_borrowed);
		spin_unlock(&p->borrowed_lock);
		if (f)
			vfs_close(f);
	}
}

int proc_fd_cloexec(struct thread *p, i64 fd)
{
	struct fd_table *t = p->files;
	struct fd_slot s = { 0 };
	if (t)
		TABLE_OP(t, s = slot_of(t, fd));
	return !s.file ? -EBADF : s.cloexec ? 1 : 0;
}

int proc_fd_set_cloexec(struct thread *p, i64 fd, bool cloexec)
{
	struct fd_table *t = p->files;
	int e = -EBADF;
	TABLE_OP(t, {
		struct fd_slot s = slot_of(t, fd);
		if (s.file) {
			s.cloexec = cloexec;
			(void)fd_array_set(&t->fds, (size_t)fd, s);
			e = 0;
		}
	});
	return e;
}

int proc_fd_close(struct thread *p, i64 fd)
{
	struct fd_table *t = p->files;
	struct file *f = NULL;
	TABLE_OP(t, {
		f = slot_of(t, fd).file;
		if (f) {
			(void)fd_array_set(&t->fds, (size_t)fd, (struct fd_slot){ 0 });
			if ((size_t)fd + 1 == fd_array_len(&t->fds)) /* shrinking never allocates */
				(void)fd_array_resize(&t->fds, used_len(t));
		}
	});
	if (!f)
		return -EBADF;
	vfs_locks_drop_posix(f, p->leader->pid); /* closing any descriptor drops p's POSIX locks on it */
	vfs_close(f);
	return 0;
}

size_t proc_fd_slots(struct thread *p)
{
	size_t n = 0;
	OTHER_OP(p, t, n = fd_array_len(&t->fds));
	return n;
}

i64 proc_fd_next(struct thread *p, i64 from)
{
	i64 found = -1;
	OTHER_OP(p, t, {
		for (size_t fd = from < 0 ? 0 : (size_t)from; fd < fd_array_len(&t->fds); fd++) {
			if (fd_array_get(&t->fds, fd).value.file) {
				found = (i64)fd;
				break;
			}
		}
	});
	return found;
}

void proc_fd_close_range(struct thread *p, i64 first, i64 last, bool cloexec_only)
{
	for (i64 fd = proc_fd_next(p, first); fd >= 0 && fd <= last; fd = proc_fd_next(p, fd + 1)) {
		if (cloexec_only)
			(void)proc_fd_set_cloexec(p, fd, true);
		else
			(void)proc_fd_close(p, fd);
	}
}

void proc_fd_close_on_exec(struct thread *p)
{
	for (i64 fd = proc_fd_next(p, 0); fd >= 0; fd = proc_fd_next(p, fd + 1))
		if (proc_fd_cloexec(p, fd) == 1)
			(void)proc_fd_close(p, fd);
}
