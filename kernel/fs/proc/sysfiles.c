/*
 * sysfiles.c — the system-wide /proc files (fs/procfs.h): meminfo, cpuinfo, uptime, loadavg,
 * filesystems, version, stat, cmdline, sys/kernel/{ostype,osrelease,hostname,pid_max},
 * sys/kernel/random/{boot_id,uuid}, sys/vm/overcommit_memory,
 * sys/fs/{file-max,dentry-state,inode-nr} and slabinfo, in
 * Linux's formats, from the frame allocator, the clock, the scheduler and the VFS.
 *
 * What Trellis does not measure yet prints as 0 (CPU time per state, page cache and slab
 * sizes, load averages): the lines are there so that tools find them.
 */
#include <block/bcache.h>
#include <block/block.h>
#include <fs/procfs.h>
#include <fw/boot.h>
#include <fw/frame.h>
#include <fw/heap.h>
#include <fw/log.h>
#include <fw/preempt.h>
#include <fw/task.h>
#include <fw/time.h>
#include <fw/sync.h>
#include <proc/process.h>
#include <proc/uts.h>
#include <random/random.h>
#include <sched/loadavg.h>

#define KB_PER_FRAME (FRAME_SIZE / 1024)

static void meminfo(struct strbuf *sb)
{
	u64 total = frame_stat_total() * KB_PER_FRAME, free = frame_stat_free() * KB_PER_FRAME;
	STRBUF_FMT(sb, "MemTotal:       %8u kB\nMemFree:        %8u kB\nMemAvailable:   %8u kB\n",
		   total, free, free);
	static const struct str zero_lines[] = {
		STR("Buffers"), STR("Cached"), STR("SwapCached"), STR("Active"), STR("Inactive"),
		STR("SwapTotal"), STR("SwapFree"), STR("Dirty"), STR("Writeback"), STR("AnonPages"),
		STR("Mapped"), STR("Shmem"), STR("Slab"), STR("SReclaimable"), STR("SUnreclaim"),
		STR("KernelStack"), STR("PageTables"), STR("CommitLimit"), STR("Committed_AS"),
		STR("VmallocTotal"), STR("VmallocUsed"), STR("HugePages_Total"), STR("Hugepagesize"),
	};
	for (size_t i = 0; i < sizeof zero_lines / sizeof zero_lines[0]; i++) {
		size_t at = strbuf_len(sb);
		strbuf_add(sb, zero_lines[i]);
		strbuf_add_char(sb, ':');
		while (strbuf_len(sb) - at < 16 && !strbuf_err(sb))
			strbuf_add_char(sb, ' ');
		bool pages = str_eq(zero_lines[i], STR("HugePages_Total"));
		if (pages)
			STRBUF_FMT(sb, "%8u\n", 0);
		else
			STRBUF_FMT(sb, "%8u kB\n", 0);
	}
}

static void cpuinfo(struct strbuf *sb)
{
	u32 n = cpu_count() ? cpu_count() : 1;
	for (u32 cpu = 0; cpu < n; cpu++) {
		STRBUF_FMT(sb, "processor\t: %u\nvendor_id\t: GenuineIntel\ncpu family\t: 6\n", cpu);
		STRBUF_FMT(sb, "model\t\t: 6\nmodel name\t: QEMU Virtual CPU\nstepping\t: 3\n");
		STRBUF_FMT(sb, "physical id\t: 0\nsiblings\t: %u\ncore id\t\t: %u\ncpu cores\t: %u\n",
			   n, cpu, n);
		STRBUF_FMT(sb, "apicid\t\t: %u\nfpu\t\t: yes\nfpu_exception\t: yes\n", cpu);
		STRBUF_FMT(sb, "cpuid level\t: 13\nwp\t\t: yes\n");
		STRBUF_FMT(sb, "flags\t\t: fpu de pse tsc msr pae mce cx8 apic sep mtrr pge mca cmov "
			       "pat pse36 clflush mmx fxsr sse sse2 syscall nx lm nopl pni cx16 "
			       "x2apic hypervisor lahf_lm\n");
		STRBUF_FMT(sb, "clflush size\t: 64\ncache_alignment\t: 64\n"
			       "address sizes\t: 40 bits physical, 48 bits virtual\n\n");
	}
}

/* fixed2 - `ns` as seconds with two decimals ("12.34"). */
static void fixed2(struct strbuf *sb, u64 ns)
{
	u64 cs = ns / 10000000u;
	STRBUF_FMT(sb, "%u.%02u", cs / 100, cs % 100);
}

/* Where each CPU's time went: idle (its idle task), user (user mode, any task) and system
 * (the rest since boot: kernel work and interrupts). */
