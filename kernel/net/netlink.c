/*
 * netlink.c — AF_NETLINK, minimal: NETLINK_ROUTE sockets (SOCK_RAW or SOCK_DGRAM) that answer
 * RTM_GETLINK and RTM_GETADDR about the one interface Trellis has, the loopback device `lo`
 * (index 1, up, 127.0.0.1/8 and ::1/128, both permanent), so `ip link`, `ip addr` and ifconfig-style queries get a real
 * answer. A request is handled when it is sent: its replies (one datagram each, the dump's
 * messages then NLMSG_DONE) go to the sender's own receive queue. Any other request gets
 * NLMSG_ERROR with -EOPNOTSUPP; other netlink protocols are -EPROTONOSUPPORT. Groups
 * (multicast notifications) are accepted by bind and never deliver anything.
 *
 * Port ids are unique, as Linux's netlink_insert: a bind to a port another socket holds is
 * -EADDRINUSE; an automatic one (bind to port 0, connect, the first send) takes the caller's
 * pid, or, when that is taken, the next of -4096, -4097, ... (Linux's rover).
 */
#include <fw/list.h>
#include <fw/time.h>
#include <fw/uaccess.h>
#include <net/socket.h>
#include <proc/process.h>
#include <proc/wait.h>
#include <uapi/netlink.h>

#define NL_MSG_MAX 256u  /* one reply (a link or an address with its attributes) */
#define NL_REQ_MAX 4096u /* bytes of one request that are read */
#define NL_QUEUE_MAX 64u /* replies waiting; more are dropped and the socket error is ENOBUFS */

struct nl_msg {
	struct list_link link;
	u32 len;
	u8 data[NL_MSG_MAX];
};
DEFINE_TYPE_CACHE(nl_msg_cache, struct nl_msg);
DEFINE_LIST(nl_msg_list, struct nl_msg, link, spinlock);

struct nl_sock {
	struct socket sk;
	struct list_link port_link; /* on the port table while bound (nl_port_lock) */
	struct nl_msg_list rq; /* replies (bound to sk.lock) */
	u32 rq_len;            /* sk.lock */
	u32 portid;            /* sk.lock: 0 until bound */
	u32 groups;            /* sk.lock */
	bool dead;             /* sk.lock */
};
DEFINE_SUBTYPE_OF(nl_sock, struct nl_sock, sk, struct socket, socket);

static struct mutex nl_port_lock = MUTEX_INIT(nl_port_lock);
DEFINE_LIST(nl_port_list, struct nl_sock, port_link, mutex);
/* The bound sockets. */
static struct nl_port_list nl_ports GUARDED_BY(&nl_port_lock);
static bool nl_ports_ready GUARDED_BY(&nl_port_lock);
static u32 nl_rover GUARDED_BY(&nl_port_lock) = 0xfffff000u; /* -4096 */

static void ports_init_locked(void) REQUIRES(nl_port_lock)
{
	if (nl_ports_ready)
		return;
	nl_port_list_init(&nl_ports, &nl_port_lock);
	nl_ports_ready = true;
}

static bool port_used_locked(u32 id) REQUIRES(nl_port_lock)
{
	ports_init_locked();
	LIST_FOR_EACH(nl_port_list, &nl_ports, c) {
		spin_lock(&c->sk.lock);
		bool same = c->portid == id;
		spin_unlock(&c->sk.lock);
		if (same)
			return true;
	}
	return false;
}

static const struct sock_ops nl_ops;

static struct nl_sock *nl_of(struct socket *s)
{
	return nl_sock_from(socket_base(s));
}

static struct socket *nl_create(int type, int protocol, int *err)
{
	if (type != UAPI_SOCK_RAW && type != UAPI_SOCK_DGRAM) {
		*err = -ESOCKTNOSUPPORT;
		return NULL;
	}
	if (protocol != UAPI_NETLINK_ROUTE) {
		*err = -EPROTONOSUPPORT;
		return NULL;
	}
	struct nl_sock *n = nl_sock_new();
	if (!n) {
		*err = -ENOMEM;
		return NULL;
	}
	sock_init(&n->sk, &nl_ops, UAPI_AF_NETLINK, (u16)type, protocol);
	nl_msg_list_init(&n->rq, &n->sk.lock);
	return &n->sk;
}

