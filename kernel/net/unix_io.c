/*
 * unix_io.c — sending and receiving on AF_UNIX sockets (net/unix.h).
 *
 * A stream write is cut into messages of at most half the sender's SO_SNDBUF; it waits while
 * the sender's bytes in flight (wmem) reach SO_SNDBUF, and a write that was interrupted or
 * hit -EAGAIN after some bytes returns them. A stream read gathers bytes across messages up to
 * the count (MSG_WAITALL: waits for all of them; else for SO_RCVLOWAT's, 1 by default), stops after a message that carried files
 * (they come with its first byte), and sees end of file once the queue is empty and the
 * socket is shut down for reading (the peer closed or shut down for writing).
 *
 * Datagrams and seqpacket records go whole: a record larger than SO_SNDBUF is -EMSGSIZE, a
 * read with a smaller buffer gets its head and MSG_TRUNC (the rest is dropped). A datagram to
 * a socket connected elsewhere is -EPERM; one to a receiver holding more than
 * UNIX_MAX_DGRAM_QLEN datagrams waits (or -EAGAIN) unless the receiver is connected to the
 * sender, as Linux.
 */
#include <fw/time.h>
#include <net/unix.h>
#include <proc/wait.h>

DEFINE_TYPE_CACHE(unix_msg_cache, struct unix_msg);

void unix_msg_free(struct unix_msg *m)
{
	struct unix_sock *from = m->from;
	if (from) {
		spin_lock(&from->sk.lock);
		from->wmem -= m->len + UNIX_MSG_OVERHEAD;
		spin_unlock(&from->sk.lock);
		sock_wake(&from->sk);
		sock_put(&from->sk);
	}
	unix_inflight(m->files, false);
	sock_files_put(m->files);
	kbuf_free(&m->data);
	KFREE(unix_msg_cache, m);
}

/* msg_new - a message of up to `len` bytes copied from the sender's iovecs (`from` u, its
 * bytes counted in u's wmem): the message or -EFAULT / -ENOMEM. A fault after some bytes
 * gives a shorter message. */
static struct unix_msg *msg_new(struct unix_sock *u, struct sock_iter *it, size_t len, int *err)
{
	struct unix_msg *m = KNEW(unix_msg_cache);
	if (!m) {
		*err = -ENOMEM;
		return NULL;
	}
	if (len && kbuf_alloc(&m->data, len)) {
		KFREE(unix_msg_cache, m);
		*err = -ENOMEM;
		return NULL;
	}
	struct result_size c = len ? sock_iter_read(it, kbuf_bytes(&m->data)) : result_size_ok(0);
	if (c.err) {
		kbuf_free(&m->data);
		KFREE(unix_msg_cache, m);
		*err = c.err;
		return NULL;
	}
	m->len = c.value;
	sock_get(&u->sk);
	m->from = u;
	spin_lock(&u->sk.lock);
	u->wmem += m->len + UNIX_MSG_OVERHEAD;
	spin_unlock(&u->sk.lock);
	return m;
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
		return -EINTR;
	return e;
}

/* send_room - u may queue more (its bytes in flight are below SO_SNDBUF), or an error or a
 * shutdown ends the wait. */
static bool send_room(struct unix_sock *u)
{
	spin_lock(&u->sk.lock);
	bool r = u->wmem < u->sk.sndbuf || u->sk.err || (u->sk.shutdown & SOCK_SEND_SHUTDOWN);
	spin_unlock(&u->sk.lock);
	return r;
}

/* send_wait - wait for room to send: 0, -EPIPE (shut down for sending), a pending error,
 * -EAGAIN, or an interrupted wait's result. */
static int send_wait(struct unix_sock *u, struct thread *p, bool nonblock, u64 deadline)
{
	for (;;) {
		spin_lock(&u->sk.lock);
		int err = u->sk.err;
		u->sk.err = 0;
		bool shut = (u->sk.shutdown & SOCK_SEND_SHUTDOWN) != 0;
		bool room = u->wmem < u->sk.sndbuf;
		spin_unlock(&u->sk.lock);
		if (err)
			return -err;
		if (shut)
			return -EPIPE;
		if (room)
			return 0;
		if (nonblock)
			return -EAGAIN;
		int e = PROC_WAIT(p, &u->sk.wq, send_room(u), deadline);
		if (e)
			return wait_result(e, deadline);
	}
}

/* msg_attach - msg takes what m carries besides bytes: credentials, files (now in flight). */
static void msg_attach(struct unix_msg *msg, struct thread *p, struct sock_send *m)
{
	msg->cred = m->has_cred ? m->cred : unix_caller_cred(p);
	msg->files = m->files;
	m->files = NULL;
	unix_inflight(msg->files, true);
}

