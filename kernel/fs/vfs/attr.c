/*
 * attr.c — what an inode says about itself and how it changes (fs/vfs.h): file system
 * instances (struct vfs_sb: statfs, st_dev), stat, statfs, chmod/chown/utimes/truncate with
 * Linux's permission rules, readlink, and the space accounting of size-limited instances
 * (tmpfs size=): a regular file uses the pages its size spans (holes included).
 */
#include <fs/vfs_internal.h>
#include <fw/frame.h>
#include <fw/typecache.h>
#include <vm/vm.h>
#include <uapi/events.h>

DEFINE_TYPE_CACHE(vfs_sb_cache, struct vfs_sb);

static u32 sb_next_minor = 1; /* anonymous device numbers (Linux: major 0) */

struct vfs_sb *vfs_sb_new(u64 magic)
{
	struct vfs_sb *sb = vfs_sb_cache_alloc();
	if (!sb)
		return NULL;
	refcount_init(&sb->refs, 1);
	spin_lock_init(&sb->space_lock);
	sb->magic = magic;
	down_write(&vfs_lock);
	sb->dev_minor = sb_next_minor++;
	up_write(&vfs_lock);
	spin_lock(&sb->space_lock);
	sb->next_ino = 1;
	spin_unlock(&sb->space_lock);
	return sb;
}

void vfs_sb_inode_added(struct vfs_sb *sb)
{
	spin_lock(&sb->space_lock);
	sb->inodes++;
	spin_unlock(&sb->space_lock);
}

void vfs_sb_put(struct vfs_sb *sb)
{
	if (sb && refcount_put(&sb->refs))
		vfs_sb_cache_free(sb);
}

static u64 pages_of(u64 size)
{
	return size / 4096 + (size % 4096 != 0);
}

static void resized_slocked(struct vfs_sb *sb, u64 old_size, u64 new_size)
	REQUIRES(&sb->space_lock)
{
	u64 before = pages_of(old_size) * 4096, after = pages_of(new_size) * 4096;
	if (after >= before)
		sb->bytes_used += after - before;
	else
		sb->bytes_used -= sb->bytes_used >= before - after ? before - after : sb->bytes_used;
}

void vfs_sb_resized(struct inode *ip, u64 old_size, u64 new_size)
{
	struct vfs_sb *sb = ip->sb;
	if (!sb || (ip->mode & VFS_S_IFMT) != VFS_S_IFREG || old_size == new_size)
		return;
	spin_lock(&sb->space_lock);
	resized_slocked(sb, old_size, new_size);
	spin_unlock(&sb->space_lock);
}

u64 vfs_sb_charge(struct inode *ip, u64 pos, u64 len, u64 *charged_size)
{
	struct vfs_sb *sb = ip->sb;
	*charged_size = ip->size;
	if (!sb || !sb->max_bytes || (ip->mode & VFS_S_IFMT) != VFS_S_IFREG)
		return len;
	spin_lock(&sb->space_lock);
	u64 have = pages_of(ip->size) * 4096; /* already charged */
	u64 free = sb->max_bytes > sb->bytes_used ? sb->max_bytes - sb->bytes_used : 0;
	u64 limit = have + free / 4096 * 4096; /* the file may reach this offset */
	u64 room = pos >= limit ? 0 : (limit - pos < len ? limit - pos : len);
	if (room && pos + room > ip->size) {
		resized_slocked(sb, ip->size, pos + room);
		*charged_size = pos + room;
	}
	spin_unlock(&sb->space_lock);
	return room;
}

/* vfs_inode_init - one init site: every inode's lock is of one class for the lock-order
 * check (a zeroed mutex would be a class of its own per inode). */
static struct atomic_u64 inodes_live;

void vfs_inode_init(struct inode *ip)
{
	mutex_init(&ip->lock);
	(void)atomic_u64_add_return(&inodes_live, 1);
}

u64 vfs_inode_count(void)
{
	return atomic_u64_load(&inodes_live);
}

void vfs_inode_touch_ilocked(struct inode *ip, u32 which)
{
	struct vfs_time now = vfs_now();
	if (which & VFS_TOUCH_A)
		ip->atime = now;
	if (which & VFS_TOUCH_M)
		ip->mtime = now;
	if (which & VFS_TOUCH_C)
		ip->ctime = now;
}

