/*
 * namei.c — path lookup (fs/vfs.h): permission checks and the walker. Lookup is iterative
 * (the checker forbids recursion, and a symlink chain must not grow the kernel stack): a
 * small stack of "text still to walk" slices, one per symlink being expanded, VFS_MAX_NEST
 * deep. A removed directory has no children to find: looking a name up in it is -ENOENT.
 */
#include <fs/vfs_internal.h>

static bool is_dir(const struct inode *ip)
{
	return (ip->mode & VFS_S_IFMT) == VFS_S_IFDIR;
}

static bool is_link(const struct inode *ip)
{
	return (ip->mode & VFS_S_IFMT) == VFS_S_IFLNK;
}

int vfs_permission(const struct inode *ip, const struct cred *cred, u32 mask)
{
	mask &= VFS_MAY_READ | VFS_MAY_WRITE | VFS_MAY_EXEC;
	if (cred->fsuid == 0) {
		/* root: everything, except executing a non-directory with no x bit at all */
		if ((mask & VFS_MAY_EXEC) && !is_dir(ip) && !(ip->mode & 0111))
			return -EACCES;
		return 0;
	}
	u32 bits = ip->mode;
	if (cred->fsuid == ip->uid)
		bits >>= 6;
	else if (cred_in_group(cred, ip->gid))
		bits >>= 3;
	return (mask & ~bits & 7) ? -EACCES : 0;
}

int vfs_may_delete_locked(struct dentry *dir, struct dentry *victim, const struct cred *cred)
{
	if (!(dir->inode->mode & VFS_S_ISVTX) || cred->fsuid == 0)
		return 0;
	if (cred->fsuid == victim->inode->uid || cred->fsuid == dir->inode->uid)
		return 0;
	return -EPERM;
}

struct walk {
	struct str rest[VFS_MAX_NEST + 1]; /* [0]: the path; [i>0]: symlink targets */
	u32 depth;
	u32 links;
};

/* next_comp - the next non-empty component at the current depth; false when that level is
 * used up (the caller pops it). */
static bool next_comp(struct str *rest, struct str *comp)
{
	while (str_split_next(rest, '/', comp))
		if (str_len(*comp))
			return true;
	return false;
}

/* level_has_more - whether s holds another non-empty component: any byte but '/' (so
 * usually decided by its first byte, without splitting the component off). */
static bool level_has_more(struct str s)
{
	for (size_t i = 0; i < str_len(s); i++) {
		struct result_u8 b = str_at(s, i);
		if (!b.err && b.value != '/')
			return true;
	}
	return false;
}

static bool is_dot(struct str c)
{
	if (str_len(c) != 1)
		return false;
	struct result_u8 b = str_at(c, 0);
	return !b.err && b.value == '.';
}

static bool is_dotdot(struct str c)
{
	if (str_len(c) != 2)
		return false;
	struct result_u8 a = str_at(c, 0), b = str_at(c, 1);
	return !a.err && !b.err && a.value == '.' && b.value == '.';
}

static bool is_last(const struct walk *w)
{
	for (u32 i = 0; i <= w->depth && i <= VFS_MAX_NEST; i++)
		if (level_has_more(w->rest[i]))
			return false;
	return true;
}