const struct sock_family netlink_family = {
	.family = UAPI_AF_NETLINK,
	.create = nl_create,
	.pair = NULL,
};

/* ---- replies ----------------------------------------------------------------------------- */

/* A reply being built: bytes at `len` of m->data. */
struct nl_build {
	struct nl_msg *m;
	bool bad;
};

static void put8(struct nl_build *b, u8 v)
{
	if (bytes_put_u8(BYTES_OF_ARRAY(b->m->data), b->m->len, v))
		b->bad = true;
	b->m->len += 1;
}

static void put16(struct nl_build *b, u16 v)
{
	if (bytes_put_le16(BYTES_OF_ARRAY(b->m->data), b->m->len, v))
		b->bad = true;
	b->m->len += 2;
}

static void put32(struct nl_build *b, u32 v)
{
	if (bytes_put_le32(BYTES_OF_ARRAY(b->m->data), b->m->len, v))
		b->bad = true;
	b->m->len += 4;
}

static void pad4(struct nl_build *b)
{
	while (b->m->len % 4 && !b->bad)
		put8(b, 0);
}

/* attr - an rtattr of `type` with `n` bytes of `v` (a string's NUL included by the caller). */
static void attr_bytes(struct nl_build *b, u16 type, struct bytes v)
{
	put16(b, (u16)(4 + bytes_len(v)));
	put16(b, type);
	for (size_t i = 0; i < bytes_len(v); i++)
		put8(b, bytes_u8(v, i).value);
	pad4(b);
}

static void attr_u32(struct nl_build *b, u16 type, u32 v)
{
	put16(b, 8);
	put16(b, type);
	put32(b, v);
}

static void attr_u8(struct nl_build *b, u16 type, u8 v)
{
	put16(b, 5);
	put16(b, type);
	put8(b, v);
	pad4(b);
}

static void attr_str(struct nl_build *b, u16 type, struct str s)
{
	put16(b, (u16)(4 + str_len(s) + 1));
	put16(b, type);
	for (size_t i = 0; i < str_len(s); i++)
		put8(b, str_at(s, i).value);
	put8(b, 0);
	pad4(b);
}

/* begin - an nlmsghdr (its length set by end). */
static void begin(struct nl_build *b, u16 type, u16 flags, u32 seq, u32 portid)
{
	b->m->len = 0;
	put32(b, 0);
	put16(b, type);
	put16(b, flags);
	put32(b, seq);
	put32(b, portid);
}

static void end(struct nl_build *b)
{
	(void)bytes_put_le32(BYTES_OF_ARRAY(b->m->data), 0, b->m->len);
}

/* overrun_locked - a reply was lost (queue full or no memory): the socket's error becomes
 * ENOBUFS (Linux's netlink_overrun), which the next recv returns once, poll reports as POLLERR
 * and SO_ERROR reads and clears; a reader waiting for the lost reply is woken by the caller. */
static void overrun_locked(struct nl_sock *n) REQUIRES(&n->sk.lock)
{
	if (!n->dead)
		n->sk.err = ENOBUFS;
}

static void queue_reply(struct nl_sock *n, struct nl_msg *m)
{
	spin_lock(&n->sk.lock);
	bool ok = !n->dead && n->rq_len < NL_QUEUE_MAX;
	if (ok) {
		nl_msg_list_push_back(&n->rq, m);
		n->rq_len++;
	} else {
		overrun_locked(n);
	}
	spin_unlock(&n->sk.lock);
	if (!ok)
		KFREE(nl_msg_cache, m);
	sock_wake(&n->sk);
}

/* reply - build one reply with `fill` and queue it; false when memory is short. */
static struct nl_msg *reply_new(void)
{
	return KNEW(nl_msg_cache);
}