void vfs_inode_touch(struct inode *ip, u32 which)
{
	mutex_lock(&ip->lock);
	vfs_inode_touch_ilocked(ip, which);
	mutex_unlock(&ip->lock);
}

/* inode_free - ip's last reference went (its locks and watches dealt with): its space, its
 * file system's data for it, the counts. */
static void inode_free(struct inode *ip)
{
	struct vfs_sb *sb = ip->sb;
	vfs_sb_resized(ip, ip->size, 0); /* the last reference: nobody else can change size */
	ip->ops->destroy(ip);
	(void)atomic_u64_sub_return(&inodes_live, 1);
	if (sb) {
		spin_lock(&sb->space_lock);
		sb->inodes--;
		spin_unlock(&sb->space_lock);
		vfs_sb_put(sb);
	}
}

void vfs_inode_put(struct inode *ip)
{
	if (!ip || !refcount_put(&ip->refs))
		return;
	vfs_locks_free_locked(ip);
	vfs_notify_inode_gone(ip); /* inotify: IN_DELETE_SELF, IN_IGNORED */
	inode_free(ip);
}

void vfs_inode_put_new(struct inode *ip)
{
	if (ip && refcount_put(&ip->refs)) /* else someone holds it after all: their put frees */
		inode_free(ip);
}

void vfs_inode_put_unlocked(struct inode *ip)
{
	/* only the last reference frees (nothing takes one from zero), so only it needs the lock */
	if (!ip || refcount_put_not_last(&ip->refs))
		return;
	down_write(&vfs_lock);
	vfs_inode_put(ip);
	up_write(&vfs_lock);
}

static void stat_ilocked(struct inode *ip, struct vfs_stat *st) REQUIRES(&ip->lock)
{
	u64 blocks = 0;
	if ((ip->mode & VFS_S_IFMT) == VFS_S_IFREG)
		blocks = (ip->size + 4095) / 4096 * 8; /* ramfs: whole pages (holes counted) */
	*st = (struct vfs_stat){ .ino = ip->ino, .mode = ip->mode, .nlink = ip->nlink,
				 .uid = ip->uid, .gid = ip->gid, .size = ip->size, .blocks = blocks,
				 .rdev_major = ip->rdev_major, .rdev_minor = ip->rdev_minor,
				 .atime = ip->atime, .mtime = ip->mtime, .ctime = ip->ctime,
				 .dev_major = ip->sb ? ip->sb->dev_major : 0,
				 .dev_minor = ip->sb ? ip->sb->dev_minor : 0 };
}

void vfs_stat_inode(struct inode *ip, struct vfs_stat *st)
{
	mutex_lock(&ip->lock);
	stat_ilocked(ip, st);
	mutex_unlock(&ip->lock);
}

int vfs_stat(const struct vfs_ctx *c, struct str path, bool follow, struct vfs_stat *st)
{
	/* walk and read under one hold (for reading: stats run at once): no reference to take */
	enum walk_mode mode = follow ? WALK_FINAL_FOLLOW : WALK_FINAL_NOFOLLOW;
	down_read(&vfs_lock);
	struct path_result d = vfs_walk_path_shared(c, path, mode, NULL);
	if (!d.err)
		vfs_stat_inode(d.value.dentry->inode, st);
	up_read(&vfs_lock);
	if (d.err != -ECHILD)
		return d.err;
	down_write(&vfs_lock); /* a generated name on the way (procfs, sysfs) */
	d = vfs_walk_path_locked(c, path, mode, NULL);
	if (!d.err)
		vfs_stat_inode(d.value.dentry->inode, st);
	up_write(&vfs_lock);
	return d.err;
}

