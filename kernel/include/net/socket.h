/*
 * net/socket.h — the socket layer: a socket is an inode of its own kind (S_IFSOCK, reached
 * from an open file by a checked downcast), created by a protocol family through its ops
 * table, and driven by the system calls of syscall/net.c. A family (AF_UNIX in net/unix.c;
 * AF_INET, AF_INET6 and AF_NETLINK later) registers a `struct sock_family` whose `create`
 * makes a socket of a type and protocol and whose `struct sock_ops` table (one per
 * family and type, static const) does the work: bind, connect, listen, accept, shutdown,
 * names, send, receive, readiness. A family it does not know is -EAFNOSUPPORT.
 *
 * Data moves between user memory and a family's buffers through a `struct sock_iter`, a
 * cursor over the caller's iovecs (copied in first), so a message is copied once each way.
 *
 * Lifetime: the socket's inode is held by its open files (one, or more after dup and fork);
 * when the last file goes the family's `release` runs (without vfs_lock held: it may close
 * files that were in flight). The object itself is counted separately (`refs`): the inode
 * holds one reference and others (a peer, a queued message's sender) may hold more; the last
 * one frees it.
 *
 * Blocking: a call that must wait sleeps on the socket's wait queue `wq` (proc/wait.h), which
 * every change a waiter could care about wakes; poll watches the same queue.
 */
#ifndef KERNEL_NET_SOCKET_H
#define KERNEL_NET_SOCKET_H

#include <fs/vfs.h>
#include <fw/heap.h>
#include <fw/refcount.h>
#include <fw/subtype.h>
#include <fw/sync.h>
#include <uapi/socket.h>

struct thread;
struct socket;

/* A socket address as the caller gave it (at most struct sockaddr_storage). */
#define SOCK_ADDR_MAX 128u
struct sock_addr {
	u32 len;
	u8 bytes[SOCK_ADDR_MAX];
};

/* A cursor over the caller's iovecs: `n` segments of {base, len} (u64 each) copied from user
 * memory into `iovs`, and the position in them. */
#define SOCK_IOV_SMALL 8u
struct sock_iter {
	u8 small[SOCK_IOV_SMALL * 16];
	struct kbuf big;
	struct bytes iovs;
	size_t n;
	size_t seg;   /* current segment */
	u64 off;      /* bytes of it done */
	u64 total;    /* bytes in all segments */
	u64 done;     /* bytes moved so far */
};
/* sock_iter_init - the iovec array of `n` entries at user `uiov`: 0, -EINVAL (n > UIO_MAXIOV
 * or a total above the I/O limit), -EFAULT, -ENOMEM. sock_iter_single - one buffer.
 * sock_iter_fini - free what init took. */
int sock_iter_init(struct sock_iter *it, u64 uiov, u64 n);
void sock_iter_single(struct sock_iter *it, u64 buf, u64 len);
void sock_iter_fini(struct sock_iter *it);
static inline u64 sock_iter_left(const struct sock_iter *it)
{
	return it->total - it->done;
}
/* sock_iter_read - copy the next bytes of user memory into dst (advancing): bytes copied
 * (short only at a fault after some bytes) or -EFAULT. sock_iter_write - copy src out. */
struct result_size sock_iter_read(struct sock_iter *it, struct bytes dst);
struct result_size sock_iter_write(struct sock_iter *it, struct bytes src);
/* sock_iter_skip - pass over `len` bytes (a truncated record's rest). */
void sock_iter_skip(struct sock_iter *it, u64 len);

/* Files in flight (SCM_RIGHTS): references to open files. */
struct sock_files {
	u32 n;
	struct file *f[UAPI_SCM_MAX_FD];
};
/* sock_files_new - an empty set, or NULL when memory is short. */
struct sock_files *sock_files_new(void);
/* sock_files_put - close (drop the references of) the files and free the set (NULL: none). */
void sock_files_put(struct sock_files *fs);

