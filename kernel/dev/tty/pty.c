/*
 * pty.c — pseudo-terminals (fs/terminal.h): /dev/ptmx (5:2) makes a pair, numbered by the
 * lowest free index below TERM_PTY_MAX; the devpts file system shows its slave as /dev/pts/N
 * (136:N) from the moment the pair exists until its master closes. The pair is one terminal:
 * the master's file writes the slave's input and reads its output queue (terminal.c).
 *
 * devpts: each mount is an instance (Linux shares one unless `newinstance`; here every
 * instance shows every pty, which is what the single shared instance looks like). Options
 * gid=, uid=, mode= (of new slave nodes, default 0600) and ptmxmode= (of its ptmx node,
 * default 0000) are honoured, newinstance and max= accepted. At most DEVPTS_MAX instances
 * receive nodes.
 *
 * Lifetime: the table holds a pointer, not a reference. pty_find takes a reference only while
 * the master is open, and the master's file holds one until its close has marked the master
 * gone, so a pty whose count reached zero is never found again; its slot is freed with it.
 * Locking: pty_lock (a spinlock) guards the table and the devpts instances, and nests the
 * terminals' locks; no VFS call is made while it is held.
 */
#include <fs/terminal.h>
#include <fw/fmt.h>
#include <fw/strbuf.h>
#include <fw/typecache.h>
#include <proc/process.h>
#include <uapi/tty.h>

#define DEVPTS_MAX 4u
#define DEVPTS_MAGIC 0x1cd1ull

struct devpts {
	struct vfs_sb *sb; /* a reference; NULL: a free slot */
	u32 mode, ptmxmode, gid;
	bool has_gid;
	u32 uid;
	bool has_uid;
};

DEFINE_TYPE_CACHE(pty_cache, struct terminal);

static struct spinlock pty_lock = SPINLOCK_INIT(pty_lock);
static struct terminal *ptys[TERM_PTY_MAX] GUARDED_BY(&pty_lock);
static struct devpts instances[DEVPTS_MAX] GUARDED_BY(&pty_lock);

/* A node's name: the pty's number in decimal. */
struct pty_name {
	u8 b[12];
	size_t len;
};

static struct pty_name pty_name_of(u32 n)
{
	struct pty_name nm = { .len = 0 };
	struct result_size r = FMT(BYTES_OF_ARRAY(nm.b), "%u", n);
	nm.len = r.err ? 0 : r.value;
	return nm;
}

static struct str name_str(struct pty_name *nm)
{
	return str_from_bytes(bytes_head(BYTES_OF_ARRAY(nm->b), nm->len));
}

/* The devpts instances at one moment, each with an sb reference for the holder. */
struct devpts_set {
	struct devpts d[DEVPTS_MAX];
	size_t n;
};

static struct devpts_set instances_get(void)
{
	struct devpts_set set = { .n = 0 };
	spin_lock(&pty_lock);
	for (u32 i = 0; i < DEVPTS_MAX; i++) {
		if (!instances[i].sb || set.n >= DEVPTS_MAX)
			continue;
		refcount_get(&instances[i].sb->refs);
		set.d[set.n++] = instances[i];
	}
	spin_unlock(&pty_lock);
	return set;
}

/* nodes_add - /dev/pts/N for pty t in every instance (owner: its creator): 0, or -ENOMEM
 * when a node could not be made (the caller removes the others). */
static int nodes_add(struct terminal *t, u32 uid, u32 gid)
{
	struct devpts_set in = instances_get();
	struct pty_name nm = pty_name_of(t->index);
	struct str name = name_str(&nm);
	int e = 0;
	for (size_t i = 0; i < in.n && i < DEVPTS_MAX; i++) {
		struct devpts d = in.d[i];
		if (!e && vfs_sb_node_add(d.sb, name, VFS_S_IFCHR | d.mode, d.has_uid ? d.uid : uid,
					  d.has_gid ? d.gid : gid, TERM_PTS_MAJOR, t->index) ==
				  -ENOMEM)
			e = -ENOMEM;
		vfs_sb_put(d.sb);
	}
	return e;
}

static void nodes_remove(struct terminal *t)
{
	struct devpts_set in = instances_get();
	struct pty_name nm = pty_name_of(t->index);
	struct str name = name_str(&nm);
	for (size_t i = 0; i < in.n && i < DEVPTS_MAX; i++) {
		(void)vfs_sb_node_remove(in.d[i].sb, name);
		vfs_sb_put(in.d[i].sb);
	}
}