struct path_result vfs_walk_path_locked(const struct vfs_ctx *c, struct str path,
					enum walk_mode mode, struct str *last)
{
	struct walk w = { .depth = 0, .links = 0 };
	if (str_len(path) == 0)
		return path_result_err(-ENOENT);
	if (str_len(path) >= VFS_PATH_MAX)
		return path_result_err(-ENAMETOOLONG);
	bool must_dir = str_ends_with(path, STR("/"));
	u32 resolve = c->resolve;
	struct vfs_path cur = str_starts_with(path, STR("/")) ? c->root : c->cwd;
	if ((resolve & VFS_RESOLVE_BENEATH) && str_starts_with(path, STR("/")))
		return path_result_err(-EXDEV);
	w.rest[0] = path;
	if (last)
		*last = STR(".");
	for (;;) {
		struct str comp;
		u32 lvl = w.depth < VFS_MAX_NEST ? w.depth : VFS_MAX_NEST;
		struct str level = w.rest[lvl];
		bool got = next_comp(&level, &comp);
		w.rest[lvl] = level;
		if (!got) {
			if (w.depth == 0)
				break;
			w.depth--;
			continue;
		}
		struct inode *dip = cur.dentry->inode;
		if (!is_dir(dip))
			return path_result_err(-ENOTDIR);
		int e = vfs_permission(dip, &c->cred, VFS_MAY_EXEC);
		if (e)
			return path_result_err(e);
		if (str_len(comp) > VFS_NAME_MAX)
			return path_result_err(-ENAMETOOLONG);
		/* whether this is the last component matters only for WALK_PARENT and symlinks */
		if (mode == WALK_PARENT && is_last(&w)) {
			if (last)
				*last = comp;
			return path_result_ok(cur);
		}
		if (is_dot(comp))
			continue;
		if (is_dotdot(comp)) {
			/* never above the process root; from a mount's root to its mount point in
			 * the parent mount, and from there up */
			for (u32 guard = 0; guard < 1000; guard++) {
				if (cur.mnt == c->root.mnt && cur.dentry == c->root.dentry) {
					if (resolve & VFS_RESOLVE_BENEATH)
						return path_result_err(-EXDEV);
					break;
				}
				if (cur.dentry == cur.mnt->root) {
					if (!cur.mnt->parent)
						break;
					if (resolve & VFS_RESOLVE_NO_XDEV)
						return path_result_err(-EXDEV);
					cur = (struct vfs_path){ .mnt = cur.mnt->parent,
								 .dentry = cur.mnt->mountpoint };
					continue;
				}
				cur.dentry = cur.dentry->parent;
				break;
			}
			continue;
		}
		struct dentry *child = vfs_find_child_locked(cur.dentry, comp);
		if (child && child->inode->ops->revalidate && !child->mounts &&
		    !child->inode->ops->revalidate(c, child->inode)) {
			vfs_dentry_drop_locked(child); /* stale: a generated name is made anew */
			child = NULL;
		}
		if (!child && dip->ops->lookup && !cur.dentry->dead) {
			if (dip->ops->revalidate)
				vfs_prune_stale_locked(c, cur.dentry);
			struct inode_result made = dip->ops->lookup(c, dip, comp);
			if (made.err)
				return path_result_err(made.err);
			struct dentry_result nd = vfs_dentry_new_locked(cur.dentry, comp, made.value);
			if (nd.err) {
				vfs_inode_put(made.value);
				return path_result_err(nd.err);
			}
			child = nd.value; /* its reference is the tree's */
		}
		if (!child)
			return path_result_err(-ENOENT);
		struct vfs_path next = { .mnt = cur.mnt, .dentry = child };
		for (u32 guard = 0; child->mounts && guard < 1000; guard++) {
			struct vfs_mount *m = vfs_mount_on_locked(next.mnt, next.dentry);
			if (!m)
				break;
			if (resolve & VFS_RESOLVE_NO_XDEV)
				return path_result_err(-EXDEV);
			next = (struct vfs_path){ .mnt = m, .dentry = m->root };
		}
		struct inode *ip = next.dentry->inode;
		if (is_link(ip) && (mode == WALK_FINAL_FOLLOW || !is_last(&w))) {
			if (++w.links > VFS_MAXSYMLINKS)
				return path_result_err(-ELOOP);
			if (cur.mnt->flags & VFS_MNT_NOSYMFOLLOW)
				return path_result_err(-ELOOP);
			if (resolve & VFS_RESOLVE_NO_SYMLINKS)
				return path_result_err(-ELOOP);
			/* A link that ends a level replaces it (a tail call, as Linux): only
			 * links in the middle of a path nest. */
			while (w.depth > 0 && w.depth <= VFS_MAX_NEST &&
			       !level_has_more(w.rest[w.depth]))
				w.depth--;
			if (w.depth >= VFS_MAX_NEST)
				return path_result_err(-ELOOP);
			if (ip->ops->follow) { /* a magic link: straight to where it leads */
				if (resolve & VFS_RESOLVE_NO_MAGICLINKS)
					return path_result_err(-ELOOP);
				if (resolve & VFS_RESOLVE_SCOPED)
					return path_result_err(-EXDEV);
				struct path_result to = ip->ops->follow(c, ip);
				if (!to.err && (resolve & VFS_RESOLVE_NO_XDEV) && to.value.mnt != cur.mnt)
					return path_result_err(-EXDEV);
				if (!to.err) {
					cur = to.value;
					continue;
				}
			}
			struct str target = ip->ops->readlink(ip);
			w.depth++;
			w.rest[w.depth] = target;
			if (str_starts_with(target, STR("/"))) {
				if (resolve & VFS_RESOLVE_BENEATH)
					return path_result_err(-EXDEV);
				if ((resolve & VFS_RESOLVE_NO_XDEV) && c->root.mnt != cur.mnt)
					return path_result_err(-EXDEV);
				cur = c->root;
			}
			continue;
		}
		cur = next;
	}
	if (mode == WALK_PARENT) {
		/* "/" or "." or "a/..": no last name to create or remove */
		return path_result_ok(cur);
	}
	if (must_dir && !is_dir(cur.dentry->inode))
		return path_result_err(-ENOTDIR);
	return path_result_ok(cur);
}

