/*
 * unix.c — AF_UNIX sockets (net/unix.h): SOCK_STREAM, SOCK_SEQPACKET and SOCK_DGRAM (and
 * SOCK_RAW, which Linux turns into SOCK_DGRAM); names in the file system (a socket node made
 * by bind, found by connect through its inode), abstract names (a leading NUL byte: in the
 * name table only) and autobind; listen with a backlog, connect, accept, socketpair,
 * shutdown, release, and readiness for poll. Sending and receiving are in unix_io.c.
 *
 * A connection is made at connect time, as Linux does: the connecting socket is linked to a
 * new socket (with its own open file) put on the listener's accept queue, where accept picks
 * it up; a full queue (more than `backlog` waiting) makes connect wait, or -EAGAIN. Closing a
 * listener closes the connections it never accepted (their clients see ECONNRESET). Closing a
 * connected socket shuts its peer down both ways (reads drain then see end of file, writes
 * get EPIPE), and ECONNRESET if it left data unread.
 */
#include <fw/log.h>
#include <fw/time.h>
#include <net/unix.h>
#include <proc/wait.h>

struct mutex unix_conn_lock = MUTEX_INIT(unix_conn_lock);

DEFINE_LIST(unix_name_list, struct unix_sock, name_link, mutex);

/* The bound sockets. */
static struct unix_name_list names GUARDED_BY(&unix_conn_lock);
static bool names_ready;
static u32 autobind_next GUARDED_BY(&unix_conn_lock) = 1;

static const struct sock_ops unix_stream_ops, unix_dgram_ops, unix_seqpacket_ops;

/* ---- addresses ---------------------------------------------------------------------------- */

#define SUN_PATH_OFF 2u
#define SUN_LEN_MAX (SUN_PATH_OFF + UAPI_UNIX_PATH_MAX)

/* The name an address gives: abstract (its bytes after the NUL) or a path. */
struct unix_name {
	bool abstract;
	u32 len;                          /* abstract: bytes; path: characters before the NUL */
	u8 bytes[UAPI_UNIX_PATH_MAX + 1]; /* path: NUL-terminated */
};

/* parse_addr - check an AF_UNIX address (for bind `autobind_ok`: just the family means
 * autobind, *autobind set): 0 or -EINVAL. */
static int parse_addr(struct sock_addr *a, struct unix_name *n, bool autobind_ok, bool *autobind)
{
	*autobind = false;
	if (a->len < SUN_PATH_OFF || a->len > SUN_LEN_MAX)
		return -EINVAL;
	if (bytes_le16(BYTES_OF_ARRAY(a->bytes), 0).value != UAPI_AF_UNIX)
		return -EINVAL;
	if (a->len == SUN_PATH_OFF) {
		if (!autobind_ok)
			return -EINVAL;
		*autobind = true;
		return 0;
	}
	*n = (struct unix_name){ .abstract = a->bytes[SUN_PATH_OFF] == 0 };
	if (n->abstract) {
		n->len = a->len - SUN_PATH_OFF - 1;
		for (u32 i = 0; i < n->len && i < UAPI_UNIX_PATH_MAX; i++)
			n->bytes[i] = a->bytes[SUN_PATH_OFF + 1 + i];
		return 0;
	}
	u32 i = 0;
	while (i < a->len - SUN_PATH_OFF && i < UAPI_UNIX_PATH_MAX && a->bytes[SUN_PATH_OFF + i])
		i++;
	for (u32 j = 0; j < i && j < UAPI_UNIX_PATH_MAX; j++)
		n->bytes[j] = a->bytes[SUN_PATH_OFF + j];
	n->len = i;
	return 0;
}

static struct str name_path(struct unix_name *n)
{
	return str_from_bytes(bytes_head(BYTES_OF_ARRAY(n->bytes), n->len));
}

void unix_copy_addr(struct unix_sock *u, struct sock_addr *out)
{
	spin_lock(&u->sk.lock);
	if (u->bound) {
		*out = u->addr;
	} else {
		*out = (struct sock_addr){ .len = SUN_PATH_OFF };
		out->bytes[0] = UAPI_AF_UNIX;
	}
	spin_unlock(&u->sk.lock);
}