struct cpu_split {
	u64 user_ns, system_ns, idle_ns, switches;
};

static struct cpu_split cpu_split(u32 cpu, u64 now)
{
	struct cpu_times t = sched_cpu_times(cpu);
	struct cpu_split s = { t.user_ns, 0, t.idle_ns, t.switches };
	if (s.idle_ns > now)
		s.idle_ns = now;
	if (s.user_ns > now - s.idle_ns)
		s.user_ns = now - s.idle_ns;
	s.system_ns = now - s.idle_ns - s.user_ns;
	return s;
}

static void uptime(struct strbuf *sb)
{
	u64 now = fw_time_ns(), idle = 0;
	for (u32 cpu = 0; cpu < cpu_count(); cpu++)
		idle += cpu_split(cpu, now).idle_ns;
	fixed2(sb, now);
	strbuf_add_char(sb, ' ');
	fixed2(sb, idle); /* summed over the CPUs, as Linux */
	strbuf_add_char(sb, '\n');
}

/* load2 - a load average (sched/loadavg.h fixed point) with two decimals, as Linux rounds it. */
static void load2(struct strbuf *sb, u64 fixed)
{
	fixed += LOADAVG_FIXED_1 / 200;
	u64 frac = ((fixed & (LOADAVG_FIXED_1 - 1)) * 100) >> LOADAVG_FSHIFT;
	STRBUF_FMT(sb, "%u.%02u", fixed >> LOADAVG_FSHIFT, frac);
}

static void loadavg(struct strbuf *sb)
{
	u32 running = 0;
	for (u32 cpu = 0; cpu < cpu_count(); cpu++)
		running += sched_cpu_load(cpu);
	u32 last = 0;
	for (u32 pid = proc_next_tgid(1); pid; pid = proc_next_tgid(pid + 1))
		last = pid;
	struct loadavg la = loadavg_read();
	load2(sb, la.one);
	strbuf_add_char(sb, ' ');
	load2(sb, la.five);
	strbuf_add_char(sb, ' ');
	load2(sb, la.fifteen);
	STRBUF_FMT(sb, " %u/%u %u\n", running ? running : 1, tasks_live(), last);
}

/* cpu_line - one "cpu" line of /proc/stat: user nice system idle iowait irq softirq steal
 * guest guest_nice, in USER_HZ (100) ticks; nice, iowait and the interrupt columns are not
 * told apart (0: nice time is user time, interrupts are system time). */
static void cpu_line(struct strbuf *sb, const char *name, u32 cpu, const struct cpu_split *s)
{
	if (name)
		STRBUF_FMT(sb, "cpu ");
	else
		STRBUF_FMT(sb, "cpu%u", cpu);
	STRBUF_FMT(sb, " %u 0 %u %u 0 0 0 0 0 0\n", s->user_ns / 10000000u,
		   s->system_ns / 10000000u, s->idle_ns / 10000000u);
}

static void stat(struct strbuf *sb)
{
	u64 now = fw_time_ns();
	u32 n = cpu_count() ? cpu_count() : 1;
	struct cpu_split all = { 0, 0, 0, 0 };
	u32 running = 0;
	for (u32 cpu = 0; cpu < n; cpu++) {
		struct cpu_split s = cpu_split(cpu, now);
		all.user_ns += s.user_ns;
		all.system_ns += s.system_ns;
		all.idle_ns += s.idle_ns;
		all.switches += s.switches;
		running += sched_cpu_load(cpu);
	}
	cpu_line(sb, "all", 0, &all);
	for (u32 cpu = 0; cpu < n; cpu++) {
		struct cpu_split s = cpu_split(cpu, now);
		cpu_line(sb, NULL, cpu, &s);
	}
	u64 procs = 0;
	for (u32 pid = proc_next_tgid(1); pid; pid = proc_next_tgid(pid + 1))
		procs++;
	i64 btime = vfs_now().sec - (i64)(now / 1000000000u);
	/* processes: Linux counts the forks since boot; here, the thread groups alive */
	STRBUF_FMT(sb, "intr 0\nctxt %u\nbtime %d\nprocesses %u\nprocs_running %u\n"
		       "procs_blocked 0\nsoftirq 0 0 0 0 0 0 0 0 0 0 0\n", all.switches, btime, procs,
		   running ? running : 1);
}

struct uuid_bytes {
	u8 b[16];
};