struct terminal *pty_new(u32 uid, u32 gid, int *err)
{
	struct terminal *t = KNEW(pty_cache);
	if (!t) {
		*err = -ENOMEM;
		return NULL;
	}
	u32 index = TERM_PTY_MAX;
	spin_lock(&pty_lock);
	for (u32 i = 0; i < TERM_PTY_MAX && index == TERM_PTY_MAX; i++)
		if (!ptys[i])
			index = i;
	if (index < TERM_PTY_MAX) {
		term_init(t, true, index);
		spin_lock(&t->lock);
		t->master_open = true;
		t->locked = true; /* until unlockpt */
		spin_unlock(&t->lock);
		ptys[index] = t;
	}
	spin_unlock(&pty_lock);
	if (index == TERM_PTY_MAX) {
		KFREE(pty_cache, t);
		*err = -ENOSPC;
		return NULL;
	}
	/* No slave node, no pty: open("/dev/ptmx") fails with ENOMEM (it succeeded and the
	 * slave's open said ENOENT: found by make test-abi-fault, tty.erase_kill_and_eof). */
	int e = nodes_add(t, uid, gid);
	if (e) {
		nodes_remove(t);
		pty_destroy(t);
		*err = e;
		return NULL;
	}
	return t;
}

struct terminal *pty_find(u32 index)
{
	struct terminal *t = NULL;
	spin_lock(&pty_lock);
	if (index < TERM_PTY_MAX && ptys[index]) {
		struct terminal *c = ptys[index];
		spin_lock(&c->lock);
		bool open = c->master_open;
		spin_unlock(&c->lock);
		if (open) {
			term_get(c);
			t = c;
		}
	}
	spin_unlock(&pty_lock);
	return t;
}

struct terminal *term_of_session(u32 sid)
{
	if (!sid)
		return NULL;
	struct terminal *con = term_console();
	spin_lock(&con->lock);
	bool is_con = con->sid == sid;
	spin_unlock(&con->lock);
	if (is_con)
		return con;
	struct terminal *t = NULL;
	spin_lock(&pty_lock);
	for (u32 i = 0; i < TERM_PTY_MAX && !t; i++) {
		struct terminal *c = ptys[i];
		if (!c)
			continue;
		spin_lock(&c->lock);
		bool match = c->sid == sid && c->master_open;
		spin_unlock(&c->lock);
		if (match) {
			term_get(c);
			t = c;
		}
	}
	spin_unlock(&pty_lock);
	return t;
}

void pty_master_closed(struct terminal *t)
{
	spin_lock(&pty_lock);
	spin_lock(&t->lock);
	t->master_open = false;
	u32 sid = t->sid;
	t->sid = 0; /* the session loses its controlling terminal */
	t->pgrp = 0;
	spin_unlock(&t->lock);
	spin_unlock(&pty_lock);
	nodes_remove(t);
	(void)waitq_wake_all(&t->wq); /* slave readers see the end of file, writers EIO */
	term_hangup_session(sid);
}

void pty_destroy(struct terminal *t)
{
	spin_lock(&pty_lock);
	if (t->index < TERM_PTY_MAX && ptys[t->index] == t)
		ptys[t->index] = NULL;
	spin_unlock(&pty_lock);
	KFREE(pty_cache, t);
}

/* ---- devpts --------------------------------------------------------------------------------- */

/* devpts_show - Linux's devpts_show_options: uid= and gid= when given, mode= and ptmxmode=. */
static void devpts_show(struct vfs_sb *sb, struct strbuf *out) REQUIRES(vfs_lock)
{
	struct devpts d = { .mode = 0600 };
	spin_lock(&pty_lock);
	for (u32 i = 0; i < DEVPTS_MAX; i++)
		if (instances[i].sb == sb)
			d = instances[i];
	spin_unlock(&pty_lock);
	if (d.has_uid)
		STRBUF_FMT(out, ",uid=%u", d.uid);
	if (d.has_gid)
		STRBUF_FMT(out, ",gid=%u", d.gid);
	STRBUF_FMT(out, ",mode=%03o,ptmxmode=%03o", d.mode, d.ptmxmode);
}

