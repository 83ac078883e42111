/*
 * fs/vfs_internal.h — what the files of fs/vfs share and nothing else includes: the dentry
 * tree's primitives (dentry.c) and the walker (namei.c). Every function needs vfs_lock: held
 * for writing (REQUIRES), or either way (REQUIRES_SHARED: it only reads the tree).
 */
#ifndef KERNEL_FS_VFS_INTERNAL_H
#define KERNEL_FS_VFS_INTERNAL_H

#include <fs/vfs.h>

/* vfs_dentry_new_locked - a dentry for `ip` (taking over the caller's inode reference on
 * success) named `name`, linked under `parent` (NULL: a root, its reference the caller's). */
struct dentry_result vfs_dentry_new_locked(struct dentry *parent, struct str name,
					   struct inode *ip) REQUIRES(vfs_lock);
/* vfs_dentry_new_dirlocked - the same for a change inside one directory (vfs_lock held for
 * reading, parent's dir_lock held): -ENOENT when parent died meanwhile (an rmdir of it),
 * -EEXIST when it has a child `name` (checked in the same step as the insert). */
struct dentry_result vfs_dentry_new_dirlocked(struct dentry *parent, struct str name,
					      struct inode *ip)
	REQUIRES_SHARED(vfs_lock) REQUIRES(&parent->dir_lock);
/* vfs_dentry_kill_dirlocked - take d, dir's child, out of the tree (dead for lookups; the
 * tree's reference becomes the caller's, to put once vfs_lock is released, as a last put
 * takes it for writing); `only_if_empty` (rmdir): -ENOTEMPTY if d has children, checked
 * in the same step as the kill. */
int vfs_dentry_kill_dirlocked(struct dentry *dir, struct dentry *d, bool only_if_empty)
	REQUIRES_SHARED(vfs_lock) REQUIRES(&dir->dir_lock);
/* vfs_dentry_kill_locked - the same with vfs_lock held for writing (rename over an entry,
 * generated entries going stale). */
void vfs_dentry_kill_locked(struct dentry *d) REQUIRES(vfs_lock);
/* vfs_dentry_link_locked - put d (unlinked, named) under `parent` with the directory's next
 * cookie; the tree's reference is one the caller gives, d pins parent. */
void vfs_dentry_link_locked(struct dentry *parent, struct dentry *d) REQUIRES(vfs_lock);
/* vfs_dentry_unlink_locked - take d off its parent's list; it keeps its parent pointer and
 * the reference on it; the tree's reference becomes the caller's. */
void vfs_dentry_unlink_locked(struct dentry *d) REQUIRES(vfs_lock);
/* vfs_dentry_hang_dead_locked - d (new, a root of its own so far) gets `parent` (pinned) but
 * no place in its list: dead from the start (an O_TMPFILE file's, a pseudo file system's). */
void vfs_dentry_hang_dead_locked(struct dentry *d, struct dentry *parent) REQUIRES(vfs_lock);
/* vfs_dentry_move_locked - d (linked) goes under `to` as `name`, with to's next cookie, in
 * one step for walks; it pins `to` now, and its pin on the old parent is the caller's. */
void vfs_dentry_move_locked(struct dentry *d, struct dentry *to, struct str name)
	REQUIRES(vfs_lock);
/* vfs_dentry_set_name_locked - rename an unlinked d in place: 0 or -ENAMETOOLONG. */
int vfs_dentry_set_name_locked(struct dentry *d, struct str name) REQUIRES(vfs_lock);
/* vfs_find_child_locked - dir's cached child `name` (linked), or NULL. vfs_lock held either
 * way; dcache_lock taken for reading.
 * vfs_find_child_dlocked - the same inside a walk, dcache_lock already held for reading.
 * vfs_dentry_dead_dlocked - vfs_dentry_dead inside a walk. */
struct dentry *vfs_find_child_locked(struct dentry *dir, struct str name)
	REQUIRES_SHARED(vfs_lock) EXCLUDES(dcache_lock);
struct dentry *vfs_find_child_dlocked(struct dentry *dir, struct str name)
	REQUIRES_SHARED(dcache_lock);
bool vfs_dentry_dead_dlocked(struct dentry *d) REQUIRES_SHARED(dcache_lock);
/* vfs_dentry_drop_locked - take d (linked, not a mount point) and everything below it out of
 * the tree (dead; the tree's references dropped): a generated entry that went stale. */
void vfs_dentry_drop_locked(struct dentry *d) REQUIRES(vfs_lock);
/* vfs_prune_stale_locked - drop every cached child directory of dir (not a mount point) whose inode's
 * revalidate says it is stale: called on a lookup miss in a directory whose entries
 * revalidate (procfs), so the entries of processes that are gone do not stay cached until
 * the same name is looked up again (they did, for every pid ever looked up). */
void vfs_prune_stale_locked(const struct vfs_ctx *c, struct dentry *dir) REQUIRES(vfs_lock);
bool vfs_dir_is_empty_locked(struct dentry *dir) REQUIRES_SHARED(vfs_lock);