/* link_lo - lo's RTM_NEWLINK. Linux answers a dump asked with family AF_INET6 from IPv6's own
 * handler (inet6_fill_ifinfo: name, address, mtu, operstate and IPv6's settings, which are
 * left out here), every other family from the generic one (rtnl_fill_ifinfo, of which these
 * are the attributes `ip` reads). */
static void link_lo(struct nl_build *b, u32 seq, u32 portid, u16 flags, u8 family)
{
	static u8 zero_mac[6];
	bool inet6 = family == UAPI_AF_INET6;
	begin(b, UAPI_RTM_NEWLINK, flags, seq, portid);
	put8(b, inet6 ? UAPI_AF_INET6 : 0); /* ifinfomsg */
	put8(b, 0);
	put16(b, UAPI_ARPHRD_LOOPBACK);
	put32(b, 1);
	put32(b, UAPI_IFF_UP | UAPI_IFF_LOOPBACK | UAPI_IFF_RUNNING | UAPI_IFF_LOWER_UP);
	put32(b, 0);
	attr_str(b, UAPI_IFLA_IFNAME, STR("lo"));
	if (inet6) {
		attr_bytes(b, UAPI_IFLA_ADDRESS, BYTES_OF_ARRAY(zero_mac));
		attr_u32(b, UAPI_IFLA_MTU, 65536);
		attr_u8(b, UAPI_IFLA_OPERSTATE, UAPI_IF_OPER_UNKNOWN);
		end(b);
		return;
	}
	attr_u32(b, UAPI_IFLA_TXQLEN, 1000);
	attr_u8(b, UAPI_IFLA_OPERSTATE, UAPI_IF_OPER_UNKNOWN);
	attr_u8(b, UAPI_IFLA_LINKMODE, 0);
	attr_u32(b, UAPI_IFLA_MTU, 65536);
	attr_str(b, UAPI_IFLA_QDISC, STR("noqueue"));
	attr_bytes(b, UAPI_IFLA_ADDRESS, BYTES_OF_ARRAY(zero_mac));
	attr_bytes(b, UAPI_IFLA_BROADCAST, BYTES_OF_ARRAY(zero_mac));
	end(b);
}

/* attr_forever - IFA_CACHEINFO of an address that never expires, there since boot. */
static void attr_forever(struct nl_build *b)
{
	struct uapi_ifa_cacheinfo ci = { .ifa_prefered = UAPI_INFINITY_LIFE_TIME,
					 .ifa_valid = UAPI_INFINITY_LIFE_TIME };
	put16(b, 4 + 16);
	put16(b, UAPI_IFA_CACHEINFO);
	put32(b, ci.ifa_prefered);
	put32(b, ci.ifa_valid);
	put32(b, ci.cstamp);
	put32(b, ci.tstamp);
}

/* lo's addresses, in the order of Linux's dump (IPv4's handler, then IPv6's), each with the
 * attributes in the order its handler writes them (inet_fill_ifaddr, inet6_fill_ifaddr). */
static void addr_lo4(struct nl_build *b, u32 seq, u32 portid, u16 flags)
{
	static u8 ip[4] = { 127, 0, 0, 1 };
	begin(b, UAPI_RTM_NEWADDR, flags, seq, portid);
	put8(b, UAPI_AF_INET);
	put8(b, 8);
	put8(b, UAPI_IFA_F_PERMANENT);
	put8(b, UAPI_RT_SCOPE_HOST);
	put32(b, 1);
	attr_bytes(b, UAPI_IFA_ADDRESS, BYTES_OF_ARRAY(ip));
	attr_bytes(b, UAPI_IFA_LOCAL, BYTES_OF_ARRAY(ip));
	attr_str(b, UAPI_IFA_LABEL, STR("lo"));
	attr_u32(b, UAPI_IFA_FLAGS, UAPI_IFA_F_PERMANENT);
	attr_forever(b);
	end(b);
}