static int devpts_fill(struct vfs_sb *sb, struct str options, struct inode **root)
	REQUIRES(vfs_lock)
{
	struct devpts d = { .sb = sb, .mode = 0600, .ptmxmode = 0 };
	struct str opt;
	while (str_split_next(&options, ',', &opt)) {
		if (!str_len(opt))
			continue;
		struct str key = opt, val = STR("");
		struct result_size eq = str_find_char(opt, 0, '=');
		if (!eq.err) {
			key = str_head(opt, eq.value);
			val = str_skip(opt, eq.value + 1);
		}
		bool octal = str_eq(key, STR("mode")) || str_eq(key, STR("ptmxmode"));
		struct result_u64 n = result_u64_ok(0);
		if (octal || str_eq(key, STR("gid")) || str_eq(key, STR("uid")) ||
		    str_eq(key, STR("max")))
			n = str_parse_u64(val, octal ? 8 : 10);
		else if (!str_eq(key, STR("newinstance")))
			return -EINVAL;
		if (n.err || n.value > 0xffffffffull)
			return -EINVAL;
		if (str_eq(key, STR("mode")))
			d.mode = (u32)n.value & 0777;
		else if (str_eq(key, STR("ptmxmode")))
			d.ptmxmode = (u32)n.value & 0777;
		if (str_eq(key, STR("gid"))) {
			d.gid = (u32)n.value;
			d.has_gid = true;
		}
		if (str_eq(key, STR("uid"))) {
			d.uid = (u32)n.value;
			d.has_uid = true;
		}
	}
	int e = vfs_memfs_fill(sb, STR(""), root);
	if (e)
		return e;
	sb->max_bytes = 0; /* it stores nothing: statfs shows no blocks, so df leaves it out (Linux) */
	(*root)->mode = VFS_S_IFDIR | 0755;
	spin_lock(&pty_lock);
	for (u32 i = 0; i < DEVPTS_MAX; i++) {
		/* an instance no longer mounted gives its slot up */
		if (instances[i].sb && !instances[i].sb->root && instances[i].sb->mounts == 0) {
			vfs_sb_put(instances[i].sb);
			instances[i].sb = NULL;
		}
	}
	for (u32 i = 0; i < DEVPTS_MAX; i++) {
		if (instances[i].sb)
			continue;
		refcount_get(&sb->refs);
		instances[i] = d;
		break;
	}
	spin_unlock(&pty_lock);
	return 0;
}

/* devpts_populate - the new instance's ptmx node and the nodes of the ptys that exist. */
static int devpts_populate(const struct vfs_ctx *c)
{
	struct vfs_sb *sb = c->root.dentry->inode->sb;
	struct devpts d = { .sb = NULL };
	spin_lock(&pty_lock);
	for (u32 i = 0; i < DEVPTS_MAX; i++)
		if (instances[i].sb == sb)
			d = instances[i];
	spin_unlock(&pty_lock);
	int e = vfs_mknod(c, STR("ptmx"), VFS_S_IFCHR | d.ptmxmode, 5, 2);
	if (e || !d.sb)
		return e;
	for (u32 i = 0; i < TERM_PTY_MAX; i++) {
		struct terminal *t = pty_find(i);
		if (!t)
			continue;
		struct pty_name nm = pty_name_of(i);
		(void)vfs_sb_node_add(sb, name_str(&nm), VFS_S_IFCHR | d.mode,
				      d.has_uid ? d.uid : 0, d.has_gid ? d.gid : 0, TERM_PTS_MAJOR, i);
		term_put(t);
	}
	return 0;
}

static const struct vfs_fstype devpts_type = {
	.name = STR("devpts"),
	.magic = DEVPTS_MAGIC,
	.fill = devpts_fill,
	.show = devpts_show,
	.populate = devpts_populate,
};

/* ---- the devices ---------------------------------------------------------------------------- */

static struct result_size term_node_read(struct inode *ip, struct bytes dst, u64 pos)
{
	(void)ip;
	(void)dst;
	(void)pos;
	return result_size_err(-EINVAL); /* reads of a pty go through tty_rw, which knows the file */
}

static struct result_size term_node_write(struct inode *ip, struct bytes src, u64 pos)
{
	(void)ip;
	(void)src;
	(void)pos;
	return result_size_err(-EINVAL);
}

static const struct file_ops pty_fops = {
	.llseek = vfs_no_llseek,
	.read = term_node_read,
	.write = term_node_write,
	.poll = term_file_poll,
	.ioctl = tty_ioctl,
	.close = term_file_close,
};

void pty_init(void)
{
	(void)vfs_register_chrdev(5, 2, &pty_fops, true);
	(void)vfs_register_chrdev(TERM_PTS_MAJOR, VFS_ANY_MINOR, &pty_fops, true);
	(void)vfs_register_fstype(&devpts_type);
}
