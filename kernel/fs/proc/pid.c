/*
 * pid.c — /proc/PID and /proc/PID/task/TID (fs/procfs.h): their directories and links, and who
 * may look at what; their files' texts are made in pid_gen.c.
 *
 * Whose state is read, and how safely: ids and state under proc_lock (proc_info_of); another
 * process's descriptors under its table's lock (proc_fd_peek, valid while vfs_lock is held),
 * its cwd and root under vfs_lock (they change under it). fd/, fdinfo/, cwd, root, exe,
 * environ and smaps_rollup of another process need Linux's ptrace read access
 * (procfs_may_inspect): the same uid and gid and a dumpable target, or root; else EACCES.
 */
#include <fs/procfs.h>
#include <fw/time.h>
#include <fw/typecache.h>
#include <fw/uaccess.h>
#include <proc/process.h>

#define DIR_MODE (VFS_S_IFDIR | 0555)
#define FILE_MODE (VFS_S_IFREG | 0444)
#define LINK_MODE (VFS_S_IFLNK | 0777)
#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

static const struct procfs_entry pid_entries[] = {
	{ STR("stat"), PK_PID_STAT, FILE_MODE },
	{ STR("status"), PK_PID_STATUS, FILE_MODE },
	{ STR("statm"), PK_PID_STATM, FILE_MODE },
	{ STR("cmdline"), PK_PID_CMDLINE, FILE_MODE },
	{ STR("environ"), PK_PID_ENVIRON, VFS_S_IFREG | 0400 },
	{ STR("comm"), PK_PID_COMM, VFS_S_IFREG | 0644 },
	{ STR("make-it-fail"), PK_PID_MAKE_IT_FAIL, VFS_S_IFREG | 0644 },
	{ STR("maps"), PK_PID_MAPS, FILE_MODE },
	{ STR("mounts"), PK_PID_MOUNTS, FILE_MODE },
	{ STR("mountinfo"), PK_PID_MOUNTINFO, FILE_MODE },
	{ STR("smaps_rollup"), PK_PID_SMAPS_ROLLUP, FILE_MODE },
	{ STR("limits"), PK_PID_LIMITS, FILE_MODE },
	{ STR("oom_score_adj"), PK_PID_OOM_ADJ, VFS_S_IFREG | 0644 },
	{ STR("oom_score"), PK_PID_OOM_SCORE, FILE_MODE },
	{ STR("exe"), PK_EXE, LINK_MODE },
	{ STR("cwd"), PK_CWD, LINK_MODE },
	{ STR("root"), PK_ROOTLINK, LINK_MODE },
	{ STR("fd"), PK_FD_DIR, VFS_S_IFDIR | 0500 },
	{ STR("fdinfo"), PK_FDINFO_DIR, VFS_S_IFDIR | 0500 },
	{ STR("task"), PK_TASK_DIR, DIR_MODE }, /* last: not in task/TID */
};

/* pid_dir_entry - the i-th entry of /proc/PID (or task/TID, which has no `task`). */
static bool pid_dir_entry(struct inode *dir, u64 i, struct synth_entry *out)
{
	struct procfs_inode *d = procfs_inode_from(dir);
	size_t n = NELEM(pid_entries) - (d->kind == PK_TID_DIR ? 1 : 0);
	if (i >= n || i >= NELEM(pid_entries))
		return false;
	struct procfs_entry e = pid_entries[i];
	synth_entry_set(out, e.name, e.kind, e.mode, 0, procfs_ino(e.kind, d->pid, d->tid, 0));
	return true;
}

struct thread *procfs_target(const struct procfs_inode *pi)
{
	struct thread *p = proc_by_pid(pi->tid ? pi->tid : pi->pid);
	if (p && (p->leader->pid != pi->pid || (!pi->tid && p->leader != p))) {
		proc_put(p);
		return NULL;
	}
	return p;
}

bool procfs_pid_alive(struct procfs_inode *pi)
{
	struct thread *p = procfs_target(pi);
	if (!p)
		return false;
	struct proc_info info;
	proc_info_of(p, &info);
	proc_put(p);
	mutex_lock(&pi->vfs.lock);
	pi->vfs.uid = info.cred.euid; /* as Linux: a process's entries belong to its owner */
	pi->vfs.gid = info.cred.egid;
	mutex_unlock(&pi->vfs.lock);
	return true;
}

