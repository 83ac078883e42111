/*
 * pid.c — /proc/PID and /proc/PID/task/TID (fs/procfs.h): their directories, links and the
 * generators of their files (stat, status, statm, cmdline, environ, comm, maps, mounts,
 * fdinfo/N), in Linux's formats (fs/proc/array.c, task_mmu.c).
 *
 * Whose state is read, and how safely: ids, state, name and program file under proc_lock;
 * signal sets under the process's sig_lock; memory through a reference to its map (the map's
 * own lock; cmdline and environ are read from its pages like process_vm_readv). A process's
 * descriptor table and fs context are touched only by its own task, so fd/, fdinfo/, cwd and
 * root show the CALLER's own (a thread of the group named): for another process they are
 * EACCES, as Linux answers a process that may not ptrace the target.
 */
#include <fs/procfs.h>
#include <fs/terminal.h>
#include <fw/time.h>
#include <fw/typecache.h>
#include <fw/uaccess.h>
#include <proc/process.h>

#define DIR_MODE (VFS_S_IFDIR | 0555)
#define FILE_MODE (VFS_S_IFREG | 0444)
#define LINK_MODE (VFS_S_IFLNK | 0777)
#define USER_HZ 100u
#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

struct gen_ctx;

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

/* the process an entry describes (its thread for task/TID entries), with a reference; NULL
 * when it is gone */
static struct process *target_of(const struct procfs_inode *pi)
{
	struct process *p = proc_by_pid(pi->tid ? pi->tid : pi->pid);
	if (p && (p->leader->pid != pi->pid || (!pi->tid && p->leader != p))) {
		proc_put(p);
		return NULL;
	}
	return p;
}