/* uuid - a random (version 4) UUID as Linux prints it: "xxxxxxxx-xxxx-4xxx-Nxxx-xxxxxxxxxxxx". */
static void uuid(struct strbuf *sb, const struct uuid_bytes *u)
{
	for (u32 i = 0; i < 16; i++) {
		u8 v = u->b[i];
		if (i == 6)
			v = (u8)((v & 0x0f) | 0x40); /* version 4 */
		else if (i == 8)
			v = (u8)((v & 0x3f) | 0x80); /* variant 10 */
		STRBUF_FMT(sb, "%02x", v);
		if (i == 3 || i == 5 || i == 7 || i == 9)
			strbuf_add_char(sb, '-');
	}
	strbuf_add_char(sb, '\n');
}

/* boot_id: drawn once, at its first read, from the kernel's generator. */
static struct spinlock boot_id_lock = SPINLOCK_INIT(boot_id_lock);
static struct uuid_bytes boot_id GUARDED_BY(&boot_id_lock);
static bool boot_id_set GUARDED_BY(&boot_id_lock);

/* random_uuid - uuid's text: a fresh one, or (once) the boot's. */
static void random_uuid(struct strbuf *sb, bool once)
{
	struct uuid_bytes u;
	random_fill(BYTES_OF_ARRAY(u.b), true);
	if (once) {
		spin_lock(&boot_id_lock);
		if (!boot_id_set) {
			boot_id = u;
			boot_id_set = true;
		}
		u = boot_id;
		spin_unlock(&boot_id_lock);
	}
	uuid(sb, &u);
}

struct result_size procfs_uts_write(struct procfs_inode *pi, struct bytes src)
{
	/* Linux's proc_dostring: the text up to the first newline, from offset 0 */
	size_t n = 0;
	while (n < bytes_len(src) && bytes_u8(src, n).value != '\n')
		n++;
	int e = uts_write(pi->kind == PK_HOSTNAME ? UTS_HOSTNAME : UTS_DOMAINNAME,
			  bytes_head(src, n));
	return e ? result_size_err(e) : result_size_ok(bytes_len(src));
}

struct result_size procfs_sysrq_write(struct procfs_inode *pi, struct bytes src)
{
	(void)pi;
	/* Linux acts on the first character only; keys it does not know print the help line. The
	 * file is root's (mode 0200, checked at open). */
	u8 key = bytes_len(src) ? bytes_u8(src, 0).value : 0;
	/* as Linux, the report goes to the console whatever its level (`quiet` boots too) */
	u32 level = fw_log_console_level();
	fw_log_set_console_level(7);
	if (key == 't')
		proc_show_all();
	else if (key && key != '\n')
		fw_info("sysrq: HELP : show-task-states(t)");
	fw_log_set_console_level(level);
	return result_size_ok(bytes_len(src));
}

/* slabinfo - Linux's version 2.1 table, one line per typed cache (fw/heap.h): the leak checks of
 * the failure-injection runs compare its active_objs before and after (docs/fuzzing.md). */
static void slabinfo(struct strbuf *sb)
{
	strbuf_add(sb, STR("slabinfo - version: 2.1\n# name            <active_objs> <num_objs> "
			   "<objsize> <objperslab> <pagesperslab> : tunables <limit> <batchcount> "
			   "<sharedfactor> : slabdata <active_slabs> <num_slabs> <sharedavail>\n"));
	struct heap_cache_stats st;
	struct str name;
	for (u32 i = 0; heap_cache_info(i, &st, &name) == 0 && !strbuf_err(sb); i++) {
		size_t at = strbuf_len(sb);
		strbuf_add(sb, name);
		while (strbuf_len(sb) - at < 17 && !strbuf_err(sb))
			strbuf_add_char(sb, ' ');
		STRBUF_FMT(sb, " %6u %6u %6u %4u %4u : tunables    0    0    0 : slabdata %6u %6u "
			       "     0\n", st.live, st.slabs_mapped * st.objs_per_slab, st.obj_size,
			   st.objs_per_slab, st.slab_pages, st.slabs_mapped, st.slabs_mapped);
	}
}

/* vfs_counts - sys/fs/dentry-state (Linux's fields: nr_dentry, nr_unused, age_limit,
 * want_pages, nr_negative, dummy) or sys/fs/inode-nr (nr_inodes, nr_free_inodes). Every live
 * dentry is named and reachable or held, and an inode lives exactly as long as it is used (no
 * unused cache, no negative entries): the first field is the whole count, the stress tests'
 * leak measure. Its own function: the formatting's stack stays out of the caller's frame. */
__attribute__((noinline)) static void vfs_counts(struct strbuf *sb, enum procfs_kind kind)
{
	if (kind == PK_DENTRY_STATE)
		STRBUF_FMT(sb, "%u\t0\t45\t0\t0\t0\n", vfs_dentry_count());
	else
		STRBUF_FMT(sb, "%u\t0\n", vfs_inode_count());
}

