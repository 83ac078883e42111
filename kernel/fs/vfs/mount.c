/*
 * mount.c — the mount tree of the one namespace (fs/vfs.h): the mount table, the file system
 * type registry (tmpfs and ramfs built in), mounting a new instance, bind mounts, remounts,
 * moves and unmounts (lazy ones too), the namespace's root, the path of a place in it
 * (getcwd) and the /proc/mounts text.
 *
 * A mount is attached at (parent mount, mount point dentry); the walker crosses into the
 * topmost mount attached at a dentry whose `mounts` count is non-zero (mount_on_locked), and
 * ".." at a mount's root leaves to the parent's mount point. Mounts are few: a list is the
 * table.
 */
#include <fs/vfs_internal.h>
#include <fw/frame.h>
#include <fw/strbuf.h>
#include <fw/typecache.h>

DEFINE_LIST(mount_list, struct vfs_mount, link, rwsem);
DEFINE_TYPE_CACHE(vfs_mount_cache, struct vfs_mount);
struct mount_pathbuf {
	u8 b[VFS_PATH_MAX];
};
DEFINE_TYPE_CACHE(mount_pathbuf_cache, struct mount_pathbuf);

static struct mount_list mount_table GUARDED_BY(&vfs_lock);
static u32 next_mount_id GUARDED_BY(&vfs_lock) = 1; /* /proc/PID/mountinfo's first field */
static bool mount_table_ready;

#define VFS_MAX_FSTYPES 16u
static const struct vfs_fstype *fstypes[VFS_MAX_FSTYPES];
static u32 nfstypes;

/* --- file system types --------------------------------------------------------------------- */

int vfs_register_fstype(const struct vfs_fstype *t)
{
	for (u32 i = 0; i < nfstypes && i < VFS_MAX_FSTYPES; i++)
		if (str_eq(fstypes[i]->name, t->name))
			return fstypes[i] == t ? 0 : -EEXIST;
	if (nfstypes >= VFS_MAX_FSTYPES)
		return -ENOSPC;
	fstypes[nfstypes++] = t;
	return 0;
}

static const struct vfs_fstype *fstype_find(struct str name)
{
	for (u32 i = 0; i < nfstypes && i < VFS_MAX_FSTYPES; i++)
		if (str_eq(fstypes[i]->name, name))
			return fstypes[i];
	return NULL;
}

/* parse_size - tmpfs's size=: bytes with an optional k/m/g suffix. */
static struct result_u64 parse_size(struct str v)
{
	u64 mult = 1;
	if (str_ends_with(v, STR("k")) || str_ends_with(v, STR("K")))
		mult = 1ull << 10;
	else if (str_ends_with(v, STR("m")) || str_ends_with(v, STR("M")))
		mult = 1ull << 20;
	else if (str_ends_with(v, STR("g")) || str_ends_with(v, STR("G")))
		mult = 1ull << 30;
	if (mult > 1)
		v = str_head(v, str_len(v) - 1);
	struct result_u64 n = str_parse_u64(v, 10);
	u64 bytes;
	if (n.err || fw_mul_overflow(n.value, mult, &bytes))
		return result_u64_err(-EINVAL);
	return result_u64_ok(bytes);
}

/* memfs_fill - tmpfs and ramfs: a root directory; options size= (tmpfs; half of RAM when not
 * given), mode=, uid=, gid=
 * (nr_inodes= and nr_blocks= are accepted; ramfs ignores what it does not know, as Linux). */
static int memfs_fill(struct vfs_sb *sb, struct str options, struct inode **root, bool tmpfs)
	REQUIRES(vfs_lock)
{
	u32 mode = tmpfs ? 01777 : 0755, uid = 0, gid = 0;
	if (tmpfs) /* Linux's default size: half of RAM (df shows it; size=0 means no limit) */
		sb->max_bytes = frame_stat_total() * FRAME_SIZE / 2;
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
		struct result_u64 n = result_u64_err(-EINVAL);
		if (str_eq(key, STR("size")) && tmpfs) {
			n = parse_size(val);
			if (!n.err)
				sb->max_bytes = (n.value + 4095) / 4096 * 4096;
		} else if (str_eq(key, STR("mode"))) {
			n = str_parse_u64(val, 8);
			if (!n.err)
				mode = (u32)n.value & 07777;
		} else if (str_eq(key, STR("uid")) || str_eq(key, STR("gid"))) {
			n = str_parse_u64(val, 10);
			if (!n.err && n.value <= 0xffffffffull) {
				if (str_eq(key, STR("uid")))
					uid = (u32)n.value;
				else
					gid = (u32)n.value;
			}
		} else if (tmpfs && (str_eq(key, STR("nr_inodes")) || str_eq(key, STR("nr_blocks")))) {
			n = parse_size(val);
		} else if (!tmpfs) {
			continue; /* ramfs ignores unknown options */
		}
		if (n.err)
			return -EINVAL;
	}
	struct inode *ip = ramfs_new_inode(sb, VFS_S_IFDIR | mode);
	if (!ip)
		return -ENOMEM;
	ip->uid = uid;
	ip->gid = gid;
	*root = ip;
	return 0;
}

int vfs_memfs_fill(struct vfs_sb *sb, struct str options, struct inode **root)
{
	return memfs_fill(sb, options, root, true);
}