/* Credentials carried with a message (SCM_CREDENTIALS) or of a peer (SO_PEERCRED). */
struct sock_cred {
	i32 pid;
	u32 uid, gid;
};

/* What a send carries besides its bytes. */
struct sock_send {
	struct sock_iter *data;
	u32 flags;     /* MSG_* */
	bool nonblock; /* O_NONBLOCK or MSG_DONTWAIT */
	bool has_addr;
	struct sock_addr addr;     /* the destination (sendto/sendmsg with a name) */
	struct sock_files *files;  /* SCM_RIGHTS (owned by the send; the family takes it) */
	bool has_cred;
	struct sock_cred cred;     /* SCM_CREDENTIALS (checked by the caller), else the sender's */
};

/* What a receive asks for and gets. */
struct sock_recv {
	struct sock_iter *data;
	u32 flags;     /* MSG_* asked */
	bool nonblock;
	bool want_addr;
	/* results */
	struct sock_addr from;     /* the sender's name (len 0: none) */
	u32 msg_flags;             /* MSG_TRUNC, MSG_CTRUNC, MSG_EOR... */
	u64 full_len;              /* a record's full length (MSG_TRUNC asked: returned) */
	struct sock_files *files;  /* received files (the caller installs or closes them) */
	bool has_cred;
	struct sock_cred cred;
};

/* A family's operations on one kind of socket. Every function returns 0 / a count, or -errno.
 * `p` is the calling process (its credentials, working directory, and the sleeps). */
struct sock_ops {
	int (*bind)(struct socket *s, struct thread *p, struct sock_addr *a);
	int (*connect)(struct socket *s, struct thread *p, struct sock_addr *a, bool nonblock);
	int (*listen)(struct socket *s, struct thread *p, int backlog);
	/* accept - a new connected socket's open file (flags: O_NONBLOCK) */
	struct file_result (*accept)(struct socket *s, struct thread *p, bool nonblock, u32 flags);
	int (*shutdown)(struct socket *s, int how);
	/* getname - its own name (peer false) or its peer's: -ENOTCONN without one */
	int (*getname)(struct socket *s, bool peer, struct sock_addr *out);
	struct result_size (*send)(struct socket *s, struct thread *p, struct sock_send *m);
	struct result_size (*recv)(struct socket *s, struct thread *p, struct sock_recv *m);
	/* poll - VFS_POLL* bits it is ready for */
	u32 (*poll)(struct socket *s);
	/* inq / outq - bytes waiting to be read / sent but unread by the peer (FIONREAD, TIOCOUTQ) */
	u64 (*inq)(struct socket *s);
	u64 (*outq)(struct socket *s);
	/* release - the last open file went: disconnect, drop names and queued data */
	void (*release)(struct socket *s);
	/* destroy - free the object (the last reference went) */
	void (*destroy)(struct socket *s);
};

/* Shutdown bits. */
#define SOCK_RCV_SHUTDOWN 1u
#define SOCK_SEND_SHUTDOWN 2u
#define SOCK_SHUTDOWN_MASK 3u

#define SOCK_BUF_DEFAULT 212992u /* net.core.[rw]mem_default and _max */
#define SOCK_MIN_SNDBUF 4608u
#define SOCK_MIN_RCVBUF 2304u

struct socket {
	struct inode vfs;
	/* Fixed at creation: */
	const struct sock_ops *ops;
	u16 family;
	u16 type;
	i32 protocol;
	struct refcount refs; /* the inode's, peers', queued messages' */
	struct waitq wq;      /* readers, writers, connecters, acceptors, pollers */
	/* Guarded by lock: */
	struct spinlock lock;
	int err GUARDED_BY(&lock);          /* a pending error (SO_ERROR; taken by the next call) */
	u32 shutdown GUARDED_BY(&lock);     /* SOCK_*_SHUTDOWN */
	u32 sndbuf GUARDED_BY(&lock), rcvbuf GUARDED_BY(&lock);
	bool passcred GUARDED_BY(&lock);    /* SO_PASSCRED */
	bool reuseaddr GUARDED_BY(&lock);
	bool keepalive GUARDED_BY(&lock);
	u64 rcvtimeo_ns GUARDED_BY(&lock), sndtimeo_ns GUARDED_BY(&lock); /* 0: none */
	bool has_peercred GUARDED_BY(&lock);
	struct sock_cred peercred GUARDED_BY(&lock);
	bool listening GUARDED_BY(&lock);   /* SO_ACCEPTCONN */
	i32 linger_onoff GUARDED_BY(&lock), linger_secs GUARDED_BY(&lock);
	i32 rcvlowat GUARDED_BY(&lock);     /* SO_RCVLOWAT: >= 1; a stream read waits for as many */
};
DEFINE_SUBTYPE(socket, struct socket, vfs, struct inode, tag);