struct sock_cred unix_caller_cred(struct thread *p)
{
	return (struct sock_cred){ .pid = (i32)p->leader->pid, .uid = p->fs.cred.uid, .gid = p->fs.cred.gid };
}

static struct sock_cred peer_cred_of(struct thread *p)
{
	return (struct sock_cred){ .pid = (i32)p->leader->pid, .uid = p->fs.cred.euid, .gid = p->fs.cred.egid };
}

static void names_init_locked(void) REQUIRES(unix_conn_lock)
{
	if (names_ready)
		return;
	unix_name_list_init(&names, &unix_conn_lock);
	names_ready = true;
}

/* abstract_find_locked - the socket with abstract name n, or NULL. */
static struct unix_sock *abstract_find_locked(struct unix_name *n) REQUIRES(unix_conn_lock)
{
	names_init_locked();
	struct bytes want = bytes_head(BYTES_OF_ARRAY(n->bytes), n->len);
	LIST_FOR_EACH(unix_name_list, &names, u) {
		if (u->dentry)
			continue;
		spin_lock(&u->sk.lock);
		bool same = u->addr.len == SUN_PATH_OFF + 1 + n->len &&
			    bytes_eq(bytes_sub(BYTES_OF_ARRAY(u->addr.bytes), SUN_PATH_OFF + 1, n->len).value, want);
		spin_unlock(&u->sk.lock);
		if (same)
			return u;
	}
	return NULL;
}

static struct unix_sock *inode_find_locked(struct inode *ip) REQUIRES(unix_conn_lock)
{
	names_init_locked();
	LIST_FOR_EACH(unix_name_list, &names, u)
		if (u->dentry && u->dentry->inode == ip)
			return u;
	return NULL;
}

/* set_name_locked - u takes the name in `a` (its bytes, `len` of them) and joins the table. */
static void set_name_locked(struct unix_sock *u, struct sock_addr *a, struct dentry *d)
	REQUIRES(unix_conn_lock)
{
	names_init_locked();
	spin_lock(&u->sk.lock);
	u->addr = *a;
	u->bound = true;
	spin_unlock(&u->sk.lock);
	u->dentry = d;
	unix_name_list_push_back(&names, u);
}

static bool is_bound(struct unix_sock *u)
{
	spin_lock(&u->sk.lock);
	bool b = u->bound;
	spin_unlock(&u->sk.lock);
	return b;
}

static int autobind_locked(struct unix_sock *u) REQUIRES(unix_conn_lock)
{
	if (is_bound(u))
		return 0;
	for (u32 tries = 0; tries < 0x100000u; tries++) {
		struct unix_name n = { .abstract = true, .len = 5 };
		u32 v = autobind_next;
		autobind_next = (autobind_next + 1) & 0xfffffu;
		for (u32 i = 0; i < 5; i++) {
			u32 digit = (v >> (4 * (4 - i))) & 0xfu;
			n.bytes[i] = (u8)(digit < 10 ? '0' + digit : 'a' + digit - 10);
		}
		if (abstract_find_locked(&n))
			continue;
		struct sock_addr a = { .len = SUN_PATH_OFF + 1 + 5 };
		a.bytes[0] = UAPI_AF_UNIX;
		for (u32 i = 0; i < 5; i++)
			a.bytes[SUN_PATH_OFF + 1 + i] = n.bytes[i];
		set_name_locked(u, &a, NULL);
		return 0;
	}
	return -ENOSPC;
}

int unix_autobind(struct unix_sock *u)
{
	mutex_lock(&unix_conn_lock);
	int e = autobind_locked(u);
	mutex_unlock(&unix_conn_lock);
	return e;
}