static struct result_size stream_send(struct unix_sock *u, struct thread *p, struct sock_send *m)
{
	spin_lock(&u->sk.lock);
	enum unix_state st = u->state;
	struct unix_sock *peer = u->peer;
	if (peer)
		sock_get(&peer->sk);
	u64 deadline = deadline_of(u->sk.sndtimeo_ns);
	spin_unlock(&u->sk.lock);
	int e = 0;
	if (m->has_addr)
		e = st == UNIX_CONNECTED ? -EISCONN : -EOPNOTSUPP;
	else if (!peer || st != UNIX_CONNECTED)
		e = -ENOTCONN;
	if (e) {
		if (peer)
			sock_put(&peer->sk);
		return result_size_err(e);
	}
	u64 total = sock_iter_left(m->data), sent = 0;
	while (sent < total) {
		e = send_wait(u, p, m->nonblock, deadline);
		if (e)
			break;
		spin_lock(&u->sk.lock);
		u64 chunk = u->sk.sndbuf / 2;
		spin_unlock(&u->sk.lock);
		if (chunk > 65536)
			chunk = 65536;
		if (chunk > total - sent)
			chunk = total - sent;
		struct unix_msg *msg = msg_new(u, m->data, (size_t)chunk, &e);
		if (!msg)
			break;
		msg_attach(msg, p, m);
		/* The length is read before the message is queued: once peer->sk.lock is
		 * dropped the receiver (on another CPU) may consume and free it, and the cache
		 * hands the same object to the next message, whose len is anyone's (a write
		 * returned the peer's next write size, or 0 from a fresh zeroed object). */
		u64 len = msg->len;
		spin_lock(&peer->sk.lock);
		bool ok = !peer->dead && !(peer->sk.shutdown & SOCK_RCV_SHUTDOWN);
		if (ok) {
			unix_msg_list_push_back(&peer->rq, msg);
			peer->rq_len++;
			peer->rq_bytes += len;
		}
		spin_unlock(&peer->sk.lock);
		if (!ok) {
			m->files = msg->files; /* not sent: the caller closes them */
			msg->files = NULL;
			unix_inflight(m->files, false);
			unix_msg_free(msg);
			e = -EPIPE;
			break;
		}
		sock_wake(&peer->sk); /* msg is the receiver's now: not touched again */
		sent += len;
		if (len < chunk)
			break; /* a fault part-way */
	}
	sock_put(&peer->sk);
	if (sent)
		return result_size_ok(sent);
	return e ? result_size_err(e) : result_size_ok(0);
}

/* dgram_ready - t can take a datagram from u (or the wait should end anyway). */
static bool dgram_ready(struct unix_sock *t, struct unix_sock *u)
{
	spin_lock(&t->sk.lock);
	bool r = t->dead || t->peer == u || t->rq_len <= UNIX_MAX_DGRAM_QLEN;
	spin_unlock(&t->sk.lock);
	return r;
}

static struct result_size dgram_send(struct unix_sock *u, struct thread *p, struct sock_send *m)
{
	struct socket *s = &u->sk;
	u64 total = sock_iter_left(m->data);
	spin_lock(&u->sk.lock);
	enum unix_state st = u->state;
	u32 sndbuf = u->sk.sndbuf;
	bool passcred = u->sk.passcred;
	u64 deadline = deadline_of(u->sk.sndtimeo_ns);
	struct unix_sock *t = (s->type == UAPI_SOCK_SEQPACKET || !m->has_addr) ? u->peer : NULL;
	if (t)
		sock_get(&t->sk);
	spin_unlock(&u->sk.lock);
	bool connected_target = t != NULL;
	int e = 0;
	if (s->type == UAPI_SOCK_SEQPACKET && st != UNIX_CONNECTED)
		e = -ENOTCONN;
	else if (total > sndbuf - 32)
		e = -EMSGSIZE;
	else if (!t && (s->type == UAPI_SOCK_SEQPACKET || !m->has_addr))
		e = -ENOTCONN;
	else if (!t)
		e = unix_find(p, &m->addr, UAPI_SOCK_DGRAM, &t);
	if (!e && passcred)
		e = unix_autobind(u);
	if (!e)
		e = send_wait(u, p, m->nonblock, deadline);
	struct unix_msg *msg = NULL;
	if (!e) {
		msg = msg_new(u, m->data, (size_t)total, &e);
		if (msg && msg->len < total)
			e = -EFAULT;
	}
	if (!e) /* (not under a lock: in-flight accounting sleeps; a failed send frees them) */
		msg_attach(msg, p, m);
	while (!e) {
		spin_lock(&t->sk.lock);
		if (t->dead)
			e = -ECONNREFUSED;
		else if (t->peer && t->peer != u)
			e = -EPERM;
		else if (t->sk.shutdown & SOCK_RCV_SHUTDOWN)
			e = -EPIPE;
		else if (t->peer != u && t != u && t->rq_len > UNIX_MAX_DGRAM_QLEN)
			e = -EAGAIN;
		if (!e) {
			unix_msg_list_push_back(&t->rq, msg);
			t->rq_len++;
			t->rq_bytes += msg->len;
		}
		spin_unlock(&t->sk.lock);
		if (!e) {
			msg = NULL;
			sock_wake(&t->sk);
			break;
		}
		if (e != -EAGAIN || m->nonblock)
			break;
		e = wait_result(PROC_WAIT(p, &t->sk.wq, dgram_ready(t, u), deadline), deadline);
	}
	if (e == -ECONNREFUSED && connected_target && s->type == UAPI_SOCK_DGRAM) {
		/* the connected receiver is gone: forget it (Linux) */
		mutex_lock(&unix_conn_lock);
		spin_lock(&u->sk.lock);
		struct unix_sock *old = u->peer == t ? t : NULL;
		if (old) {
			u->peer = NULL;
			u->state = UNIX_UNCONNECTED;
		}
		spin_unlock(&u->sk.lock);
		mutex_unlock(&unix_conn_lock);
		if (old)
			sock_put(&old->sk);
	}
	if (msg)
		unix_msg_free(msg);
	if (t)
		sock_put(&t->sk);
	return e ? result_size_err(e) : result_size_ok(total);
}