bool procfs_may_inspect(const struct procfs_inode *pi)
{
	struct thread *me = proc_current();
	if (!me)
		return true; /* a kernel task (ktests) */
	struct thread *t = me->leader->pid == pi->pid ? NULL : procfs_target(pi);
	bool ok = me->leader->pid == pi->pid || me->fs.cred.euid == 0;
	if (!ok && t) {
		struct proc_info in;
		proc_info_of(t, &in);
		const struct cred *a = &me->fs.cred, *b = &in.cred;
		/* and Linux's dumpable check: a process that changed its ids or cleared
		 * PR_SET_DUMPABLE is root's alone to look at */
		ok = a->euid == b->uid && a->euid == b->euid && a->euid == b->suid &&
		     a->egid == b->gid && a->egid == b->egid && a->egid == b->sgid &&
		     proc_ctl_dumpable(t);
	}
	if (t)
		proc_put(t);
	proc_put(me);
	return ok;
}

struct thread *procfs_inspected(const struct procfs_inode *pi, int *err)
{
	if (!procfs_may_inspect(pi)) {
		*err = -EACCES;
		return NULL;
	}
	struct thread *t = procfs_target(pi);
	*err = t ? 0 : -ENOENT;
	return t;
}

struct thread *procfs_caller_in(u32 pid)
{
	struct thread *me = proc_current();
	if (me && me->leader->pid != pid) {
		proc_put(me);
		return NULL;
	}
	return me;
}

static u32 parse_fd(struct str name)
{
	if (str_eq(name, STR("0")))
		return 0;
	u32 v = procfs_parse_pid(name);
	return v && v < PROC_MAX_FDS ? v : PROC_MAX_FDS;
}

/* path_target - a link's target: the text of path `at` as `root` sees it: 0, -ENOENT (a
 * removed file), -ENOMEM. */
static int path_target(struct vfs_path root, struct vfs_path at, struct procfs_inode *pi)
	REQUIRES(vfs_lock)
{
	struct kbuf buf = KBUF_EMPTY;
	if (kbuf_alloc(&buf, VFS_PATH_MAX))
		return -ENOMEM;
	struct result_size n = vfs_path_of_locked(root, at, kbuf_bytes(&buf));
	int e = n.err ? -ENOENT : n.value == 0 ? -ENOENT
		: procfs_set_target(pi, str_from_bytes(bytes_head(kbuf_bytes(&buf), n.value - 1)));
	kbuf_free(&buf);
	return e;
}

/* deleted_target - an open file whose name was removed: "DIR/NAME (deleted)", as Linux. */
static int deleted_target(const struct vfs_ctx *c, struct file *f, struct procfs_inode *pi)
	REQUIRES(vfs_lock)
{
	struct kbuf buf = KBUF_EMPTY;
	if (kbuf_alloc(&buf, VFS_PATH_MAX + VFS_NAME_MAX + 16))
		return -ENOMEM;
	struct vfs_path dir = { .mnt = f->mnt, .dentry = f->dentry->parent };
	struct result_size n = vfs_path_of_locked(c->root, dir, bytes_head(kbuf_bytes(&buf),
									   VFS_PATH_MAX));
	int e = -ENOENT;
	if (!n.err && n.value > 0) {
		struct str d = str_from_bytes(bytes_head(kbuf_bytes(&buf), n.value - 1));
		/* the rest is built in place after the directory's text */
		struct bytes_result rest = bytes_skip(kbuf_bytes(&buf), n.value - 1);
		struct strbuf sb = strbuf_over(rest.err ? bytes_empty() : rest.value);
		if (!str_eq(d, STR("/")))
			strbuf_add_char(&sb, '/');
		strbuf_add(&sb, vfs_dentry_name(f->dentry));
		strbuf_add(&sb, STR(" (deleted)"));
		if (!strbuf_err(&sb))
			e = procfs_set_target(pi, str_from_bytes(bytes_head(kbuf_bytes(&buf),
								n.value - 1 + strbuf_len(&sb))));
	}
	kbuf_free(&buf);
	return e;
}

/* fd_target - the text of fd/N: the file's path ("/memfd:NAME (deleted)" for a memfd), or
 * pipe:[ino] (its pipefs dentry's name), socket:[ino], anon_inode:[ino]. */
