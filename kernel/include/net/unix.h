/*
 * net/unix.h — AF_UNIX inside net/ (net/unix.c: sockets, names, connections; net/unix_io.c:
 * sending and receiving). Not for other subsystems: they use net/socket.h.
 *
 * A Unix socket's receive queue holds messages (`struct unix_msg`): one per datagram or
 * seqpacket record, one per chunk of a stream write. A message holds a reference to its
 * sender and counts in the sender's `wmem` until it is consumed (its bytes plus
 * UNIX_MSG_OVERHEAD), so a sender blocks (or gets -EAGAIN) while what it has in flight reaches
 * its SO_SNDBUF, and is woken when the reader frees them — Linux's accounting (an skb's
 * truesize). A message may carry files (SCM_RIGHTS) and always carries
 * the sender's credentials (given to readers with SO_PASSCRED).
 *
 * Locking (order: unix_conn_lock -> a socket's sk.lock; never two sockets' sk.lock at once):
 *  - unix_conn_lock (a mutex) serialises the slow paths: bind and the name table, connect,
 *    listen, and release's disconnection;
 *  - a socket's sk.lock (a spinlock) guards its queue, byte counts, state and peer; data
 *    moves to and from user memory outside it (a message's bytes are fixed once queued);
 *  - iolock (a mutex) serialises a socket's readers, so the message at the head of the queue
 *    stays while one reader copies it out.
 */
#ifndef KERNEL_NET_UNIX_H
#define KERNEL_NET_UNIX_H

#include <fw/list.h>
#include <net/socket.h>
#include <proc/process.h>

struct unix_msg {
	struct list_link link;
	struct kbuf data;         /* the bytes (empty for a zero-length record) */
	size_t len;               /* bytes in data */
	size_t off;               /* bytes of a stream chunk already read */
	struct unix_sock *from;   /* the sender (a reference) */
	struct sock_cred cred;    /* the sender's credentials, or SCM_CREDENTIALS' */
	struct sock_files *files; /* SCM_RIGHTS, or NULL */
};
DEFINE_LIST(unix_msg_list, struct unix_msg, link, spinlock);
struct unix_sock;
DECLARE_LIST_TYPE(unix_acc_list, spinlock);

/* Garbage collection of sockets in flight (net/unix_gc.c). */
extern struct mutex unix_gc_lock;

enum unix_state {
	UNIX_UNCONNECTED,
	UNIX_LISTENING,
	UNIX_CONNECTED,
};

struct unix_sock {
	struct socket sk;
	struct mutex iolock;             /* one reader at a time */
	struct list_link name_link;      /* on the name table while bound (unix_conn_lock) */
	struct list_link acc_link;       /* on a listener's accept queue (its sk.lock) */
	struct file *acc_file;           /* while on an accept queue: its open file */
	struct dentry *dentry;           /* a path name's socket node (a reference), or NULL */
	/* Guarded by sk.lock: */
	struct unix_msg_list rq;         /* received messages, oldest first (bound to sk.lock) */
	u64 rq_bytes;                    /* unread bytes in rq */
	u32 rq_len;                      /* messages in rq */
	u64 wmem;                        /* bytes sent by this socket, not yet consumed */
	bool dead;                       /* released: nothing is queued to it any more */
	bool bound;
	struct sock_addr addr;           /* its name (valid when bound) */
	enum unix_state state;
	struct unix_sock *peer;          /* connected to (a reference), or NULL */
	struct unix_acc_list acq;        /* connections not yet accepted (bound to sk.lock) */
	u32 acq_len;
	u32 backlog;
	/* In flight (SCM_RIGHTS), guarded by unix_gc_lock (net/unix_gc.c): */
	u32 inflight GUARDED_BY(&unix_gc_lock);   /* queued messages that carry its file */
	struct file *gc_file GUARDED_BY(&unix_gc_lock); /* that file (the messages hold it) */
	bool gc_multi GUARDED_BY(&unix_gc_lock);  /* more than one file of it in flight: never
						   * collected (a socket has one open file) */
	struct list_link gc_link;                 /* on the in-flight list while inflight > 0 */
	u32 gc_refs GUARDED_BY(&unix_gc_lock);    /* a collection's count of outside references */
	bool gc_candidate GUARDED_BY(&unix_gc_lock), gc_reachable GUARDED_BY(&unix_gc_lock),
		gc_garbage GUARDED_BY(&unix_gc_lock);
};
DEFINE_SUBTYPE_OF(unix_sock, struct unix_sock, sk, struct socket, socket);
DEFINE_LIST_FUNCS(unix_acc_list, struct unix_sock, acc_link, spinlock);

#define UNIX_MAX_DGRAM_QLEN 10u /* net.unix.max_dgram_qlen */
/* What a queued message costs its sender's wmem beyond its bytes (Linux charges an skb's
 * truesize, about this much for a small one), so that empty datagrams and records, or one-byte
 * messages carrying files, cannot pile up without bound in a receiver's queue. */
#define UNIX_MSG_OVERHEAD 576u

extern struct mutex unix_conn_lock;

/* unix_of - the unix socket a socket is. */
static inline struct unix_sock *unix_of(struct socket *s)
{
	return unix_sock_from(socket_base(s));
}

/* unix_find - the socket bound to the name in `a` (a reference; sock_put), for connect and
 * sendto: -EINVAL (a malformed address), -ENOENT/-EACCES/... (the path), -ECONNREFUSED (no
 * socket there), -EPROTOTYPE (a socket of another type). */
int unix_find(struct thread *p, struct sock_addr *a, u16 type, struct unix_sock **out);
/* unix_autobind - give an unbound socket an abstract name of five hex digits (0 or -errno). */
int unix_autobind(struct unix_sock *u);
/* unix_msg_free - drop a consumed (or purged) message: its sender's count, files, bytes. */
void unix_msg_free(struct unix_msg *m);
/* unix_copy_addr - the name of u (len 2 and the family when unbound). */
void unix_copy_addr(struct unix_sock *u, struct sock_addr *out);
/* unix_caller_cred - the credentials a message from p carries by default (pid, real ids). */
struct sock_cred unix_caller_cred(struct thread *p);

/* unix_purge - drop what u's queue holds (its files close, its senders get room back). */
void unix_purge(struct unix_sock *u);

/* net/unix_gc.c: a socket's open file sent with SCM_RIGHTS is "in flight" while a queued
 * message holds it. When every reference to it is such a message, only a reader of those
 * queues can bring it back; sockets that nothing outside such cycles can reach are garbage.
 * unix_inflight - files of `fs` (NULL: none) join (add) or leave the in-flight count, when a
 *   message takes them or gives them up. Context: no spinlock held.
 * unix_files_peek - a duplicate of fs (MSG_PEEK), NULL when memory is short; under the
 *   collector's lock, so that a collection sees references consistently.
 * unix_gc - collect: empty the queues of unreachable in-flight sockets. Called when a unix
 *   socket is released; returns at once when nothing is in flight or a collection runs. */
void unix_inflight(struct sock_files *fs, bool add);
struct sock_files *unix_files_peek(struct sock_files *fs);
void unix_gc(void);

/* net/unix_io.c */
struct result_size unix_send(struct socket *s, struct thread *p, struct sock_send *m);
struct result_size unix_recv(struct socket *s, struct thread *p, struct sock_recv *m);

#endif /* KERNEL_NET_UNIX_H */