static int ramfs_fill(struct vfs_sb *sb, struct str options, struct inode **root)
	REQUIRES(vfs_lock)
{
	return memfs_fill(sb, options, root, false);
}

void vfs_memfs_show(struct vfs_sb *sb, struct strbuf *out)
{
	/* Linux's shmem_show_options: what differs from the defaults, then inode64 (inode numbers
	 * are 64-bit here) */
	if (sb->max_bytes != frame_stat_total() * FRAME_SIZE / 2)
		STRBUF_FMT(out, ",size=%uk", sb->max_bytes / 1024);
	struct inode *r = sb->root ? sb->root->inode : NULL;
	if (r) {
		mutex_lock(&r->lock);
		u32 mode = r->mode & 07777, uid = r->uid, gid = r->gid;
		mutex_unlock(&r->lock);
		if (mode != 01777)
			STRBUF_FMT(out, ",mode=%03o", mode);
		if (uid)
			STRBUF_FMT(out, ",uid=%u", uid);
		if (gid)
			STRBUF_FMT(out, ",gid=%u", gid);
	}
	strbuf_add(out, STR(",inode64"));
}

static const struct vfs_fstype tmpfs_type = {
	.name = STR("tmpfs"), .magic = VFS_TMPFS_MAGIC, .fill = vfs_memfs_fill,
	.show = vfs_memfs_show,
};
static const struct vfs_fstype ramfs_type = {
	.name = STR("ramfs"), .magic = VFS_RAMFS_MAGIC, .fill = ramfs_fill,
};
/* The initial root's type: a ramfs that /proc/mounts names "rootfs", as Linux (not mountable by
 * that name). */
static const struct vfs_fstype rootfs_type = {
	.name = STR("rootfs"), .magic = VFS_RAMFS_MAGIC, .fill = ramfs_fill,
};

/* --- mounts and paths ---------------------------------------------------------------------- */

u32 vfs_mnt_flags(struct vfs_mount *m)
{
	if (!m)
		return 0;
	down_write(&vfs_lock);
	u32 f = m->flags;
	up_write(&vfs_lock);
	return f;
}

static void mnt_put_locked(struct vfs_mount *m) REQUIRES(vfs_lock)
{
	if (!m || !refcount_put(&m->refs))
		return;
	vfs_dentry_put_locked(m->mountpoint);
	/* the file system's last mount: its tree goes (dentries someone still holds stay,
	 * dead, until they are let go) */
	if (--m->sb->mounts == 0 && m->sb->root) {
		vfs_tree_kill_locked(m->sb->root);
		m->sb->root = NULL;
	}
	vfs_dentry_put_locked(m->root);
	vfs_sb_put(m->sb);
	vfs_mount_cache_free(m);
}

void vfs_path_get(struct vfs_path p)
{
	if (p.mnt)
		refcount_get(&p.mnt->refs);
	if (p.dentry)
		vfs_dentry_get(p.dentry);
}

void vfs_path_put_locked(struct vfs_path p)
{
	vfs_dentry_put_locked(p.dentry);
	mnt_put_locked(p.mnt);
}

void vfs_path_put(struct vfs_path p)
{
	/* As vfs_dentry_put: the lock only for a last reference (an attached mount keeps the
	 * table's). */
	bool dentry_done = !p.dentry || refcount_put_not_last(&p.dentry->refs);
	bool mnt_done = !p.mnt || refcount_put_not_last(&p.mnt->refs);
	if (dentry_done && mnt_done)
		return;
	down_write(&vfs_lock);
	if (!dentry_done)
		vfs_dentry_put_locked(p.dentry);
	if (!mnt_done)
		mnt_put_locked(p.mnt);
	up_write(&vfs_lock);
}

void vfs_ctx_get(struct vfs_ctx *c)
{
	vfs_path_get(c->root);
	vfs_path_get(c->cwd);
}

/* A context's paths change under vfs_lock, so another process may read them under it
 * (/proc/PID/cwd and root): what it reads is whole, and stays referenced while it holds it. */
void vfs_ctx_put(struct vfs_ctx *c)
{
	down_write(&vfs_lock);
	struct vfs_path cwd = c->cwd, root = c->root;
	c->cwd = c->root = (struct vfs_path){ 0 };
	vfs_path_put_locked(cwd);
	vfs_path_put_locked(root);
	up_write(&vfs_lock);
}

void vfs_ctx_set_cwd(struct vfs_ctx *c, struct vfs_path p)
{
	down_write(&vfs_lock);
	struct vfs_path old = c->cwd;
	c->cwd = p;
	vfs_path_put_locked(old);
	up_write(&vfs_lock);
}

void vfs_ctx_set_root(struct vfs_ctx *c, struct vfs_path p)
{
	down_write(&vfs_lock);
	struct vfs_path old = c->root;
	c->root = p;
	vfs_path_put_locked(old);
	up_write(&vfs_lock);
}

struct vfs_mount *vfs_mount_on_locked(struct vfs_mount *parent, struct dentry *d)
{
	if (!d->mounts)
		return NULL;
	for (struct vfs_mount *m = mount_list_last(&mount_table); m;
	     m = mount_list_prev(&mount_table, m))
		if (m->parent == parent && m->mountpoint == d)
			return m;
	return NULL;
}

