/*
 * net.c — the socket system calls: socket, socketpair, bind, listen, accept(4), connect,
 * shutdown, getsockname, getpeername, sendto/recvfrom, sendmsg/recvmsg, sendmmsg/recvmmsg,
 * setsockopt/getsockopt; and read/write/readv/writev and the ioctls (FIONREAD, TIOCOUTQ,
 * FIONBIO, and SIOCGIFINDEX/NAME/FLAGS/MTU about the loopback device) on socket files. Each decodes its arguments (addresses, msghdr, iovecs, control
 * messages) from user memory, calls the socket layer (net/socket.h), and writes results back
 * with Linux's value-result rules (an address is truncated to the caller's length and its real
 * length reported). Control messages: SCM_RIGHTS (files are installed as new descriptors; what
 * does not fit the caller's buffer, or the descriptor table, is closed and MSG_CTRUNC set) and
 * SCM_CREDENTIALS (checked: only one's own pid and ids unless root). A stream write to a
 * socket that cannot take data any more is EPIPE and SIGPIPE unless MSG_NOSIGNAL.
 */
#include <fw/time.h>
#include <fw/uaccess.h>
#include <net/socket.h>
#include <proc/wait.h>
#include <syscall/define.h>
#include <syscall/syscall.h>
#include <uapi/misc.h>

#define O_NONBLOCK 04000u
#define SOCK_CTL_MAX 65536u /* control data one sendmsg may carry (Linux: optmem_max) */

DEFINE_UCOPY(usockaddr, struct sock_addr);
DEFINE_UCOPY(uint32_net, u32);
DEFINE_UCOPY(umsghdr, struct uapi_msghdr);
DEFINE_UCOPY(ucmsghdr, struct uapi_cmsghdr);
DEFINE_UCOPY(uucred, struct uapi_ucred);
DEFINE_UCOPY(ufdpair_net, struct uapi_sock_fdpair);
DEFINE_UCOPY(utimespec_net, struct uapi_timespec);
DEFINE_UCOPY(uifreq, struct uapi_ifreq);

/* if_ioctl - the interface queries every socket answers (SIOCGIFINDEX, SIOCGIFNAME,
 * SIOCGIFFLAGS, SIOCGIFMTU) about the one interface there is, the loopback device `lo`
 * (index 1, up, mtu 65536; as net/netlink.c reports it): -ENODEV for any other. */
static i64 if_ioctl(u64 cmd, u64 arg)
{
	struct uapi_ifreq r;
	if (uifreq_from_user(&r, uaddr(arg)))
		return -EFAULT;
	bool lo;
	if (cmd == UAPI_SIOCGIFNAME) {
		lo = r.if_int == 1;
		if (lo) {
			bytes_fill(BYTES_OF_ARRAY(r.if_name), 0);
			r.if_name[0] = 'l';
			r.if_name[1] = 'o';
		}
	} else {
		lo = r.if_name[0] == 'l' && r.if_name[1] == 'o' && r.if_name[2] == 0;
		if (cmd == UAPI_SIOCGIFINDEX)
			r.if_int = 1;
		else if (cmd == UAPI_SIOCGIFFLAGS)
			r.if_int = 0x49; /* IFF_UP | IFF_LOOPBACK | IFF_RUNNING (a short, as Linux) */
		else
			r.if_int = 65536;
	}
	if (!lo)
		return -ENODEV;
	return uifreq_to_user(&r, uaddr(arg)) ? -EFAULT : 0;
}

/* sock_fd - the socket behind descriptor fd (an int, as every socket call's prototype says):
 * -EBADF, -ENOTSOCK. *fp is the file, whose O_NONBLOCK the call reads (not the descriptor
 * looked up again: another thread may have made it name another file meanwhile). */