bool procfs_pid_alive(struct procfs_inode *pi)
{
	struct process *p = target_of(pi);
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

/* caller_in - the calling thread when it belongs to group `pid` (a reference), else NULL. */
static struct process *caller_in(u32 pid)
{
	struct process *me = proc_current();
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

/* fd_target - the text of fd/N: the file's path, or pipe:[ino], socket:[ino]. */
static int fd_target(const struct vfs_ctx *c, struct file *f, struct procfs_inode *pi)
	REQUIRES(vfs_lock)
{
	if (f->dentry && f->mnt && !f->dentry->dead &&
	    !path_target(c->root, (struct vfs_path){ .mnt = f->mnt, .dentry = f->dentry }, pi))
		return 0;
	if (f->dentry && f->mnt && f->dentry->dead && f->dentry->parent != f->dentry)
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
	if (pi->kind == PK_EXE) {
		struct process *p = target_of(pi);
		if (!p)
			return -ENOENT;
		at = proc_get_exe(p);
		proc_put(p);
		put = true;
	} else {
		struct process *me = caller_in(pi->pid);
		if (!me)
			return -EACCES; /* another process's table: see the comment at the top */
		int e = 0;
		if (pi->kind == PK_CWD)
			at = c->cwd;
		else if (pi->kind == PK_ROOTLINK)
			at = c->root;
		else {
			struct file *f = proc_fd_peek(me, pi->fd);
			e = f ? fd_target(c, f, pi) : -ENOENT;
		}
		proc_put(me);
		if (pi->kind == PK_FD_LINK)
			return e;
	}
	int e = at.mnt && at.dentry ? path_target(c->root, at, pi) : -ENOENT;
	if (put && at.mnt)
		vfs_path_put_locked(at);
	return e;
}

struct path_result procfs_pid_follow(const struct vfs_ctx *c, struct inode *ip)
{
	struct procfs_inode *pi = procfs_inode_from(ip);
	struct process *me = caller_in(pi->pid);
	if (!me)
		return path_result_err(-EACCES);
	struct path_result r = path_result_err(-ENOENT);
	if (pi->kind == PK_CWD)
		r = path_result_ok(c->cwd);
	else if (pi->kind == PK_ROOTLINK)
		r = path_result_ok(c->root);
	else if (pi->kind == PK_FD_LINK) {
		struct file *f = proc_fd_peek(me, pi->fd);
		if (f && f->mnt && f->dentry) /* a pipe or socket has no path: its text is used */
			r = path_result_ok((struct vfs_path){ .mnt = f->mnt, .dentry = f->dentry });
	}
	proc_put(me);
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
		struct process *me = caller_in(dir->pid);
		struct file *f = me && fd < PROC_MAX_FDS ? proc_fd_peek(me, fd) : NULL;
		if (me)
			proc_put(me);
		if (!me)
			r = inode_result_err(-EACCES);
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
		struct process *g = proc_by_pid(dir->pid);
		struct process *t = g && g->leader == g && pos - 2 < (1ull << 31)
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
		struct process *me = caller_in(dir->pid);
		if (!me)
			return -ENOENT;
		int e = -ENOENT;
		i64 fd = pos - 2 < PROC_MAX_FDS ? proc_fd_next(me, (i64)(pos - 2)) : -1;
		if (fd >= 0) {
			bool link = dir->kind == PK_FD_DIR;
			dirent_num(out, (u32)fd, link ? VFS_S_IFLNK : VFS_S_IFREG,
				   procfs_ino(link ? PK_FD_LINK : PK_FDINFO, dir->pid, dir->tid, (u32)fd),
				   (u64)fd + 3);
			e = 0;
		}
		proc_put(me);
		return e;
	}
	return -ENOENT;
}

/* --- generators ------------------------------------------------------------------------------- */

/* Memory figures of a map, in bytes and pages. */
struct mem_figures {
	u64 vsize, rss_pages, stack, data, text, locked;
	u64 start_code, end_code, start_brk, brk;
	u64 arg_start, arg_end, env_start, env_end;
};

static void mem_of(struct vm_map *m, struct mem_figures *mf)
{
	*mf = (struct mem_figures){ 0 };
	if (!m)
		return;
	struct vm_region_info r;
	for (u64 at = 0; !vm_map_region_next(m, at, &r) && r.end > at; at = r.end) {
		u64 len = r.end - r.start;
		mf->vsize += len;
		if (r.flags & VMA_STACK)
			mf->stack += len;
		else if (r.exe && (r.prot & VM_EXEC)) {
			mf->text += len;
			if (!mf->start_code)
				mf->start_code = r.start;
			mf->end_code = r.end;
		} else if ((r.prot & VM_WRITE) && !(r.flags & VMA_SHARED))
			mf->data += len;
	}
	mf->rss_pages = vmspace_resident_pages(&m->vs);
	spin_lock(&m->lock);
	mf->start_brk = m->brk_start;
	mf->brk = m->brk;
	mf->locked = m->locked_bytes; /* mlock's accounting (VmLck) */
	spin_unlock(&m->lock);
	mf->arg_start = m->arg_start;
	mf->arg_end = m->arg_end;
	mf->env_start = m->env_start;
	mf->env_end = m->env_end;
}

struct sig_sets {
	u64 pending, blocked, ignored, caught;
};

/* sigs_of - p's signal sets. Only the mask is read here: pending, ignored and caught sets
 * belong to the signal state (proc/signal.c), whose accessors are the next step; they show 0. */
static void sigs_of(struct process *p, struct sig_sets *s)
{
	*s = (struct sig_sets){ 0 };
	spin_lock(&p->sig_lock);
	s->blocked = p->sigmask;
	spin_unlock(&p->sig_lock);
}

/* comm_str - the name in *in (valid while *in is). */
static struct str comm_str(struct proc_info *in)
{
	size_t n = 0;
	while (n < PROC_COMM_LEN - 1 && in->comm.b[n])
		n++;
	return str_from_bytes(bytes_head(BYTES_OF_ARRAY(in->comm.b), n));
}

/* What a generator works from: the entry, its process (NULL for fdinfo and mounts, which
 * read the caller's), a snapshot of it and its memory map. */
struct gen_ctx {
	struct procfs_inode *pi;
	struct process *p;
	struct proc_info in;
	struct vm_map *m;
	struct mem_figures mf;
};

DEFINE_TYPE_CACHE(gen_ctx_cache, struct gen_ctx);

static int gen_stat(struct strbuf *sb, struct gen_ctx *g)
{
	struct process *p = g->p;
	struct proc_info *in = &g->in;
	const struct mem_figures *mf = &g->mf;
	struct sig_sets s;
	sigs_of(p, &s);
	/* the controlling terminal (fs/terminal.h): tty_nr as new_encode_dev, tpgid its foreground
	 * group (-1 without a terminal or a foreground group) */
	u32 tmaj = 0, tmin = 0, tpgid = 0;
	bool has_tty = tty_of_session(term_job_ids(p).ctty_sid, &tmaj, &tmin, &tpgid);
	u64 tty_nr = has_tty ? (tmin & 0xffu) | (tmaj << 8) | ((u64)(tmin & ~0xffu) << 12) : 0;
	/* fields 4..52 of fs/proc/array.c's do_task_stat; RSSLIM (25) all ones */
	const u64 f[49] = {
		in->ppid, in->pgid, in->sid, tty_nr, tpgid, 4194560 /* flags */,
		0, 0, 0, 0, /* faults */ 0, 0, 0, 0, /* utime stime cutime cstime */
		20 /* priority */, 0 /* nice */, in->nthreads, 0 /* itrealvalue */,
		in->start_ns / (1000000000u / USER_HZ), mf->vsize, mf->rss_pages, ~0ull,
		mf->start_code, mf->end_code, mf->arg_start /* startstack */, 0, 0,
		s.pending & 0x7fffffffu, s.blocked & 0x7fffffffu, s.ignored & 0x7fffffffu,
		s.caught & 0x7fffffffu, 0, 0, 0 /* wchan nswap cnswap */, 17 /* exit_signal */,
		0 /* processor */, 0, 0, 0, 0, 0 /* rt_priority policy blkio guest cguest */,
		0, 0 /* start_data end_data */, mf->start_brk, mf->arg_start, mf->arg_end,
		mf->env_start, mf->env_end, 0 /* exit_code */,
	};
	STRBUF_FMT(sb, "%u (%s) %c", in->tid, comm_str(in), in->state);
	for (size_t i = 0; i < 49; i++) {
		if (i == 4 && !tpgid)
			strbuf_add(sb, STR(" -1"));
		else
			STRBUF_FMT(sb, " %u", f[i]);
	}
	strbuf_add_char(sb, '\n');
	return 0;
}

static struct str state_name(char st)
{
	switch (st) {
	case 'R': return STR("R (running)");
	case 'S': return STR("S (sleeping)");
	case 'T': return STR("T (stopped)");
	default: return STR("Z (zombie)");
	}
}

/* One "Key:\tvalue" line of status: decimal, "%8u kB", or 16 hex digits. */
enum kv_form { KV_DEC, KV_KB, KV_HEX };
static void kv(struct strbuf *sb, struct str key, u64 v, enum kv_form form)
{
	strbuf_add(sb, key);
	strbuf_add(sb, STR(":\t"));
	if (form == KV_KB)
		STRBUF_FMT(sb, "%8u kB\n", v);
	else if (form == KV_HEX)
		STRBUF_FMT(sb, "%016x\n", v);
	else
		STRBUF_FMT(sb, "%u\n", v);
}

static void ids4(struct strbuf *sb, struct str key, u32 r, u32 e, u32 saved, u32 fs)
{
	strbuf_add(sb, key);
	STRBUF_FMT(sb, ":\t%u\t%u\t%u\t%u\n", r, e, saved, fs);
}

static int gen_status(struct strbuf *sb, struct gen_ctx *g)
{
	struct process *p = g->p;
	struct proc_info *in = &g->in;
	const struct mem_figures *mf = &g->mf;
	struct sig_sets s;
	sigs_of(p, &s);
	const struct cred *c = &in->cred;
	strbuf_add(sb, STR("Name:\t"));
	strbuf_add(sb, comm_str(in));
	STRBUF_FMT(sb, "\nUmask:\t%04o\nState:\t%s\n", p->umask & 0777, state_name(in->state));
	kv(sb, STR("Tgid"), in->tgid, KV_DEC);
	kv(sb, STR("Ngid"), 0, KV_DEC);
	kv(sb, STR("Pid"), in->tid, KV_DEC);
	kv(sb, STR("PPid"), in->ppid, KV_DEC);
	kv(sb, STR("TracerPid"), 0, KV_DEC);
	ids4(sb, STR("Uid"), c->uid, c->euid, c->suid, c->euid);
	ids4(sb, STR("Gid"), c->gid, c->egid, c->sgid, c->egid);
	kv(sb, STR("FDSize"), PROC_MAX_FDS, KV_DEC);
	strbuf_add(sb, STR("Groups:\t"));
	for (u32 i = 0; i < c->ngroups && i < CRED_NGROUPS; i++)
		STRBUF_FMT(sb, "%u ", c->groups[i]);
	strbuf_add_char(sb, '\n');
	kv(sb, STR("NStgid"), in->tgid, KV_DEC);
	kv(sb, STR("NSpid"), in->tid, KV_DEC);
	kv(sb, STR("NSpgid"), in->pgid, KV_DEC);
	kv(sb, STR("NSsid"), in->sid, KV_DEC);
	if (in->state != 'Z') { /* a zombie has no memory left */
		u64 rss_kb = mf->rss_pages * 4;
		kv(sb, STR("VmPeak"), mf->vsize / 1024, KV_KB);
		kv(sb, STR("VmSize"), mf->vsize / 1024, KV_KB);
		kv(sb, STR("VmLck"), mf->locked / 1024, KV_KB);
		kv(sb, STR("VmPin"), 0, KV_KB);
		kv(sb, STR("VmHWM"), rss_kb, KV_KB);
		kv(sb, STR("VmRSS"), rss_kb, KV_KB);
		kv(sb, STR("RssAnon"), rss_kb, KV_KB);
		kv(sb, STR("RssFile"), 0, KV_KB);
		kv(sb, STR("RssShmem"), 0, KV_KB);
		kv(sb, STR("VmData"), mf->data / 1024, KV_KB);
		kv(sb, STR("VmStk"), mf->stack / 1024, KV_KB);
		kv(sb, STR("VmExe"), mf->text / 1024, KV_KB);
		kv(sb, STR("VmLib"), 0, KV_KB);
		kv(sb, STR("VmPTE"), 0, KV_KB);
		kv(sb, STR("VmSwap"), 0, KV_KB);
	}
	kv(sb, STR("Threads"), in->nthreads, KV_DEC);
	strbuf_add(sb, STR("SigQ:\t0/0\n"));
	kv(sb, STR("SigPnd"), s.pending, KV_HEX);
	kv(sb, STR("ShdPnd"), 0, KV_HEX);
	kv(sb, STR("SigBlk"), s.blocked, KV_HEX);
	kv(sb, STR("SigIgn"), s.ignored, KV_HEX);
	kv(sb, STR("SigCgt"), s.caught, KV_HEX);
	u64 caps = c->euid == 0 ? 0x000001ffffffffffull : 0;
	kv(sb, STR("CapInh"), 0, KV_HEX);
	kv(sb, STR("CapPrm"), caps, KV_HEX);
	kv(sb, STR("CapEff"), caps, KV_HEX);
	kv(sb, STR("CapBnd"), 0x000001ffffffffffull, KV_HEX);
	kv(sb, STR("CapAmb"), 0, KV_HEX);
	kv(sb, STR("NoNewPrivs"), 0, KV_DEC);
	kv(sb, STR("Seccomp"), 0, KV_DEC);
	STRBUF_FMT(sb, "Cpus_allowed_list:\t0-%u\n", cpu_count() ? cpu_count() - 1 : 0);
	kv(sb, STR("voluntary_ctxt_switches"), 0, KV_DEC);
	kv(sb, STR("nonvoluntary_ctxt_switches"), 0, KV_DEC);
	return 0;
}

/* gen_strings - cmdline or environ: the bytes [from, to) of p's memory, as they are now. */
static int gen_strings(struct strbuf *sb, struct vm_map *m, u64 from, u64 to)
{
	if (!m || to <= from)
		return 0;
	u64 len = to - from < KBUF_MAX ? to - from : KBUF_MAX;
	struct kbuf buf = KBUF_EMPTY;
	if (kbuf_alloc(&buf, len))
		return -ENOMEM;
	struct result_size n = vmspace_read_remote(&m->vs, uaddr(from), kbuf_bytes(&buf));
	if (!n.err)
		strbuf_add(sb, str_from_bytes(bytes_head(kbuf_bytes(&buf), n.value)));
	kbuf_free(&buf);
	return 0;
}

static int gen_maps(struct strbuf *sb, struct gen_ctx *g)
{
	struct process *p = g->p;
	struct vm_map *m = g->m;
	if (!m)
		return 0;
	struct vfs_path exe = proc_get_exe(p);
	struct process *me = proc_current();
	struct kbuf path = KBUF_EMPTY;
	struct str exe_name = str_empty();
	int e = 0;
	/* Out of memory for the path: the read fails (it succeeded with the program's mappings
	 * unnamed: found by make test-abi-fault, procfs.self_maps_shows_mappings). */
	if (exe.mnt && me && (e = kbuf_alloc(&path, VFS_PATH_MAX)) == 0) {
		struct result_size n = vfs_path_of(me->fs.root, exe, kbuf_bytes(&path));
		if (!n.err && n.value > 0)
			exe_name = str_from_bytes(bytes_head(kbuf_bytes(&path), n.value - 1));
	}
	if (me)
		proc_put(me);
	if (exe.mnt)
		vfs_path_put(exe);
	struct kbuf fname = KBUF_EMPTY; /* a file mapping's recorded path */
	if (!e)
		e = kbuf_alloc(&fname, VFS_PATH_MAX);
	if (e) {
		kbuf_free(&path);
		return e;
	}
	struct vm_region_info r;
	for (u64 at = 0; !vm_map_region_next(m, at, &r) && r.end > at; at = r.end) {
		size_t line = strbuf_len(sb);
		struct vm_object_id id = { 0 };
		size_t flen = r.file ? vm_map_region_name(m, r.start, kbuf_bytes(&fname), &id) : 0;
		STRBUF_FMT(sb, "%08x-%08x %c%c%c%c %08x %02x:%02x %u", r.start, r.end,
			   (r.prot & VM_READ) ? 'r' : '-', (r.prot & VM_WRITE) ? 'w' : '-',
			   (r.prot & VM_EXEC) ? 'x' : '-', (r.flags & VMA_SHARED) ? 's' : 'p',
			   r.file ? r.pgoff * 4096 : 0, id.dev_major, id.dev_minor, id.ino);
		struct str name = (r.flags & VMA_STACK) ? STR("[stack]")
				: (r.flags & VMA_HEAP) ? STR("[heap]")
				: (r.flags & VMA_VDSO) ? STR("[vdso]")
				: (r.flags & VMA_VVAR) ? STR("[vvar]")
				: r.exe && str_len(exe_name) ? exe_name
				: str_from_bytes(bytes_head(kbuf_bytes(&fname), flen));
		if (str_len(name)) {
			/* Linux pads the name to column 74 (seq_pad) */
			while (strbuf_len(sb) - line < 73 && !strbuf_err(sb))
				strbuf_add_char(sb, ' ');
			strbuf_add(sb, name);
		}
		strbuf_add_char(sb, '\n');
	}
	kbuf_free(&fname);
	kbuf_free(&path);
	return 0;
}

static int gen_mounts(struct strbuf *sb, struct gen_ctx *g)
{
	(void)g;
	struct process *me = proc_current();
	if (!me)
		return 0;
	struct kbuf buf = KBUF_EMPTY;
	int e = 0;
	for (size_t size = 16384; size <= KBUF_MAX; size *= 4) {
		if (kbuf_alloc(&buf, size)) {
			e = -ENOMEM;
			break;
		}
		struct result_size n = vfs_mounts_show(me->fs.root, kbuf_bytes(&buf));
		if (!n.err)
			strbuf_add(sb, str_from_bytes(bytes_head(kbuf_bytes(&buf), n.value)));
		kbuf_free(&buf);
		if (n.err != -ERANGE)
			break;
	}
	proc_put(me);
	return e;
}

static int gen_fdinfo(struct strbuf *sb, struct gen_ctx *g)
{
	const struct procfs_inode *pi = g->pi;
	struct process *me = caller_in(pi->pid);
	if (!me)
		return -EACCES;
	int e = -ENOENT;
	struct file *f = proc_fd_peek(me, pi->fd);
	if (f) {
		bool cloexec = proc_fd_cloexec(me, pi->fd) == 1;
		mutex_lock(&f->inode->lock); /* f->pos */
		u64 pos = f->pos;
		u32 flags = f->flags | 0100000u /* O_LARGEFILE, as on 64-bit Linux */ |
			    (cloexec ? VFS_O_CLOEXEC : 0);
		u64 ino = f->inode->ino;
		mutex_unlock(&f->inode->lock);
		STRBUF_FMT(sb, "pos:\t%u\nflags:\t0%o\nmnt_id:\t0\nino:\t%u\n", pos, flags, ino);
		e = 0;
	}
	proc_put(me);
	return e;
}

static int gen_statm(struct strbuf *sb, struct gen_ctx *g)
{
	STRBUF_FMT(sb, "%u %u 0 %u 0 %u 0\n", g->mf.vsize / 4096, g->mf.rss_pages,
		   g->mf.text / 4096, (g->mf.data + g->mf.stack) / 4096);
	return 0;
}

static int gen_cmdline(struct strbuf *sb, struct gen_ctx *g)
{
	return g->m ? gen_strings(sb, g->m, g->m->arg_start, g->m->arg_end) : 0;
}

static int gen_environ(struct strbuf *sb, struct gen_ctx *g)
{
	return g->m ? gen_strings(sb, g->m, g->m->env_start, g->m->env_end) : 0;
}

static int gen_make_it_fail(struct strbuf *sb, struct gen_ctx *g)
{
	STRBUF_FMT(sb, "%u\n", atomic_u32_load(&g->p->make_it_fail));
	return 0;
}

static int gen_comm(struct strbuf *sb, struct gen_ctx *g)
{
	strbuf_add(sb, comm_str(&g->in));
	strbuf_add_char(sb, '\n');
	return 0;
}

/* The generators, called through this table (not inlined into one big frame). */
typedef int (*pid_gen_fn)(struct strbuf *sb, struct gen_ctx *g);
static const pid_gen_fn pid_gens[PK_COUNT] = {
	[PK_PID_MAKE_IT_FAIL] = gen_make_it_fail,
	[PK_PID_STAT] = gen_stat,       [PK_PID_STATUS] = gen_status,
	[PK_PID_STATM] = gen_statm,     [PK_PID_CMDLINE] = gen_cmdline,
	[PK_PID_ENVIRON] = gen_environ, [PK_PID_COMM] = gen_comm,
	[PK_PID_MAPS] = gen_maps,       [PK_PID_MOUNTS] = gen_mounts,
	[PK_FDINFO] = gen_fdinfo,
};

struct result_size procfs_make_it_fail_write(struct procfs_inode *pi, struct bytes src)
{
	struct process *me = proc_current();
	bool root = me && me->fs.cred.euid == 0;
	if (me)
		proc_put(me);
	if (!root)
		return result_size_err(-EPERM);
	/* Linux reads at most PROC_NUMBUF - 1 bytes, strips white space, and takes an int. */
	size_t n = bytes_len(src) < 12 ? bytes_len(src) : 12;
	size_t i = 0;
	while (i < n && (bytes_u8(src, i).value == ' ' || bytes_u8(src, i).value == '\t'))
		i++;
	u32 v = 0, digits = 0;
	for (; i < n && bytes_u8(src, i).value >= '0' && bytes_u8(src, i).value <= '9'; i++) {
		v = v * 10 + (u32)(bytes_u8(src, i).value - '0');
		if (++digits > 9)
			return result_size_err(-EINVAL); /* out of range */
	}
	while (i < n && (bytes_u8(src, i).value == '\n' || bytes_u8(src, i).value == ' ' ||
			 bytes_u8(src, i).value == '\t'))
		i++;
	if (!digits || i < n)
		return result_size_err(-EINVAL); /* not a number (kstrtoint) */
	if (v > 1)
		return result_size_err(-EINVAL);
	struct process *p = target_of(pi);
	if (!p)
		return result_size_err(-ESRCH);
	atomic_u32_store(&p->make_it_fail, v);
	proc_put(p);
	return result_size_ok(bytes_len(src));
}

int procfs_pid_generate(struct procfs_inode *pi, struct strbuf *sb)
{
	if (pi->kind >= PK_COUNT || !pid_gens[pi->kind])
		return -EINVAL;
	struct gen_ctx *g = KNEW(gen_ctx_cache);
	if (!g)
		return -ENOMEM;
	g->pi = pi;
	int e = 0;
	if (pi->kind != PK_FDINFO && pi->kind != PK_PID_MOUNTS) {
		g->p = target_of(pi);
		if (!g->p)
			e = -ESRCH;
	}
	if (g->p) {
		proc_info_of(g->p, &g->in);
		g->m = proc_mm_get(g->p->leader);
		if (pi->kind == PK_PID_STAT || pi->kind == PK_PID_STATUS || pi->kind == PK_PID_STATM)
			mem_of(g->m, &g->mf);
	}
	if (!e)
		e = pid_gens[pi->kind](sb, g);
	if (g->m)
		vm_map_put(g->m);
	if (g->p)
		proc_put(g->p);
	KFREE(gen_ctx_cache, g);
	return e;
}

struct result_size procfs_comm_write(struct procfs_inode *pi, struct bytes src)
{
	struct process *me = caller_in(pi->pid);
	if (!me)
		return result_size_err(-EINVAL); /* Linux: only the process's own threads */
	struct process *p = target_of(pi);
	size_t n = bytes_len(src);
	if (n && bytes_u8(src, n - 1).value == '\n')
		n--;
	if (p)
		proc_set_comm(p, str_from_bytes(bytes_head(src, n)));
	if (p)
		proc_put(p);
	proc_put(me);
	return p ? result_size_ok(bytes_len(src)) : result_size_err(-ESRCH);
}