/* A protocol family. `create` makes a socket of (type, protocol) (type without the flags):
 * -ESOCKTNOSUPPORT / -EPROTONOSUPPORT / -ENOMEM. `pair` (NULL: -EOPNOTSUPP) makes two
 * connected ones. */
struct sock_family {
	u16 family;
	struct socket *(*create)(int type, int protocol, int *err);
	int (*pair)(struct socket *a, struct socket *b, struct thread *p);
};
/* sock_register_family - make a family known (static storage): 0, -EEXIST, -ENOSPC. */
int sock_register_family(const struct sock_family *fam);
/* net_init - register the built-in families (at boot). */
void net_init(void);

/* sock_init - fill in the generic part of a family's new socket `s` (buffers at their
 * defaults, one reference: the inode's; the inode's owner is set by sock_file_new). */
void sock_init(struct socket *s, const struct sock_ops *ops, u16 family, u16 type, int protocol);
/* sock_get / sock_put - take / drop a reference; the last put calls ops->destroy. */
void sock_get(struct socket *s);
void sock_put(struct socket *s);
/* sock_file_new - an open file (O_RDWR | flags) on a new socket `s`, owned by uid:gid: the
 * file (holding the socket) or -ENOMEM (the socket is released then). */
struct file_result sock_file_new(struct socket *s, u32 flags, u32 uid, u32 gid);
/* sock_create - socket(2) without the descriptor: family, type (flags removed), protocol. */
int sock_create(int family, int type, int protocol, struct socket **out);
/* sock_pair - socketpair(2) without the descriptors. */
int sock_pair(int family, int type, int protocol, struct thread *p, struct socket **a,
	      struct socket **b);
/* sock_of_file - the socket an open file is on, or NULL (then: -ENOTSOCK). */
struct socket *sock_of_file(struct file *f);
/* net_file_ioctl - a socket file's ioctl op (file_ops.ioctl; syscall/net.c, beside the
 * interface queries): FIONREAD, TIOCOUTQ, FIONBIO, SIOCGIF*; others -ENOTTY. */
i64 net_file_ioctl(struct thread *p, struct file *f, u64 cmd, u64 arg);
bool vfs_file_is_socket(const struct file *f);
/* sock_poll - the VFS_POLL* bits (plus SOCK_POLLRDHUP) a socket file is ready for. */
#define SOCK_POLLRDHUP 0x2000u
u32 sock_poll(struct file *f);
struct waitq *sock_waitq(struct file *f);
/* sock_wake - wake everyone waiting on s. */
void sock_wake(struct socket *s);

/* Socket-level options (SOL_SOCKET), handled for every family. `val`/`len` are the caller's
 * buffer contents (at most 16 bytes: an int, a timeval, a linger, a ucred). */
struct sock_optval {
	u32 len;
	u8 bytes[16];
};
int sock_setsockopt(struct socket *s, int name, struct sock_optval *v);
int sock_getsockopt(struct socket *s, int name, struct sock_optval *v);

/* AF_UNIX (net/unix.c) and AF_NETLINK (net/netlink.c). */
extern const struct sock_family unix_family;
extern const struct sock_family netlink_family;

#endif /* KERNEL_NET_SOCKET_H */
