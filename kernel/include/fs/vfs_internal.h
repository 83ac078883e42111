/*
 * fs/vfs_internal.h — what the files of fs/vfs share and nothing else includes: the dentry
 * tree's primitives (dentry.c) and the walker (namei.c). Every function needs vfs_lock.
 */
#ifndef KERNEL_FS_VFS_INTERNAL_H
#define KERNEL_FS_VFS_INTERNAL_H

#include <fs/vfs.h>

/* vfs_dentry_new_locked - a dentry for `ip` (taking over the caller's inode reference on
 * success) named `name`, linked under `parent` (NULL: a root, its reference the caller's). */
struct dentry_result vfs_dentry_new_locked(struct dentry *parent, struct str name,
					   struct inode *ip) REQUIRES(vfs_lock);
/* vfs_dentry_link_locked - put d (unlinked, named) under `parent` with the directory's next
 * cookie; the tree's reference is one the caller gives, d pins parent. */
void vfs_dentry_link_locked(struct dentry *parent, struct dentry *d) REQUIRES(vfs_lock);
/* vfs_dentry_unlink_locked - take d off its parent's list; it keeps its parent pointer and
 * the reference on it; the tree's reference becomes the caller's. */
void vfs_dentry_unlink_locked(struct dentry *d) REQUIRES(vfs_lock);
/* vfs_dentry_set_name_locked - rename an unlinked d in place: 0 or -ENAMETOOLONG. */
int vfs_dentry_set_name_locked(struct dentry *d, struct str name) REQUIRES(vfs_lock);
struct dentry *vfs_find_child_locked(struct dentry *dir, struct str name) REQUIRES(vfs_lock);
bool vfs_dir_is_empty_locked(struct dentry *dir) REQUIRES(vfs_lock);

enum walk_mode {
	WALK_FINAL_NOFOLLOW,
	WALK_FINAL_FOLLOW,
	WALK_PARENT, /* stop before the last component: *last names it */
};
/* vfs_walk_mode_locked - resolve `path` (borrowed result, valid while vfs_lock is held).
 * WALK_PARENT returns the parent directory and the last name in *last ("." when there is
 * none: "/", ".", "a/.."). A path ending in '/' must name a directory. */
struct dentry_result vfs_walk_mode_locked(const struct vfs_ctx *c, struct str path,
					  enum walk_mode mode, struct str *last) REQUIRES(vfs_lock);
/* vfs_parent_for_change_locked - the directory to add or remove `*last` in, checked for
 * write+exec permission and for being alive (-ENOENT). */
struct dentry_result vfs_parent_for_change_locked(const struct vfs_ctx *c, struct str path,
						  struct str *last) REQUIRES(vfs_lock);
/* vfs_may_delete_locked - the sticky-directory rule: in a directory with S_ISVTX only the
 * owner of the entry, of the directory, or root may remove or rename it. */
int vfs_may_delete_locked(struct dentry *dir, struct dentry *victim, const struct cred *cred)
	REQUIRES(vfs_lock);

#endif /* KERNEL_FS_VFS_INTERNAL_H */