static void addr_lo6(struct nl_build *b, u32 seq, u32 portid, u16 flags)
{
	static u8 ip6[16] = { [15] = 1 }; /* ::1 */
	begin(b, UAPI_RTM_NEWADDR, flags, seq, portid);
	put8(b, UAPI_AF_INET6);
	put8(b, 128);
	put8(b, UAPI_IFA_F_PERMANENT);
	put8(b, UAPI_RT_SCOPE_HOST);
	put32(b, 1);
	attr_bytes(b, UAPI_IFA_ADDRESS, BYTES_OF_ARRAY(ip6));
	attr_forever(b);
	attr_u32(b, UAPI_IFA_FLAGS, UAPI_IFA_F_PERMANENT);
	end(b);
}

static void done_msg(struct nl_build *b, u32 seq, u32 portid)
{
	begin(b, UAPI_NLMSG_DONE, UAPI_NLM_F_MULTI, seq, portid);
	put32(b, 0);
	end(b);
}

/* error_msg - NLMSG_ERROR with `err` (0: an ack) and the request's header. */
static void error_msg(struct nl_build *b, int err, struct bytes req_hdr, u32 seq, u32 portid)
{
	begin(b, UAPI_NLMSG_ERROR, 0, seq, portid);
	put32(b, (u32)err);
	for (size_t i = 0; i < 16; i++)
		put8(b, bytes_u8(req_hdr, i).value);
	end(b);
}

enum nl_what { NL_LINK, NL_ADDR4, NL_ADDR6, NL_DONE, NL_ERROR };

static int emit(struct nl_sock *n, enum nl_what w, u32 seq, u32 portid, u16 flags, int err,
		struct bytes hdr, u8 family)
{
	struct nl_msg *m = reply_new();
	if (!m) {
		spin_lock(&n->sk.lock);
		overrun_locked(n);
		spin_unlock(&n->sk.lock);
		sock_wake(&n->sk);
		return -ENOMEM;
	}
	struct nl_build b = { .m = m };
	if (w == NL_LINK)
		link_lo(&b, seq, portid, flags, family);
	else if (w == NL_ADDR4)
		addr_lo4(&b, seq, portid, flags);
	else if (w == NL_ADDR6)
		addr_lo6(&b, seq, portid, flags);
	else if (w == NL_DONE)
		done_msg(&b, seq, portid);
	else
		error_msg(&b, err, hdr, seq, portid);
	if (b.bad) {
		KFREE(nl_msg_cache, m);
		return -EIO;
	}
	queue_reply(n, m);
	return 0;
}

/* handle - one request message (header and payload in `msg`). */
static void handle(struct nl_sock *n, struct bytes msg, u32 portid)
{
	u16 type = bytes_le16(msg, 4).value, flags = bytes_le16(msg, 6).value;
	u32 seq = bytes_le32(msg, 8).value;
	struct bytes hdr = bytes_head(msg, 16);
	bool dump = (flags & UAPI_NLM_F_DUMP) == UAPI_NLM_F_DUMP;
	u8 family = bytes_u8(msg, 16).value; /* ifinfomsg/ifaddrmsg family (0 when absent) */
	if (!(flags & UAPI_NLM_F_REQUEST) || type < 16) {
		return; /* control messages and replies are ignored, as Linux */
	}
	if (type == UAPI_RTM_GETLINK && dump) {
		(void)emit(n, NL_LINK, seq, portid, UAPI_NLM_F_MULTI, 0, hdr, family);
		(void)emit(n, NL_DONE, seq, portid, 0, 0, hdr, 0);
	} else if (type == UAPI_RTM_GETLINK) {
		i32 index = (i32)bytes_le32(msg, 20).value;
		if (index == 1 || index == 0)
			(void)emit(n, NL_LINK, seq, portid, 0, 0, hdr, 0);
		else
			(void)emit(n, NL_ERROR, seq, portid, 0, -ENODEV, hdr, 0);
	} else if (type == UAPI_RTM_GETADDR && dump) {
		if (family == UAPI_AF_UNSPEC || family == UAPI_AF_INET)
			(void)emit(n, NL_ADDR4, seq, portid, UAPI_NLM_F_MULTI, 0, hdr, 0);
		if (family == UAPI_AF_UNSPEC || family == UAPI_AF_INET6)
			(void)emit(n, NL_ADDR6, seq, portid, UAPI_NLM_F_MULTI, 0, hdr, 0);
		(void)emit(n, NL_DONE, seq, portid, 0, 0, hdr, 0);
	} else {
		(void)emit(n, NL_ERROR, seq, portid, 0, -EOPNOTSUPP, hdr, 0);
		return;
	}
	if ((flags & UAPI_NLM_F_ACK) && !dump)
		(void)emit(n, NL_ERROR, seq, portid, 0, 0, hdr, 0);
}