/* top_locked - the topmost mount stacked at p, as a path (p itself when none). */
static struct vfs_path top_locked(struct vfs_path p) REQUIRES(vfs_lock)
{
	for (u32 guard = 0; guard < 1000; guard++) {
		struct vfs_mount *m = vfs_mount_on_locked(p.mnt, p.dentry);
		if (!m)
			break;
		p = (struct vfs_path){ .mnt = m, .dentry = m->root };
	}
	return p;
}

/* mount_alloc - a detached mount of `root` (a reference taken) in `sb` (one taken). */
static struct vfs_mount *mount_alloc(struct dentry *root, struct vfs_sb *sb, u32 flags,
				     struct str source) REQUIRES(vfs_lock)
{
	struct vfs_mount *m = vfs_mount_cache_alloc();
	if (!m)
		return NULL;
	refcount_init(&m->refs, 1); /* the table's, once attached */
	m->id = next_mount_id++;
	vfs_dentry_get(root);
	m->root = root;
	refcount_get(&sb->refs);
	m->sb = sb;
	sb->mounts++;
	m->flags = flags & VFS_MNT_FLAGS;
	struct result_size n = str_copy_to(BYTES_OF_ARRAY(m->source), str_head(source, VFS_MNT_SOURCE_MAX));
	m->source_len = n.err ? 0 : n.value;
	return m;
}

/* attach_locked - m goes on the table at `at` (its mount point takes a reference). */
static void attach_locked(struct vfs_mount *m, struct vfs_path at) REQUIRES(vfs_lock)
{
	m->parent = at.mnt;
	m->mountpoint = at.dentry;
	if (at.dentry) {
		vfs_dentry_get(at.dentry);
		at.dentry->mounts++;
	}
	mount_list_push_back(&mount_table, m);
}

/* detach_locked - m leaves the table; its mount point reference stays until it is freed. */
static void detach_locked(struct vfs_mount *m) REQUIRES(vfs_lock)
{
	mount_list_remove(&mount_table, m);
	if (m->mountpoint)
		m->mountpoint->mounts--;
	m->parent = NULL;
}

static bool has_children_locked(struct vfs_mount *m) REQUIRES(vfs_lock)
{
	LIST_FOR_EACH(mount_list, &mount_table, c)
		if (c->parent == m)
			return true;
	return false;
}

struct path_result vfs_init(void)
{
	(void)vfs_register_fstype(&tmpfs_type);
	(void)vfs_register_fstype(&ramfs_type);
	struct vfs_sb *sb = vfs_sb_new(VFS_RAMFS_MAGIC);
	if (!sb)
		return path_result_err(-ENOMEM);
	sb->type = &rootfs_type;
	down_write(&vfs_lock);
	if (!mount_table_ready) {
		mount_list_init(&mount_table, &vfs_lock);
		mount_table_ready = true;
	}
	struct path_result r = path_result_err(-ENOMEM);
	struct inode *ip = ramfs_new_inode(sb, VFS_S_IFDIR | 0755);
	struct dentry_result d = ip ? vfs_dentry_new_locked(NULL, STR("/"), ip)
				    : dentry_result_err(-ENOMEM);
	if (d.err) {
		vfs_inode_put(ip);
	} else {
		sb->root = d.value;
		struct vfs_mount *m = mount_alloc(d.value, sb, 0, STR("rootfs"));
		if (m) {
			attach_locked(m, (struct vfs_path){ 0 });
			struct vfs_path p = { .mnt = m, .dentry = d.value };
			vfs_path_get(p);
			r = path_result_ok(p);
		}
		vfs_dentry_put_locked(d.value); /* the mount (and sb->root) hold it */
	}
	up_write(&vfs_lock);
	vfs_sb_put(sb);
	vfs_pipefs_init();
	vfs_memfd_init();
	return r;
}

struct vfs_mount *vfs_internal_mount_locked(struct vfs_sb *sb, struct str source)
{
	struct inode *ip = ramfs_new_inode(sb, VFS_S_IFDIR | 0755);
	struct dentry_result d = ip ? vfs_dentry_new_locked(NULL, STR("/"), ip)
				    : dentry_result_err(-ENOMEM);
	if (d.err) {
		vfs_inode_put(ip);
		return NULL;
	}
	sb->root = d.value;
	struct vfs_mount *m = mount_alloc(d.value, sb, 0, source);
	vfs_dentry_put_locked(d.value); /* the mount holds it (or nothing: freed) */
	if (!m)
		sb->root = NULL;
	return m;
}

struct dentry_result vfs_pseudo_dentry_locked(struct vfs_mount *m, struct str name,
					      struct inode *ip)
{
	refcount_get(&ip->refs); /* the dentry's */
	struct dentry_result d = vfs_dentry_new_locked(NULL, name, ip);
	if (d.err) {
		vfs_inode_put(ip);
		return d;
	}
	vfs_dentry_hang_dead_locked(d.value, m->root);
	return d;
}

/* resolve_locked - the path `path` names, with a reference; the mount stacked on top of it
 * when the walk ended on a mount point it did not cross (".", "/"). */
