/*
 * socket.c — the socket layer (net/socket.h): the families table, socket objects as inodes
 * (S_IFSOCK, numbered for fstat and /proc's socket:[N]), their open files, readiness for
 * poll, the SOL_SOCKET options every family shares, and the iovec cursor that moves a
 * message's bytes between user memory and a family's buffers.
 *
 * Locking: a socket's spinlock guards its option fields (and a family's state, see the
 * family); the families table is written once at boot.
 */
#include <fw/log.h>
#include <fw/uaccess.h>
#include <net/socket.h>

#define SOCK_MAX_FAMILIES 8u
#define SOCK_MAX_RW 0x7ffff000ull /* MAX_RW_COUNT: one call moves at most this */

static const struct sock_family *families[SOCK_MAX_FAMILIES];
static u32 nfamilies;

static struct spinlock sock_ino_lock = SPINLOCK_INIT(sock_ino_lock);
static u64 sock_next_ino GUARDED_BY(&sock_ino_lock) = 1;

DEFINE_TYPE_CACHE(sock_files_cache, struct sock_files);

int sock_register_family(const struct sock_family *fam)
{
	for (u32 i = 0; i < nfamilies && i < SOCK_MAX_FAMILIES; i++)
		if (families[i]->family == fam->family)
			return -EEXIST;
	if (nfamilies >= SOCK_MAX_FAMILIES)
		return -ENOSPC;
	families[nfamilies++] = fam;
	return 0;
}

void net_init(void)
{
	if (sock_register_family(&unix_family) || sock_register_family(&netlink_family))
		fw_warn("net: a built-in family could not be registered");
}

static const struct sock_family *family_find(int family)
{
	for (u32 i = 0; i < nfamilies && i < SOCK_MAX_FAMILIES; i++)
		if (families[i]->family == family)
			return families[i];
	return NULL;
}

/* ---- socket objects ------------------------------------------------------------------------ */

void sock_init(struct socket *s, const struct sock_ops *ops, u16 family, u16 type, int protocol)
{
	s->ops = ops;
	s->family = family;
	s->type = type;
	s->protocol = protocol;
	refcount_init(&s->refs, 1);
	waitq_init(&s->wq);
	spin_lock_init(&s->lock);
	spin_lock(&s->lock);
	s->sndbuf = SOCK_BUF_DEFAULT;
	s->rcvbuf = SOCK_BUF_DEFAULT;
	s->rcvlowat = 1;
	s->peercred = (struct sock_cred){ .pid = 0, .uid = 0xffffffffu, .gid = 0xffffffffu };
	spin_unlock(&s->lock);
}

void sock_get(struct socket *s)
{
	refcount_get(&s->refs);
}

void sock_put(struct socket *s)
{
	if (s && refcount_put(&s->refs))
		s->ops->destroy(s);
}

void sock_wake(struct socket *s)
{
	(void)waitq_wake_all(&s->wq);
}

static void sock_inode_release(struct inode *ip, u32 flags)
{
	(void)flags;
	struct socket *s = socket_from(ip);
	s->ops->release(s);
}

static void sock_inode_destroy(struct inode *ip)
{
	sock_put(socket_from(ip)); /* the inode's reference */
}

static u32 sock_inode_poll(struct file *f, struct poll_table *pt);

static const struct inode_ops sock_inode_ops = {
	.destroy = sock_inode_destroy,
};

static const struct file_ops sock_fops = {
	.llseek = vfs_no_llseek,
	.ioctl = net_file_ioctl,
	.release = sock_inode_release,
	.poll = sock_inode_poll,
};

bool vfs_file_is_socket(const struct file *f)
{
	return f->ops == &sock_fops;
}

struct socket *sock_of_file(struct file *f)
{
	return vfs_file_is_socket(f) ? socket_from(f->inode) : NULL;
}

struct file_result sock_file_new(struct socket *s, u32 flags, u32 uid, u32 gid)
{
	struct inode *ip = socket_base(s);
	vfs_inode_init(ip);
	ip->ops = &sock_inode_ops;
	ip->fops = &sock_fops;
	ip->mode = VFS_S_IFSOCK | 0777;
	ip->uid = uid;
	ip->gid = gid;
	ip->nlink = 1;
	ip->atime = ip->mtime = ip->ctime = vfs_now();
	spin_lock(&sock_ino_lock);
	ip->ino = sock_next_ino++;
	spin_unlock(&sock_ino_lock);
	refcount_init(&ip->refs, 1); /* dropped below: the file holds the inode */
	struct file *f = vfs_file_new(ip, VFS_O_RDWR | flags);
	if (!f)
		s->ops->release(s); /* never opened: undo what the family set up */
	down_write(&vfs_lock);
	vfs_inode_put(ip);
	up_write(&vfs_lock);
	return f ? file_result_ok(f) : file_result_err(-ENOMEM);
}