static struct socket *sock_fd(struct thread *p, int fd, struct file **fp, int *err)
{
	struct file *f = fd < 0 ? NULL : proc_fd_get(p, fd);
	if (!f) {
		*err = -EBADF;
		return NULL;
	}
	struct socket *s = sock_of_file(f);
	if (!s)
		*err = -ENOTSOCK;
	*fp = f;
	return s;
}

static bool file_nonblock(const struct file *f)
{
	return (f->flags & O_NONBLOCK) != 0;
}

/* addr_in - an address of `len` bytes at user `ua` (len 0: none): 0, -EINVAL, -EFAULT. */
static int addr_in(u64 ua, int len, struct sock_addr *out)
{
	*out = (struct sock_addr){ .len = 0 };
	if (len < 0 || (u32)len > SOCK_ADDR_MAX)
		return -EINVAL;
	if (len == 0)
		return 0;
	struct vm_reader r = vm_reader_user(uaddr(ua), (size_t)len);
	struct result_size c = vm_read(&r, bytes_head(BYTES_OF_ARRAY(out->bytes), (size_t)len));
	if (c.err || c.value != (size_t)len)
		return -EFAULT;
	out->len = (u32)len;
	return 0;
}

/* addr_out - Linux's move_addr_to_user: the caller's length at ulenp (an int) bounds what is
 * copied to ua; the address's real length is written back. */
static int addr_out(struct sock_addr *a, u64 ua, u64 ulenp)
{
	u32 ulen;
	if (uint32_net_from_user(&ulen, uaddr(ulenp)))
		return -EFAULT;
	if ((i32)ulen < 0)
		return -EINVAL;
	u32 n = ulen < a->len ? ulen : a->len;
	if (n) {
		struct vm_writer w = vm_writer_user(uaddr(ua), n);
		struct result_size c = vm_write(&w, bytes_head(BYTES_OF_ARRAY(a->bytes), n));
		if (c.err || c.value != n)
			return -EFAULT;
	}
	u32 len = a->len;
	return uint32_net_to_user(&len, uaddr(ulenp)) ? -EFAULT : 0;
}

/* install - a new descriptor for f (its reference moves to the table): the fd or -EMFILE
 * (f closed). */
static i64 install(struct thread *p, struct file *f, bool cloexec)
{
	struct result_i64 fd = proc_fd_install(p, f, 0, cloexec);
	if (fd.err) {
		vfs_close(f);
		return fd.err;
	}
	return fd.value;
}

static int type_flags(int type, u32 *flags, bool *cloexec)
{
	if ((u32)type & ~(u32)(UAPI_SOCK_TYPE_MASK | UAPI_SOCK_NONBLOCK | UAPI_SOCK_CLOEXEC))
		return -EINVAL;
	*flags = (type & UAPI_SOCK_NONBLOCK) ? O_NONBLOCK : 0;
	*cloexec = (type & UAPI_SOCK_CLOEXEC) != 0;
	return 0;
}

SYSCALL_DEFINE3(socket, int, family, int, type, int, protocol)
{
	u32 flags;
	bool cloexec;
	int e = type_flags(type, &flags, &cloexec);
	if (e)
		return e;
	struct socket *s = NULL;
	e = sock_create(family, type & (int)UAPI_SOCK_TYPE_MASK, protocol, &s);
	if (e)
		return e;
	struct file_result f = sock_file_new(s, flags, p->fs.cred.euid, p->fs.cred.egid);
	return f.err ? f.err : install(p, f.value, cloexec);
}