static struct path_result resolve_locked(const struct vfs_ctx *c, struct str path, bool follow)
	REQUIRES(vfs_lock)
{
	struct path_result r = vfs_walk_path_locked(c, path, follow ? WALK_FINAL_FOLLOW : WALK_FINAL_NOFOLLOW, NULL);
	if (r.err)
		return r;
	r.value = top_locked(r.value);
	vfs_path_get(r.value);
	return r;
}

static bool is_dir(const struct inode *ip)
{
	return (ip->mode & VFS_S_IFMT) == VFS_S_IFDIR;
}

int vfs_mount_new(const struct vfs_ctx *c, struct str type, struct str source, struct str target,
		  u32 flags, struct str options)
{
	if (c->cred.euid != 0)
		return -EPERM;
	const struct vfs_fstype *t = fstype_find(type);
	if (!t)
		return -ENODEV;
	struct vfs_sb *sb = vfs_sb_new(t->magic);
	if (!sb)
		return -ENOMEM;
	sb->type = t;
	down_write(&vfs_lock);
	struct path_result at = resolve_locked(c, target, true);
	int e = at.err;
	if (!e && !is_dir(at.value.dentry->inode))
		e = -ENOTDIR;
	if (!e && vfs_dentry_dead(at.value.dentry))
		e = -ENOENT; /* a removed directory cannot become a mount point */
	struct inode *ip = NULL;
	if (!e)
		e = t->fill(sb, options, &ip);
	struct dentry_result d = e ? dentry_result_err(e) : vfs_dentry_new_locked(NULL, STR("/"), ip);
	if (d.err && ip)
		vfs_inode_put(ip);
	e = d.err;
	struct vfs_path fresh = { 0 };
	if (!e) {
		sb->root = d.value;
		struct vfs_mount *m = mount_alloc(d.value, sb, flags, source);
		if (m) {
			attach_locked(m, at.value);
			fresh = (struct vfs_path){ .mnt = m, .dentry = d.value };
			vfs_path_get(fresh);
		} else {
			e = -ENOMEM;
		}
		vfs_dentry_put_locked(d.value);
	}
	if (!at.err)
		vfs_path_put_locked(at.value);
	up_write(&vfs_lock);
	vfs_sb_put(sb);
	if (!e && t->populate) {
		struct vfs_ctx in = { .root = fresh, .cwd = fresh, .cred = c->cred };
		e = t->populate(&in);
		if (e) { /* take the half-made mount away again */
			down_write(&vfs_lock);
			if (fresh.mnt->parent) {
				detach_locked(fresh.mnt);
				mnt_put_locked(fresh.mnt);
			}
			up_write(&vfs_lock);
		}
	}
	vfs_path_put(fresh);
	return e;
}

int vfs_mount_ramfs(const struct vfs_ctx *c, struct str path)
{
	return vfs_mount_new(c, STR("tmpfs"), STR("tmpfs"), path, 0, STR(""));
}

/* below_locked - dentry d is `top` or below it within one mount's tree. */
static bool below_locked(struct dentry *d, struct dentry *top) REQUIRES(vfs_lock)
{
	for (u32 guard = 0; guard < 100000; guard++) {
		if (d == top)
			return true;
		if (d->parent == d)
			return false;
		d = d->parent;
	}
	return false;
}

#define RBIND_MAX 64 /* mounts an MS_REC bind copies at most (more: ENOMEM, nothing made) */

/* rbind_locked - MS_BIND | MS_REC: copies of the mounts below src (at any depth), attached
 * in `top` (the bind of src) where the originals are in src. The list is taken before anything
 * is attached, so a bind into its own subtree copies what was there, once. */
static int rbind_locked(struct vfs_path src, struct vfs_mount *top) REQUIRES(vfs_lock)
{
	struct vfs_mount *orig[RBIND_MAX], *copy[RBIND_MAX];
	u32 up[RBIND_MAX]; /* the index of each one's parent in orig (RBIND_MAX: src) */
	u32 n = 0;
	for (bool grew = true; grew;) {
		grew = false;
		LIST_FOR_EACH(mount_list, &mount_table, x) {
			bool seen = false;
			u32 parent = RBIND_MAX + 1;
			for (u32 i = 0; i < n && i < RBIND_MAX; i++) {
				seen = seen || orig[i] == x;
				if (orig[i] == x->parent)
					parent = i;
			}
			if (x->parent == src.mnt && x->mountpoint && below_locked(x->mountpoint, src.dentry))
				parent = RBIND_MAX;
			if (seen || parent > RBIND_MAX || x == top)
				continue;
			if (n >= RBIND_MAX)
				return -ENOMEM;
			orig[n] = x;
			up[n] = parent;
			n++;
			grew = true;
		}
	}
	for (u32 i = 0; i < n && i < RBIND_MAX; i++) {
		struct vfs_mount *o = orig[i];
		copy[i] = mount_alloc(o->root, o->sb, o->flags,
				      str_from_bytes(bytes_head(BYTES_OF_ARRAY(o->source), o->source_len)));
		if (!copy[i]) {
			/* undo: the copies made so far are on the table below top */
			for (u32 j = i; j > 0; j--) {
				detach_locked(copy[j - 1]);
				mnt_put_locked(copy[j - 1]);
			}
			return -ENOMEM;
		}
		struct vfs_mount *in = up[i] == RBIND_MAX ? top : copy[up[i] < i ? up[i] : 0];
		attach_locked(copy[i], (struct vfs_path){ .mnt = in, .dentry = o->mountpoint });
	}
	return 0;
}