/* ---- socket operations -------------------------------------------------------------------- */

static u32 portid_of(struct nl_sock *n)
{
	spin_lock(&n->sk.lock);
	u32 id = n->portid;
	spin_unlock(&n->sk.lock);
	return id;
}

/* port_take_locked - unbound n takes port `want` (-EADDRINUSE when another socket has it) or,
 * for 0, the caller's pid if free, else the rover's next free id. */
static int port_take_locked(struct nl_sock *n, struct thread *p, u32 want) REQUIRES(nl_port_lock)
{
	u32 id = want;
	if (!id) {
		id = p->pid;
		while (port_used_locked(id)) {
			id = nl_rover--;
			if (nl_rover < 0x80000000u) /* past INT_MIN: around again, as Linux */
				nl_rover = 0xffffefffu;
		}
	} else if (port_used_locked(id)) {
		return -EADDRINUSE;
	}
	spin_lock(&n->sk.lock);
	n->portid = id;
	spin_unlock(&n->sk.lock);
	nl_port_list_push_back(&nl_ports, n);
	return 0;
}

/* nl_autoport - n's port id, bound automatically first if it has none. */
static u32 nl_autoport(struct nl_sock *n, struct thread *p)
{
	u32 id = portid_of(n);
	if (id)
		return id;
	mutex_lock(&nl_port_lock);
	if (!portid_of(n))
		(void)port_take_locked(n, p, 0); /* (an automatic id cannot be in use) */
	mutex_unlock(&nl_port_lock);
	return portid_of(n);
}

static int nl_bind(struct socket *s, struct thread *p, struct sock_addr *a)
{
	struct nl_sock *n = nl_of(s);
	if (a->len < sizeof(struct uapi_sockaddr_nl))
		return -EINVAL;
	if (bytes_le16(BYTES_OF_ARRAY(a->bytes), 0).value != UAPI_AF_NETLINK)
		return -EINVAL;
	u32 pid = bytes_le32(BYTES_OF_ARRAY(a->bytes), 4).value;
	u32 groups = bytes_le32(BYTES_OF_ARRAY(a->bytes), 8).value;
	mutex_lock(&nl_port_lock);
	u32 cur = portid_of(n);
	int e = 0;
	if (cur && pid && pid != cur)
		e = -EINVAL; /* bound already, to another port */
	else if (!cur)
		e = port_take_locked(n, p, pid);
	mutex_unlock(&nl_port_lock);
	if (!e) {
		spin_lock(&n->sk.lock);
		n->groups = groups;
		spin_unlock(&n->sk.lock);
	}
	return e;
}

static int nl_connect(struct socket *s, struct thread *p, struct sock_addr *a, bool nonblock)
{
	(void)nonblock;
	if (a->len < sizeof(struct uapi_sockaddr_nl))
		return -EINVAL;
	if (bytes_le16(BYTES_OF_ARRAY(a->bytes), 0).value != UAPI_AF_NETLINK)
		return -EINVAL;
	(void)nl_autoport(nl_of(s), p);
	return 0;
}

static int nl_listen(struct socket *s, struct thread *p, int backlog)
{
	(void)s, (void)p, (void)backlog;
	return -EOPNOTSUPP;
}