void vfs_statfs_inode(struct inode *ip, struct vfs_mount *mnt, struct vfs_statfs *sf)
{
	down_write(&vfs_lock);
	struct vfs_sb *sb = ip->sb;
	*sf = (struct vfs_statfs){ .type = sb ? sb->magic : VFS_PIPEFS_MAGIC, .bsize = 4096,
				   .frsize = 4096, .namelen = VFS_NAME_MAX,
				   .flags = mnt ? (mnt->flags & (VFS_MNT_RDONLY | VFS_MNT_NOSUID |
							      VFS_MNT_NODEV | VFS_MNT_NOEXEC |
							      VFS_MNT_NOSYMFOLLOW)) : 0 };
	if (sb && sb->max_bytes) {
		sf->blocks = sb->max_bytes / 4096;
		spin_lock(&sb->space_lock);
		u64 used = sb->bytes_used / 4096;
		spin_unlock(&sb->space_lock);
		sf->bfree = sf->bavail = sf->blocks > used ? sf->blocks - used : 0;
	}
	if (sb) {
		spin_lock(&sb->space_lock);
		sf->files = sb->inodes + 1000000;
		spin_unlock(&sb->space_lock);
		sf->ffree = 1000000;
	}
	up_write(&vfs_lock);
}

/* owner_or_root - chmod's and utimes' rule: the caller owns ip or is root. */
static bool owner_or_root(const struct inode *ip, const struct cred *cred)
{
	return cred->fsuid == 0 || cred->fsuid == ip->uid;
}

int vfs_chmod(struct inode *ip, const struct cred *cred, u32 mode)
{
	mutex_lock(&ip->lock);
	int e = owner_or_root(ip, cred) ? 0 : -EPERM;
	if (!e) {
		mode &= 07777;
		/* not in the file's group: the setgid bit cannot be set (silently dropped) */
		if (cred->fsuid != 0 && cred->fsgid != ip->gid)
			mode &= ~VFS_S_ISGID;
		ip->mode = (ip->mode & VFS_S_IFMT) | mode;
		vfs_inode_touch_ilocked(ip, VFS_TOUCH_C);
	}
	mutex_unlock(&ip->lock);
	return e;
}

int vfs_chown(struct inode *ip, const struct cred *cred, u32 uid, u32 gid)
{
	mutex_lock(&ip->lock);
	int e = 0;
	if (cred->fsuid != 0) {
		/* the owner may give the file to its own group; only root changes owners */
		if (uid != (u32)-1 && uid != ip->uid)
			e = -EPERM;
		else if (cred->fsuid != ip->uid && (uid != (u32)-1 || gid != (u32)-1))
			e = -EPERM;
		else if (gid != (u32)-1 && gid != ip->gid && gid != cred->fsgid)
			e = -EPERM;
	}
	if (!e) {
		if (uid != (u32)-1)
			ip->uid = uid;
		if (gid != (u32)-1)
			ip->gid = gid;
		/* a change of owner or group drops setuid, and setgid of a group-executable
		 * file, on non-directories (Linux's ATTR_KILL_SUID/SGID) */
		if ((ip->mode & VFS_S_IFMT) != VFS_S_IFDIR && (uid != (u32)-1 || gid != (u32)-1)) {
			ip->mode &= ~VFS_S_ISUID;
			if (ip->mode & 0010)
				ip->mode &= ~VFS_S_ISGID;
		}
		vfs_inode_touch_ilocked(ip, VFS_TOUCH_C);
	}
	mutex_unlock(&ip->lock);
	return e;
}

void vfs_kill_suid(struct inode *ip, const struct cred *cred)
{
	if (cred->fsuid == 0) /* CAP_FSETID: root keeps the bits */
		return;
	mutex_lock(&ip->lock);
	u32 kill = 0;
	if ((ip->mode & VFS_S_IFMT) == VFS_S_IFREG) {
		if (ip->mode & VFS_S_ISUID)
			kill |= VFS_S_ISUID;
		if ((ip->mode & VFS_S_ISGID) && (ip->mode & 0010))
			kill |= VFS_S_ISGID;
	}
	if (kill) {
		ip->mode &= ~kill;
		vfs_inode_touch_ilocked(ip, VFS_TOUCH_C);
	}
	mutex_unlock(&ip->lock);
}