SYSCALL_DEFINE4(socketpair, int, family, int, type, int, protocol, uptr, usv)
{
	u32 flags;
	bool cloexec;
	int e = type_flags(type, &flags, &cloexec);
	if (e)
		return e;
	struct socket *x = NULL, *y = NULL;
	e = sock_pair(family, type & (int)UAPI_SOCK_TYPE_MASK, protocol, p, &x, &y);
	if (e)
		return e;
	struct file_result fx = sock_file_new(x, flags, p->fs.cred.euid, p->fs.cred.egid);
	struct file_result fy = sock_file_new(y, flags, p->fs.cred.euid, p->fs.cred.egid);
	if (fx.err || fy.err) {
		if (!fx.err)
			vfs_close(fx.value);
		if (!fy.err)
			vfs_close(fy.value);
		return -ENOMEM;
	}
	i64 dx = install(p, fx.value, cloexec);
	if (dx < 0) {
		vfs_close(fy.value);
		return dx;
	}
	i64 dy = install(p, fy.value, cloexec);
	if (dy < 0) {
		(void)proc_fd_close(p, dx);
		return dy;
	}
	struct uapi_sock_fdpair pair = { .fd = { (i32)dx, (i32)dy } };
	if (ufdpair_net_to_user(&pair, usv)) {
		(void)proc_fd_close(p, dx);
		(void)proc_fd_close(p, dy);
		return -EFAULT;
	}
	return 0;
}

SYSCALL_DEFINE3(bind, int, fd, ulong, umyaddr, int, addrlen)
{
	int e = 0;
	struct file *f;
	struct socket *s = sock_fd(p, fd, &f, &e);
	if (!s)
		return e;
	struct sock_addr addr;
	e = addr_in(umyaddr, addrlen, &addr);
	if (e)
		return e;
	return s->ops->bind(s, p, &addr);
}

SYSCALL_DEFINE3(connect, int, fd, ulong, uservaddr, int, addrlen)
{
	int e = 0;
	struct file *f;
	struct socket *s = sock_fd(p, fd, &f, &e);
	if (!s)
		return e;
	struct sock_addr addr;
	e = addr_in(uservaddr, addrlen, &addr);
	if (e)
		return e;
	return s->ops->connect(s, p, &addr, file_nonblock(f));
}

SYSCALL_DEFINE2(listen, int, fd, int, backlog)
{
	int e = 0;
	struct file *f;
	struct socket *s = sock_fd(p, fd, &f, &e);
	return s ? s->ops->listen(s, p, backlog) : e;
}

static i64 do_accept(struct thread *p, int fd, u64 uaddr_, u64 ulenp, int flags)
{
	if ((u32)flags & ~(u32)(UAPI_SOCK_NONBLOCK | UAPI_SOCK_CLOEXEC))
		return -EINVAL;
	int e = 0;
	struct file *lf;
	struct socket *s = sock_fd(p, fd, &lf, &e);
	if (!s)
		return e;
	struct file_result f = s->ops->accept(s, p, file_nonblock(lf),
					      (flags & UAPI_SOCK_NONBLOCK) ? O_NONBLOCK : 0);
	if (f.err)
		return f.err;
	if (uaddr_) {
		struct sock_addr peer;
		struct socket *ns = sock_of_file(f.value);
		e = ns->ops->getname(ns, true, &peer);
		if (e == -ENOTCONN) { /* the client closed already: an unnamed address */
			peer = (struct sock_addr){ .len = 2 };
			peer.bytes[0] = (u8)s->family;
			e = 0;
		}
		if (!e)
			e = addr_out(&peer, uaddr_, ulenp);
		if (e) {
			vfs_close(f.value);
			return e;
		}
	}
	return install(p, f.value, (flags & UAPI_SOCK_CLOEXEC) != 0);
}

SYSCALL_DEFINE3(accept, int, fd, ulong, upeer, ulong, upeer_len)
{
	return do_accept(p, fd, upeer, upeer_len, 0);
}

SYSCALL_DEFINE4(accept4, int, fd, ulong, upeer, ulong, upeer_len, int, flags)
{
	return do_accept(p, fd, upeer, upeer_len, flags);
}

SYSCALL_DEFINE2(shutdown, int, fd, int, how)
{
	int e = 0;
	struct file *f;
	struct socket *s = sock_fd(p, fd, &f, &e);
	return s ? s->ops->shutdown(s, how) : e;
}