struct result_size unix_send(struct socket *s, struct thread *p, struct sock_send *m)
{
	if (m->flags & UAPI_MSG_OOB)
		return result_size_err(-EOPNOTSUPP);
	struct unix_sock *u = unix_of(s);
	return s->type == UAPI_SOCK_STREAM ? stream_send(u, p, m) : dgram_send(u, p, m);
}

/* ---- receiving ------------------------------------------------------------------------------- */

static bool recv_ready(struct unix_sock *u)
{
	spin_lock(&u->sk.lock);
	bool r = u->rq_len || u->sk.err || (u->sk.shutdown & SOCK_RCV_SHUTDOWN);
	spin_unlock(&u->sk.lock);
	return r;
}

/* take_extras - what a message gives its reader besides bytes: the sender's name, its
 * credentials (SO_PASSCRED), its files (moved, or duplicated when peeking). */
static void take_extras(struct unix_sock *u, struct unix_msg *msg, struct sock_recv *m, bool peek)
{
	if (m->want_addr && m->from.len == 0)
		unix_copy_addr(msg->from, &m->from);
	spin_lock(&u->sk.lock);
	bool passcred = u->sk.passcred;
	spin_unlock(&u->sk.lock);
	if (passcred && !m->has_cred) {
		m->has_cred = true;
		m->cred = msg->cred;
	}
	if (msg->files && !m->files) {
		if (peek) { /* more references (MSG_PEEK leaves the originals queued) */
			m->files = unix_files_peek(msg->files);
		} else {
			mutex_lock(&unix_gc_lock); /* the collector reads msg->files under it */
			m->files = msg->files;
			msg->files = NULL;
			mutex_unlock(&unix_gc_lock);
			unix_inflight(m->files, false);
		}
	}
}

/* recv_empty - nothing queued: the result that ends the read (an error, end of file), or 0 to
 * wait. Takes a pending error. */
static int recv_empty_locked(struct unix_sock *u, bool *eof) REQUIRES(&u->sk.lock)
{
	*eof = false;
	if (u->sk.err) {
		int e = u->sk.err;
		u->sk.err = 0;
		return -e;
	}
	if (u->sk.shutdown & SOCK_RCV_SHUTDOWN)
		*eof = true;
	return 0;
}