int vfs_mount_bind(const struct vfs_ctx *c, struct str source, struct str target, u32 flags,
		   bool recursive)
{
	if (c->cred.euid != 0)
		return -EPERM;
	down_write(&vfs_lock);
	struct path_result src = resolve_locked(c, source, true);
	struct path_result at = src.err ? src : resolve_locked(c, target, true);
	int e = at.err;
	if (!e && is_dir(src.value.dentry->inode) != is_dir(at.value.dentry->inode))
		e = -ENOTDIR;
	if (!e && (vfs_dentry_dead(src.value.dentry) || vfs_dentry_dead(at.value.dentry)))
		e = -ENOENT;
	if (!e) {
		struct vfs_mount *m = mount_alloc(src.value.dentry, src.value.mnt->sb, flags,
						  str_from_bytes(bytes_head(BYTES_OF_ARRAY(src.value.mnt->source),
									    src.value.mnt->source_len)));
		if (m)
			attach_locked(m, at.value);
		else
			e = -ENOMEM;
		if (m && recursive) {
			e = rbind_locked(src.value, m);
			if (e) {
				detach_locked(m);
				mnt_put_locked(m);
			}
		}
	}
	if (!src.err)
		vfs_path_put_locked(src.value);
	if (!src.err && !at.err)
		vfs_path_put_locked(at.value);
	up_write(&vfs_lock);
	return e;
}

/* mount_root_locked - the mount whose root `target` names (-EINVAL when it names none). */
static struct path_result mount_root_locked(const struct vfs_ctx *c, struct str target, bool follow)
	REQUIRES(vfs_lock)
{
	struct path_result p = resolve_locked(c, target, follow);
	if (!p.err && p.value.dentry != p.value.mnt->root) {
		vfs_path_put_locked(p.value);
		return path_result_err(-EINVAL);
	}
	return p;
}

int vfs_mount_remount(const struct vfs_ctx *c, struct str target, u32 flags, bool bind_only,
		      struct str options)
{
	(void)bind_only; /* per-mount flags only: the memory file systems' options stay */
	(void)options;
	if (c->cred.euid != 0)
		return -EPERM;
	down_write(&vfs_lock);
	struct path_result p = mount_root_locked(c, target, true);
	if (!p.err) {
		p.value.mnt->flags = flags & VFS_MNT_FLAGS;
		vfs_path_put_locked(p.value);
	}
	up_write(&vfs_lock);
	return p.err;
}

/* under_locked - m is `top` or mounted (at any depth) below it. */
static bool under_locked(struct vfs_mount *m, struct vfs_mount *top) REQUIRES(vfs_lock)
{
	for (u32 guard = 0; m && guard < 10000; guard++, m = m->parent)
		if (m == top)
			return true;
	return false;
}

int vfs_mount_move(const struct vfs_ctx *c, struct str source, struct str target)
{
	if (c->cred.euid != 0)
		return -EPERM;
	down_write(&vfs_lock);
	struct path_result src = mount_root_locked(c, source, true);
	struct path_result at = src.err ? src : resolve_locked(c, target, true);
	int e = at.err;
	if (!e && !src.value.mnt->parent)
		e = -EINVAL; /* the namespace's root */
	if (!e && under_locked(at.value.mnt, src.value.mnt))
		e = -ELOOP; /* into itself */
	if (!e && is_dir(src.value.dentry->inode) != is_dir(at.value.dentry->inode))
		e = -ENOTDIR;
	if (!e && vfs_dentry_dead(at.value.dentry))
		e = -ENOENT;
	if (!e) {
		struct vfs_mount *m = src.value.mnt;
		struct dentry *old_mp = m->mountpoint;
		detach_locked(m);
		m->mountpoint = NULL;
		attach_locked(m, at.value);
		vfs_dentry_put_locked(old_mp);
	}
	if (!src.err)
		vfs_path_put_locked(src.value);
	if (!src.err && !at.err)
		vfs_path_put_locked(at.value);
	up_write(&vfs_lock);
	return e;
}

/* reachable_locked - p is `top` or below it, through dentry parents and mount points. */
static bool reachable_locked(struct vfs_path p, struct vfs_path top) REQUIRES(vfs_lock)
{
	for (u32 guard = 0; guard < 100000; guard++) {
		if (p.mnt == top.mnt && p.dentry == top.dentry)
			return true;
		if (p.dentry == p.mnt->root) {
			if (!p.mnt->parent)
				return false;
			p = (struct vfs_path){ .mnt = p.mnt->parent, .dentry = p.mnt->mountpoint };
		} else {
			p.dentry = p.dentry->parent;
		}
	}
	return false;
}

/* pivot_checks - Linux's pivot_root(2) rules for the root `root` (the order Debian's kernel
 * answers in: the root's own checks before EBUSY). */