int procfs_sys_generate(struct procfs_inode *pi, struct strbuf *sb)
{
	switch (pi->kind) {
	case PK_MEMINFO:
		meminfo(sb);
		return 0;
	case PK_SLABINFO:
		slabinfo(sb);
		return 0;
	case PK_CPUINFO:
		cpuinfo(sb);
		return 0;
	case PK_UPTIME:
		uptime(sb);
		return 0;
	case PK_LOADAVG:
		loadavg(sb);
		return 0;
	case PK_FILESYSTEMS: {
		u8 text[1024];
		struct result_size n = vfs_fstypes_show(BYTES_OF_ARRAY(text));
		if (!n.err)
			strbuf_add(sb, str_from_bytes(bytes_head(BYTES_OF_ARRAY(text), n.value)));
		return 0;
	}
	case PK_VERSION:
		/* the same strings uname(2) reports (syscall/misc.c) */
		strbuf_add(sb, STR("Linux version 6.1.0-trellis (trellis) #1 Trellis\n"));
		return 0;
	case PK_STAT:
		stat(sb);
		return 0;
	case PK_CMDLINE:
		strbuf_add(sb, fw_boot_cmdline());
		strbuf_add_char(sb, '\n');
		return 0;
	case PK_PARTITIONS:
		blk_partitions_show(sb); /* the block layer's devices (block/block.h) */
		return 0;
	case PK_OSTYPE:
		strbuf_add(sb, STR("Linux\n"));
		return 0;
	case PK_OSRELEASE:
		strbuf_add(sb, STR("6.1.0-trellis\n"));
		return 0;
	case PK_HOSTNAME:
	case PK_DOMAINNAME: {
		u8 name[UTS_NAME_MAX];
		size_t n = uts_read(pi->kind == PK_HOSTNAME ? UTS_HOSTNAME : UTS_DOMAINNAME,
				    BYTES_OF_ARRAY(name));
		strbuf_add(sb, str_from_bytes(bytes_head(BYTES_OF_ARRAY(name), n)));
		strbuf_add_char(sb, '\n');
		return 0;
	}
	case PK_PID_MAX:
		strbuf_add(sb, STR("4194304\n"));
		return 0;
	case PK_OVERCOMMIT:
		strbuf_add(sb, STR("0\n")); /* heuristic overcommit: lazy mappings of any size */
		return 0;
	case PK_BOOT_ID:
	case PK_UUID: /* a new one at every read */
		random_uuid(sb, pi->kind == PK_BOOT_ID);
		return 0;
	case PK_FILE_MAX:
		strbuf_add(sb, STR("9223372036854775807\n")); /* no system-wide limit */
		return 0;
	case PK_DENTRY_STATE:
	case PK_INODE_NR:
		vfs_counts(sb, pi->kind);
		return 0;
	case PK_DIRTY_EXPIRE:
		STRBUF_FMT(sb, "%u\n", bcache_dirty_expire_cs());
		return 0;
	case PK_SYSRQ_TRIGGER:
		return -EIO; /* write-only, as Linux's (no read method) */
	default:
		return -EINVAL;
	}
}

/* partitions (the block layer's table) and sys/vm/dirty_expire_centisecs (the buffer cache's
 * flusher, read and written) are here too. */

/* parse_int - a decimal in 0..INT_MAX, spaces/tabs/newlines around it allowed (Linux's
 * proc_dointvec_minmax with a minimum of 0); -EINVAL otherwise. */
static i64 parse_int(struct bytes src)
{
	size_t n = bytes_len(src), i = 0;
	u64 v = 0;
	bool digits = false;
	while (i < n && (bytes_u8(src, i).value == ' ' || bytes_u8(src, i).value == '\t'))
		i++;
	for (; i < n; i++) {
		u8 c = bytes_u8(src, i).value;
		if (c < '0' || c > '9')
			break;
		v = v * 10 + (c - '0');
		digits = true;
		if (v > 0x7fffffffu)
			return -EINVAL;
	}
	for (; i < n; i++) {
		u8 c = bytes_u8(src, i).value;
		if (c != ' ' && c != '\t' && c != '\n')
			return -EINVAL;
	}
	return digits ? (i64)v : -EINVAL;
}

struct result_size procfs_sysctl_write(struct procfs_inode *pi, struct bytes src)
{
	if (pi->kind != PK_DIRTY_EXPIRE)
		return result_size_err(-EIO);
	i64 v = parse_int(src);
	if (v < 0)
		return result_size_err((int)v);
	(void)bcache_set_dirty_expire_cs((u32)v);
	return result_size_ok(bytes_len(src));
}