static int unix_bind(struct socket *s, struct thread *p, struct sock_addr *a)
{
	struct unix_sock *u = unix_of(s);
	struct unix_name n;
	bool autobind;
	int e = parse_addr(a, &n, true, &autobind);
	if (e)
		return e;
	if (autobind) {
		mutex_lock(&unix_conn_lock);
		e = is_bound(u) ? -EINVAL : autobind_locked(u);
		mutex_unlock(&unix_conn_lock);
		return e;
	}
	/* the stored name: what was given, up to the path's NUL (Linux's sun_path length) */
	struct sock_addr stored = *a;
	if (!n.abstract && n.len + 1 + SUN_PATH_OFF < stored.len)
		stored.len = SUN_PATH_OFF + n.len + 1;
	mutex_lock(&unix_conn_lock);
	if (n.abstract) {
		if (is_bound(u))
			e = -EINVAL;
		else if (abstract_find_locked(&n))
			e = -EADDRINUSE;
		else
			set_name_locked(u, &stored, NULL);
	} else { /* Linux makes the node first: a name in use is EADDRINUSE even when bound */
		e = vfs_mknod(&p->fs, name_path(&n), VFS_S_IFSOCK | (0777u & ~p->umask), 0, 0);
		if (e == -EEXIST)
			e = -EADDRINUSE;
		if (!e && is_bound(u)) {
			(void)vfs_unlink(&p->fs, name_path(&n));
			e = -EINVAL;
		}
		struct dentry_result d = e ? dentry_result_err(e) : vfs_lookup(&p->fs, name_path(&n), false);
		e = d.err;
		if (!e)
			set_name_locked(u, &stored, d.value);
	}
	mutex_unlock(&unix_conn_lock);
	return e;
}

int unix_find(struct thread *p, struct sock_addr *a, u16 type, struct unix_sock **out)
{
	struct unix_name n;
	bool autobind;
	int e = parse_addr(a, &n, false, &autobind);
	if (e)
		return e;
	struct unix_sock *t = NULL;
	if (n.abstract) {
		mutex_lock(&unix_conn_lock);
		t = abstract_find_locked(&n);
		if (t)
			sock_get(&t->sk);
		mutex_unlock(&unix_conn_lock);
	} else {
		struct dentry_result d = vfs_lookup(&p->fs, name_path(&n), true);
		if (d.err)
			return d.err;
		struct inode *ip = d.value->inode;
		e = vfs_permission(ip, &p->fs.cred, VFS_MAY_WRITE);
		if (!e && (ip->mode & VFS_S_IFMT) != VFS_S_IFSOCK)
			e = -ECONNREFUSED;
		if (!e) {
			mutex_lock(&unix_conn_lock);
			t = inode_find_locked(ip);
			if (t)
				sock_get(&t->sk);
			mutex_unlock(&unix_conn_lock);
		}
		vfs_dentry_put(d.value);
		if (e)
			return e;
	}
	if (!t)
		return -ECONNREFUSED;
	if (t->sk.type != type) {
		sock_put(&t->sk);
		return -EPROTOTYPE;
	}
	*out = t;
	return 0;
}

/* ---- creation ---------------------------------------------------------------------------- */

static struct unix_sock *unix_new(u16 type)
{
	struct unix_sock *u = unix_sock_new();
	if (!u)
		return NULL;
	const struct sock_ops *ops = type == UAPI_SOCK_STREAM	 ? &unix_stream_ops
				     : type == UAPI_SOCK_SEQPACKET ? &unix_seqpacket_ops
								   : &unix_dgram_ops;
	sock_init(&u->sk, ops, UAPI_AF_UNIX, type, 0);
	mutex_init(&u->iolock);
	unix_msg_list_init(&u->rq, &u->sk.lock);
	unix_acc_list_init(&u->acq, &u->sk.lock);
	return u;
}

static struct socket *unix_create(int type, int protocol, int *err)
{
	if (protocol != 0 && protocol != UAPI_AF_UNIX) {
		*err = -EPROTONOSUPPORT;
		return NULL;
	}
	if (type == UAPI_SOCK_RAW)
		type = UAPI_SOCK_DGRAM; /* as Linux */
	if (type != UAPI_SOCK_STREAM && type != UAPI_SOCK_DGRAM && type != UAPI_SOCK_SEQPACKET) {
		*err = -ESOCKTNOSUPPORT;
		return NULL;
	}
	struct unix_sock *u = unix_new((u16)type);
	if (!u) {
		*err = -ENOMEM;
		return NULL;
	}
	return &u->sk;
}

static void unix_destroy(struct socket *s)
{
	unix_sock_delete(unix_of(s));
}

