/*
 * root.c — the /proc file system's frame (fs/procfs.h): the "proc" type, its inodes and ops
 * tables, the top-level and /proc/sys directories, the self links, and reading a generated
 * file (synth_read, fs/synth.h: the whole text made afresh at each read, then the window at the
 * file offset copied out: an offset past the end reads 0 bytes).
 */
#include <fs/procfs.h>
#include <fw/typecache.h>
#include <proc/process.h>

DEFINE_TYPE_INFO(procfs_inode, struct procfs_inode);

#define DIR_MODE (VFS_S_IFDIR | 0555)
#define FILE_MODE (VFS_S_IFREG | 0444)
#define LINK_MODE (VFS_S_IFLNK | 0777)
#define PID_POS_BASE 0x10000ull /* readdir positions of /proc/PID entries: this + pid */

static const struct procfs_entry root_entries[] = {
	{ STR("self"), PK_SELF, LINK_MODE },
	{ STR("thread-self"), PK_THREAD_SELF, LINK_MODE },
	{ STR("mounts"), PK_MOUNTS_LINK, LINK_MODE },
	{ STR("meminfo"), PK_MEMINFO, FILE_MODE },
	{ STR("cpuinfo"), PK_CPUINFO, FILE_MODE },
	{ STR("uptime"), PK_UPTIME, FILE_MODE },
	{ STR("loadavg"), PK_LOADAVG, FILE_MODE },
	{ STR("partitions"), PK_PARTITIONS, FILE_MODE },
	{ STR("filesystems"), PK_FILESYSTEMS, FILE_MODE },
	{ STR("version"), PK_VERSION, FILE_MODE },
	{ STR("stat"), PK_STAT, FILE_MODE },
	{ STR("cmdline"), PK_CMDLINE, FILE_MODE },
	{ STR("slabinfo"), PK_SLABINFO, VFS_S_IFREG | 0400 },
	{ STR("sysrq-trigger"), PK_SYSRQ_TRIGGER, VFS_S_IFREG | 0200 },
	{ STR("sys"), PK_SYS, DIR_MODE },
};
static const struct procfs_entry sys_entries[] = {
	{ STR("kernel"), PK_SYS_KERNEL, DIR_MODE },
	{ STR("vm"), PK_SYS_VM, DIR_MODE },
	{ STR("fs"), PK_SYS_FS, DIR_MODE },
};
static const struct procfs_entry sys_vm_entries[] = {
	{ STR("dirty_expire_centisecs"), PK_DIRTY_EXPIRE, VFS_S_IFREG | 0644 },
	{ STR("overcommit_memory"), PK_OVERCOMMIT, VFS_S_IFREG | 0644 },
};
static const struct procfs_entry sys_fs_entries[] = {
	{ STR("file-max"), PK_FILE_MAX, VFS_S_IFREG | 0644 },
	{ STR("dentry-state"), PK_DENTRY_STATE, FILE_MODE },
	{ STR("inode-nr"), PK_INODE_NR, FILE_MODE },
};
static const struct procfs_entry sys_kernel_entries[] = {
	{ STR("ostype"), PK_OSTYPE, FILE_MODE },
	{ STR("osrelease"), PK_OSRELEASE, FILE_MODE },
	{ STR("domainname"), PK_DOMAINNAME, VFS_S_IFREG | 0644 },
	{ STR("hostname"), PK_HOSTNAME, VFS_S_IFREG | 0644 },
	{ STR("pid_max"), PK_PID_MAX, VFS_S_IFREG | 0644 },
	{ STR("random"), PK_SYS_RANDOM, DIR_MODE },
};
static const struct procfs_entry sys_random_entries[] = {
	{ STR("boot_id"), PK_BOOT_ID, FILE_MODE },
	{ STR("uuid"), PK_UUID, FILE_MODE },
};
#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

