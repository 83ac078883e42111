/*
 * fs/procfs.h — the /proc file system (kernel/fs/proc/, docs/procfs.md): a generated tree.
 * Every inode is a procfs_inode naming one kind of entry (a system file, a directory, a
 * per-process file, a link) and, for per-process entries, the thread group, thread and
 * descriptor it describes. Nothing is stored: directories answer lookups and readdir from
 * tables and from the live process list, files are made by their generator at each read,
 * links get their target when they are looked up (and are looked up afresh every time).
 *
 * Inode numbers are a function of (kind, pid, tid, fd), so /proc/PID keeps its number for the
 * life of the process, whatever happens to the dentries: see procfs_ino.
 *
 * Locking: lookup, readdir and revalidate run under vfs_lock and take proc_lock (and a
 * process's sig_lock) inside it; generators run with no lock held (they take vfs_lock,
 * proc_lock and a memory map's lock one at a time).
 */
#ifndef KERNEL_FS_PROCFS_H
#define KERNEL_FS_PROCFS_H

#include <fs/synth.h>

#define PROCFS_MAGIC 0x9fa0ull /* PROC_SUPER_MAGIC */

enum procfs_kind {
	/* system directories and links */
	PK_ROOT,
	PK_SYS,
	PK_SYS_KERNEL,
	PK_SYS_VM,
	PK_SYS_FS,
	PK_SYS_RANDOM,
	PK_SELF,
	PK_THREAD_SELF,
	PK_MOUNTS_LINK,
	/* system files */
	PK_MEMINFO,
	PK_CPUINFO,
	PK_UPTIME,
	PK_LOADAVG,
	PK_FILESYSTEMS,
	PK_VERSION,
	PK_PARTITIONS,
	PK_STAT,
	PK_CMDLINE,
	PK_SLABINFO,
	PK_OSTYPE,
	PK_OSRELEASE,
	PK_HOSTNAME,
	PK_DOMAINNAME,
	PK_PID_MAX,
	PK_OVERCOMMIT,
	PK_FILE_MAX,
	PK_DENTRY_STATE,
	PK_INODE_NR,
	PK_BOOT_ID,
	PK_UUID,
	PK_DIRTY_EXPIRE,
	PK_SYSRQ_TRIGGER,
	/* per-process directories */
	PK_PID_DIR,
	PK_TASK_DIR,
	PK_TID_DIR,
	PK_FD_DIR,
	PK_FDINFO_DIR,
	/* per-process links */
	PK_EXE,
	PK_CWD,
	PK_ROOTLINK,
	PK_FD_LINK,
	/* per-process files */
	PK_PID_STAT,
	PK_PID_STATUS,
	PK_PID_STATM,
	PK_PID_CMDLINE,
	PK_PID_ENVIRON,
	PK_PID_COMM,
	PK_PID_MAKE_IT_FAIL,
	PK_PID_MAPS,
	PK_PID_MOUNTS,
	PK_PID_MOUNTINFO,
	PK_PID_SMAPS_ROLLUP,
	PK_PID_LIMITS,
	PK_PID_OOM_ADJ,
	PK_PID_OOM_SCORE,
	PK_FDINFO,
	PK_COUNT
};

struct procfs_inode {
	struct inode vfs;
	enum procfs_kind kind;
	u32 pid;  /* the thread group described (0: a system entry) */
	u32 tid;  /* task/TID entries: that thread (0: the group as a whole) */
	u32 fd;   /* fd/N and fdinfo/N: N */
	struct synth_text target; /* a link's target text */
};
DECLARE_SUBTYPE(procfs_inode, struct procfs_inode, vfs, struct inode, tag);

/* One name of a directory made from a table. */
struct procfs_entry {
	struct str name;
	enum procfs_kind kind;
	u32 mode; /* with the S_IFMT bits */
};

/* procfs_ino - the inode number of an entry: system entries are small numbers; a process's
 * are (pid << 24 | task bit << 23 | kind << 12 | fd), the same every time they are made. */
u64 procfs_ino(enum procfs_kind kind, u32 pid, u32 tid, u32 fd);
/* procfs_new_inode - a procfs inode of sb (a reference for the caller). */
struct inode_result procfs_new_inode(struct vfs_sb *sb, enum procfs_kind kind, u32 mode,
				     u32 pid, u32 tid, u32 fd) REQUIRES(vfs_lock);