/* link_peers - a and b become each other's peer (references), connected. */
static void link_peers(struct unix_sock *a, struct unix_sock *b)
{
	sock_get(&b->sk);
	spin_lock(&a->sk.lock);
	a->peer = b;
	a->state = UNIX_CONNECTED;
	spin_unlock(&a->sk.lock);
	sock_get(&a->sk);
	spin_lock(&b->sk.lock);
	b->peer = a;
	b->state = UNIX_CONNECTED;
	spin_unlock(&b->sk.lock);
}

static int unix_pair(struct socket *a, struct socket *b, struct thread *p)
{
	struct sock_cred c = peer_cred_of(p);
	mutex_lock(&unix_conn_lock);
	link_peers(unix_of(a), unix_of(b));
	mutex_unlock(&unix_conn_lock);
	spin_lock(&a->lock);
	a->peercred = c;
	a->has_peercred = true;
	spin_unlock(&a->lock);
	spin_lock(&b->lock);
	b->peercred = c;
	b->has_peercred = true;
	spin_unlock(&b->lock);
	return 0;
}

const struct sock_family unix_family = {
	.family = UAPI_AF_UNIX,
	.create = unix_create,
	.pair = unix_pair,
};

/* ---- connections --------------------------------------------------------------------------- */

static int unix_listen(struct socket *s, struct thread *p, int backlog)
{
	struct unix_sock *u = unix_of(s);
	if (s->type == UAPI_SOCK_DGRAM)
		return -EOPNOTSUPP;
	u32 b = (u32)backlog > UAPI_SOMAXCONN ? UAPI_SOMAXCONN : (u32)backlog;
	int e = 0;
	mutex_lock(&unix_conn_lock);
	spin_lock(&u->sk.lock);
	if (!u->bound || u->state == UNIX_CONNECTED) {
		e = -EINVAL;
	} else {
		u->state = UNIX_LISTENING;
		u->backlog = b;
		u->sk.listening = true;
		u->sk.peercred = peer_cred_of(p);
		u->sk.has_peercred = true;
	}
	spin_unlock(&u->sk.lock);
	mutex_unlock(&unix_conn_lock);
	sock_wake(s);
	return e;
}

/* listener_ready - connecting to t would not wait: room in its queue, or it is gone. */
static bool listener_ready(struct unix_sock *t)
{
	spin_lock(&t->sk.lock);
	bool r = t->dead || t->state != UNIX_LISTENING || t->acq_len <= t->backlog;
	spin_unlock(&t->sk.lock);
	return r;
}

static u64 deadline_of(u64 timeo_ns)
{
	return timeo_ns ? fw_time_ns() + timeo_ns : 0;
}

static int wait_result(int e, u64 deadline)
{
	if (e == -ETIMEDOUT)
		return -EAGAIN;
	if (e == -ERESTARTSYS && deadline)
		return -EINTR; /* a timed socket wait is not restarted (Linux's sock_intr_errno) */
	return e;
}