u64 procfs_ino(enum procfs_kind kind, u32 pid, u32 tid, u32 fd)
{
	if (!pid)
		return 1 + (u64)kind; /* the root is 1, as on Linux */
	u32 who = tid ? tid : pid;
	return (u64)who << 24 | (u64)(tid ? 1 : 0) << 23 | (u64)kind << 12 | (fd & 0xfffu);
}

u32 procfs_parse_pid(struct str name)
{
	size_t n = str_len(name);
	if (n == 0 || n > 10 || str_at(name, 0).value == '0')
		return 0;
	u64 v = 0;
	for (size_t i = 0; i < n; i++) {
		u8 c = str_at(name, i).value;
		if (c < '0' || c > '9')
			return 0;
		v = v * 10 + (c - '0');
	}
	return v < (1ull << 31) ? (u32)v : 0;
}

/* --- reading ---------------------------------------------------------------------------------- */

static int procfs_generate(struct inode *ip, struct strbuf *sb)
{
	struct procfs_inode *pi = procfs_inode_from(ip);
	return pi->pid ? procfs_pid_generate(pi, sb) : procfs_sys_generate(pi, sb);
}

static struct result_size procfs_read_file(struct file *f, struct bytes dst, u64 pos)
{
	return synth_read(f->inode, procfs_generate, dst, pos);
}

static struct result_size procfs_write(struct inode *ip, struct bytes src, u64 pos)
{
	if (procfs_inode_from(ip)->kind == PK_PID_MAKE_IT_FAIL)
		return procfs_make_it_fail_write(procfs_inode_from(ip), src);
	(void)pos;
	struct procfs_inode *pi = procfs_inode_from(ip);
	if (pi->kind == PK_DIRTY_EXPIRE)
		return procfs_sysctl_write(pi, src);
	if (pi->kind == PK_PID_COMM)
		return procfs_comm_write(pi, src);
	if (pi->kind == PK_PID_OOM_ADJ)
		return procfs_oom_adj_write(pi, src);
	if (pi->kind == PK_HOSTNAME || pi->kind == PK_DOMAINNAME)
		return procfs_uts_write(pi, src);
	if (pi->kind == PK_SYSRQ_TRIGGER)
		return procfs_sysrq_write(pi, src);
	return result_size_err(-EIO); /* as Linux for a /proc file without a write method */
}

/* --- links ------------------------------------------------------------------------------------ */

static struct str procfs_readlink(struct inode *ip)
{
	return synth_text_str(&procfs_inode_from(ip)->target);
}

int procfs_set_target(struct procfs_inode *pi, struct str target)
{
	/* ls -l shows 0 for a /proc link, as Linux (fd/N: 64, set by its lookup) */
	return synth_text_set(&pi->target, target);
}

/* --- directories ------------------------------------------------------------------------------ */

/* table_entry - the i-th fixed entry of a system directory into *out: false past the end (and
 * for the directories that are not made from a table). */
static bool table_entry(enum procfs_kind kind, u64 i, struct procfs_entry *out)
{
	switch (kind) {
	case PK_ROOT:
		if (i >= NELEM(root_entries))
			return false;
		*out = root_entries[i];
		return true;
	case PK_SYS:
		if (i >= NELEM(sys_entries))
			return false;
		*out = sys_entries[i];
		return true;
	case PK_SYS_KERNEL:
		if (i >= NELEM(sys_kernel_entries))
			return false;
		*out = sys_kernel_entries[i];
		return true;
	case PK_SYS_VM:
		if (i >= NELEM(sys_vm_entries))
			return false;
		*out = sys_vm_entries[i];
		return true;
	case PK_SYS_FS:
		if (i >= NELEM(sys_fs_entries))
			return false;
		*out = sys_fs_entries[i];
		return true;
	case PK_SYS_RANDOM:
		if (i >= NELEM(sys_random_entries))
			return false;
		*out = sys_random_entries[i];
		return true;
	default:
		return false;
	}
}