static i64 get_name(struct thread *p, int fd, u64 ua, u64 ulenp, bool peer)
{
	int e = 0;
	struct file *f;
	struct socket *s = sock_fd(p, fd, &f, &e);
	if (!s)
		return e;
	struct sock_addr addr;
	e = s->ops->getname(s, peer, &addr);
	return e ? e : addr_out(&addr, ua, ulenp);
}

SYSCALL_DEFINE3(getsockname, int, fd, ulong, usockaddr, ulong, usockaddr_len)
{
	return get_name(p, fd, usockaddr, usockaddr_len, false);
}

SYSCALL_DEFINE3(getpeername, int, fd, ulong, usockaddr, ulong, usockaddr_len)
{
	return get_name(p, fd, usockaddr, usockaddr_len, true);
}

/* ---- sending ------------------------------------------------------------------------------- */

static void sigpipe(struct thread *p, struct socket *s, i64 r, u32 flags)
{
	if (r == -EPIPE && s->type == UAPI_SOCK_STREAM && !(flags & UAPI_MSG_NOSIGNAL))
		(void)proc_signal_send(p, UAPI_SIGPIPE, (struct proc_siginfo){
			.code = 0, .pid = p->leader->pid, .uid = p->fs.cred.uid });
}

/* parse_control - sendmsg's control messages at user `uc` (`len` bytes) into m: SCM_RIGHTS
 * (descriptors: -EBADF, more than SCM_MAX_FD: -EINVAL) and SCM_CREDENTIALS (-EPERM for
 * another's pid or ids unless root). */
static int parse_control(struct thread *p, u64 uc, u64 len, struct sock_send *m)
{
	if (len > 0x7fffffffu)
		return -ENOBUFS;
	if (len > SOCK_CTL_MAX)
		return -ENOBUFS;
	u64 off = 0;
	while (len - off >= sizeof(struct uapi_cmsghdr)) {
		struct uapi_cmsghdr h;
		if (ucmsghdr_from_user(&h, uaddr(uc + off)))
			return -EFAULT;
		if (h.cmsg_len < sizeof h || h.cmsg_len > len - off)
			return -EINVAL;
		u64 dlen = h.cmsg_len - sizeof h, data = uc + off + sizeof h;
		if (h.cmsg_level != UAPI_SOL_SOCKET)
			return -EINVAL;
		if (h.cmsg_type == UAPI_SCM_RIGHTS) {
			u64 n = dlen / 4;
			if (!m->files && n) {
				m->files = sock_files_new();
				if (!m->files)
					return -ENOMEM;
			}
			if (n && m->files->n + n > UAPI_SCM_MAX_FD)
				return -EINVAL;
			for (u64 i = 0; i < n; i++) {
				u32 fd;
				if (uint32_net_from_user(&fd, uaddr(data + i * 4)))
					return -EFAULT;
				struct file *f = (i32)fd < 0 ? NULL : proc_fd_get(p, (i64)(i32)fd);
				if (!f)
					return -EBADF;
				vfs_file_get(f);
				u32 k = m->files->n;
				if (k < UAPI_SCM_MAX_FD)
					m->files->f[k] = f;
				m->files->n = k + 1;
			}
		} else if (h.cmsg_type == UAPI_SCM_CREDENTIALS) {
			struct uapi_ucred c;
			if (dlen != sizeof c)
				return -EINVAL;
			if (uucred_from_user(&c, uaddr(data)))
				return -EFAULT;
			const struct cred *me = &p->fs.cred;
			bool root = me->euid == 0;
			if (!root && (u32)c.pid != p->leader->pid)
				return -EPERM;
			if (!root && c.uid != me->uid && c.uid != me->euid)
				return -EPERM;
			if (!root && c.gid != me->gid && c.gid != me->egid)
				return -EPERM;
			m->has_cred = true;
			m->cred = (struct sock_cred){ .pid = c.pid, .uid = c.uid, .gid = c.gid };
		} else {
			return -EINVAL;
		}
		off += UAPI_CMSG_ALIGN(h.cmsg_len);
	}
	return 0;
}