static int fd_target(const struct vfs_ctx *c, struct file *f, struct procfs_inode *pi)
	REQUIRES(vfs_lock)
{
	if (f->dentry && f->mnt && f->mnt->sb->magic == VFS_PIPEFS_MAGIC)
		return procfs_set_target(pi, vfs_dentry_name(f->dentry));
	if (f->dentry && f->mnt && !vfs_dentry_dead(f->dentry) &&
	    !path_target(c->root, (struct vfs_path){ .mnt = f->mnt, .dentry = f->dentry }, pi))
		return 0;
	if (f->dentry && f->mnt && vfs_dentry_dead(f->dentry) && f->dentry->parent != f->dentry)
		return deleted_target(c, f, pi);
	u8 text[64];
	struct strbuf sb = strbuf_over(BYTES_OF_ARRAY(text));
	u32 type = f->inode->mode & VFS_S_IFMT;
	if (type == VFS_S_IFIFO)
		STRBUF_FMT(&sb, "pipe:[%u]", f->inode->ino);
	else if (type == VFS_S_IFSOCK)
		STRBUF_FMT(&sb, "socket:[%u]", f->inode->ino);
	else
		STRBUF_FMT(&sb, "anon_inode:[%u]", f->inode->ino);
	return procfs_set_target(pi, strbuf_str(&sb));
}

/* link_target - exe, cwd, root and fd/N, looked up by `c`. */
static int link_target(const struct vfs_ctx *c, struct procfs_inode *pi) REQUIRES(vfs_lock)
{
	struct vfs_path at = { 0 };
	bool put = false;
	int e = 0;
	struct thread *t = procfs_inspected(pi, &e);
	if (!t)
		return e;
	if (pi->kind == PK_EXE) {
		at = proc_get_exe(t);
		put = true;
	} else if (pi->kind == PK_CWD) {
		at = t->fs.cwd; /* whole and referenced while vfs_lock is held (fs/vfs.h) */
	} else if (pi->kind == PK_ROOTLINK) {
		at = t->fs.root;
	} else {
		struct file *f = proc_fd_peek(t, pi->fd);
		e = f ? fd_target(c, f, pi) : -ENOENT;
		if (f) {
			/* Linux's tid_fd_update_inode: r-x for reading, -wx for writing, nothing for
			 * O_PATH; the size ls -l shows is 64 */
			u32 acc = f->flags & VFS_O_ACCMODE, mode = 0;
			if (!(f->flags & VFS_O_PATH)) {
				if (acc == VFS_O_RDONLY || acc == VFS_O_RDWR)
					mode |= 0500;
				if (acc == VFS_O_WRONLY || acc == VFS_O_RDWR)
					mode |= 0300;
			}
			pi->vfs.mode = VFS_S_IFLNK | mode;
			pi->vfs.size = 64;
		}
		proc_put(t);
		return e;
	}
	proc_put(t);
	e = at.mnt && at.dentry ? path_target(c->root, at, pi) : -ENOENT;
	if (put && at.mnt)
		vfs_path_put_locked(at);
	return e;
}

struct path_result procfs_pid_follow(const struct vfs_ctx *c, struct inode *ip)
{
	(void)c;
	struct procfs_inode *pi = procfs_inode_from(ip);
	int e = 0;
	struct thread *t = procfs_inspected(pi, &e);
	if (!t)
		return path_result_err(e);
	struct path_result r = path_result_err(-ENOENT);
	struct vfs_path at = { 0 };
	if (pi->kind == PK_CWD)
		at = t->fs.cwd;
	else if (pi->kind == PK_ROOTLINK)
		at = t->fs.root;
	else if (pi->kind == PK_FD_LINK) {
		struct file *f = proc_fd_peek(t, pi->fd);
		if (f && f->mnt && f->dentry) /* a socket has no path: its text is used */
			at = (struct vfs_path){ .mnt = f->mnt, .dentry = f->dentry };
	}
	if (at.mnt && at.dentry)
		r = path_result_ok(at);
	proc_put(t);
	return r;
}

static struct inode_result make(struct procfs_inode *dir, enum procfs_kind kind, u32 mode,
				u32 tid, u32 fd) REQUIRES(vfs_lock)
{
	struct inode_result r = procfs_new_inode(dir->vfs.sb, kind, mode, dir->pid, tid, fd);
	if (!r.err) {
		r.value->uid = dir->vfs.uid;
		r.value->gid = dir->vfs.gid;
	}
	return r;
}

