/*
 * pid_gen.c — the texts of the per-process files (fs/procfs.h): stat, status, statm, cmdline,
 * environ, comm, maps, mounts, mountinfo, fdinfo/N, smaps_rollup, oom_score_adj, oom_score and
 * limits, in Linux's formats (fs/proc/array.c, task_mmu.c, base.c), and the writes of comm and
 * oom_score_adj.
 *
 * Whose state is read, and how safely: ids, state, name and program file under proc_lock;
 * signal sets under the process's sig_lock (dispositions under its handler table's lock);
 * memory through a reference to its map (the map's own lock; cmdline and environ are read from
 * its pages like process_vm_readv); limits under its rlim_lock, CPU times from its atomic
 * counters (proc/usage.h).
 */
#include <fs/procfs.h>
#include <fs/terminal.h>
#include <fw/time.h>
#include <fw/typecache.h>
#include <fw/uaccess.h>
#include <proc/process.h>
#include <proc/rlimit.h>
#include <proc/usage.h>

#define USER_HZ 100u
#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

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
	u64 pending, shared, blocked, ignored, caught;
	u32 queued, limit;
};

/* sigs_of - p's signal sets: its own pending set and mask (under its sig_lock), the group's
 * pending signals (a process-directed signal is given to one thread when it is sent, so the
 * group's set is the union of its threads'), the dispositions that ignore or catch, and SigQ:
 * the real-time instances queued for p's real uid and their limit. */
static void sigs_of(struct thread *p, const struct proc_info *in, struct sig_sets *s)
{
	*s = (struct sig_sets){ 0 };
	spin_lock(&p->sig_lock);
	s->blocked = p->sigmask;
	s->pending = p->pending.set;
	spin_unlock(&p->sig_lock);
	for (struct thread *t = proc_group_next(p->leader, 0); t;) {
		spin_lock(&t->sig_lock);
		s->shared |= t->pending.set;
		spin_unlock(&t->sig_lock);
		u32 at = t->pid;
		proc_put(t);
		t = proc_group_next(p->leader, at);
	}
	for (u32 sig = 1; sig <= PROC_NSIG; sig++) {
		u64 handler = proc_sigaction_get(p, sig).handler;
		if (handler == 1) /* SIG_IGN */
			s->ignored |= 1ull << (sig - 1);
		else if (handler > 1)
			s->caught |= 1ull << (sig - 1);
	}
	s->queued = proc_sigqueued_count(in->cred.uid);
	s->limit = proc_sigpending_limit(p);
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
	struct thread *p;
	struct proc_info in;
	struct vm_map *m;
	struct mem_figures mf;
};

DEFINE_TYPE_CACHE(gen_ctx_cache, struct gen_ctx);