static struct file_result nl_accept(struct socket *s, struct thread *p, bool nonblock, u32 flags)
{
	(void)s, (void)p, (void)nonblock, (void)flags;
	return file_result_err(-EOPNOTSUPP);
}

static int nl_shutdown(struct socket *s, int how)
{
	if (how < UAPI_SHUT_RD || how > UAPI_SHUT_RDWR)
		return -EINVAL;
	spin_lock(&s->lock);
	s->shutdown |= (u32)how + 1;
	spin_unlock(&s->lock);
	sock_wake(s);
	return 0;
}

static void nl_addr(struct sock_addr *out, u32 pid, u32 groups)
{
	*out = (struct sock_addr){ .len = sizeof(struct uapi_sockaddr_nl) };
	(void)bytes_put_le16(BYTES_OF_ARRAY(out->bytes), 0, UAPI_AF_NETLINK);
	(void)bytes_put_le32(BYTES_OF_ARRAY(out->bytes), 4, pid);
	(void)bytes_put_le32(BYTES_OF_ARRAY(out->bytes), 8, groups);
}

static int nl_getname(struct socket *s, bool peer, struct sock_addr *out)
{
	struct nl_sock *n = nl_of(s);
	if (peer) {
		nl_addr(out, 0, 0);
		return 0;
	}
	spin_lock(&n->sk.lock);
	u32 pid = n->portid, groups = n->groups;
	spin_unlock(&n->sk.lock);
	nl_addr(out, pid, groups);
	return 0;
}

static struct result_size nl_send(struct socket *s, struct thread *p, struct sock_send *m)
{
	struct nl_sock *n = nl_of(s);
	u64 total = sock_iter_left(m->data);
	if (total > NL_REQ_MAX)
		return result_size_err(-EMSGSIZE);
	if (m->has_addr && (m->addr.len < sizeof(struct uapi_sockaddr_nl) ||
			    bytes_le16(BYTES_OF_ARRAY(m->addr.bytes), 0).value != UAPI_AF_NETLINK))
		return result_size_err(-EINVAL);
	if (m->has_addr && bytes_le32(BYTES_OF_ARRAY(m->addr.bytes), 4).value != 0)
		return result_size_err(-ECONNREFUSED); /* only the kernel (port 0) answers */
	u32 portid = nl_autoport(n, p);
	struct kbuf kb = KBUF_EMPTY;
	if (total && kbuf_alloc(&kb, (size_t)total))
		return result_size_err(-ENOMEM);
	struct bytes req = kbuf_bytes(&kb);
	struct result_size c = total ? sock_iter_read(m->data, req) : result_size_ok(0);
	if (c.err || c.value != total) {
		kbuf_free(&kb);
		return result_size_err(-EFAULT);
	}
	size_t off = 0;
	while (bytes_len(req) - off >= 16) {
		u32 len = bytes_le32(req, off).value;
		if (len < 16 || len > bytes_len(req) - off)
			break;
		struct bytes_result one = bytes_sub(req, off, len);
		if (one.err)
			break;
		handle(n, one.value, portid);
		off += UAPI_NLMSG_ALIGN(len);
	}
	kbuf_free(&kb);
	return result_size_ok(total);
}

static bool nl_ready(struct nl_sock *n)
{
	spin_lock(&n->sk.lock);
	bool r = n->rq_len || n->sk.err || (n->sk.shutdown & SOCK_RCV_SHUTDOWN);
	spin_unlock(&n->sk.lock);
	return r;
}