int sock_create(int family, int type, int protocol, struct socket **out)
{
	if (family < 0 || family >= UAPI_AF_MAX)
		return -EAFNOSUPPORT;
	if (type < 0 || type > UAPI_SOCK_PACKET) /* 0 and the gaps are the family's to refuse */
		return -EINVAL;
	const struct sock_family *fam = family_find(family);
	if (!fam)
		return -EAFNOSUPPORT;
	int err = 0;
	struct socket *s = fam->create(type, protocol, &err);
	if (!s)
		return err ? err : -ENOMEM;
	*out = s;
	return 0;
}

int sock_pair(int family, int type, int protocol, struct thread *p, struct socket **a,
	      struct socket **b)
{
	struct socket *x = NULL, *y = NULL;
	int e = sock_create(family, type, protocol, &x);
	if (e)
		return e;
	const struct sock_family *fam = family_find(family);
	if (!fam || !fam->pair) {
		x->ops->release(x);
		sock_put(x);
		return -EOPNOTSUPP;
	}
	e = sock_create(family, type, protocol, &y);
	if (!e)
		e = fam->pair(x, y, p);
	if (e) {
		x->ops->release(x);
		sock_put(x);
		if (y) {
			y->ops->release(y);
			sock_put(y);
		}
		return e;
	}
	*a = x;
	*b = y;
	return 0;
}

u32 sock_poll(struct file *f)
{
	struct socket *s = sock_of_file(f);
	return s ? s->ops->poll(s) : 0;
}

/* sock_inode_poll - the socket's readiness, watching its queue (every change wakes it). */
static u32 sock_inode_poll(struct file *f, struct poll_table *pt)
{
	poll_wait(pt, sock_waitq(f));
	u32 ev = sock_poll(f);
	if (ev & VFS_POLLIN)
		ev |= VFS_POLLRDNORM;
	if (ev & VFS_POLLOUT)
		ev |= VFS_POLLWRNORM;
	return ev;
}

struct waitq *sock_waitq(struct file *f)
{
	struct socket *s = sock_of_file(f);
	return s ? &s->wq : NULL;
}

struct sock_files *sock_files_new(void)
{
	return KNEW(sock_files_cache);
}

void sock_files_put(struct sock_files *fs)
{
	if (!fs)
		return;
	for (u32 i = 0; i < fs->n && i < UAPI_SCM_MAX_FD; i++)
		if (fs->f[i])
			vfs_close(fs->f[i]);
	KFREE(sock_files_cache, fs);
}

/* ---- SOL_SOCKET options --------------------------------------------------------------------- */

static int opt_int(struct sock_optval *v, int *out)
{
	if (v->len < 4)
		return -EINVAL;
	struct result_u32 r = bytes_le32(BYTES_OF_ARRAY(v->bytes), 0);
	*out = (int)r.value;
	return 0;
}

static void put_int(struct sock_optval *v, int x)
{
	v->len = 4;
	(void)bytes_put_le32(BYTES_OF_ARRAY(v->bytes), 0, (u32)x);
}

static u64 timeval_ns(struct sock_optval *v, int *err)
{
	if (v->len < 16) {
		*err = -EINVAL;
		return 0;
	}
	i64 sec = (i64)bytes_le64(BYTES_OF_ARRAY(v->bytes), 0).value;
	i64 usec = (i64)bytes_le64(BYTES_OF_ARRAY(v->bytes), 8).value;
	if (usec < 0 || usec >= 1000000) {
		*err = -EDOM;
		return 0;
	}
	if (sec < 0 || (sec == 0 && usec == 0))
		return 0;
	if (sec > 1000000000)
		sec = 1000000000;
	return (u64)sec * 1000000000ull + (u64)usec * 1000ull;
}

static void put_timeval(struct sock_optval *v, u64 ns)
{
	v->len = 16;
	(void)bytes_put_le64(BYTES_OF_ARRAY(v->bytes), 0, ns / 1000000000ull);
	(void)bytes_put_le64(BYTES_OF_ARRAY(v->bytes), 8, ns % 1000000000ull / 1000ull);
}

static u32 buf_size(int val, u32 min)
{
	u32 v = (u32)val > SOCK_BUF_DEFAULT ? SOCK_BUF_DEFAULT : (u32)val; /* Linux: as u32 */
	return v * 2 > min ? v * 2 : min;
}