/* do_send - send what `it` covers on socket s of file f: bytes sent or -errno (SIGPIPE as
 * Linux). */
static i64 do_send(struct thread *p, struct socket *s, const struct file *f, struct sock_send *m)
{
	if (file_nonblock(f) || (m->flags & UAPI_MSG_DONTWAIT))
		m->nonblock = true;
	struct result_size r = s->ops->send(s, p, m);
	sock_files_put(m->files);
	m->files = NULL;
	i64 v = r.err ? r.err : (i64)r.value;
	sigpipe(p, s, v, m->flags);
	return v;
}

SYSCALL_DEFINE6(sendto, int, fd, ulong, buff, size, len, uint, flags, ulong, uaddr_, int, addr_len)
{
	int e = 0;
	struct file *f;
	struct socket *s = sock_fd(p, fd, &f, &e);
	if (!s)
		return e;
	struct sock_iter it;
	sock_iter_single(&it, buff, len);
	struct sock_send m = { .data = &it, .flags = flags };
	if (uaddr_) {
		e = addr_in(uaddr_, addr_len, &m.addr);
		if (e)
			return e;
		m.has_addr = m.addr.len != 0;
	}
	return do_send(p, s, f, &m);
}

/* send_msghdr - one sendmsg: the msghdr at user `um`. */
static i64 send_msghdr(struct thread *p, struct socket *s, const struct file *f, u64 um, u32 flags)
{
	struct uapi_msghdr h;
	if (umsghdr_from_user(&h, uaddr(um)))
		return -EFAULT;
	struct sock_iter it;
	int e = sock_iter_init(&it, h.msg_iov, h.msg_iovlen);
	if (e)
		return e;
	struct sock_send m = { .data = &it, .flags = flags };
	if (h.msg_name && h.msg_namelen) {
		e = addr_in(h.msg_name, h.msg_namelen > SOCK_ADDR_MAX ? (int)SOCK_ADDR_MAX : (int)h.msg_namelen, &m.addr);
		m.has_addr = !e;
	}
	if (!e && h.msg_controllen)
		e = parse_control(p, h.msg_control, h.msg_controllen, &m);
	i64 r = e;
	if (!e)
		r = do_send(p, s, f, &m);
	sock_files_put(m.files);
	sock_iter_fini(&it);
	return r;
}

SYSCALL_DEFINE3(sendmsg, int, fd, ulong, msg, uint, flags)
{
	int e = 0;
	struct file *f;
	struct socket *s = sock_fd(p, fd, &f, &e);
	return s ? send_msghdr(p, s, f, msg, flags) : e;
}

SYSCALL_DEFINE4(sendmmsg, int, fd, ulong, mmsg, uint, vlen_, uint, flags)
{
	int e = 0;
	struct file *f;
	struct socket *s = sock_fd(p, fd, &f, &e);
	if (!s)
		return e;
	u64 vlen = vlen_ > UAPI_UIO_MAXIOV ? UAPI_UIO_MAXIOV : vlen_;
	u64 done = 0;
	for (; done < vlen; done++) {
		u64 um = mmsg + done * sizeof(struct uapi_mmsghdr);
		i64 r = send_msghdr(p, s, f, um, flags);
		if (r < 0)
			return done ? (i64)done : r;
		u32 n = (u32)r;
		if (uint32_net_to_user(&n, uaddr(um + sizeof(struct uapi_msghdr))))
			return done ? (i64)done : -EFAULT;
	}
	return (i64)done;
}

/* ---- receiving ------------------------------------------------------------------------------ */

/* put_control - recvmsg's control messages into the caller's buffer (uc, *len bytes): the
 * credentials, then the received files as new descriptors (those that do not fit are closed);
 * *len becomes the bytes used, MSG_CTRUNC goes to *flags. */