static int unix_connect_stream(struct socket *s, struct thread *p, struct sock_addr *a,
			       bool nonblock)
{
	struct unix_sock *u = unix_of(s);
	struct unix_sock *t = NULL;
	spin_lock(&u->sk.lock);
	enum unix_state st = u->state;
	u64 timeo = u->sk.sndtimeo_ns;
	bool passcred = u->sk.passcred;
	spin_unlock(&u->sk.lock);
	if (st == UNIX_CONNECTED)
		return -EISCONN;
	if (st == UNIX_LISTENING)
		return -EINVAL;
	int e = unix_find(p, a, s->type, &t);
	if (e)
		return e;
	if (passcred && (e = unix_autobind(u)) != 0) {
		sock_put(&t->sk);
		return e;
	}
	/* the server's end, with its own open file, waiting on t's accept queue */
	struct unix_sock *n = unix_new(s->type);
	struct file_result nf = n ? sock_file_new(&n->sk, 0, socket_base(&t->sk)->uid,
						   socket_base(&t->sk)->gid)
				  : file_result_err(-ENOMEM);
	if (nf.err) {
		sock_put(&t->sk);
		return nf.err;
	}
	u64 deadline = deadline_of(timeo);
	for (;;) {
		mutex_lock(&unix_conn_lock);
		spin_lock(&u->sk.lock);
		st = u->state;
		spin_unlock(&u->sk.lock);
		spin_lock(&t->sk.lock);
		bool gone = t->dead || t->state != UNIX_LISTENING;
		bool full = t->acq_len > t->backlog;
		struct sock_cred lc = t->sk.peercred;
		spin_unlock(&t->sk.lock);
		if (st != UNIX_UNCONNECTED) {
			e = st == UNIX_CONNECTED ? -EISCONN : -EINVAL;
		} else if (gone) {
			e = -ECONNREFUSED;
		} else if (!full) {
			link_peers(u, n);
			spin_lock(&u->sk.lock);
			u->sk.peercred = lc;
			u->sk.has_peercred = true;
			spin_unlock(&u->sk.lock);
			struct sock_addr ta;
			unix_copy_addr(t, &ta);
			spin_lock(&n->sk.lock);
			n->addr = ta;
			n->bound = true;
			n->sk.peercred = peer_cred_of(p);
			n->sk.has_peercred = true;
			spin_unlock(&n->sk.lock);
			n->acc_file = nf.value;
			spin_lock(&t->sk.lock);
			unix_acc_list_push_back(&t->acq, n);
			t->acq_len++;
			spin_unlock(&t->sk.lock);
			mutex_unlock(&unix_conn_lock);
			sock_wake(&t->sk);
			sock_put(&t->sk);
			return 0;
		} else {
			e = -EAGAIN;
		}
		mutex_unlock(&unix_conn_lock);
		if (e != -EAGAIN || nonblock)
			break;
		e = wait_result(PROC_WAIT(p, &t->sk.wq, listener_ready(t), deadline), deadline);
		if (e)
			break;
	}
	vfs_close(nf.value);
	sock_put(&t->sk);
	return e;
}

/* A datagram socket's connect sets (or, with AF_UNSPEC, clears) its default destination. */
static int unix_connect_dgram(struct socket *s, struct thread *p, struct sock_addr *a,
			      bool nonblock)
{
	(void)nonblock;
	struct unix_sock *u = unix_of(s);
	struct unix_sock *t = NULL;
	bool unspec = a->len >= 2 && bytes_le16(BYTES_OF_ARRAY(a->bytes), 0).value == UAPI_AF_UNSPEC;
	if (!unspec) {
		int e = unix_find(p, a, s->type, &t);
		if (e)
			return e;
		spin_lock(&u->sk.lock);
		bool passcred = u->sk.passcred;
		spin_unlock(&u->sk.lock);
		if (passcred && (e = unix_autobind(u)) != 0) {
			sock_put(&t->sk);
			return e;
		}
	}
	mutex_lock(&unix_conn_lock);
	if (t) {
		spin_lock(&t->sk.lock);
		bool dead = t->dead;
		bool ok = !dead && (!t->peer || t->peer == u || t == u);
		spin_unlock(&t->sk.lock);
		if (!ok) { /* (t is not read after its reference is dropped: it may be freed) */
			mutex_unlock(&unix_conn_lock);
			sock_put(&t->sk);
			return dead ? -ECONNREFUSED : -EPERM;
		}
	}
	spin_lock(&u->sk.lock);
	struct unix_sock *old = u->peer;
	u->peer = t; /* t's reference moves here */
	u->state = t ? UNIX_CONNECTED : UNIX_UNCONNECTED;
	spin_unlock(&u->sk.lock);
	mutex_unlock(&unix_conn_lock);
	if (old) {
		sock_wake(&old->sk);
		sock_put(&old->sk);
	}
	return 0;
}

static struct file_result unix_accept(struct socket *s, struct thread *p, bool nonblock, u32 flags)
{
	struct unix_sock *u = unix_of(s);
	if (s->type == UAPI_SOCK_DGRAM)
		return file_result_err(-EOPNOTSUPP);
	spin_lock(&u->sk.lock);
	u64 deadline = deadline_of(u->sk.rcvtimeo_ns);
	spin_unlock(&u->sk.lock);
	for (;;) {
		spin_lock(&u->sk.lock);
		bool listening = u->state == UNIX_LISTENING;
		struct unix_sock *n = listening ? unix_acc_list_pop_front(&u->acq) : NULL;
		if (n)
			u->acq_len--;
		spin_unlock(&u->sk.lock);
		if (!listening)
			return file_result_err(-EINVAL);
		if (n) {
			struct file *f = n->acc_file;
			n->acc_file = NULL;
			f->flags = VFS_O_RDWR | flags;
			sock_wake(s); /* room for a waiting connect */
			return file_result_ok(f);
		}
		if (nonblock)
			return file_result_err(-EAGAIN);
		int e = PROC_WAIT(p, &s->wq, s->ops->poll(s) & (VFS_POLLIN | VFS_POLLERR), deadline);
		if (e)
			return file_result_err(wait_result(e, deadline));
	}
}