/* sys_dir_entry - the i-th fixed entry of a system directory (synth_entry_fn). */
static bool sys_dir_entry(struct inode *dir, u64 i, struct synth_entry *out)
{
	struct procfs_entry t;
	if (!table_entry(procfs_inode_from(dir)->kind, i, &t))
		return false;
	synth_entry_set(out, t.name, t.kind, t.mode, 0, procfs_ino(t.kind, 0, 0, 0));
	return true;
}

/* self_target - "/proc/self": the caller's thread group id; thread-self: "TGID/task/TID". */
static int self_target(struct procfs_inode *pi)
{
	struct thread *me = proc_current();
	if (!me)
		return -ENOENT; /* a kernel task has no self */
	u8 text[48];
	struct strbuf sb = strbuf_over(BYTES_OF_ARRAY(text));
	if (pi->kind == PK_SELF)
		STRBUF_FMT(&sb, "%u", me->leader->pid);
	else
		STRBUF_FMT(&sb, "%u/task/%u", me->leader->pid, me->pid);
	proc_put(me);
	return procfs_set_target(pi, strbuf_str(&sb));
}

static struct inode_result procfs_lookup(const struct vfs_ctx *c, struct inode *dir, struct str name)
	REQUIRES(vfs_lock)
{
	struct procfs_inode *d = procfs_inode_from(dir);
	if (d->pid)
		return procfs_pid_lookup(c, d, name);
	struct synth_entry t;
	if (synth_find(dir, sys_dir_entry, name, &t)) {
		struct inode_result r = procfs_new_inode(dir->sb, (enum procfs_kind)t.kind, t.mode,
							 0, 0, 0);
		if (r.err)
			return r;
		struct procfs_inode *pi = procfs_inode_from(r.value);
		int e = 0;
		if (pi->kind == PK_SELF || pi->kind == PK_THREAD_SELF)
			e = self_target(pi);
		else if (pi->kind == PK_MOUNTS_LINK)
			e = procfs_set_target(pi, STR("self/mounts"));
		if (e) {
			vfs_inode_put(r.value);
			return inode_result_err(e);
		}
		return r;
	}
	if (d->kind != PK_ROOT)
		return inode_result_err(-ENOENT);
	u32 pid = procfs_parse_pid(name);
	struct thread *p = pid ? proc_by_pid(pid) : NULL;
	bool leader = p && p->leader == p;
	if (p)
		proc_put(p);
	if (!leader)
		return inode_result_err(-ENOENT); /* a thread's id is no /proc entry (as Linux: it
						     * is hidden, though Linux still resolves it) */
	struct inode_result r = procfs_new_inode(dir->sb, PK_PID_DIR, DIR_MODE, pid, 0, 0);
	if (!r.err && !procfs_pid_alive(procfs_inode_from(r.value))) {
		vfs_inode_put(r.value);
		return inode_result_err(-ENOENT);
	}
	return r;
}

static int procfs_readdir(struct inode *dir, u64 pos, struct vfs_dirent *out)
	REQUIRES(vfs_lock)
{
	struct procfs_inode *d = procfs_inode_from(dir);
	if (d->pid)
		return procfs_pid_readdir(d, pos, out);
	if (!synth_readdir(dir, sys_dir_entry, pos, out))
		return 0;
	if (d->kind != PK_ROOT)
		return -ENOENT;
	u64 from = pos < PID_POS_BASE ? 1 : pos - PID_POS_BASE;
	if (from >= (1ull << 31))
		return -ENOENT;
	u32 pid = proc_next_tgid((u32)from);
	if (!pid)
		return -ENOENT;
	u8 name[16];
	struct strbuf sb = strbuf_over(BYTES_OF_ARRAY(name));
	STRBUF_FMT(&sb, "%u", pid);
	synth_dirent(out, strbuf_str(&sb), DIR_MODE, procfs_ino(PK_PID_DIR, pid, 0, 0),
		     PID_POS_BASE + pid + 1);
	return 0;
}