static int pivot_checks(struct vfs_path root, struct vfs_path nr, struct vfs_path po)
	REQUIRES(vfs_lock)
{
	if (!is_dir(nr.dentry->inode) || !is_dir(po.dentry->inode))
		return -ENOTDIR;
	if (vfs_dentry_dead(nr.dentry) || vfs_dentry_dead(po.dentry))
		return -ENOENT;
	if (root.dentry != root.mnt->root || !root.mnt->parent)
		return -EINVAL; /* the root is not a mount's root, or is the namespace's */
	if (nr.mnt == root.mnt || po.mnt == root.mnt)
		return -EBUSY; /* on the root's own mount */
	if (nr.dentry != nr.mnt->root || !nr.mnt->parent)
		return -EINVAL; /* new_root is not a mount's root */
	if (!reachable_locked(po, nr))
		return -EINVAL; /* put_old not at or under new_root */
	if (!reachable_locked(nr, root))
		return -EINVAL; /* new_root not under the root */
	return 0;
}

/* The last pivot_root, for the processes that have not caught up with it (vfs_pivot_catch_up):
 * its old root by ids (a mount's or dentry's id is never reused, so no reference keeps the
 * old root busy for umount) and its new root, with a reference. pivot_count counts them. */
static struct atomic_u64 pivot_count;
static u32 pivot_old_mnt GUARDED_BY(&vfs_lock);
static u64 pivot_old_dentry GUARDED_BY(&vfs_lock);
static struct vfs_path pivot_new GUARDED_BY(&vfs_lock);

u64 vfs_pivot_count(void)
{
	return atomic_u64_load(&pivot_count);
}

static bool is_old_root_locked(struct vfs_path p) REQUIRES(vfs_lock)
{
	return p.mnt && p.dentry && p.mnt->id == pivot_old_mnt && p.dentry->id == pivot_old_dentry;
}

struct vfs_pivot_move vfs_pivot_catch_up(const struct vfs_ctx *c, u64 *seen)
{
	struct vfs_pivot_move m = { 0 };
	down_write(&vfs_lock);
	if (pivot_new.mnt) {
		m.root_moves = is_old_root_locked(c->root);
		m.cwd_moves = is_old_root_locked(c->cwd);
		if (m.root_moves) {
			m.root = pivot_new;
			vfs_path_get(m.root);
		}
		if (m.cwd_moves) {
			m.cwd = pivot_new;
			vfs_path_get(m.cwd);
		}
	}
	*seen = atomic_u64_load(&pivot_count);
	up_write(&vfs_lock);
	return m;
}

int vfs_pivot_root(const struct vfs_ctx *c, struct str new_root, struct str put_old,
		   struct vfs_path *out)
{
	struct vfs_path replaced = { 0 };
	if (c->cred.euid != 0)
		return -EPERM;
	down_write(&vfs_lock);
	struct path_result nr = resolve_locked(c, new_root, true);
	struct path_result po = nr.err ? nr : resolve_locked(c, put_old, true);
	int e = po.err;
	if (!e)
		e = pivot_checks(c->root, nr.value, po.value);
	if (!e) {
		struct vfs_mount *rm = c->root.mnt, *nm = nr.value.mnt;
		struct vfs_mount *rparent = rm->parent;
		struct dentry *rmp = rm->mountpoint, *nmp = nm->mountpoint; /* their references */
		detach_locked(nm);
		nm->mountpoint = NULL;
		detach_locked(rm);
		rm->mountpoint = NULL;
		attach_locked(rm, po.value); /* the old root at put_old */
		attach_locked(nm, (struct vfs_path){ .mnt = rparent, .dentry = rmp }); /* new in its place */
		vfs_dentry_put_locked(rmp);
		vfs_dentry_put_locked(nmp);
		*out = (struct vfs_path){ .mnt = nm, .dentry = nm->root };
		vfs_path_get(*out);
		/* every other process whose root or cwd was the old root moves at its next call */
		replaced = pivot_new;
		pivot_new = *out;
		vfs_path_get(pivot_new);
		pivot_old_mnt = c->root.mnt->id;
		pivot_old_dentry = c->root.dentry->id;
		atomic_u64_store(&pivot_count, atomic_u64_load(&pivot_count) + 1);
	}
	if (!nr.err)
		vfs_path_put_locked(nr.value);
	if (!po.err)
		vfs_path_put_locked(po.value);
	if (replaced.mnt)
		vfs_path_put_locked(replaced);
	up_write(&vfs_lock);
	return e;
}

int vfs_umount(const struct vfs_ctx *c, struct str target, bool detach, bool nofollow)
{
	if (c->cred.euid != 0)
		return -EPERM;
	down_write(&vfs_lock);
	struct path_result p = mount_root_locked(c, target, !nofollow);
	int e = p.err;
	struct vfs_mount *m = e ? NULL : p.value.mnt;
	if (!e && !m->parent)
		e = -EINVAL; /* the namespace's root (or already detached) */
	/* in use: the table's reference and the one just taken are all there may be */
	if (!e && !detach && (has_children_locked(m) || refcount_read(&m->refs) > 2))
		e = -EBUSY;
	if (!e) {
		/* a lazy unmount takes every mount below along (children first is not needed:
		 * each is detached, then its table reference dropped) */
		for (u32 guard = 0; guard < 10000; guard++) {
			struct vfs_mount *child = NULL;
			LIST_FOR_EACH(mount_list, &mount_table, x)
				if (x != m && under_locked(x, m))
					child = x;
			if (!child)
				break;
			detach_locked(child);
			mnt_put_locked(child);
		}
		detach_locked(m);
		mnt_put_locked(m); /* the table's reference */
	}
	if (!p.err)
		vfs_path_put_locked(p.value);
	up_write(&vfs_lock);
	return e;
}