struct dentry_result vfs_walk_mode_locked(const struct vfs_ctx *c, struct str path,
					  enum walk_mode mode, struct str *last)
{
	struct path_result r = vfs_walk_path_locked(c, path, mode, last);
	return r.err ? dentry_result_err(r.err) : dentry_result_ok(r.value.dentry);
}

struct dentry_result vfs_walk_locked(const struct vfs_ctx *c, struct str path, bool follow)
{
	return vfs_walk_mode_locked(c, path, follow ? WALK_FINAL_FOLLOW : WALK_FINAL_NOFOLLOW,
				    NULL);
}

struct dentry_result vfs_lookup(const struct vfs_ctx *c, struct str path, bool follow)
{
	mutex_lock(&vfs_lock);
	struct dentry_result r = vfs_walk_locked(c, path, follow);
	if (!r.err)
		vfs_dentry_get(r.value);
	mutex_unlock(&vfs_lock);
	return r;
}

struct path_result vfs_lookup_path(const struct vfs_ctx *c, struct str path, bool follow)
{
	mutex_lock(&vfs_lock);
	struct path_result r = vfs_walk_path_locked(c, path,
		follow ? WALK_FINAL_FOLLOW : WALK_FINAL_NOFOLLOW, NULL);
	if (!r.err)
		vfs_path_get(r.value);
	mutex_unlock(&vfs_lock);
	return r;
}

struct path_result vfs_parent_for_change_locked(const struct vfs_ctx *c, struct str path,
						struct str *last)
{
	struct path_result p = vfs_walk_path_locked(c, path, WALK_PARENT, last);
	if (p.err)
		return p;
	struct inode *ip = p.value.dentry->inode;
	if (!is_dir(ip))
		return path_result_err(-ENOTDIR);
	int e = vfs_permission(ip, &c->cred, VFS_MAY_WRITE | VFS_MAY_EXEC);
	if (e)
		return path_result_err(e);
	if (ip->ops->lookup)
		return path_result_err(-EACCES); /* a generated directory: nothing is made in it */
	if (p.value.dentry->dead)
		return path_result_err(-ENOENT);
	return p;
}