static int put_control(struct thread *p, struct sock_recv *m, u64 uc, u64 *len, u32 *flags, bool cloexec)
{
	u64 room = uc ? *len : 0, used = 0;
	if (m->has_cred) {
		u64 clen = sizeof(struct uapi_cmsghdr) + sizeof(struct uapi_ucred);
		if (room - used < clen) {
			*flags |= UAPI_MSG_CTRUNC;
		} else {
			struct uapi_cmsghdr h = { .cmsg_len = clen, .cmsg_level = UAPI_SOL_SOCKET,
						  .cmsg_type = UAPI_SCM_CREDENTIALS };
			struct uapi_ucred c = { .pid = m->cred.pid, .uid = m->cred.uid, .gid = m->cred.gid };
			if (ucmsghdr_to_user(&h, uaddr(uc + used)) ||
			    uucred_to_user(&c, uaddr(uc + used + sizeof h)))
				return -EFAULT;
			used += UAPI_CMSG_ALIGN(clen) < room - used ? UAPI_CMSG_ALIGN(clen) : room - used;
		}
	}
	struct sock_files *fs = m->files;
	if (fs && fs->n) {
		u64 avail = room - used;
		u64 fit = avail > sizeof(struct uapi_cmsghdr) ? (avail - sizeof(struct uapi_cmsghdr)) / 4 : 0;
		u32 n = 0;
		int err = 0;
		for (u32 i = 0; i < fs->n && i < UAPI_SCM_MAX_FD && n < fit; i++) {
			struct result_i64 fd = proc_fd_install(p, fs->f[i], 0, cloexec);
			if (fd.err)
				break;
			fs->f[i] = NULL; /* the table holds it now */
			u32 v = (u32)fd.value;
			if (uint32_net_to_user(&v, uaddr(uc + used + sizeof(struct uapi_cmsghdr) + (u64)n * 4)))
				err = -EFAULT;
			n++;
		}
		if (n < fs->n)
			*flags |= UAPI_MSG_CTRUNC;
		if (n) {
			u64 clen = sizeof(struct uapi_cmsghdr) + (u64)n * 4;
			struct uapi_cmsghdr h = { .cmsg_len = clen, .cmsg_level = UAPI_SOL_SOCKET,
						  .cmsg_type = UAPI_SCM_RIGHTS };
			if (ucmsghdr_to_user(&h, uaddr(uc + used)))
				err = -EFAULT;
			used += UAPI_CMSG_ALIGN(clen) < room - used ? UAPI_CMSG_ALIGN(clen) : room - used;
		}
		if (err)
			return err;
	}
	*len = used;
	return 0;
}

static i64 do_recv(struct thread *p, struct socket *s, const struct file *f, struct sock_recv *m)
{
	if (file_nonblock(f) || (m->flags & UAPI_MSG_DONTWAIT))
		m->nonblock = true;
	struct result_size r = s->ops->recv(s, p, m);
	return r.err ? r.err : (i64)r.value;
}

SYSCALL_DEFINE6(recvfrom, int, fd, ulong, ubuf, size, len, uint, flags, ulong, uaddr_, ulong, uaddr_len)
{
	int e = 0;
	struct file *f;
	struct socket *s = sock_fd(p, fd, &f, &e);
	if (!s)
		return e;
	struct sock_iter it;
	sock_iter_single(&it, ubuf, len);
	struct sock_recv m = { .data = &it, .flags = flags, .want_addr = uaddr_ != 0 };
	i64 r = do_recv(p, s, f, &m);
	sock_files_put(m.files); /* no control buffer: received files close */
	if (r >= 0 && uaddr_ && uaddr_len) {
		e = addr_out(&m.from, uaddr_, uaddr_len);
		if (e)
			return e;
	}
	return r;
}