static struct result_size stream_recv(struct unix_sock *u, struct thread *p, struct sock_recv *m)
{
	struct socket *s = &u->sk;
	bool peek = (m->flags & UAPI_MSG_PEEK) != 0;
	u64 total = sock_iter_left(m->data), copied = 0, skip = 0;
	spin_lock(&u->sk.lock);
	bool connected = u->state == UNIX_CONNECTED;
	u64 deadline = deadline_of(u->sk.rcvtimeo_ns);
	u64 lowat = (u64)u->sk.rcvlowat;
	spin_unlock(&u->sk.lock);
	/* the bytes a blocking read waits for: all with MSG_WAITALL, else SO_RCVLOWAT's (Linux's
	 * sock_rcvlowat); a non-blocking or timed-out read returns what it has */
	u64 target = (m->flags & UAPI_MSG_WAITALL) ? total : lowat < total ? lowat : total;
	if (!connected)
		return result_size_err(-EINVAL);
	if (total == 0)
		return result_size_ok(0);
	int err = 0;
	mutex_lock(&u->iolock);
	for (;;) {
		spin_lock(&u->sk.lock);
		struct unix_msg *msg = unix_msg_list_first(&u->rq);
		size_t moff = msg ? msg->off : 0;
		if (peek) {
			u64 left = skip;
			while (msg && left >= msg->len - msg->off) {
				left -= msg->len - msg->off;
				msg = unix_msg_list_next(&u->rq, msg);
			}
			moff = msg ? msg->off + (size_t)left : 0;
		}
		if (!msg) {
			bool eof = false;
			if (copied >= target) {
				spin_unlock(&u->sk.lock);
				break;
			}
			err = recv_empty_locked(u, &eof);
			spin_unlock(&u->sk.lock);
			if (err || eof)
				break;
			if (m->nonblock) {
				err = -EAGAIN;
				break;
			}
			mutex_unlock(&u->iolock);
			err = wait_result(PROC_WAIT(p, &s->wq, recv_ready(u), deadline), deadline);
			mutex_lock(&u->iolock);
			if (err)
				break;
			continue;
		}
		bool msg_start = moff == msg->off;
		bool has_files = msg->files != NULL;
		spin_unlock(&u->sk.lock);
		if (copied && has_files && msg_start)
			break; /* files come with the first byte of their message */
		size_t n = msg->len - moff;
		if (n > total - copied)
			n = (size_t)(total - copied);
		struct bytes_result src = bytes_sub(kbuf_bytes(&msg->data), moff, n);
		struct result_size c = src.err ? result_size_err(-EIO) : sock_iter_write(m->data, src.value);
		if (c.err) {
			err = c.err;
			break;
		}
		take_extras(u, msg, m, peek);
		copied += c.value;
		if (peek) {
			skip += c.value;
		} else {
			spin_lock(&u->sk.lock);
			msg->off += c.value;
			u->rq_bytes -= c.value;
			bool done = msg->off == msg->len;
			if (done) {
				unix_msg_list_remove(&u->rq, msg);
				u->rq_len--;
			}
			spin_unlock(&u->sk.lock);
			if (done)
				unix_msg_free(msg);
		}
		if (c.value < n || has_files || copied >= total)
			break;
	}
	mutex_unlock(&u->iolock);
	if (copied)
		return result_size_ok(copied);
	return err ? result_size_err(err) : result_size_ok(0);
}

static struct result_size dgram_recv(struct unix_sock *u, struct thread *p, struct sock_recv *m)
{
	struct socket *s = &u->sk;
	bool peek = (m->flags & UAPI_MSG_PEEK) != 0;
	u64 total = sock_iter_left(m->data);
	spin_lock(&u->sk.lock);
	bool connected = u->state == UNIX_CONNECTED;
	u64 deadline = deadline_of(u->sk.rcvtimeo_ns);
	spin_unlock(&u->sk.lock);
	if (s->type == UAPI_SOCK_SEQPACKET && !connected)
		return result_size_err(-ENOTCONN);
	struct result_size r = result_size_ok(0);
	mutex_lock(&u->iolock);
	for (;;) {
		spin_lock(&u->sk.lock);
		struct unix_msg *msg = unix_msg_list_first(&u->rq);
		if (!msg) {
			bool eof = false;
			int err = recv_empty_locked(u, &eof);
			spin_unlock(&u->sk.lock);
			if (err || eof) {
				r = err ? result_size_err(err) : result_size_ok(0);
				break;
			}
			if (m->nonblock) {
				r = result_size_err(-EAGAIN);
				break;
			}
			mutex_unlock(&u->iolock);
			err = wait_result(PROC_WAIT(p, &s->wq, recv_ready(u), deadline), deadline);
			mutex_lock(&u->iolock);
			if (err) {
				r = result_size_err(err);
				break;
			}
			continue;
		}
		if (!peek) {
			unix_msg_list_remove(&u->rq, msg);
			u->rq_len--;
			u->rq_bytes -= msg->len;
		}
		spin_unlock(&u->sk.lock);
		size_t n = msg->len < total ? msg->len : (size_t)total;
		struct result_size c = n ? sock_iter_write(m->data, bytes_head(kbuf_bytes(&msg->data), n))
					 : result_size_ok(0);
		if (c.err) {
			r = c;
		} else {
			if (msg->len > total)
				m->msg_flags |= UAPI_MSG_TRUNC;
			m->full_len = msg->len;
			take_extras(u, msg, m, peek);
			r = result_size_ok((m->flags & UAPI_MSG_TRUNC) ? msg->len : c.value);
		}
		if (!peek)
			unix_msg_free(msg);
		break;
	}
	mutex_unlock(&u->iolock);
	return r;
}

struct result_size unix_recv(struct socket *s, struct thread *p, struct sock_recv *m)
{
	if (m->flags & UAPI_MSG_OOB)
		return result_size_err(-EOPNOTSUPP);
	struct unix_sock *u = unix_of(s);
	return s->type == UAPI_SOCK_STREAM ? stream_recv(u, p, m) : dgram_recv(u, p, m);
}