/* A process's entries stand while the process does: a reaped process's cached entry is
 * dropped at the next walk, which then finds ENOENT. Each walk also gives them the process's
 * owner again (Linux's pid_revalidate): a process that changed its euid owns its files. */
static bool procfs_revalidate(const struct vfs_ctx *c, struct inode *ip)
{
	(void)c;
	struct procfs_inode *pi = procfs_inode_from(ip);
	return !pi->pid || procfs_pid_alive(pi);
}

static void procfs_destroy(struct inode *ip)
{
	struct procfs_inode *pi = procfs_inode_from(ip);
	synth_text_free(&pi->target);
	procfs_inode_delete(pi);
}

static const struct inode_ops procfs_dir_ops = {
	.lookup = procfs_lookup,
	.revalidate = procfs_revalidate,
	.destroy = procfs_destroy,
};
static const struct file_ops procfs_dir_fops = {
	.readdir = procfs_readdir,
};
static const struct inode_ops procfs_link_ops = {
	.readlink = procfs_readlink,
	.revalidate = synth_link_revalidate,
	.destroy = procfs_destroy,
};
static const struct inode_ops procfs_magic_link_ops = {
	.readlink = procfs_readlink,
	.revalidate = synth_link_revalidate,
	.follow = procfs_pid_follow,
	.destroy = procfs_destroy,
};
/* procfs_truncate - a size change is ignored, as Linux's proc_setattr/proc_sys_setattr do
 * (so `echo 1 > /proc/sys/...`, which opens with O_TRUNC, works). */
static int procfs_truncate(struct inode *ip, u64 size)
{
	(void)ip;
	(void)size;
	return 0;
}

static const struct inode_ops procfs_file_ops = {
	.revalidate = procfs_revalidate,
	.truncate = procfs_truncate,
	.destroy = procfs_destroy,
};
static const struct file_ops procfs_file_fops = {
	.read_file = procfs_read_file,
	.write = procfs_write,
};

struct inode_result procfs_new_inode(struct vfs_sb *sb, enum procfs_kind kind, u32 mode,
				     u32 pid, u32 tid, u32 fd)
{
	struct procfs_inode *pi = procfs_inode_new();
	if (!pi)
		return inode_result_err(-ENOMEM);
	struct inode *ip = procfs_inode_base(pi);
	pi->kind = kind;
	pi->pid = pid;
	pi->tid = tid;
	pi->fd = fd;
	u32 type = mode & VFS_S_IFMT;
	bool magic = kind == PK_FD_LINK || kind == PK_CWD || kind == PK_ROOTLINK;
	const struct inode_ops *ops = type == VFS_S_IFDIR ? &procfs_dir_ops
		: type == VFS_S_IFLNK ? (magic ? &procfs_magic_link_ops : &procfs_link_ops)
		: &procfs_file_ops;
	const struct file_ops *fops = type == VFS_S_IFDIR ? &procfs_dir_fops
		: type == VFS_S_IFLNK ? NULL : &procfs_file_fops;
	synth_inode_init(ip, sb, ops, fops, mode, procfs_ino(kind, pid, tid, fd));
	vfs_sb_inode_added(sb);
	return inode_result_ok(ip);
}

/* --- the file system type --------------------------------------------------------------------- */

static int procfs_fill(struct vfs_sb *sb, struct str options, struct inode **root)
	REQUIRES(vfs_lock)
{
	(void)options; /* hidepid= and gid= are not supported; every other option is ignored,
			* as Linux ignores unknown proc options */
	struct inode_result r = procfs_new_inode(sb, PK_ROOT, DIR_MODE, 0, 0, 0);
	if (r.err)
		return r.err;
	*root = r.value;
	return 0;
}

static const struct vfs_fstype procfs_type = {
	.name = STR("proc"),
	.magic = PROCFS_MAGIC,
	.fill = procfs_fill,
};

void procfs_init(void)
{
	(void)vfs_register_fstype(&procfs_type);
}