/* recv_msghdr - one recvmsg into the msghdr at user `um`. */
static i64 recv_msghdr(struct thread *p, struct socket *s, const struct file *f, u64 um, u32 flags)
{
	struct uapi_msghdr h;
	if (umsghdr_from_user(&h, uaddr(um)))
		return -EFAULT;
	struct sock_iter it;
	int e = sock_iter_init(&it, h.msg_iov, h.msg_iovlen);
	if (e)
		return e;
	struct sock_recv m = { .data = &it, .flags = flags, .want_addr = h.msg_name != 0 };
	i64 r = do_recv(p, s, f, &m);
	sock_iter_fini(&it);
	if (r < 0) {
		sock_files_put(m.files);
		return r;
	}
	u32 mflags = m.msg_flags;
	u64 clen = h.msg_controllen;
	e = put_control(p, &m, h.msg_control, &clen, &mflags, (flags & UAPI_MSG_CMSG_CLOEXEC) != 0);
	sock_files_put(m.files);
	if (e)
		return e;
	if (h.msg_name) {
		u32 n = (i32)h.msg_namelen < 0 ? 0 : h.msg_namelen;
		if (n > m.from.len)
			n = m.from.len;
		if (n) {
			struct vm_writer w = vm_writer_user(uaddr(h.msg_name), n);
			struct result_size c = vm_write(&w, bytes_head(BYTES_OF_ARRAY(m.from.bytes), n));
			if (c.err)
				return -EFAULT;
		}
		h.msg_namelen = m.from.len;
	} else {
		h.msg_namelen = 0;
	}
	h.msg_controllen = clen;
	h.msg_flags = mflags;
	return umsghdr_to_user(&h, uaddr(um)) ? -EFAULT : r;
}

SYSCALL_DEFINE3(recvmsg, int, fd, ulong, msg, uint, flags)
{
	int e = 0;
	struct file *f;
	struct socket *s = sock_fd(p, fd, &f, &e);
	return s ? recv_msghdr(p, s, f, msg, flags) : e;
}

SYSCALL_DEFINE5(recvmmsg, int, fd, ulong, mmsg, uint, vlen_, uint, flags_, ulong, timeout)
{
	int e = 0;
	struct file *f;
	struct socket *s = sock_fd(p, fd, &f, &e);
	if (!s)
		return e;
	u64 deadline = 0;
	if (timeout) {
		struct uapi_timespec ts;
		if (utimespec_net_from_user(&ts, uaddr(timeout)))
			return -EFAULT;
		if (ts.tv_sec < 0 || ts.tv_nsec < 0 || ts.tv_nsec >= 1000000000)
			return -EINVAL;
		deadline = fw_time_ns() + (u64)ts.tv_sec * 1000000000ull + (u64)ts.tv_nsec;
	}
	u64 vlen = vlen_ > UAPI_UIO_MAXIOV ? UAPI_UIO_MAXIOV : vlen_;
	u32 flags = flags_;
	u64 done = 0;
	for (; done < vlen; done++) {
		u64 um = mmsg + done * sizeof(struct uapi_mmsghdr);
		i64 r = recv_msghdr(p, s, f, um, flags);
		if (r < 0)
			return done ? (i64)done : r;
		u32 n = (u32)r;
		if (uint32_net_to_user(&n, uaddr(um + sizeof(struct uapi_msghdr))))
			return done ? (i64)done : -EFAULT;
		if (flags & UAPI_MSG_WAITFORONE)
			flags |= UAPI_MSG_DONTWAIT;
		if (deadline && fw_time_ns() >= deadline) { /* checked between messages, as Linux */
			done++;
			break;
		}
	}
	return (i64)done;
}

/* ---- options --------------------------------------------------------------------------------- */