static struct result_size nl_recv(struct socket *s, struct thread *p, struct sock_recv *m)
{
	struct nl_sock *n = nl_of(s);
	bool peek = (m->flags & UAPI_MSG_PEEK) != 0;
	spin_lock(&n->sk.lock);
	u64 deadline = n->sk.rcvtimeo_ns ? fw_time_ns() + n->sk.rcvtimeo_ns : 0;
	spin_unlock(&n->sk.lock);
	u8 copy[NL_MSG_MAX];
	for (;;) {
		/* the reply is copied out of the queue under the lock (another process sharing the
		 * socket may take it right after), then to user memory without it */
		spin_lock(&n->sk.lock);
		int err = n->sk.err; /* a lost reply first, once (Linux's sock_error) */
		if (err) {
			n->sk.err = 0;
			spin_unlock(&n->sk.lock);
			return result_size_err(-err);
		}
		struct nl_msg *msg = nl_msg_list_first(&n->rq);
		bool shut = (n->sk.shutdown & SOCK_RCV_SHUTDOWN) != 0;
		u32 full = msg ? msg->len : 0;
		if (msg) {
			(void)bytes_copy(BYTES_OF_ARRAY(copy), BYTES_OF_ARRAY(msg->data));
			if (!peek) {
				nl_msg_list_remove(&n->rq, msg);
				n->rq_len--;
			}
		}
		spin_unlock(&n->sk.lock);
		if (msg && !peek)
			KFREE(nl_msg_cache, msg);
		if (!msg) {
			if (shut)
				return result_size_ok(0);
			if (m->nonblock)
				return result_size_err(-EAGAIN);
			int e = PROC_WAIT(p, &s->wq, nl_ready(n), deadline);
			if (e == -ETIMEDOUT)
				return result_size_err(-EAGAIN);
			if (e)
				return result_size_err(e);
			continue;
		}
		u64 total = sock_iter_left(m->data);
		size_t k = full < total ? full : (size_t)total;
		struct result_size c = sock_iter_write(m->data, bytes_head(BYTES_OF_ARRAY(copy), k));
		if (c.err)
			return c;
		if (full > total)
			m->msg_flags |= UAPI_MSG_TRUNC;
		m->full_len = full;
		if (m->want_addr)
			nl_addr(&m->from, 0, 0);
		return result_size_ok((m->flags & UAPI_MSG_TRUNC) ? full : c.value);
	}
}

static u32 nl_poll(struct socket *s)
{
	struct nl_sock *n = nl_of(s);
	spin_lock(&n->sk.lock);
	u32 ev = VFS_POLLOUT | (n->rq_len ? VFS_POLLIN : 0) | (n->sk.err ? VFS_POLLERR : 0);
	spin_unlock(&n->sk.lock);
	return ev;
}

static u64 nl_inq(struct socket *s)
{
	struct nl_sock *n = nl_of(s);
	spin_lock(&n->sk.lock);
	struct nl_msg *m = nl_msg_list_first(&n->rq);
	u64 len = m ? m->len : 0;
	spin_unlock(&n->sk.lock);
	return len;
}

static u64 nl_outq(struct socket *s)
{
	(void)s;
	return 0;
}

static void nl_release(struct socket *s)
{
	struct nl_sock *n = nl_of(s);
	mutex_lock(&nl_port_lock); /* its port is free again */
	ports_init_locked();
	if (nl_port_list_contains(&nl_ports, n))
		nl_port_list_remove(&nl_ports, n);
	mutex_unlock(&nl_port_lock);
	for (;;) {
		spin_lock(&n->sk.lock);
		n->dead = true;
		struct nl_msg *m = nl_msg_list_pop_front(&n->rq);
		if (m)
			n->rq_len--;
		spin_unlock(&n->sk.lock);
		if (!m)
			break;
		KFREE(nl_msg_cache, m);
	}
	sock_wake(s);
}

static void nl_destroy(struct socket *s)
{
	nl_sock_delete(nl_of(s));
}

static const struct sock_ops nl_ops = {
	.bind = nl_bind,
	.connect = nl_connect,
	.listen = nl_listen,
	.accept = nl_accept,
	.shutdown = nl_shutdown,
	.getname = nl_getname,
	.send = nl_send,
	.recv = nl_recv,
	.poll = nl_poll,
	.inq = nl_inq,
	.outq = nl_outq,
	.release = nl_release,
	.destroy = nl_destroy,
};