int sock_setsockopt(struct socket *s, int name, struct sock_optval *v)
{
	int val = 0, err = 0;
	switch (name) {
	case UAPI_SO_RCVTIMEO:
	case UAPI_SO_SNDTIMEO: {
		u64 ns = timeval_ns(v, &err);
		if (err)
			return err;
		spin_lock(&s->lock);
		if (name == UAPI_SO_RCVTIMEO)
			s->rcvtimeo_ns = ns;
		else
			s->sndtimeo_ns = ns;
		spin_unlock(&s->lock);
		return 0;
	}
	case UAPI_SO_LINGER: {
		if (v->len < 8)
			return -EINVAL;
		spin_lock(&s->lock);
		s->linger_onoff = (i32)bytes_le32(BYTES_OF_ARRAY(v->bytes), 0).value;
		s->linger_secs = (i32)bytes_le32(BYTES_OF_ARRAY(v->bytes), 4).value;
		spin_unlock(&s->lock);
		return 0;
	}
	default:
		break;
	}
	if (opt_int(v, &val))
		return -EINVAL;
	spin_lock(&s->lock);
	switch (name) {
	case UAPI_SO_REUSEADDR:
		s->reuseaddr = val != 0;
		break;
	case UAPI_SO_KEEPALIVE:
		s->keepalive = val != 0;
		break;
	case UAPI_SO_PASSCRED:
		s->passcred = val != 0;
		break;
	case UAPI_SO_SNDBUF:
		s->sndbuf = buf_size(val, SOCK_MIN_SNDBUF);
		break;
	case UAPI_SO_RCVBUF:
		s->rcvbuf = buf_size(val, SOCK_MIN_RCVBUF);
		break;
	case UAPI_SO_RCVLOWAT: /* Linux: negative means INT_MAX, 0 means 1 */
		s->rcvlowat = val < 0 ? 0x7fffffff : val ? val : 1;
		break;
	case UAPI_SO_DEBUG:
	case UAPI_SO_DONTROUTE:
	case UAPI_SO_BROADCAST:
	case UAPI_SO_OOBINLINE:
	case UAPI_SO_REUSEPORT:
		break; /* accepted; nothing in AF_UNIX depends on them */
	case UAPI_SO_TYPE:
	case UAPI_SO_ERROR:
	case UAPI_SO_PEERCRED:
	case UAPI_SO_ACCEPTCONN:
	case UAPI_SO_DOMAIN:
	case UAPI_SO_PROTOCOL:
		err = -ENOPROTOOPT; /* read-only */
		break;
	default:
		err = -ENOPROTOOPT;
		break;
	}
	spin_unlock(&s->lock);
	if (!err && name == UAPI_SO_SNDBUF)
		sock_wake(s); /* writers may fit now */
	return err;
}

int sock_getsockopt(struct socket *s, int name, struct sock_optval *v)
{
	int err = 0;
	spin_lock(&s->lock);
	switch (name) {
	case UAPI_SO_TYPE:
		put_int(v, s->type);
		break;
	case UAPI_SO_DOMAIN:
		put_int(v, s->family);
		break;
	case UAPI_SO_PROTOCOL:
		put_int(v, s->protocol);
		break;
	case UAPI_SO_ERROR:
		put_int(v, s->err);
		s->err = 0;
		break;
	case UAPI_SO_ACCEPTCONN:
		put_int(v, s->listening);
		break;
	case UAPI_SO_SNDBUF:
		put_int(v, (int)s->sndbuf);
		break;
	case UAPI_SO_RCVBUF:
		put_int(v, (int)s->rcvbuf);
		break;
	case UAPI_SO_REUSEADDR:
		put_int(v, s->reuseaddr);
		break;
	case UAPI_SO_KEEPALIVE:
		put_int(v, s->keepalive);
		break;
	case UAPI_SO_PASSCRED:
		put_int(v, s->passcred);
		break;
	case UAPI_SO_DEBUG:
	case UAPI_SO_DONTROUTE:
	case UAPI_SO_BROADCAST:
	case UAPI_SO_OOBINLINE:
	case UAPI_SO_REUSEPORT:
		put_int(v, 0);
		break;
	case UAPI_SO_RCVLOWAT:
		put_int(v, s->rcvlowat);
		break;
	case UAPI_SO_SNDLOWAT:
		put_int(v, 1);
		break;
	case UAPI_SO_PEERCRED:
		v->len = 12;
		(void)bytes_put_le32(BYTES_OF_ARRAY(v->bytes), 0, (u32)s->peercred.pid);
		(void)bytes_put_le32(BYTES_OF_ARRAY(v->bytes), 4, s->peercred.uid);
		(void)bytes_put_le32(BYTES_OF_ARRAY(v->bytes), 8, s->peercred.gid);
		break;
	case UAPI_SO_RCVTIMEO:
		put_timeval(v, s->rcvtimeo_ns);
		break;
	case UAPI_SO_SNDTIMEO:
		put_timeval(v, s->sndtimeo_ns);
		break;
	case UAPI_SO_LINGER:
		v->len = 8;
		(void)bytes_put_le32(BYTES_OF_ARRAY(v->bytes), 0, (u32)s->linger_onoff);
		(void)bytes_put_le32(BYTES_OF_ARRAY(v->bytes), 4, (u32)s->linger_secs);
		break;
	default:
		err = -ENOPROTOOPT;
		break;
	}
	spin_unlock(&s->lock);
	return err;
}