SYSCALL_DEFINE5(setsockopt, int, fd, int, level, int, optname, uptr, optval, int, optlen)
{
	int e = 0;
	struct file *f;
	struct socket *s = sock_fd(p, fd, &f, &e);
	if (!s)
		return e;
	if (optlen < 0)
		return -EINVAL;
	if (level != UAPI_SOL_SOCKET)
		return -ENOPROTOOPT;
	struct sock_optval v = { .len = (u32)optlen };
	u32 n = v.len < sizeof v.bytes ? v.len : (u32)sizeof v.bytes;
	if (n) {
		struct vm_reader r = vm_reader_user(optval, n);
		struct result_size c = vm_read(&r, bytes_head(BYTES_OF_ARRAY(v.bytes), n));
		if (c.err || c.value != n)
			return -EFAULT;
	}
	return sock_setsockopt(s, optname, &v);
}

SYSCALL_DEFINE5(getsockopt, int, fd, int, level, int, optname, uptr, optval, uptr, optlen)
{
	int e = 0;
	struct file *f;
	struct socket *s = sock_fd(p, fd, &f, &e);
	if (!s)
		return e;
	u32 ulen;
	if (uint32_net_from_user(&ulen, optlen))
		return -EFAULT;
	if ((i32)ulen < 0)
		return -EINVAL;
	if (level != UAPI_SOL_SOCKET)
		return -EOPNOTSUPP;
	struct sock_optval v = { .len = 0 };
	e = sock_getsockopt(s, optname, &v);
	if (e)
		return e;
	u32 n = ulen < v.len ? ulen : v.len;
	if (n) {
		struct vm_writer w = vm_writer_user(optval, n);
		struct result_size c = vm_write(&w, bytes_head(BYTES_OF_ARRAY(v.bytes), n));
		if (c.err || c.value != n)
			return -EFAULT;
	}
	return uint32_net_to_user(&n, optlen) ? -EFAULT : 0;
}

/* ---- files ------------------------------------------------------------------------------------ */

i64 net_file_rw(struct thread *p, struct file *f, u64 fd, u64 uiov, u64 n, bool vector, bool write)
{
	(void)fd; /* f's own O_NONBLOCK counts, not a second look-up of fd */
	struct socket *s = sock_of_file(f);
	struct sock_iter it;
	if (vector) {
		int e = sock_iter_init(&it, uiov, n);
		if (e)
			return e == -EMSGSIZE ? -EINVAL : e;
	} else {
		sock_iter_single(&it, uiov, n);
	}
	i64 r;
	if (write) {
		struct sock_send m = { .data = &it };
		r = do_send(p, s, f, &m);
	} else {
		struct sock_recv m = { .data = &it };
		r = do_recv(p, s, f, &m);
		sock_files_put(m.files); /* read(2) has no control buffer */
	}
	sock_iter_fini(&it);
	return r;
}

i64 net_file_ioctl(struct thread *p, struct file *f, u64 cmd, u64 arg)
{
	(void)p;
	struct socket *s = sock_of_file(f);
	u32 v;
	switch (cmd) {
	case UAPI_FIONREAD: {
		spin_lock(&s->lock);
		bool listening = s->listening;
		spin_unlock(&s->lock);
		if (listening)
			return -EINVAL;
		v = (u32)s->ops->inq(s);
		return uint32_net_to_user(&v, uaddr(arg)) ? -EFAULT : 0;
	}
	case UAPI_TIOCOUTQ:
		v = (u32)s->ops->outq(s);
		return uint32_net_to_user(&v, uaddr(arg)) ? -EFAULT : 0;
	case UAPI_SIOCGIFNAME:
	case UAPI_SIOCGIFFLAGS:
	case UAPI_SIOCGIFMTU:
	case UAPI_SIOCGIFINDEX:
		return if_ioctl(cmd, arg);
	case UAPI_FIONBIO:
		if (uint32_net_from_user(&v, uaddr(arg)))
			return -EFAULT;
		f->flags = v ? (f->flags | O_NONBLOCK) : (f->flags & ~O_NONBLOCK);
		return 0;
	default:
		return -ENOTTY;
	}
}