/* --- the whole namespace ------------------------------------------------------------------- */

void vfs_free_tree(struct vfs_path top)
{
	down_write(&vfs_lock);
	/* First the roots of bind mounts whose directory was removed: dead, so no tree walk
	 * below reaches them; each mount drops its reference (the last one frees it) while
	 * their parents are still alive. */
	if (mount_table_ready)
		LIST_FOR_EACH(mount_list, &mount_table, x)
			if (under_locked(x, top.mnt) && x->root && vfs_dentry_dead(x->root)) {
				vfs_dentry_put_locked(x->root);
				x->root = NULL;
			}
	for (u64 guard = 0; mount_table_ready && guard < (1ull << 32); guard++) {
		struct vfs_mount *m = NULL;
		LIST_FOR_EACH(mount_list, &mount_table, x)
			if (under_locked(x, top.mnt))
				m = x;
		if (!m)
			break;
		mount_list_remove(&mount_table, m);
		if (m->sb->root) {
			vfs_free_tree_locked(m->sb->root);
			m->sb->root = NULL;
		}
		vfs_sb_put(m->sb);
		vfs_mount_cache_free(m);
	}
	up_write(&vfs_lock);
}

/* --- paths as text ------------------------------------------------------------------------- */

/* path_text - the text of d as `root` sees it into dst (vfs_path_of_locked); `in_fs`: only
 * within d's file system, from its root (mountinfo's root field: where a bind mount starts). */
static struct result_size path_text(struct vfs_path root, struct vfs_path d, struct bytes dst,
				    bool in_fs) REQUIRES(vfs_lock);

struct result_size vfs_path_of_locked(struct vfs_path root, struct vfs_path d, struct bytes dst)
{
	return path_text(root, d, dst, false);
}

static struct result_size path_text(struct vfs_path root, struct vfs_path d, struct bytes dst,
				    bool in_fs)
{
	/* Built from the end of dst backwards, then moved to the front. */
	size_t end = bytes_len(dst), pos = end;
	if (pos == 0 || bytes_put_u8(dst, --pos, 0))
		goto range;
	for (u32 guard = 0; guard < 100000; guard++) {
		if (d.mnt == root.mnt && d.dentry == root.dentry)
			break;
		if (in_fs && d.dentry->parent == d.dentry)
			break;
		if (!in_fs && (d.dentry == d.mnt->root || d.dentry->parent == d.dentry)) {
			if (!d.mnt->parent)
				break; /* outside the root: shown from the namespace's root */
			d = (struct vfs_path){ .mnt = d.mnt->parent, .dentry = d.mnt->mountpoint };
			continue;
		}
		if (vfs_dentry_dead(d.dentry)) {
			return result_size_err(-ENOENT);
		}
		struct str name = vfs_dentry_name(d.dentry);
		if (pos < str_len(name) + 1)
			goto range;
		pos -= str_len(name);
		if (str_copy_to(bytes_skip(dst, pos).value, name).err || bytes_put_u8(dst, --pos, '/'))
			goto range;
		d.dentry = d.dentry->parent;
	}
	if (pos == end - 1) { /* the root itself */
		if (pos == 0 || bytes_put_u8(dst, --pos, '/'))
			goto range;
	}
	struct bytes_result tail = bytes_sub(dst, pos, end - pos);
	if (tail.err || bytes_copy(dst, tail.value))
		return result_size_err(-ERANGE);
	return result_size_ok(end - pos);
range:
	return result_size_err(-ERANGE);
}

struct result_size vfs_path_of(struct vfs_path root, struct vfs_path d, struct bytes dst)
{
	down_write(&vfs_lock);
	struct result_size r = vfs_path_of_locked(root, d, dst);
	up_write(&vfs_lock);
	return r;
}

struct result_size vfs_fstypes_show(struct bytes dst)
{
	struct strbuf out = strbuf_over(dst);
	for (u32 i = 0; i < nfstypes && i < VFS_MAX_FSTYPES; i++) {
		strbuf_add(&out, STR("nodev\t"));
		strbuf_add(&out, fstypes[i]->name);
		strbuf_add_char(&out, '\n');
	}
	return strbuf_err(&out) ? result_size_err(-ERANGE) : result_size_ok(strbuf_len(&out));
}

/* One mount as /proc/mounts and mountinfo show it (copied under vfs_lock). */
struct mount_view {
	struct vfs_path at; /* its root, with references */
	u32 id, parent_id, flags, dev_major, dev_minor;
	struct str type, source, opts;
	u8 srcbuf[VFS_MNT_SOURCE_MAX];
	u8 optbuf[96]; /* the file system's options (its type's show) */
};