struct inode_result procfs_pid_lookup(const struct vfs_ctx *c, struct procfs_inode *dir,
				      struct str name)
{
	struct inode_result r = inode_result_err(-ENOENT);
	struct synth_entry t;
	if (dir->kind == PK_PID_DIR || dir->kind == PK_TID_DIR) {
		if (synth_find(&dir->vfs, pid_dir_entry, name, &t))
			r = make(dir, (enum procfs_kind)t.kind, t.mode, dir->tid, 0);
	} else if (dir->kind == PK_TASK_DIR) {
		u32 tid = procfs_parse_pid(name);
		if (tid) {
			r = make(dir, PK_TID_DIR, DIR_MODE, tid, 0);
			if (!r.err && !procfs_pid_alive(procfs_inode_from(r.value))) {
				vfs_inode_put(r.value);
				r = inode_result_err(-ENOENT);
			}
		}
	} else if (dir->kind == PK_FD_DIR || dir->kind == PK_FDINFO_DIR) {
		u32 fd = parse_fd(name);
		int e = 0;
		struct thread *t = procfs_inspected(dir, &e);
		struct file *f = t && fd < PROC_MAX_FDS ? proc_fd_peek(t, fd) : NULL;
		if (t)
			proc_put(t);
		if (!t)
			r = inode_result_err(e);
		else if (f)
			r = make(dir, dir->kind == PK_FD_DIR ? PK_FD_LINK : PK_FDINFO,
				 dir->kind == PK_FD_DIR ? (VFS_S_IFLNK | 0700) : FILE_MODE, dir->tid, fd);
	}
	if (r.err)
		return r;
	struct procfs_inode *pi = procfs_inode_from(r.value);
	if (pi->kind == PK_EXE || pi->kind == PK_CWD || pi->kind == PK_ROOTLINK ||
	    pi->kind == PK_FD_LINK) {
		int e = link_target(c, pi);
		if (e) {
			vfs_inode_put(r.value);
			return inode_result_err(e);
		}
	}
	return r;
}

static void dirent_num(struct vfs_dirent *out, u32 n, u32 mode, u64 ino, u64 next)
{
	u8 name[16];
	struct strbuf sb = strbuf_over(BYTES_OF_ARRAY(name));
	STRBUF_FMT(&sb, "%u", n);
	synth_dirent(out, strbuf_str(&sb), mode, ino, next);
}

int procfs_pid_readdir(struct procfs_inode *dir, u64 pos, struct vfs_dirent *out)
{
	if (pos < 2)
		pos = 2;
	if (dir->kind == PK_PID_DIR || dir->kind == PK_TID_DIR)
		return synth_readdir(&dir->vfs, pid_dir_entry, pos, out);
	if (dir->kind == PK_TASK_DIR) {
		struct thread *g = proc_by_pid(dir->pid);
		struct thread *t = g && g->leader == g && pos - 2 < (1ull << 31)
					    ? proc_group_next(g, (u32)(pos - 2) ? (u32)(pos - 2) - 1 : 0)
					    : NULL;
		if (g)
			proc_put(g);
		if (!t)
			return -ENOENT;
		dirent_num(out, t->pid, DIR_MODE, procfs_ino(PK_TID_DIR, dir->pid, t->pid, 0),
			   2 + (u64)t->pid + 1);
		proc_put(t);
		return 0;
	}
	if (dir->kind == PK_FD_DIR || dir->kind == PK_FDINFO_DIR) {
		int e = 0;
		struct thread *t = procfs_inspected(dir, &e);
		if (!t)
			return -ENOENT;
		e = -ENOENT;
		i64 fd = pos - 2 < PROC_MAX_FDS ? proc_fd_next(t, (i64)(pos - 2)) : -1;
		if (fd >= 0) {
			bool link = dir->kind == PK_FD_DIR;
			dirent_num(out, (u32)fd, link ? VFS_S_IFLNK : VFS_S_IFREG,
				   procfs_ino(link ? PK_FD_LINK : PK_FDINFO, dir->pid, dir->tid, (u32)fd),
				   (u64)fd + 3);
			e = 0;
		}
		proc_put(t);
		return e;
	}
	return -ENOENT;
}