int vfs_utimes(struct inode *ip, const struct cred *cred, const struct vfs_utimes *t)
{
	mutex_lock(&ip->lock);
	int e = 0;
	bool explicit_time = (!t->now_a && !t->omit_a) || (!t->now_m && !t->omit_m);
	if (!owner_or_root(ip, cred)) {
		if (explicit_time)
			e = -EPERM;
		else if (vfs_permission(ip, cred, VFS_MAY_WRITE))
			e = -EACCES;
	}
	if (!e) {
		struct vfs_time now = vfs_now();
		if (!t->omit_a)
			ip->atime = t->now_a ? now : t->atime;
		if (!t->omit_m)
			ip->mtime = t->now_m ? now : t->mtime;
		ip->ctime = now;
	}
	mutex_unlock(&ip->lock);
	return e;
}

int vfs_truncate(struct inode *ip, u64 size)
{
	if ((ip->mode & VFS_S_IFMT) == VFS_S_IFDIR)
		return -EISDIR;
	if ((ip->mode & VFS_S_IFMT) != VFS_S_IFREG || !ip->ops->truncate)
		return -EINVAL;
	mutex_lock(&ip->lock);
	u64 old = ip->size;
	int e = 0;
	if (size < old && (ip->seals & VFS_SEAL_SHRINK))
		e = -EPERM;
	if (size > old && (ip->seals & VFS_SEAL_GROW))
		e = -EPERM;
	if (!e)
		e = ip->ops->truncate(ip, size);
	if (!e) {
		vfs_sb_resized(ip, old, size);
		vfs_inode_touch_ilocked(ip, VFS_TOUCH_M | VFS_TOUCH_C);
	}
	mutex_unlock(&ip->lock);
	if (!e)
		vfs_notify_self(ip, UAPI_IN_MODIFY); /* inotify (the parent is not told: no path) */
	return e;
}

int vfs_punch_hole(struct inode *ip, u64 off, u64 len)
{
	if ((ip->mode & VFS_S_IFMT) != VFS_S_IFREG || !ip->cache)
		return -EOPNOTSUPP;
	mutex_lock(&ip->lock);
	int e = vm_object_write_denied(ip->cache) ? -ETXTBSY : 0; /* a running program's */
	if (ip->seals & (VFS_SEAL_WRITE | VFS_SEAL_FUTURE_WRITE))
		e = -EPERM; /* a write-sealed memfd */
	u64 end = ip->size;
	if (off < end && len < end - off)
		end = off + len;
	for (u64 at = off; !e && at < end;) {
		u64 in = at % FRAME_SIZE, n = FRAME_SIZE - in < end - at ? FRAME_SIZE - in : end - at;
		struct frame fr = FRAME_EMPTY;
		if (!vm_object_page(ip->cache, at / FRAME_SIZE, false, &fr)) { /* holes stay holes */
			(void)frame_fill(&fr, in, n, 0); /* in place: shared mappings see the zeros */
			frame_release(&fr);
		}
		at += n;
	}
	if (!e && off < end)
		vfs_inode_touch_ilocked(ip, VFS_TOUCH_M | VFS_TOUCH_C);
	mutex_unlock(&ip->lock);
	return e;
}

int vfs_setattr(const struct vfs_ctx *c, struct str path, u32 uid, u32 gid, u32 perm)
{
	down_write(&vfs_lock);
	struct dentry_result d = vfs_walk_locked(c, path, false);
	if (!d.err) {
		struct inode *ip = d.value->inode;
		mutex_lock(&ip->lock);
		ip->uid = uid;
		ip->gid = gid;
		ip->mode = (ip->mode & VFS_S_IFMT) | (perm & 07777);
		mutex_unlock(&ip->lock);
	}
	up_write(&vfs_lock);
	return d.err;
}

struct result_size vfs_readlink(const struct vfs_ctx *c, struct str path, struct bytes dst)
{
	down_write(&vfs_lock);
	struct dentry_result d = vfs_walk_locked(c, path, false);
	struct result_size r;
	if (d.err)
		r = result_size_err(d.err);
	else if ((d.value->inode->mode & VFS_S_IFMT) != VFS_S_IFLNK)
		r = result_size_err(-EINVAL);
	else {
		struct str t = d.value->inode->ops->readlink(d.value->inode);
		r = str_copy_to(bytes_head(dst, str_len(t)), str_head(t, bytes_len(dst)));
		vfs_inode_touch(d.value->inode, VFS_TOUCH_A);
	}
	up_write(&vfs_lock);
	return r;
}