/* procfs_set_target - a link inode's target text: 0 or -ENOMEM. */
int procfs_set_target(struct procfs_inode *pi, struct str target);
/* procfs_parse_pid - a decimal name without sign or leading zero, 1..2^31-1; 0 otherwise. */
u32 procfs_parse_pid(struct str name);

/* pid.c: the per-process directories and links, and who may look. */
struct thread;
struct inode_result procfs_pid_lookup(const struct vfs_ctx *c, struct procfs_inode *dir,
				      struct str name) REQUIRES(vfs_lock);
int procfs_pid_readdir(struct procfs_inode *dir, u64 pos, struct vfs_dirent *out)
	REQUIRES(vfs_lock);
bool procfs_pid_alive(struct procfs_inode *pi);
/* procfs_pid_follow - where fd/N, cwd and root lead (the caller's own: a borrowed path, valid
 * while vfs_lock is held: only the caller's task could let go of them). */
struct path_result procfs_pid_follow(const struct vfs_ctx *c, struct inode *ip)
	REQUIRES(vfs_lock);
/* procfs_target - the process an entry describes (its thread for task/TID entries), with a
 * reference; NULL when it is gone. */
struct thread *procfs_target(const struct procfs_inode *pi);
/* procfs_may_inspect - Linux's ptrace read access (PTRACE_MODE_READ_FSCREDS) of the caller to
 * the process `pi` describes, simplified: a thread of the same group; root (CAP_SYS_PTRACE);
 * or the caller's effective uid and gid equal the target's real, effective and saved ones (a
 * kernel task: always). Linux also refuses a non-dumpable target: not tracked. */
bool procfs_may_inspect(const struct procfs_inode *pi);
/* procfs_inspected - procfs_target when the caller may inspect it; NULL and *err (-EACCES,
 * or -ENOENT when it is gone) otherwise. */
struct thread *procfs_inspected(const struct procfs_inode *pi, int *err);
/* procfs_caller_in - the calling thread when it belongs to group `pid` (a reference), else
 * NULL. */
struct thread *procfs_caller_in(u32 pid);

/* pid_gen.c: the per-process files. */
/* procfs_pid_generate - the text of a per-process file into sb: 0, -ESRCH (the process is
 * gone), -ENOMEM. */
int procfs_pid_generate(struct procfs_inode *pi, struct strbuf *sb);
/* procfs_make_it_fail_write - /proc/PID/make-it-fail written: 0 or 1 (root only, as Linux's
 * CAP_SYS_RESOURCE): whether failure injection may fail that thread (docs/fuzzing.md). */
struct result_size procfs_make_it_fail_write(struct procfs_inode *pi, struct bytes src);
/* procfs_comm_write - /proc/PID/comm written: the process's new name. */
struct result_size procfs_comm_write(struct procfs_inode *pi, struct bytes src);
/* procfs_oom_adj_write - /proc/PID/oom_score_adj written: a number -1000..1000 (Linux's
 * kstrtoint, base 0, surrounding white space allowed): the bytes, or -EINVAL, -EACCES (a
 * lowering by a non-root caller), -ESRCH. */
struct result_size procfs_oom_adj_write(struct procfs_inode *pi, struct bytes src);

/* sysfiles.c: the system-wide files. */
int procfs_sys_generate(struct procfs_inode *pi, struct strbuf *sb);
/* procfs_uts_write - sys/kernel/hostname or domainname written (root's, by the mode): the
 * text up to a newline becomes the name; the bytes, or -EINVAL (longer than 64). */
struct result_size procfs_uts_write(struct procfs_inode *pi, struct bytes src);
/* procfs_sysrq_write - /proc/sysrq-trigger: 't' prints every process and task (proc_show_all). */
struct result_size procfs_sysrq_write(struct procfs_inode *pi, struct bytes src);
/* procfs_sysctl_write - a writable /proc/sys file written (sys/vm/dirty_expire_centisecs). */
struct result_size procfs_sysctl_write(struct procfs_inode *pi, struct bytes src);

/* procfs_init - register the "proc" type (mount -t proc). */
void procfs_init(void);

#endif /* KERNEL_FS_PROCFS_H */