static int unix_shutdown(struct socket *s, int how)
{
	struct unix_sock *u = unix_of(s);
	if (how < UAPI_SHUT_RD || how > UAPI_SHUT_RDWR)
		return -EINVAL;
	u32 mode = (u32)how + 1; /* SHUT_RD -> RCV, SHUT_WR -> SEND, both */
	spin_lock(&u->sk.lock);
	u->sk.shutdown |= mode;
	struct unix_sock *peer = u->peer;
	if (peer)
		sock_get(&peer->sk);
	spin_unlock(&u->sk.lock);
	sock_wake(s);
	if (peer && s->type != UAPI_SOCK_DGRAM) {
		u32 pm = ((mode & SOCK_RCV_SHUTDOWN) ? SOCK_SEND_SHUTDOWN : 0) |
			 ((mode & SOCK_SEND_SHUTDOWN) ? SOCK_RCV_SHUTDOWN : 0);
		spin_lock(&peer->sk.lock);
		peer->sk.shutdown |= pm;
		spin_unlock(&peer->sk.lock);
		sock_wake(&peer->sk);
	}
	if (peer)
		sock_put(&peer->sk);
	return 0;
}

static int unix_getname(struct socket *s, bool want_peer, struct sock_addr *out)
{
	struct unix_sock *u = unix_of(s);
	if (!want_peer) {
		unix_copy_addr(u, out);
		return 0;
	}
	spin_lock(&u->sk.lock);
	struct unix_sock *peer = u->state == UNIX_CONNECTED ? u->peer : NULL;
	if (peer)
		sock_get(&peer->sk);
	spin_unlock(&u->sk.lock);
	if (!peer)
		return -ENOTCONN;
	unix_copy_addr(peer, out);
	sock_put(&peer->sk);
	return 0;
}

/* ---- readiness ------------------------------------------------------------------------------ */

static bool writable_locked(struct unix_sock *u) REQUIRES(&u->sk.lock)
{
	return u->state != UNIX_LISTENING && u->wmem * 4 <= u->sk.sndbuf;
}

static u32 unix_poll(struct socket *s)
{
	struct unix_sock *u = unix_of(s);
	u32 ev = 0;
	spin_lock(&u->sk.lock);
	if (u->sk.err)
		ev |= VFS_POLLERR;
	if (u->sk.shutdown == SOCK_SHUTDOWN_MASK)
		ev |= VFS_POLLHUP;
	if (u->sk.shutdown & SOCK_RCV_SHUTDOWN)
		ev |= VFS_POLLIN | SOCK_POLLRDHUP;
	if (u->rq_len || u->acq_len)
		ev |= VFS_POLLIN;
	if (s->type != UAPI_SOCK_DGRAM && u->state == UNIX_UNCONNECTED)
		ev |= VFS_POLLHUP;
	bool w = writable_locked(u);
	struct unix_sock *peer = s->type == UAPI_SOCK_DGRAM ? u->peer : NULL;
	if (peer && w)
		sock_get(&peer->sk);
	spin_unlock(&u->sk.lock);
	if (peer && w) { /* a datagram's receiver with a full queue is not writable */
		spin_lock(&peer->sk.lock);
		if (peer->peer != u && peer->rq_len > UNIX_MAX_DGRAM_QLEN)
			w = false;
		spin_unlock(&peer->sk.lock);
		sock_put(&peer->sk);
	}
	if (w)
		ev |= VFS_POLLOUT;
	return ev;
}

static u64 unix_inq(struct socket *s)
{
	struct unix_sock *u = unix_of(s);
	spin_lock(&u->sk.lock);
	u64 n = u->rq_bytes;
	if (s->type == UAPI_SOCK_DGRAM) {
		struct unix_msg *m = unix_msg_list_first(&u->rq);
		n = m ? m->len : 0;
	}
	spin_unlock(&u->sk.lock);
	return n;
}