static int gen_stat(struct strbuf *sb, struct gen_ctx *g)
{
	struct thread *p = g->p;
	struct proc_info *in = &g->in;
	const struct mem_figures *mf = &g->mf;
	struct sig_sets s;
	sigs_of(p, in, &s);
	/* CPU times in clock ticks: /proc/PID/stat the process's, task/TID/stat the thread's;
	 * cutime and cstime the reaped children's (the group's) */
	struct proc_usage u = proc_usage_peek(p, g->pi->tid != 0);
	struct proc_usage c = proc_usage_children(p);
	const u64 tick_ns = 1000000000u / USER_HZ;
	/* the controlling terminal (fs/terminal.h): tty_nr as new_encode_dev, tpgid its foreground
	 * group (-1 without a terminal or a foreground group) */
	u32 tmaj = 0, tmin = 0, tpgid = 0;
	bool has_tty = tty_of_session(term_job_ids(p).ctty_sid, &tmaj, &tmin, &tpgid);
	u64 tty_nr = has_tty ? (tmin & 0xffu) | (tmaj << 8) | ((u64)(tmin & ~0xffu) << 12) : 0;
	/* fields 4..52 of fs/proc/array.c's do_task_stat; RSSLIM (25) all ones */
	const u64 f[49] = {
		in->ppid, in->pgid, in->sid, tty_nr, tpgid, 4194560 /* flags */,
		u.minflt, c.minflt, u.majflt, c.majflt, u.utime_ns / tick_ns, u.stime_ns / tick_ns,
		c.utime_ns / tick_ns, c.stime_ns / tick_ns,
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

/* cpus_allowed - every CPU (Trellis has no affinity masks): Cpus_allowed as Linux's bitmap
 * (hex in 32-bit groups, highest first) and Cpus_allowed_list ("0", "0-1"). */
static void cpus_allowed(struct strbuf *sb)
{
	u32 n = cpu_count() ? cpu_count() : 1;
	strbuf_add(sb, STR("Cpus_allowed:\t"));
	for (u32 grp = (n + 31) / 32; grp-- > 0;) {
		u32 bits = n - grp * 32 >= 32 ? 0xffffffffu : (1u << (n - grp * 32)) - 1;
		if (grp == (n + 31) / 32 - 1)
			STRBUF_FMT(sb, "%x", bits);
		else
			STRBUF_FMT(sb, "%08x", bits);
		if (grp)
			strbuf_add_char(sb, ',');
	}
	if (n == 1)
		strbuf_add(sb, STR("\nCpus_allowed_list:\t0\n"));
	else
		STRBUF_FMT(sb, "\nCpus_allowed_list:\t0-%u\n", n - 1);
}

static int gen_status(struct strbuf *sb, struct gen_ctx *g)
{
	struct thread *p = g->p;
	struct proc_info *in = &g->in;
	const struct mem_figures *mf = &g->mf;
	struct sig_sets s;
	sigs_of(p, in, &s);
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
		STRBUF_FMT(sb, "%s%u", i ? STR(" ") : str_empty(), c->groups[i]);
	strbuf_add(sb, STR(" \n")); /* Linux's trailing space, also after no group */
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
		kv(sb, STR("HugetlbPages"), 0, KV_KB);
	}
	kv(sb, STR("CoreDumping"), 0, KV_DEC);
	kv(sb, STR("THP_enabled"), 1, KV_DEC); /* /sys/kernel/mm/transparent_hugepage: always */
	kv(sb, STR("Threads"), in->nthreads, KV_DEC);
	STRBUF_FMT(sb, "SigQ:\t%u/%u\n", s.queued, s.limit);
	kv(sb, STR("SigPnd"), s.pending, KV_HEX);
	kv(sb, STR("ShdPnd"), s.shared, KV_HEX);
	kv(sb, STR("SigBlk"), s.blocked, KV_HEX);
	kv(sb, STR("SigIgn"), s.ignored, KV_HEX);
	kv(sb, STR("SigCgt"), s.caught, KV_HEX);
	u64 caps = c->euid == 0 ? 0x000001ffffffffffull : 0;
	kv(sb, STR("CapInh"), 0, KV_HEX);
	kv(sb, STR("CapPrm"), caps, KV_HEX);
	kv(sb, STR("CapEff"), caps, KV_HEX);
	kv(sb, STR("CapBnd"), 0x000001ffffffffffull, KV_HEX);
	kv(sb, STR("CapAmb"), 0, KV_HEX);
	kv(sb, STR("NoNewPrivs"), proc_ctl_no_new_privs(p), KV_DEC);
	kv(sb, STR("Seccomp"), 0, KV_DEC);
	kv(sb, STR("Seccomp_filters"), 0, KV_DEC);
	/* Trellis does not control these speculation features per task: Linux's words for that */
	strbuf_add(sb, STR("Speculation_Store_Bypass:\tunknown\nSpeculationIndirectBranch:\tunknown\n"));
	cpus_allowed(sb);
	/* one memory node; Linux prints MAX_NUMNODES (1024 on Debian) bits in 32-bit groups */
	strbuf_add(sb, STR("Mems_allowed:\t"));
	for (u32 i = 0; i < 31; i++)
		strbuf_add(sb, STR("00000000,"));
	strbuf_add(sb, STR("00000001\nMems_allowed_list:\t0\n"));
	/* the thread's context switches (the leader's for PID/status, as Linux), as getrusage
	 * counts them */
	struct proc_usage u = proc_usage_peek(p, true);
	kv(sb, STR("voluntary_ctxt_switches"), u.nvcsw, KV_DEC);
	kv(sb, STR("nonvoluntary_ctxt_switches"), u.nivcsw, KV_DEC);
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

/* region_name - the name /proc/PID/maps shows for a file mapping made through `fp`: its
 * path as `root` sees it now (after a rename too), or, once the file was removed,
 * "DIR/NAME (deleted)" as Linux's d_path. Its length in dst; 0 when it has none there. */
static size_t region_name(struct vfs_path root, struct vfs_path fp, struct bytes dst)
{
	size_t len = 0;
	down_write(&vfs_lock);
	bool dead = vfs_dentry_dead(fp.dentry) && fp.dentry->parent != fp.dentry;
	struct vfs_path at = fp;
	if (dead)
		at.dentry = fp.dentry->parent;
	struct result_size n = vfs_path_of_locked(root, at, dst);
	if (!n.err && n.value > 0) {
		len = n.value - 1;
		if (dead) { /* the rest is built in place after the directory's text */
			struct bytes_result rest = bytes_skip(dst, len);
			struct strbuf tail = strbuf_over(rest.err ? bytes_empty() : rest.value);
			if (len != 1) /* the directory is not "/" */
				strbuf_add_char(&tail, '/');
			strbuf_add(&tail, vfs_dentry_name(fp.dentry));
			strbuf_add(&tail, STR(" (deleted)"));
			len = strbuf_err(&tail) ? 0 : len + strbuf_len(&tail);
		}
	}
	up_write(&vfs_lock);
	return len;
}

static int gen_maps(struct strbuf *sb, struct gen_ctx *g)
{
	struct vm_map *m = g->m;
	if (!m)
		return 0;
	struct thread *me = proc_current();
	if (!me)
		return 0;
	down_write(&vfs_lock); /* a context's paths change under it */
	struct vfs_path root = me->fs.root;
	vfs_path_get(root);
	up_write(&vfs_lock);
	proc_put(me);
	/* Out of memory for the names: the read fails (it succeeded with the program's mappings
	 * unnamed: found by make test-abi-fault, procfs.self_maps_shows_mappings). */
	struct kbuf fname = KBUF_EMPTY; /* a file mapping's path */
	int e = kbuf_alloc(&fname, VFS_PATH_MAX + VFS_NAME_MAX + 16);
	if (e) {
		vfs_path_put(root);
		return e;
	}
	struct vm_region_info r;
	for (u64 at = 0; !vm_map_region_next(m, at, &r) && r.end > at; at = r.end) {
		size_t line = strbuf_len(sb);
		struct vfs_stat st = { 0 };
		size_t flen = 0;
		struct vfs_path fp = r.file ? vm_map_region_file(m, r.start) : (struct vfs_path){ 0 };
		if (fp.dentry) {
			flen = region_name(root, fp, kbuf_bytes(&fname));
			vfs_stat_inode(fp.dentry->inode, &st);
		}
		if (fp.dentry || fp.mnt)
			vfs_path_put(fp);
		STRBUF_FMT(sb, "%08x-%08x %c%c%c%c %08x %02x:%02x %u", r.start, r.end,
			   (r.prot & VM_READ) ? 'r' : '-', (r.prot & VM_WRITE) ? 'w' : '-',
			   (r.prot & VM_EXEC) ? 'x' : '-', (r.flags & VMA_SHARED) ? 's' : 'p',
			   r.file ? r.pgoff * 4096 : 0, st.dev_major, st.dev_minor, st.ino);
		struct str name = (r.flags & VMA_STACK) ? STR("[stack]")
				: (r.flags & VMA_HEAP) ? STR("[heap]")
				: (r.flags & VMA_VDSO) ? STR("[vdso]")
				: (r.flags & VMA_VVAR) ? STR("[vvar]")
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
	vfs_path_put(root);
	return 0;
}

/* gen_mount_table - /proc/mounts' or mountinfo's text, the mounts the caller's root sees. */
typedef struct result_size (*mount_show_fn)(struct vfs_path root, struct bytes dst);
static int gen_mount_table(struct strbuf *sb, mount_show_fn show)
{
	struct thread *me = proc_current();
	if (!me)
		return 0;
	struct kbuf buf = KBUF_EMPTY;
	int e = 0;
	for (size_t size = 16384; size <= KBUF_MAX; size *= 4) {
		if (kbuf_alloc(&buf, size)) {
			e = -ENOMEM;
			break;
		}
		struct result_size n = show(me->fs.root, kbuf_bytes(&buf));
		if (!n.err)
			strbuf_add(sb, str_from_bytes(bytes_head(kbuf_bytes(&buf), n.value)));
		kbuf_free(&buf);
		if (n.err != -ERANGE)
			break;
	}
	proc_put(me);
	return e;
}

static int gen_mounts(struct strbuf *sb, struct gen_ctx *g)
{
	(void)g;
	return gen_mount_table(sb, vfs_mounts_show);
}

static int gen_mountinfo(struct strbuf *sb, struct gen_ctx *g)
{
	(void)g;
	return gen_mount_table(sb, vfs_mountinfo_show);
}

static int gen_fdinfo(struct strbuf *sb, struct gen_ctx *g)
{
	const struct procfs_inode *pi = g->pi;
	int e = 0;
	struct thread *t = procfs_inspected(pi, &e);
	if (!t)
		return e == -ENOENT ? -ESRCH : e;
	e = -ENOENT;
	bool cloexec = false;
	struct file *f = proc_fd_peek_get(t, pi->fd, &cloexec);
	if (f) {
		mutex_lock(&f->inode->lock); /* f->pos */
		u64 pos = f->pos;
		u32 flags = f->flags | 0100000u /* O_LARGEFILE, as on 64-bit Linux */ |
			    (cloexec ? VFS_O_CLOEXEC : 0);
		u64 ino = f->inode->ino;
		mutex_unlock(&f->inode->lock);
		STRBUF_FMT(sb, "pos:\t%u\nflags:\t0%o\nmnt_id:\t0\nino:\t%u\n", pos, flags, ino);
		e = 0;
		vfs_close(f);
	}
	proc_put(t);
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
	if (!procfs_may_inspect(g->pi))
		return -EACCES;
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

/* smaps_rollup: the map's span, then the sums of smaps. Trellis counts resident pages per
 * address space, not per mapping or per sharer, so every resident page shows as private,
 * dirty, anonymous and referenced (the same figures status gives: RssAnon is VmRSS). */
static int gen_smaps_rollup(struct strbuf *sb, struct gen_ctx *g)
{
	if (!procfs_may_inspect(g->pi))
		return -EACCES;
	struct vm_map *m = g->m;
	if (!m)
		return 0; /* a zombie: no memory, an empty file (Linux) */
	u64 first = 0, last = 0;
	struct vm_region_info r;
	for (u64 at = 0; !vm_map_region_next(m, at, &r) && r.end > at; at = r.end) {
		if (!last)
			first = r.start;
		last = r.end;
	}
	if (!last)
		return 0;
	size_t line = strbuf_len(sb);
	STRBUF_FMT(sb, "%08x-%08x ---p 00000000 00:00 0", first, last);
	while (strbuf_len(sb) - line < 73 && !strbuf_err(sb))
		strbuf_add_char(sb, ' ');
	strbuf_add(sb, STR("[rollup]\n"));
	u64 rss_kb = vmspace_resident_pages(&m->vs) * 4;
	static const struct str keys[] = {
		STR("Rss"), STR("Pss"), STR("Pss_Dirty"), STR("Pss_Anon"), STR("Pss_File"),
		STR("Pss_Shmem"), STR("Shared_Clean"), STR("Shared_Dirty"), STR("Private_Clean"),
		STR("Private_Dirty"), STR("Referenced"), STR("Anonymous"), STR("KSM"), STR("LazyFree"),
		STR("AnonHugePages"), STR("ShmemPmdMapped"), STR("FilePmdMapped"),
		STR("Shared_Hugetlb"), STR("Private_Hugetlb"), STR("Swap"), STR("SwapPss"),
		STR("Locked"),
	};
	/* the keys that are the resident size; the rest are 0 */
	static const bool rss[] = { true, true, true, true, false, false, false, false, false,
				    true, true, true };
	for (size_t i = 0; i < NELEM(keys); i++) {
		size_t at = strbuf_len(sb);
		strbuf_add(sb, keys[i]);
		strbuf_add_char(sb, ':');
		while (strbuf_len(sb) - at < 16 && !strbuf_err(sb)) /* Linux's padded labels */
			strbuf_add_char(sb, ' ');
		STRBUF_FMT(sb, "%8u kB\n", i < NELEM(rss) && rss[i] ? rss_kb : 0);
	}
	return 0;
}

static int gen_oom_adj(struct strbuf *sb, struct gen_ctx *g)
{
	STRBUF_FMT(sb, "%d\n", proc_oom_adj(g->p));
	return 0;
}

static int gen_oom_score(struct strbuf *sb, struct gen_ctx *g)
{
	STRBUF_FMT(sb, "%u\n", proc_oom_score(g->p));
	return 0;
}

/* pad - spaces after the text begun at `from` up to `width` bytes, then one more (Linux's
 * "%-Ns "). */
static void pad(struct strbuf *sb, size_t from, size_t width)
{
	while (strbuf_len(sb) - from < width && !strbuf_err(sb))
		strbuf_add_char(sb, ' ');
}

/* limits: Linux's table (fs/proc/base.c proc_pid_limits), one line per RLIMIT_*. */
static int gen_limits(struct strbuf *sb, struct gen_ctx *g)
{
	static const struct str names[PROC_RLIM_N] = {
		STR("Max cpu time"),       STR("Max file size"),       STR("Max data size"),
		STR("Max stack size"),     STR("Max core file size"),  STR("Max resident set"),
		STR("Max processes"),      STR("Max open files"),      STR("Max locked memory"),
		STR("Max address space"),  STR("Max file locks"),      STR("Max pending signals"),
		STR("Max msgqueue size"),  STR("Max nice priority"),   STR("Max realtime priority"),
		STR("Max realtime timeout"),
	};
	static const struct str units[PROC_RLIM_N] = {
		STR("seconds"), STR("bytes"),   STR("bytes"),     STR("bytes"),   STR("bytes"),
		STR("bytes"),   STR("processes"), STR("files"),   STR("bytes"),   STR("bytes"),
		STR("locks"),   STR("signals"), STR("bytes"),     STR(""),        STR(""),
		STR("us"),
	};
	size_t at = strbuf_len(sb);
	strbuf_add(sb, STR("Limit"));
	pad(sb, at, 26);
	at = strbuf_len(sb);
	strbuf_add(sb, STR("Soft Limit"));
	pad(sb, at, 21);
	at = strbuf_len(sb);
	strbuf_add(sb, STR("Hard Limit"));
	pad(sb, at, 21);
	at = strbuf_len(sb);
	strbuf_add(sb, STR("Units"));
	pad(sb, at, 10);
	strbuf_add_char(sb, '\n');
	for (u32 r = 0; r < PROC_RLIM_N; r++) {
		struct proc_rlimit l = proc_rlimit_get(g->p, r);
		at = strbuf_len(sb);
		strbuf_add(sb, names[r]);
		pad(sb, at, 26);
		const u64 v[2] = { l.cur, l.max };
		for (u32 k = 0; k < 2; k++) {
			at = strbuf_len(sb);
			if (v[k] == PROC_RLIM_INFINITY)
				strbuf_add(sb, STR("unlimited"));
			else
				STRBUF_FMT(sb, "%u", v[k]);
			pad(sb, at, 21);
		}
		if (str_len(units[r])) {
			at = strbuf_len(sb);
			strbuf_add(sb, units[r]);
			pad(sb, at, 10);
		}
		strbuf_add_char(sb, '\n');
	}
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
	[PK_PID_MOUNTINFO] = gen_mountinfo, [PK_PID_SMAPS_ROLLUP] = gen_smaps_rollup, [PK_PID_OOM_ADJ] = gen_oom_adj,
	[PK_PID_OOM_SCORE] = gen_oom_score, [PK_PID_LIMITS] = gen_limits,
	[PK_FDINFO] = gen_fdinfo,
};

struct result_size procfs_make_it_fail_write(struct procfs_inode *pi, struct bytes src)
{
	struct thread *me = proc_current();
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
	struct thread *p = procfs_target(pi);
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
	if (pi->kind != PK_FDINFO && pi->kind != PK_PID_MOUNTS && pi->kind != PK_PID_MOUNTINFO) {
		g->p = procfs_target(pi);
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
	struct thread *me = procfs_caller_in(pi->pid);
	if (!me)
		return result_size_err(-EINVAL); /* Linux: only the process's own threads */
	struct thread *p = procfs_target(pi);
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

/* parse_int - Linux's kstrtoint(s, 0) after strstrip: an optional sign, then decimal, 0x hex
 * or 0 octal, with white space around; false when it is not that or does not fit an int. */
static bool parse_int(struct str s, i32 *out)
{
	size_t a = 0, b = str_len(s);
	while (a < b && (str_at(s, a).value == ' ' || str_at(s, a).value == '\n' ||
			 str_at(s, a).value == '\t'))
		a++;
	while (b > a && (str_at(s, b - 1).value == ' ' || str_at(s, b - 1).value == '\n' ||
			 str_at(s, b - 1).value == '\t'))
		b--;
	bool neg = a < b && str_at(s, a).value == '-';
	if (a < b && (str_at(s, a).value == '-' || str_at(s, a).value == '+'))
		a++;
	u32 base = 10;
	if (b - a > 1 && str_at(s, a).value == '0' &&
	    (str_at(s, a + 1).value == 'x' || str_at(s, a + 1).value == 'X')) {
		base = 16;
		a += 2;
	} else if (b - a > 1 && str_at(s, a).value == '0') {
		base = 8;
		a++;
	}
	if (a >= b)
		return false;
	u64 v = 0;
	for (size_t i = a; i < b; i++) {
		u8 c = str_at(s, i).value;
		u32 d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10u
			: c >= 'A' && c <= 'F' ? c - 'A' + 10u : 99u;
		if (d >= base)
			return false;
		v = v * base + d;
		if (v > 0x80000000ull)
			return false;
	}
	if (!neg && v > 0x7fffffffull)
		return false;
	*out = neg ? (i32)(0 - v) : (i32)v;
	return true;
}

struct result_size procfs_oom_adj_write(struct procfs_inode *pi, struct bytes src)
{
	/* Linux reads at most 12 bytes (PROC_NUMBUF - 1) and answers for all it was given */
	size_t n = bytes_len(src) < 12 ? bytes_len(src) : 12;
	i32 adj = 0;
	if (!parse_int(str_from_bytes(bytes_head(src, n)), &adj))
		return result_size_err(-EINVAL);
	struct thread *me = proc_current();
	bool privileged = !me || me->fs.cred.euid == 0; /* CAP_SYS_RESOURCE */
	if (me)
		proc_put(me);
	struct thread *p = procfs_target(pi);
	if (!p)
		return result_size_err(-ESRCH);
	int e = proc_set_oom_adj(p, adj, privileged);
	proc_put(p);
	return e ? result_size_err(e) : result_size_ok(bytes_len(src));
}