/* Pseudo file systems (Linux's kern_mount): pipefs for pipes, memfd's tmpfs. Their files
 * have a path like any other (a mount and a dentry) that no directory lists: /proc/PID/fd/N
 * names and reopens them, fstatfs and st_dev name their file system.
 * vfs_internal_mount_locked - a mount of `sb` on no mount point and not in the mount table,
 * with a new root directory; held by the caller for good. NULL when memory is short.
 * vfs_pseudo_dentry_locked - a dead dentry `name` under m's root naming `ip` (it takes its
 * own reference on ip), the caller's reference; an error when memory is short. */
struct vfs_mount *vfs_internal_mount_locked(struct vfs_sb *sb, struct str source)
	REQUIRES(vfs_lock);
struct dentry_result vfs_pseudo_dentry_locked(struct vfs_mount *m, struct str name,
					      struct inode *ip) REQUIRES(vfs_lock);
/* vfs_file_at_locked - a new open file (open(2) `flags`) on path's inode, holding the path;
 * NULL when memory is short. */
struct file *vfs_file_at_locked(struct vfs_path at, u32 flags) REQUIRES(vfs_lock);
/* vfs_pipefs_init, vfs_memfd_init - make the two internal mounts now (vfs_init), so that the
 * live dentry and inode counts do not grow at the first pipe or memfd a program makes. */
void vfs_pipefs_init(void);
void vfs_memfd_init(void);

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
/* vfs_walk_path_locked - the same as a path (borrowed); WALK_PARENT: the parent's path. */
struct path_result vfs_walk_path_locked(const struct vfs_ctx *c, struct str path,
					enum walk_mode mode, struct str *last) REQUIRES(vfs_lock);
/* vfs_walk_path_shared - the same with vfs_lock held for reading only (fs/vfs/namei.c): the
 * tree is not changed, so a walk that would have to (a generated name: procfs, sysfs) ends
 * with -ECHILD, for the caller to walk again with the lock held for writing. */
struct path_result vfs_walk_path_shared(const struct vfs_ctx *c, struct str path,
					enum walk_mode mode, struct str *last)
	REQUIRES_SHARED(vfs_lock);
/* vfs_mount_on_locked - the topmost mount attached at d in `parent`, or NULL. */
struct vfs_mount *vfs_mount_on_locked(struct vfs_mount *parent, struct dentry *d)
	REQUIRES_SHARED(vfs_lock);
/* vfs_free_tree_locked - free the dentry tree below and including `top` whatever the
 * references (vfs_free_tree). Iterative. */
void vfs_free_tree_locked(struct dentry *top) REQUIRES(vfs_lock);
/* vfs_tree_kill_locked - take every dentry below `top` out of the tree (dead, the tree's
 * references dropped: those nobody holds are freed). Iterative. */
void vfs_tree_kill_locked(struct dentry *top) REQUIRES(vfs_lock);
/* vfs_parent_for_change_locked - the directory to add or remove `*last` in, checked for
 * write+exec permission and for being alive (-ENOENT); the caller checks the mount is
 * writable (EEXIST goes before EROFS, as Linux).
 * vfs_parent_for_change_shared - the same with vfs_lock held for reading: -ECHILD when the
 * walk must change the tree (the caller goes again holding it for writing); a removed
 * directory is not refused (the change itself answers -ENOENT, under its dir_lock). */
struct path_result vfs_parent_for_change_locked(const struct vfs_ctx *c, struct str path,
						struct str *last) REQUIRES(vfs_lock);
/* vfs_create_shared - vfs_create_locked with vfs_lock held for reading: -ECHILD when the
 * parent walk must change the tree. The new node's path is borrowed while the hold lasts. */
struct path_result vfs_create_shared(const struct vfs_ctx *c, struct str path, u32 mode)
	REQUIRES_SHARED(vfs_lock);
struct path_result vfs_parent_for_change_shared(const struct vfs_ctx *c, struct str path,
						struct str *last) REQUIRES_SHARED(vfs_lock);
/* vfs_may_delete_locked - the sticky-directory rule: in a directory with S_ISVTX only the
 * owner of the entry, of the directory, or root may remove or rename it. */
int vfs_may_delete_locked(struct dentry *dir, struct dentry *victim, const struct cred *cred)
	REQUIRES_SHARED(vfs_lock);

/* Space of size-limited instances (tmpfs size=), under the instance's space_lock:
 * vfs_sb_charge - how many of `len` bytes written at `pos` fit; the pages they would add are
 *                 charged at once (so writers of other files cannot take them meanwhile) and
 *                 *charged_size is the size they were charged for: settle with
 *                 vfs_sb_resized(ip, *charged_size, the size after the write).
 * vfs_sb_resized - account a regular file's size change. */
u64 vfs_sb_charge(struct inode *ip, u64 pos, u64 len, u64 *charged_size) REQUIRES(&ip->lock);
void vfs_sb_resized(struct inode *ip, u64 old_size, u64 new_size);

/* vfs_locks_drop_file_locked - the OFD locks and flocks owned by open file `id` on ip go;
 * vfs_locks_free_locked - every lock of an inode that is being freed goes. */
void vfs_locks_drop_file_locked(struct inode *ip, u64 id) REQUIRES(vfs_lock);
/* vfs_locks_any_locked - whether ip holds any file lock at all (vfs_lock held either way). */
bool vfs_locks_any_locked(struct inode *ip) REQUIRES_SHARED(vfs_lock);
void vfs_locks_free_locked(struct inode *ip) REQUIRES(vfs_lock);

#endif /* KERNEL_FS_VFS_INTERNAL_H */