static u64 unix_outq(struct socket *s)
{
	struct unix_sock *u = unix_of(s);
	spin_lock(&u->sk.lock);
	u64 n = u->wmem;
	spin_unlock(&u->sk.lock);
	return n;
}

/* ---- release -------------------------------------------------------------------------------- */

void unix_purge(struct unix_sock *u)
{
	for (;;) { /* its files close, its senders get their room back */
		spin_lock(&u->sk.lock);
		struct unix_msg *m = unix_msg_list_pop_front(&u->rq);
		if (m) {
			u->rq_len--;
			u->rq_bytes -= m->len - m->off;
		}
		spin_unlock(&u->sk.lock);
		if (!m)
			break;
		unix_msg_free(m);
	}
	sock_wake(&u->sk);
}

static void unix_release(struct socket *s)
{
	struct unix_sock *u = unix_of(s);
	mutex_lock(&unix_conn_lock);
	names_init_locked();
	if (unix_name_list_contains(&names, u))
		unix_name_list_remove(&names, u);
	struct dentry *d = u->dentry;
	u->dentry = NULL;
	spin_lock(&u->sk.lock);
	u->dead = true;
	struct unix_sock *peer = u->peer;
	u->peer = NULL;
	bool embryo = u->acc_file != NULL; /* closed by its listener, never accepted */
	u->acc_file = NULL;
	bool unread = u->rq_len != 0;
	enum unix_state was = u->state;
	u->state = UNIX_UNCONNECTED;
	u->sk.listening = false;
	u->sk.shutdown = SOCK_SHUTDOWN_MASK;
	spin_unlock(&u->sk.lock);
	mutex_unlock(&unix_conn_lock);
	sock_wake(s);
	/* connections never accepted: closing their files resets their clients */
	if (was == UNIX_LISTENING) {
		for (;;) {
			spin_lock(&u->sk.lock);
			struct unix_sock *n = unix_acc_list_pop_front(&u->acq);
			if (n)
				u->acq_len--;
			spin_unlock(&u->sk.lock);
			if (!n)
				break;
			vfs_close(n->acc_file); /* its release sees it was never accepted */
		}
	}
	if (peer) {
		if (s->type != UAPI_SOCK_DGRAM) {
			spin_lock(&peer->sk.lock);
			peer->sk.shutdown = SOCK_SHUTDOWN_MASK;
			if (unread || embryo)
				peer->sk.err = ECONNRESET;
			spin_unlock(&peer->sk.lock);
		}
		sock_wake(&peer->sk);
		sock_put(&peer->sk);
	}
	unix_purge(u); /* what nobody will read */
	if (d)
		vfs_dentry_put(d);
	unix_gc(); /* this socket may have held the last way to sockets in flight */
}

static const struct sock_ops unix_stream_ops = {
	.bind = unix_bind,
	.connect = unix_connect_stream,
	.listen = unix_listen,
	.accept = unix_accept,
	.shutdown = unix_shutdown,
	.getname = unix_getname,
	.send = unix_send,
	.recv = unix_recv,
	.poll = unix_poll,
	.inq = unix_inq,
	.outq = unix_outq,
	.release = unix_release,
	.destroy = unix_destroy,
};

static const struct sock_ops unix_seqpacket_ops = {
	.bind = unix_bind,
	.connect = unix_connect_stream,
	.listen = unix_listen,
	.accept = unix_accept,
	.shutdown = unix_shutdown,
	.getname = unix_getname,
	.send = unix_send,
	.recv = unix_recv,
	.poll = unix_poll,
	.inq = unix_inq,
	.outq = unix_outq,
	.release = unix_release,
	.destroy = unix_destroy,
};

static const struct sock_ops unix_dgram_ops = {
	.bind = unix_bind,
	.connect = unix_connect_dgram,
	.listen = unix_listen,
	.accept = unix_accept,
	.shutdown = unix_shutdown,
	.getname = unix_getname,
	.send = unix_send,
	.recv = unix_recv,
	.poll = unix_poll,
	.inq = unix_inq,
	.outq = unix_outq,
	.release = unix_release,
	.destroy = unix_destroy,
};