/* ---- the iovec cursor ------------------------------------------------------------------------ */

static u64 iov_field(const struct sock_iter *it, size_t i, size_t field)
{
	return bytes_le64(it->iovs, i * 16 + field * 8).value;
}

/* iter_reset - an empty cursor (its kbuf handle is empty: callers pass fresh ones). */
static void iter_reset(struct sock_iter *it)
{
	it->iovs = bytes_empty();
	it->n = it->seg = 0;
	it->off = it->total = it->done = 0;
}

int sock_iter_init(struct sock_iter *it, u64 uiov, u64 n)
{
	iter_reset(it);
	if (n > UAPI_UIO_MAXIOV)
		return -EMSGSIZE;
	if (n <= SOCK_IOV_SMALL) {
		it->iovs = bytes_head(BYTES_OF_ARRAY(it->small), (size_t)n * 16);
	} else {
		if (kbuf_alloc(&it->big, (size_t)n * 16))
			return -ENOMEM;
		it->iovs = kbuf_bytes(&it->big);
	}
	if (n) {
		struct vm_reader r = vm_reader_user(uaddr(uiov), (size_t)n * 16);
		struct result_size c = vm_read(&r, it->iovs);
		if (c.err || c.value != (size_t)n * 16) {
			sock_iter_fini(it);
			return -EFAULT;
		}
	}
	it->n = (size_t)n;
	u64 total = 0;
	for (size_t i = 0; i < it->n; i++) {
		u64 len = iov_field(it, i, 1);
		if ((i64)len < 0) {
			sock_iter_fini(it);
			return -EINVAL;
		}
		if (len > SOCK_MAX_RW - total) /* Linux caps the whole at MAX_RW_COUNT */
			len = SOCK_MAX_RW - total;
		total += len;
	}
	it->total = total;
	return 0;
}

void sock_iter_single(struct sock_iter *it, u64 buf, u64 len)
{
	iter_reset(it);
	it->n = 1;
	it->iovs = bytes_head(BYTES_OF_ARRAY(it->small), 16);
	if (len > SOCK_MAX_RW)
		len = SOCK_MAX_RW;
	(void)bytes_put_le64(it->iovs, 0, buf);
	(void)bytes_put_le64(it->iovs, 8, len);
	it->total = len;
}

void sock_iter_fini(struct sock_iter *it)
{
	kbuf_free(&it->big);
	it->iovs = bytes_empty();
	it->n = 0;
}

/* iter_move - copy between the user segments and `kb` (to user when `out`). */
static struct result_size iter_move(struct sock_iter *it, struct bytes kb, bool out)
{
	size_t n = 0;
	while (n < bytes_len(kb) && it->done < it->total && it->seg < it->n) {
		u64 base = iov_field(it, it->seg, 0), len = iov_field(it, it->seg, 1);
		if (it->off >= len) {
			it->seg++;
			it->off = 0;
			continue;
		}
		u64 run = len - it->off;
		if (run > bytes_len(kb) - n)
			run = bytes_len(kb) - n;
		if (run > it->total - it->done)
			run = it->total - it->done;
		struct bytes_result part = bytes_sub(kb, n, (size_t)run);
		if (part.err)
			break;
		struct result_size c;
		if (out) {
			struct vm_writer w = vm_writer_user(uaddr(base + it->off), (size_t)run);
			c = vm_write(&w, part.value);
		} else {
			struct vm_reader r = vm_reader_user(uaddr(base + it->off), (size_t)run);
			c = vm_read(&r, part.value);
		}
		if (c.err)
			return n ? result_size_ok(n) : result_size_err(-EFAULT);
		n += c.value;
		it->off += c.value;
		it->done += c.value;
		if (c.value < run)
			return n ? result_size_ok(n) : result_size_err(-EFAULT);
	}
	return result_size_ok(n);
}

struct result_size sock_iter_read(struct sock_iter *it, struct bytes dst)
{
	return iter_move(it, dst, false);
}

struct result_size sock_iter_write(struct sock_iter *it, struct bytes src)
{
	return iter_move(it, src, true);
}

void sock_iter_skip(struct sock_iter *it, u64 len)
{
	while (len && it->done < it->total && it->seg < it->n) {
		u64 seglen = iov_field(it, it->seg, 1);
		if (it->off >= seglen) {
			it->seg++;
			it->off = 0;
			continue;
		}
		u64 run = seglen - it->off < len ? seglen - it->off : len;
		it->off += run;
		it->done += run;
		len -= run;
	}
}