/* mount_view_at - the i-th mount of the table into *v (references taken): false past the end. */
static bool mount_view_at(u32 i, struct mount_view *v)
{
	v->at = (struct vfs_path){ 0 };
	v->type = STR("none");
	v->source = STR("none");
	v->opts = str_empty();
	down_write(&vfs_lock);
	u32 k = 0;
	LIST_FOR_EACH(mount_list, &mount_table, m) {
		if (k++ != i)
			continue;
		v->at = (struct vfs_path){ .mnt = m, .dentry = m->root };
		vfs_path_get(v->at);
		v->id = m->id;
		v->parent_id = m->parent ? m->parent->id : m->id;
		v->flags = m->flags;
		v->dev_major = m->sb->dev_major;
		v->dev_minor = m->sb->dev_minor;
		if (m->sb->type)
			v->type = m->sb->type->name;
		if (m->sb->type && m->sb->type->show) {
			struct strbuf ob = strbuf_over(BYTES_OF_ARRAY(v->optbuf));
			m->sb->type->show(m->sb, &ob);
			if (!strbuf_err(&ob))
				v->opts = strbuf_str(&ob);
		}
		struct bytes_result sb = bytes_sub(BYTES_OF_ARRAY(v->srcbuf), 0, m->source_len);
		if (!sb.err && m->source_len &&
		    !bytes_copy(sb.value, bytes_head(BYTES_OF_ARRAY(m->source), m->source_len)))
			v->source = str_from_bytes(sb.value);
	}
	up_write(&vfs_lock);
	return v->at.mnt != NULL;
}

/* mount_opts - the per-mount options as /proc/mounts prints them ("rw,nosuid,relatime"). */
static void mount_opts(struct strbuf *out, u32 flags)
{
	strbuf_add(out, (flags & VFS_MNT_RDONLY) ? STR("ro") : STR("rw"));
	if (flags & VFS_MNT_NOSUID)
		strbuf_add(out, STR(",nosuid"));
	if (flags & VFS_MNT_NODEV)
		strbuf_add(out, STR(",nodev"));
	if (flags & VFS_MNT_NOEXEC)
		strbuf_add(out, STR(",noexec"));
	strbuf_add(out, (flags & VFS_MNT_NOATIME) ? STR(",noatime") : STR(",relatime"));
}

/* mounts_show - /proc/mounts, or (info) /proc/PID/mountinfo: "ID PARENT MAJ:MIN ROOT
 * MOUNTPOINT OPTIONS - TYPE SOURCE SUPEROPTIONS" (no optional fields: every mount is
 * private). Mounts outside `root` are left out. */
static struct result_size mounts_show(struct vfs_path root, struct bytes dst, bool info)
{
	struct strbuf out = strbuf_over(dst);
	struct mount_pathbuf *pb = mount_pathbuf_cache_alloc();
	struct mount_pathbuf *rb = info ? mount_pathbuf_cache_alloc() : NULL;
	if (!pb || (info && !rb)) {
		if (pb)
			mount_pathbuf_cache_free(pb);
		if (rb)
			mount_pathbuf_cache_free(rb);
		return result_size_err(-ENOMEM);
	}
	struct mount_view v;
	for (u32 i = 0; i < 100000 && mount_view_at(i, &v); i++) {
		/* the i-th mount, looked up afresh each time (vfs_path_of takes the lock) */
		down_write(&vfs_lock);
		struct result_size p = path_text(root, v.at, BYTES_OF_ARRAY(pb->b), false);
		struct result_size r = info ? path_text((struct vfs_path){ 0 }, v.at,
							BYTES_OF_ARRAY(rb->b), true)
					    : result_size_ok(0);
		vfs_path_put_locked(v.at);
		up_write(&vfs_lock);
		if (p.err || p.value == 0 || r.err || (info && r.value == 0))
			continue;
		struct str point = str_from_bytes(bytes_head(BYTES_OF_ARRAY(pb->b), p.value - 1));
		if (info) {
			STRBUF_FMT(&out, "%u %u %u:%u ", v.id, v.parent_id, v.dev_major, v.dev_minor);
			strbuf_add(&out, str_from_bytes(bytes_head(BYTES_OF_ARRAY(rb->b), r.value - 1)));
			strbuf_add_char(&out, ' ');
			strbuf_add(&out, point);
			strbuf_add_char(&out, ' ');
			mount_opts(&out, v.flags);
			strbuf_add(&out, STR(" - "));
			strbuf_add(&out, v.type);
			strbuf_add_char(&out, ' ');
			strbuf_add(&out, v.source);
			strbuf_add(&out, (v.flags & VFS_MNT_RDONLY) ? STR(" ro") : STR(" rw"));
			strbuf_add(&out, v.opts);
			strbuf_add_char(&out, '\n');
		} else {
			strbuf_add(&out, v.source);
			strbuf_add_char(&out, ' ');
			strbuf_add(&out, point);
			strbuf_add_char(&out, ' ');
			strbuf_add(&out, v.type);
			strbuf_add_char(&out, ' ');
			mount_opts(&out, v.flags);
			strbuf_add(&out, v.opts);
			strbuf_add(&out, STR(" 0 0\n"));
		}
	}
	mount_pathbuf_cache_free(pb);
	if (rb)
		mount_pathbuf_cache_free(rb);
	if (strbuf_err(&out))
		return result_size_err(-ERANGE);
	return result_size_ok(strbuf_len(&out));
}

struct result_size vfs_mounts_show(struct vfs_path root, struct bytes dst)
{
	return mounts_show(root, dst, false);
}

struct result_size vfs_mountinfo_show(struct vfs_path root, struct bytes dst)
{
	return mounts_show(root, dst, true);
}
