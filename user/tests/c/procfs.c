/*
 * procfs.c — group `procfs`: the /proc files programs read (self, stat, status, cmdline,
 * environ, exe, cwd, fd, maps, task, meminfo, cpuinfo, uptime, mounts, filesystems) checked
 * against what the process knows about itself, plus /proc/<pid> of a zombie and a reaped child,
 * and hostile reads: a byte at a time, past the end, another process's files while it execs;
 * and /sys: the CPU masks, the transparent huge page policy, class/net/lo and the character
 * devices' links and attributes, writes refused.
 */
#define _GNU_SOURCE
#include "kt.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/times.h>
#include <sys/utsname.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/sysinfo.h>
#include <sys/statfs.h>
#include <sys/sysmacros.h>
#include <sys/syscall.h>
#include <sys/wait.h>

static const char *self;

/* Reads a whole /proc file (they report size 0, so read until EOF). */
static size_t slurp(const char *path, char *buf, size_t size)
{
	int fd = CHECK_OK(open(path, O_RDONLY));
	size_t len = 0;
	ssize_t n = 0;
	while (len < size - 1 && (n = read(fd, buf + len, size - 1 - len)) > 0)
		len += (size_t)n;
	CHECK(n >= 0);
	buf[len] = 0;
	close(fd);
	return len;
}

static void self_link_is_pid(void)
{
	char buf[32], want[32];
	ssize_t n = CHECK_OK(readlink("/proc/self", buf, sizeof(buf) - 1));
	buf[n] = 0;
	snprintf(want, sizeof(want), "%d", (int)getpid());
	CHECK_STR(buf, want);
	struct stat a, b;
	CHECK_OK(stat("/proc/self", &a));
	snprintf(want, sizeof(want), "/proc/%d", (int)getpid());
	CHECK_OK(stat(want, &b));
	CHECK_EQ(a.st_ino, b.st_ino);
}

static void self_stat_fields(void)
{
	static char buf[4096];
	slurp("/proc/self/stat", buf, sizeof(buf));
	int pid, ppid;
	char comm[64], state;
	CHECK_EQ(sscanf(buf, "%d (%63[^)]) %c %d", &pid, comm, &state, &ppid), 4);
	CHECK_EQ(pid, getpid());
	CHECK_EQ(ppid, getppid());
	CHECK_EQ(state, 'R');
	const char *base = strrchr(self, '/') ? strrchr(self, '/') + 1 : self;
	CHECK(strncmp(comm, base, 15) == 0);
}

static void self_status_ids(void)
{
	static char buf[8192];
	char want[64];
	slurp("/proc/self/status", buf, sizeof(buf));
	snprintf(want, sizeof(want), "\nPid:\t%d\n", (int)getpid());
	CHECK(strstr(buf, want) != NULL);
	snprintf(want, sizeof(want), "\nPPid:\t%d\n", (int)getppid());
	CHECK(strstr(buf, want) != NULL);
	CHECK(strstr(buf, "\nUid:\t0\t0\t0\t0\n") != NULL);
	CHECK(strncmp(buf, "Name:\t", 6) == 0);
	CHECK(strstr(buf, "\nThreads:\t1\n") != NULL);
}

static void self_cmdline_and_environ(void)
{
	char buf[4096];
	size_t n = slurp("/proc/self/cmdline", buf, sizeof(buf));
	CHECK_EQ(n, strlen(self) + 1); /* argv[0] and its NUL, nothing else */
	CHECK_STR(buf, self);
	setenv("KT_UNUSED", "1", 1); /* environ shows the initial block, not later changes */
	n = slurp("/proc/self/environ", buf, sizeof(buf));
	int found_path = 0;
	for (size_t i = 0; i < n; i += strlen(buf + i) + 1) {
		CHECK(strncmp(buf + i, "KT_UNUSED=", 10) != 0);
		if (!strncmp(buf + i, "PATH=", 5))
			found_path = 1;
	}
	CHECK(found_path || n == 0);
}

static void self_exe_and_cwd(void)
{
	char buf[PATH_MAX], cwd[PATH_MAX];
	ssize_t n = CHECK_OK(readlink("/proc/self/exe", buf, sizeof(buf) - 1));
	buf[n] = 0;
	CHECK_STR(buf, self);
	kt_tmpdir();
	n = CHECK_OK(readlink("/proc/self/cwd", buf, sizeof(buf) - 1));
	buf[n] = 0;
	CHECK(getcwd(cwd, sizeof(cwd)) != NULL);
	CHECK_STR(buf, cwd);
}

static void self_fd_links_and_fdinfo(void)
{
	char path[64], buf[PATH_MAX], want[PATH_MAX];
	kt_tmpdir();
	int fd = CHECK_OK(open("file", O_CREAT | O_RDWR, 0644));
	CHECK_EQ(write(fd, "12345", 5), 5);
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	ssize_t n = CHECK_OK(readlink(path, buf, sizeof(buf) - 1));
	buf[n] = 0;
	CHECK(getcwd(want, sizeof(want) - 8) != NULL);
	strcat(want, "/file");
	CHECK_STR(buf, want);
	/* opening the link opens the same file */
	int again = CHECK_OK(open(path, O_RDONLY));
	char c[5];
	CHECK_EQ(read(again, c, 5), 5);
	CHECK(memcmp(c, "12345", 5) == 0);
	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", fd);
	slurp(path, buf, sizeof(buf));
	CHECK(strncmp(buf, "pos:\t5\n", 7) == 0);
	snprintf(path, sizeof(path), "/proc/self/fd/%d", 900);
	CHECK_ERR(readlink(path, buf, sizeof(buf)), ENOENT);
}

/* fd/N is a magic link: it reopens the file itself, even once its name is gone; cwd too. */
static void fd_link_reopens_deleted_file(void)
{
	char path[64], buf[PATH_MAX], want[PATH_MAX];
	kt_tmpdir();
	int fd = CHECK_OK(open("gone", O_CREAT | O_RDWR, 0600));
	CHECK_EQ(write(fd, "abc", 3), 3);
	CHECK_OK(unlink("gone"));
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	ssize_t n = CHECK_OK(readlink(path, buf, sizeof(buf) - 1));
	buf[n] = 0;
	CHECK(getcwd(want, sizeof(want) - 32) != NULL);
	strcat(want, "/gone (deleted)");
	CHECK_STR(buf, want);
	int again = CHECK_OK(open(path, O_RDONLY));
	char c[3];
	CHECK_EQ(read(again, c, 3), 3);
	CHECK(memcmp(c, "abc", 3) == 0);
	struct stat a, b;
	CHECK_OK(fstat(fd, &a));
	CHECK_OK(stat(path, &b));
	CHECK_EQ(a.st_ino, b.st_ino);
	close(again);
	CHECK_OK(stat(".", &a));
	CHECK_OK(stat("/proc/self/cwd/.", &b));
	CHECK_EQ(a.st_ino, b.st_ino);
}

static void self_maps_shows_mappings(void)
{
	static char buf[65536];
	char *m = mmap(NULL, 8192, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK(m != MAP_FAILED);
	slurp("/proc/self/maps", buf, sizeof(buf));
	char want[64];
	snprintf(want, sizeof(want), "%lx-%lx r--p ", (unsigned long)m, (unsigned long)m + 8192);
	CHECK(strstr(buf, want) != NULL);
	CHECK(strstr(buf, "[stack]") != NULL);
	CHECK(strstr(buf, self) != NULL);
	CHECK(strstr(buf, " r-xp ") != NULL);
}

static void *idle_thread(void *arg)
{
	pause();
	return arg;
}

static void self_task_lists_threads(void)
{
	pthread_t t;
	char path[64];
	struct stat st;
	CHECK_PT(pthread_create(&t, NULL, idle_thread, NULL));
	snprintf(path, sizeof(path), "/proc/self/task/%d", (int)getpid());
	CHECK_OK(stat(path, &st));
	CHECK(S_ISDIR(st.st_mode));
	static char buf[8192];
	slurp("/proc/self/status", buf, sizeof(buf));
	CHECK(strstr(buf, "\nThreads:\t2\n") != NULL);
}

static void system_files(void)
{
	static char buf[65536];
	unsigned long kb;
	slurp("/proc/meminfo", buf, sizeof(buf));
	CHECK_EQ(sscanf(buf, "MemTotal: %lu kB", &kb), 1);
	CHECK(kb > 16 * 1024);
	CHECK(strstr(buf, "\nMemFree:") != NULL);
	slurp("/proc/cpuinfo", buf, sizeof(buf));
	CHECK(strncmp(buf, "processor\t: 0\n", 14) == 0);
	CHECK(strstr(buf, "\nflags\t\t:") != NULL);
	double up1, up2, idle;
	slurp("/proc/uptime", buf, sizeof(buf));
	CHECK_EQ(sscanf(buf, "%lf %lf", &up1, &idle), 2);
	usleep(20000);
	slurp("/proc/uptime", buf, sizeof(buf));
	CHECK_EQ(sscanf(buf, "%lf", &up2), 1);
	CHECK(up2 >= up1 && up1 > 0);
	slurp("/proc/filesystems", buf, sizeof(buf));
	CHECK(strstr(buf, "\tproc\n") != NULL);
	slurp("/proc/mounts", buf, sizeof(buf));
	CHECK(strstr(buf, "proc /proc proc ") != NULL);
	CHECK_STR(slurp("/proc/self/mounts", buf, sizeof(buf)) ? "ok" : "empty", "ok");
}

struct stat_cpu {
	unsigned long long user, nice, sys, idle, total, ctxt;
};

/* read_stat_cpu - /proc/stat's "cpu " line (all CPUs) and its ctxt count. */
static struct stat_cpu read_stat_cpu(void)
{
	static char buf[16384];
	slurp("/proc/stat", buf, sizeof(buf));
	struct stat_cpu c = { 0, 0, 0, 0, 0, 0 };
	unsigned long long v[10] = { 0 };
	CHECK_EQ(sscanf(buf, "cpu  %llu %llu %llu %llu %llu %llu %llu %llu %llu %llu", &v[0],
			&v[1], &v[2], &v[3], &v[4], &v[5], &v[6], &v[7], &v[8], &v[9]), 10);
	c.user = v[0];
	c.nice = v[1];
	c.sys = v[2];
	c.idle = v[3];
	for (int i = 0; i < 8; i++) /* guest time is already in user */
		c.total += v[i];
	const char *x = strstr(buf, "\nctxt ");
	CHECK(x != NULL);
	CHECK_EQ(sscanf(x, "\nctxt %llu", &c.ctxt), 1);
	return c;
}

static volatile int stat_spin_stop;

/* Regression (proc_stat_cpu_times_are_measured): /proc/stat counted all of every CPU's time
 * as idle and /proc/uptime's idle was half of it, so top and vmstat showed an idle machine
 * while a process spun. Now a process's own user time shows in the user column, a sleep
 * adds idle time, the columns add up to the uptime of each CPU, and ctxt counts switches. */
static void proc_stat_cpu_times_are_measured(void)
{
	long hz = sysconf(_SC_CLK_TCK);
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	CHECK(hz == 100 && ncpu >= 1);
	struct stat_cpu a = read_stat_cpu();
	struct tms t0, t1;
	times(&t0);
	/* spin in user mode for 300 ms of user time */
	while (1) {
		times(&t1);
		if (t1.tms_utime - t0.tms_utime >= 30)
			break;
		for (volatile int i = 0; i < 100000 && !stat_spin_stop; i++)
			;
	}
	usleep(200000); /* everyone sleeps: some CPU idles */
	struct stat_cpu b = read_stat_cpu();
	double up, idle_s;
	static char buf[256];
	slurp("/proc/uptime", buf, sizeof(buf));
	CHECK_EQ(sscanf(buf, "%lf %lf", &up, &idle_s), 2);
	/* our user time shows in the user (or nice) column: at least half of it (Linux samples
	 * the columns at its ticks but scales times()'s utime to the exact run time, so on a
	 * loaded host they differ) */
	unsigned long long mine = (unsigned long long)(t1.tms_utime - t0.tms_utime);
	CHECK(2 * ((b.user + b.nice) - (a.user + a.nice)) + 2 * ncpu >= mine);
	CHECK(b.idle > a.idle);
	CHECK(b.ctxt > a.ctxt);
	/* no time is counted twice: the sum is at most uptime x CPUs (Linux's tick-based
	 * columns fall short of it on a loaded host, whose guest misses ticks) */
	double sum = (double)b.total / hz, expect = up * (double)ncpu;
	CHECK(sum <= expect + 0.1 * ncpu && sum >= (double)mine / hz);
	CHECK(idle_s >= (double)b.idle / hz - 1.0 && idle_s <= expect + 0.1);
}

/* stat_state - the state letter of a /proc stat file (after the ")" that ends comm). */
static char stat_state(const char *path)
{
	char buf[1024];
	slurp(path, buf, sizeof(buf));
	const char *e = strrchr(buf, ')');
	return e && e[1] == ' ' ? e[2] : '?';
}

static int ended_ready[2];
static pid_t ended_tid;
static void *ended_thread(void *arg)
{
	(void)arg;
	pid_t tid = (pid_t)syscall(SYS_gettid);
	(void)!write(ended_ready[1], &tid, sizeof(tid));
	for (;;)
		pause();
	return NULL;
}

/* Regression (ended_main_thread_shows_as_zombie): a process whose main thread ended with
 * pthread_exit while another runs: /proc/PID/stat and status show the main thread a zombie
 * (Z), as Linux does (ps: "Zl"), and the live thread's task entry shows it sleeping (S). */
static void ended_main_thread_shows_as_zombie(void)
{
	CHECK_OK(pipe(ended_ready));
	int pid = CHECK_OK(fork());
	if (pid == 0) {
		pthread_t t;
		if ((errno = pthread_create(&t, NULL, ended_thread, NULL)))
			_exit(1);
		pthread_exit(NULL);
	}
	CHECK_EQ(read(ended_ready[0], &ended_tid, sizeof(ended_tid)), (ssize_t)sizeof(ended_tid));
	char path[64], buf[2048];
	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	char st = '?';
	for (int i = 0; i < 2000 && (st = stat_state(path)) != 'Z'; i++)
		usleep(1000); /* until the main thread has ended */
	CHECK_EQ(st, 'Z');
	snprintf(path, sizeof(path), "/proc/%d/status", pid);
	slurp(path, buf, sizeof(buf));
	CHECK(strstr(buf, "\nState:\tZ (zombie)\n") != NULL);
	snprintf(path, sizeof(path), "/proc/%d/task/%d/stat", pid, (int)ended_tid);
	for (int i = 0; i < 2000 && (st = stat_state(path)) != 'S'; i++)
		usleep(1000);
	CHECK_EQ(st, 'S');
	CHECK_OK(kill(pid, SIGKILL));
	int ws;
	CHECK_EQ(waitpid(pid, &ws, 0), pid);
	CHECK(WIFSIGNALED(ws) && WTERMSIG(ws) == SIGKILL);
}

/* Regression (proc_loadavg_follows_runnable_tasks): /proc/loadavg always read 0.00 and
 * sysinfo's loads were 0. Two processes spinning for six seconds (past one 5 s sample) raise
 * the 1-minute average above 0.1, and sysinfo agrees with /proc/loadavg. */
static void proc_loadavg_follows_runnable_tasks(void)
{
	pid_t kids[2];
	for (int i = 0; i < 2; i++) {
		kids[i] = kt_fork();
		if (kids[i] == 0) {
			for (;;)
				stat_spin_stop = 0;
		}
	}
	usleep(6000000);
	static char buf[256];
	double one, five, fifteen;
	int run, total, last;
	slurp("/proc/loadavg", buf, sizeof(buf));
	struct sysinfo si;
	CHECK_OK(sysinfo(&si));
	for (int i = 0; i < 2; i++) {
		kill(kids[i], SIGKILL);
		(void)kt_wait(kids[i]);
	}
	CHECK_EQ(sscanf(buf, "%lf %lf %lf %d/%d %d", &one, &five, &fifteen, &run, &total, &last), 6);
	CHECK(one > 0.1 && five > 0.0 && fifteen > 0.0);
	CHECK(one >= five && five >= fifteen);
	CHECK(run >= 1 && total >= run && last > 0);
	double si_one = (double)si.loads[0] / 65536.0;
	CHECK(si_one > one - 0.5 && si_one < one + 0.5);
}

static void child_pid_dir_lifecycle(void)
{
	char path[64], buf[512];
	int p[2];
	CHECK_OK(pipe(p));
	int pid = CHECK_OK(fork());
	if (pid == 0) {
		char c;
		close(p[1]);
		read(p[0], &c, 1);
		_exit(0);
	}
	close(p[0]);
	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	char state = 0;
	for (int i = 0; i < 2000 && state != 'S'; i++) { /* until it blocks in read() */
		slurp(path, buf, sizeof(buf));
		CHECK_EQ(sscanf(strrchr(buf, ')'), ") %c", &state), 1);
		if (state != 'S')
			usleep(1000);
	}
	CHECK_EQ(state, 'S');
	close(p[1]);
	siginfo_t si;
	CHECK_OK(waitid(P_PID, pid, &si, WEXITED | WNOWAIT));
	slurp(path, buf, sizeof(buf));
	CHECK_EQ(sscanf(strrchr(buf, ')'), ") %c", &state), 1);
	CHECK_EQ(state, 'Z');
	kt_wait(pid);
	CHECK_ERR(open(path, O_RDONLY), ENOENT);
	CHECK_ERR(open("/proc/2147483000/stat", O_RDONLY), ENOENT);
}

static void proc_files_reject_writes(void)
{
	int pid = CHECK_OK(fork());
	if (pid == 0) {
		kt_drop_privileges();
		CHECK_ERR(open("/proc/self/stat", O_WRONLY), EACCES);
		CHECK_ERR(open("/proc/meminfo", O_WRONLY), EACCES);
		_exit(0);
	}
	CHECK_EQ(WEXITSTATUS(kt_wait(pid)), 0);
}

/* /proc/sysrq-trigger: root's alone (mode 0200), write-only (a read is EIO, as Linux's, which
 * has no read method); an unknown key is accepted whole (Linux prints its help line), and on
 * Trellis 't' dumps every process and task to the console (on Linux that dump of hundreds of
 * kernel threads would take the serial console many seconds: not asked there). */
static void sysrq_trigger_is_roots_and_write_only(void)
{
	struct utsname u;
	int trellis = uname(&u) == 0 && strstr(u.release, "trellis") != NULL;
	struct stat st;
	CHECK_OK(stat("/proc/sysrq-trigger", &st));
	CHECK_EQ(st.st_mode & 07777, 0200);
	int fd = CHECK_OK(open("/proc/sysrq-trigger", O_WRONLY));
	if (trellis)
		CHECK_EQ(write(fd, "t", 1), 1);
	CHECK_EQ(write(fd, "?\n", 2), 2);
	close(fd);
	fd = CHECK_OK(open("/proc/sysrq-trigger", O_RDONLY));
	char c;
	CHECK_ERR(read(fd, &c, 1), EIO);
	close(fd);
	int pid = CHECK_OK(fork());
	if (pid == 0) {
		kt_drop_privileges();
		CHECK_ERR(open("/proc/sysrq-trigger", O_WRONLY), EACCES);
		_exit(0);
	}
	CHECK_EQ(WEXITSTATUS(kt_wait(pid)), 0);
}

/* Tiny reads and offsets: a byte at a time gives the whole text, a read past the end gives 0,
 * and a seek back reads from there. */
static void reads_at_offsets_and_tiny_buffers(void)
{
	static char whole[4096], piece[4096];
	size_t n = slurp("/proc/self/cmdline", whole, sizeof(whole));
	CHECK(n > 0);
	int fd = CHECK_OK(open("/proc/self/cmdline", O_RDONLY));
	size_t len = 0;
	ssize_t r;
	while (len < sizeof(piece) && (r = read(fd, piece + len, 1)) == 1)
		len++;
	CHECK_EQ(r, 0);
	CHECK_EQ(len, n);
	CHECK(memcmp(whole, piece, n) == 0);
	CHECK_EQ(pread(fd, piece, 10, 1L << 30), 0);
	CHECK_EQ(lseek(fd, 1, SEEK_SET), 1);
	CHECK_EQ(read(fd, piece, sizeof(piece)), (ssize_t)n - 1);
	CHECK(memcmp(whole + 1, piece, n - 1) == 0);
	close(fd);
	fd = CHECK_OK(open("/proc/meminfo", O_RDONLY));
	CHECK_EQ(pread(fd, piece, sizeof(piece), 1L << 40), 0);
	close(fd);
}

/* read_all - read a whole file of another process: its length, or -errno (the process may
 * be gone, or between programs). */
static long read_all(const char *path, char *buf, size_t size)
{
	int fd = open(path, O_RDONLY);
	if (fd < 0)
		return -errno;
	size_t len = 0;
	ssize_t n;
	while ((n = read(fd, buf + len, size - len)) > 0 && len + (size_t)n < size)
		len += (size_t)n;
	long r = n < 0 ? -errno : (long)len;
	close(fd);
	return r;
}

/* Another process's files while it runs exec after exec and then exits: every open and read
 * succeeds, or says the process is gone (ENOENT, ESRCH); nothing else, and no hang. */
static void other_process_files_while_it_execs(void)
{
	static char buf[65536];
	char path[64];
	int pid = CHECK_OK(fork());
	if (pid == 0) {
		execl(self, self, "--exec-chain", "40", (char *)NULL);
		kt_child_exit(127);
	}
	static const char *const files[] = { "cmdline", "environ", "stat", "status", "maps",
					     "comm", "statm", "task", "fd" };
	int done = 0, status = 0;
	for (int round = 0; !done; round++) {
		const char *f = files[round % (sizeof(files) / sizeof(files[0]))];
		snprintf(path, sizeof(path), "/proc/%d/%s", pid, f);
		if (!strcmp(f, "task") || !strcmp(f, "fd")) {
			DIR *d = opendir(path);
			if (d) {
				while (readdir(d))
					;
				closedir(d);
			} else {
				CHECK(errno == ENOENT || errno == ESRCH || errno == EACCES);
			}
		} else {
			long n = read_all(path, buf, sizeof(buf));
			CHECK(n >= 0 || n == -ENOENT || n == -ESRCH);
		}
		done = waitpid(pid, &status, WNOHANG) == pid;
	}
	kt_skip_if_child_injected(pid, status);
	CHECK(WIFEXITED(status));
	CHECK_EQ(WEXITSTATUS(status), 0);
	snprintf(path, sizeof(path), "/proc/%d/cmdline", pid);
	CHECK_ERR(open(path, O_RDONLY), ENOENT);
}

/* count_cpus - the CPUs a Linux cpumask list names ("0-1,3\n"), or -1 when it is malformed. */
static int count_cpus(const char *s)
{
	int n = 0;
	while (*s && *s != '\n') {
		char *end;
		long a = strtol(s, &end, 10), b = a;
		if (end == s)
			return -1;
		if (*end == '-') {
			s = end + 1;
			b = strtol(s, &end, 10);
			if (end == s || b < a)
				return -1;
		}
		n += (int)(b - a + 1);
		s = *end == ',' ? end + 1 : end;
	}
	return *s == '\n' && s[1] == 0 ? n : -1;
}

/* /sys: mounted (sysfs magic), and the CPU masks say how many CPUs run this process. */
static void sysfs_cpu_masks(void)
{
	static char buf[4096];
	struct statfs sf;
	CHECK_OK(statfs("/sys", &sf));
	CHECK_EQ((unsigned long)sf.f_type, 0x62656572ul);
	cpu_set_t set;
	CHECK_OK(sched_getaffinity(0, sizeof(set), &set));
	slurp("/sys/devices/system/cpu/online", buf, sizeof(buf));
	int online = count_cpus(buf);
	CHECK_EQ(online, CPU_COUNT(&set));
	slurp("/sys/devices/system/cpu/present", buf, sizeof(buf));
	CHECK(count_cpus(buf) >= online);
	slurp("/sys/devices/system/cpu/possible", buf, sizeof(buf));
	CHECK(count_cpus(buf) >= online);
	struct stat st;
	char path[64];
	for (int i = 0; i < online; i++) {
		snprintf(path, sizeof(path), "/sys/devices/system/cpu/cpu%d", i);
		CHECK_OK(stat(path, &st));
		CHECK(S_ISDIR(st.st_mode));
	}
	CHECK_ERR(stat("/sys/devices/system/cpu/cpu4096", &st), ENOENT);
}

static void sysfs_thp_policy(void)
{
	char buf[256];
	slurp("/sys/kernel/mm/transparent_hugepage/enabled", buf, sizeof(buf));
	CHECK(!strcmp(buf, "[always] madvise never\n") || !strcmp(buf, "always [madvise] never\n") ||
	      !strcmp(buf, "always madvise [never]\n"));
}

/* readlink_str - the text of a link, or "" */
static const char *link_text(const char *path, char *buf, size_t size)
{
	ssize_t n = readlink(path, buf, size - 1);
	buf[n > 0 ? n : 0] = 0;
	return buf;
}

/* /sys/class/net/lo: a link into devices/virtual, with the loopback interface's attributes. */
static void sysfs_class_net_lo(void)
{
	char buf[256];
	CHECK_STR(link_text("/sys/class/net/lo", buf, sizeof(buf)), "../../devices/virtual/net/lo");
	slurp("/sys/class/net/lo/address", buf, sizeof(buf));
	CHECK_STR(buf, "00:00:00:00:00:00\n");
	slurp("/sys/class/net/lo/mtu", buf, sizeof(buf));
	CHECK_STR(buf, "65536\n");
	slurp("/sys/class/net/lo/operstate", buf, sizeof(buf));
	CHECK(!strcmp(buf, "unknown\n") || !strcmp(buf, "down\n")); /* up: unknown (no carrier) */
	slurp("/sys/class/net/lo/ifindex", buf, sizeof(buf));
	CHECK_STR(buf, "1\n");
	slurp("/sys/class/net/lo/uevent", buf, sizeof(buf));
	CHECK_STR(buf, "INTERFACE=lo\nIFINDEX=1\n");
	CHECK_STR(link_text("/sys/class/net/lo/subsystem", buf, sizeof(buf)), "../../../../class/net");
	DIR *d = opendir("/sys/class/net");
	CHECK(d != NULL);
	int lo = 0;
	struct dirent *e;
	while ((e = readdir(d)))
		lo += !strcmp(e->d_name, "lo") && e->d_type == DT_LNK;
	closedir(d);
	CHECK_EQ(lo, 1);
}

/* Character devices: class/tty/console and class/mem/null are links to their directories, which
 * dev/char/MAJ:MIN names too; dev and uevent as Linux prints them. */
static void sysfs_char_devices(void)
{
	char buf[256];
	struct stat a, b;
	CHECK_STR(link_text("/sys/class/tty/console", buf, sizeof(buf)),
		  "../../devices/virtual/tty/console");
	slurp("/sys/class/tty/console/dev", buf, sizeof(buf));
	CHECK_STR(buf, "5:1\n");
	CHECK_OK(stat("/sys/class/tty/console", &a));
	CHECK_OK(stat("/sys/dev/char/5:1", &b));
	CHECK(S_ISDIR(a.st_mode));
	CHECK_EQ(a.st_ino, b.st_ino);
	CHECK_STR(link_text("/sys/class/mem/null", buf, sizeof(buf)), "../../devices/virtual/mem/null");
	slurp("/sys/class/mem/null/dev", buf, sizeof(buf));
	CHECK_STR(buf, "1:3\n");
	slurp("/sys/devices/virtual/mem/null/uevent", buf, sizeof(buf));
	CHECK_STR(buf, "MAJOR=1\nMINOR=3\nDEVNAME=null\nDEVMODE=0666\n");
}

/* Read-only attributes refuse an open for writing, even for root; nothing is created. */
static void sysfs_rejects_writes(void)
{
	CHECK_ERR(open("/sys/devices/system/cpu/online", O_WRONLY), EACCES);
	CHECK_ERR(open("/sys/class/mem/null/dev", O_RDWR), EACCES);
	CHECK_ERR(open("/sys/kernel/new_file", O_CREAT | O_WRONLY, 0644), EACCES);
	int fd = CHECK_OK(open("/sys/class/mem/null/dev", O_RDONLY));
	CHECK_ERR(write(fd, "1", 1), EBADF);
	close(fd);
}

/* write_str - write a whole string to a file: 0, or -errno from open or write. */
static int write_str(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY);
	if (fd < 0)
		return -errno;
	int r = write(fd, s, strlen(s)) == (ssize_t)strlen(s) ? 0 : -errno;
	close(fd);
	return r;
}

static int read_int(const char *path)
{
	char buf[64];
	slurp(path, buf, sizeof(buf));
	return atoi(buf);
}

/* oom_score_adj: -1000..1000; root sets the floor, others may raise it and lower it only back
 * to that floor (EACCES below); fork inherits both. */
static void oom_score_adj_range_and_permission(void)
{
	const char *f = "/proc/self/oom_score_adj";
	CHECK_EQ(read_int(f), 0);
	CHECK_EQ(write_str(f, "1001"), -EINVAL);
	CHECK_EQ(write_str(f, "-1001"), -EINVAL);
	CHECK_EQ(write_str(f, "12abc"), -EINVAL);
	CHECK_EQ(write_str(f, "-1000\n"), 0);
	CHECK_EQ(read_int(f), -1000);
	CHECK_EQ(write_str(f, "0x10"), 0); /* kstrtoint, base 0 */
	CHECK_EQ(read_int(f), 16);
	CHECK_EQ(write_str(f, "500"), 0);
	int pid = CHECK_OK(fork());
	if (pid == 0) {
		CHECK_EQ(read_int(f), 500);
		kt_drop_privileges();
		prctl(PR_SET_DUMPABLE, 1, 0, 0, 0); /* Linux: /proc/self is root's after setuid */
		CHECK_EQ(write_str(f, "700"), 0);
		CHECK_EQ(write_str(f, "499"), -EACCES);
		CHECK_EQ(write_str(f, "500"), 0);
		CHECK_EQ(read_int(f), 500);
		CHECK_ERR(open("/proc/1/oom_score_adj", O_WRONLY), EACCES);
		_exit(0);
	}
	CHECK_EQ(WEXITSTATUS(kt_wait(pid)), 0);
	CHECK_EQ(write_str(f, "0"), 0);
	char buf[64];
	slurp("/proc/self/oom_score", buf, sizeof(buf));
	int score = atoi(buf);
	CHECK(score >= 0 && score <= 2000);
}

/* smaps_rollup: the span of the map, then Linux's padded lines; the resident size is there. */
static void smaps_rollup_sums(void)
{
	static char buf[8192];
	char *m = mmap(NULL, 65536, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK(m != MAP_FAILED);
	memset(m, 1, 65536);
	slurp("/proc/self/smaps_rollup", buf, sizeof(buf));
	char *nl = strchr(buf, '\n');
	CHECK(nl != NULL);
	CHECK(nl - buf > 8 && !strncmp(nl - 8, "[rollup]", 8));
	unsigned long rss = 0;
	CHECK_EQ(sscanf(nl + 1, "Rss: %lu kB", &rss), 1);
	CHECK(rss >= 64);
	CHECK(strstr(buf, "\nPss:") && strstr(buf, "\nAnonymous:") && strstr(buf, "\nSwap:"));
	CHECK(!strncmp(nl + 1, "Rss:            ", 16)); /* the label padded to 16 */
	munmap(m, 65536);
}

/* Another process's fd/, fdinfo/ and cwd: root may look (ptrace access); a process of another
 * user may not (EACCES). */
static void other_process_fds_need_ptrace_access(void)
{
	char path[64], buf[PATH_MAX], want[PATH_MAX];
	int p[2];
	kt_tmpdir();
	CHECK_OK(pipe(p));
	int pid = CHECK_OK(fork());
	if (pid == 0) {
		close(p[1]);
		int fd = open("seen", O_CREAT | O_RDWR, 0644);
		if (fd < 0 || dup2(fd, 9) < 0)
			_exit(1);
		char c;
		read(p[0], &c, 1); /* until the parent has looked */
		_exit(0);
	}
	close(p[0]);
	CHECK(getcwd(want, sizeof(want) - 8) != NULL);
	snprintf(path, sizeof(path), "/proc/%d/cwd", pid);
	ssize_t n = CHECK_OK(readlink(path, buf, sizeof(buf) - 1));
	buf[n] = 0;
	CHECK_STR(buf, want);
	strcat(want, "/seen");
	snprintf(path, sizeof(path), "/proc/%d/fd/9", pid);
	for (int i = 0; i < 2000 && (n = readlink(path, buf, sizeof(buf) - 1)) < 0; i++)
		usleep(1000); /* until the child has opened it */
	CHECK(n > 0);
	buf[n > 0 ? n : 0] = 0;
	CHECK_STR(buf, want);
	snprintf(path, sizeof(path), "/proc/%d/fdinfo/9", pid);
	slurp(path, buf, sizeof(buf));
	CHECK(!strncmp(buf, "pos:\t0\n", 7));
	snprintf(path, sizeof(path), "/proc/%d/fd", pid);
	DIR *d = opendir(path);
	CHECK(d != NULL);
	int nine = 0;
	struct dirent *e;
	while (d && (e = readdir(d)))
		nine += !strcmp(e->d_name, "9");
	if (d)
		closedir(d);
	CHECK_EQ(nine, 1);
	int other = CHECK_OK(fork());
	if (other == 0) {
		kt_drop_privileges();
		char q[64], b[256];
		snprintf(q, sizeof(q), "/proc/%d/cwd", pid);
		CHECK_ERR(readlink(q, b, sizeof(b)), EACCES);
		snprintf(q, sizeof(q), "/proc/%d/fd/9", pid);
		CHECK_ERR(readlink(q, b, sizeof(b)), EACCES);
		snprintf(q, sizeof(q), "/proc/%d/fd", pid);
		CHECK_ERR(open(q, O_RDONLY | O_DIRECTORY), EACCES);
		snprintf(q, sizeof(q), "/proc/%d/environ", pid);
		CHECK_ERR(open(q, O_RDONLY), EACCES);
		_exit(0);
	}
	CHECK_EQ(WEXITSTATUS(kt_wait(other)), 0);
	close(p[1]);
	CHECK_EQ(WEXITSTATUS(kt_wait(pid)), 0);
}

/* mountinfo: Linux's fields; /tmp's line names its file system's device as stat does, its
 * root, and the root mount as its parent. */
static void mountinfo_fields(void)
{
	static char buf[65536];
	slurp("/proc/self/mountinfo", buf, sizeof(buf));
	int ids[256], n = 0, root_id = -1, tmp_parent = -1, tmp_seen = 0;
	struct stat st;
	CHECK_OK(stat("/tmp", &st));
	for (char *line = strtok(buf, "\n"); line && n < 256; line = strtok(NULL, "\n")) {
		int id, parent;
		unsigned maj, min;
		char root[256], point[256], opts[256], type[64], source[256];
		CHECK_EQ(sscanf(line, "%d %d %u:%u %255s %255s %255s", &id, &parent, &maj, &min,
				root, point, opts), 7);
		char *dash = strstr(line, " - ");
		CHECK(dash != NULL);
		CHECK_EQ(sscanf(dash, " - %63s %255s", type, source), 2);
		for (int i = 0; i < n; i++)
			CHECK(ids[i] != id);
		ids[n++] = id;
		CHECK(!strncmp(opts, "rw", 2) || !strncmp(opts, "ro", 2));
		if (!strcmp(point, "/"))
			root_id = id;
		if (!strcmp(point, "/tmp")) {
			tmp_seen = 1;
			tmp_parent = parent;
			CHECK_STR(type, "tmpfs");
			CHECK_STR(root, "/");
			CHECK_EQ(maj, major(st.st_dev));
			CHECK_EQ(min, minor(st.st_dev));
		}
	}
	CHECK(tmp_seen);
	CHECK(root_id >= 0);
	CHECK_EQ(tmp_parent, root_id);
}

/* status_hex - the value of a "Key:\t%016x" line of status. */
static unsigned long long status_hex(const char *status, const char *key)
{
	char want[32];
	snprintf(want, sizeof(want), "\n%s:\t", key);
	const char *at = strstr(status, want);
	CHECK(at != NULL);
	return at ? strtoull(at + strlen(want), NULL, 16) : 0;
}

static void on_usr1(int sig)
{
	(void)sig;
}

/* status's signal lines: a handled, an ignored, a blocked and pending signal; SigQ's shape. */
static void status_signal_sets(void)
{
	static char buf[8192];
	struct sigaction sa = { .sa_handler = on_usr1 }, old1, old2;
	CHECK_OK(sigaction(SIGUSR1, &sa, &old1));
	sa.sa_handler = SIG_IGN;
	CHECK_OK(sigaction(SIGUSR2, &sa, &old2));
	sigset_t set, oldset;
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	CHECK_OK(sigprocmask(SIG_BLOCK, &set, &oldset));
	CHECK_OK(raise(SIGINT));
	slurp("/proc/self/status", buf, sizeof(buf));
	CHECK(status_hex(buf, "SigCgt") & (1ull << (SIGUSR1 - 1)));
	CHECK(status_hex(buf, "SigIgn") & (1ull << (SIGUSR2 - 1)));
	CHECK(!(status_hex(buf, "SigIgn") & (1ull << (SIGUSR1 - 1))));
	CHECK(status_hex(buf, "SigBlk") & (1ull << (SIGINT - 1)));
	CHECK(status_hex(buf, "SigPnd") & (1ull << (SIGINT - 1)));
	unsigned queued, limit;
	const char *q = strstr(buf, "\nSigQ:\t");
	CHECK(q && sscanf(q, "\nSigQ:\t%u/%u", &queued, &limit) == 2 && limit > 0);
	/* the pending SIGINT goes: ignored, then the old disposition and mask back */
	sa.sa_handler = SIG_IGN;
	CHECK_OK(sigaction(SIGINT, &sa, NULL));
	slurp("/proc/self/status", buf, sizeof(buf));
	CHECK(!(status_hex(buf, "SigPnd") & (1ull << (SIGINT - 1))));
	sa.sa_handler = SIG_DFL;
	CHECK_OK(sigaction(SIGINT, &sa, NULL));
	CHECK_OK(sigprocmask(SIG_SETMASK, &oldset, NULL));
	CHECK_OK(sigaction(SIGUSR1, &old1, NULL));
	CHECK_OK(sigaction(SIGUSR2, &old2, NULL));
}

/* stat_ticks - fields 14..17 (utime stime cutime cstime) of a stat line. */
static void stat_ticks(const char *path, unsigned long long t[4])
{
	char buf[4096];
	slurp(path, buf, sizeof(buf));
	const char *p = strrchr(buf, ')');
	CHECK(p != NULL);
	CHECK_EQ(sscanf(p, ") %*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu %llu %llu",
			&t[0], &t[1], &t[2], &t[3]), 4);
}

/* burn - spend CPU until times() says this process used `ticks` of user time. */
static void burn(clock_t ticks)
{
	struct tms t;
	volatile unsigned long x = 0;
	do {
		for (int i = 0; i < 100000; i++)
			x += (unsigned long)i;
		times(&t);
	} while (t.tms_utime < ticks);
}

/* stat's CPU times: between what times() said before and after, for the process and for its
 * reaped children. */
static void stat_cpu_times_agree_with_times(void)
{
	int pid = CHECK_OK(fork());
	if (pid == 0) {
		burn(3);
		_exit(0);
	}
	kt_wait(pid);
	burn(3);
	struct tms a, b;
	unsigned long long t[4];
	times(&a);
	stat_ticks("/proc/self/stat", t);
	times(&b);
	CHECK(t[0] + t[1] + 1 >= (unsigned long long)(a.tms_utime + a.tms_stime));
	CHECK(t[0] + t[1] <= (unsigned long long)(b.tms_utime + b.tms_stime) + 1);
	CHECK(t[0] >= 2);
	CHECK(t[2] + t[3] + 1 >= (unsigned long long)(a.tms_cutime + a.tms_cstime));
	CHECK(t[2] + t[3] <= (unsigned long long)(b.tms_cutime + b.tms_cstime) + 1);
	CHECK(t[2] >= 2);
}

/* limits: Linux's table, the values getrlimit gives (and a lowered one after setrlimit). */
static void limits_table(void)
{
	static char buf[8192];
	char want[128];
	slurp("/proc/self/limits", buf, sizeof(buf));
	snprintf(want, sizeof(want), "%-25s %-20s %-20s %-10s\n", "Limit", "Soft Limit",
		 "Hard Limit", "Units");
	CHECK(!strncmp(buf, want, strlen(want)));
	int pid = CHECK_OK(fork());
	if (pid == 0) {
		struct rlimit r;
		CHECK_OK(getrlimit(RLIMIT_NOFILE, &r));
		r.rlim_cur = 100;
		CHECK_OK(setrlimit(RLIMIT_NOFILE, &r));
		slurp("/proc/self/limits", buf, sizeof(buf));
		snprintf(want, sizeof(want), "\n%-25s %-20lu %-20lu %-10s\n", "Max open files", 100ul,
			 (unsigned long)r.rlim_max, "files");
		CHECK(strstr(buf, want) != NULL);
		snprintf(want, sizeof(want), "\n%-25s %-20s %-20s %-10s\n", "Max cpu time", "unlimited",
			 "unlimited", "seconds");
		CHECK(strstr(buf, want) != NULL);
		CHECK_OK(getrlimit(RLIMIT_NICE, &r));
		snprintf(want, sizeof(want), "\n%-25s %-20lu %-20lu \n", "Max nice priority",
			 (unsigned long)r.rlim_cur, (unsigned long)r.rlim_max);
		CHECK(strstr(buf, want) != NULL);
		_exit(0);
	}
	CHECK_EQ(WEXITSTATUS(kt_wait(pid)), 0);
}

static int is_uuid(const char *s)
{
	for (int i = 0; i < 36; i++) {
		int dash = i == 8 || i == 13 || i == 18 || i == 23;
		if (dash ? s[i] != '-' : !strchr("0123456789abcdef", s[i]))
			return 0;
	}
	return s[36] == '\n' && s[37] == 0 && s[14] == '4';
}

/* sys/kernel/random: boot_id stays, uuid is new at every read; hostname is uname's. */
static void random_ids_and_hostname(void)
{
	char a[80], b[80];
	slurp("/proc/sys/kernel/random/boot_id", a, sizeof(a));
	slurp("/proc/sys/kernel/random/boot_id", b, sizeof(b));
	CHECK(is_uuid(a));
	CHECK_STR(a, b);
	slurp("/proc/sys/kernel/random/uuid", a, sizeof(a));
	slurp("/proc/sys/kernel/random/uuid", b, sizeof(b));
	CHECK(is_uuid(a) && is_uuid(b));
	CHECK(strcmp(a, b) != 0);
	struct utsname u;
	CHECK_OK(uname(&u));
	slurp("/proc/sys/kernel/hostname", a, sizeof(a));
	snprintf(b, sizeof(b), "%.64s\n", u.nodename);
	CHECK_STR(a, b);
}

/* fd/N's mode shows how the file is open (Linux's tid_fd_update_inode: r-x read, -wx write,
 * nothing for O_PATH) and ls -l's size is 64; other /proc links show 0. */
static void fd_link_modes_and_sizes(void)
{
	kt_tmpdir();
	int fd = CHECK_OK(open("f", O_CREAT | O_RDWR, 0644));
	int rd = CHECK_OK(open("f", O_RDONLY));
	int wr = CHECK_OK(open("f", O_WRONLY));
	int pa = CHECK_OK(open("f", O_PATH));
	const int fds[4] = { fd, rd, wr, pa };
	const unsigned modes[4] = { 0700, 0500, 0300, 0 };
	char path[64];
	struct stat st;
	for (int i = 0; i < 4; i++) {
		snprintf(path, sizeof(path), "/proc/self/fd/%d", fds[i]);
		CHECK_OK(lstat(path, &st));
		CHECK(S_ISLNK(st.st_mode));
		CHECK_EQ(st.st_mode & 07777, modes[i]);
		CHECK_EQ(st.st_size, 64);
	}
	CHECK_OK(lstat("/proc/self/exe", &st));
	CHECK_EQ(st.st_size, 0);
	CHECK_OK(lstat("/proc/self/cwd", &st));
	CHECK_EQ(st.st_size, 0);
}

/* Another user's process is out of reach when it is not dumpable (ptrace_may_access): here
 * two processes of uid nobody, the target dumpable again after its setuid, then not. */
static void undumpable_process_needs_root(void)
{
	int go[2], ready[2];
	CHECK_OK(pipe(go));
	CHECK_OK(pipe(ready));
	int pid = CHECK_OK(fork());
	if (pid == 0) {
		close(go[1]);
		close(ready[0]);
		kt_drop_privileges();
		char c = 'a';
		CHECK_EQ(prctl(PR_GET_DUMPABLE), 0); /* the setuid cleared it */
		CHECK_OK(prctl(PR_SET_DUMPABLE, 1));
		CHECK_EQ(write(ready[1], &c, 1), 1);
		CHECK_EQ(read(go[0], &c, 1), 1);
		CHECK_OK(prctl(PR_SET_DUMPABLE, 0));
		CHECK_EQ(write(ready[1], &c, 1), 1);
		CHECK_EQ(read(go[0], &c, 1), 1);
		_exit(0);
	}
	close(go[0]);
	close(ready[1]);
	char c, q[64], b[256];
	CHECK_EQ(read(ready[0], &c, 1), 1);
	snprintf(q, sizeof(q), "/proc/%d/cwd", pid);
	int other = CHECK_OK(fork());
	if (other == 0) {
		kt_drop_privileges();
		CHECK(readlink(q, b, sizeof(b)) > 0);
		_exit(0);
	}
	CHECK_EQ(kt_wait(other), 0);
	CHECK_EQ(write(go[1], "g", 1), 1);
	CHECK_EQ(read(ready[0], &c, 1), 1);
	other = CHECK_OK(fork());
	if (other == 0) {
		kt_drop_privileges();
		CHECK_ERR(readlink(q, b, sizeof(b)), EACCES);
		_exit(0);
	}
	CHECK_EQ(kt_wait(other), 0);
	CHECK(readlink(q, b, sizeof(b)) > 0); /* root may */
	CHECK_EQ(write(go[1], "g", 1), 1);
	CHECK_EQ(kt_wait(pid), 0);
}

static const struct kt_case cases[] = {
	{ "self_link_is_pid", self_link_is_pid },
	{ "self_stat_fields", self_stat_fields },
	{ "self_status_ids", self_status_ids },
	{ "self_cmdline_and_environ", self_cmdline_and_environ },
	{ "self_exe_and_cwd", self_exe_and_cwd },
	{ "self_fd_links_and_fdinfo", self_fd_links_and_fdinfo },
	{ "fd_link_reopens_deleted_file", fd_link_reopens_deleted_file },
	{ "self_maps_shows_mappings", self_maps_shows_mappings },
	{ "self_task_lists_threads", self_task_lists_threads },
	{ "system_files", system_files },
	{ "child_pid_dir_lifecycle", child_pid_dir_lifecycle },
	{ "proc_files_reject_writes", proc_files_reject_writes },
	{ "sysrq_trigger_is_roots_and_write_only", sysrq_trigger_is_roots_and_write_only },
	{ "reads_at_offsets_and_tiny_buffers", reads_at_offsets_and_tiny_buffers },
	{ "other_process_files_while_it_execs", other_process_files_while_it_execs },
	{ "sysfs_cpu_masks", sysfs_cpu_masks },
	{ "sysfs_thp_policy", sysfs_thp_policy },
	{ "sysfs_class_net_lo", sysfs_class_net_lo },
	{ "sysfs_char_devices", sysfs_char_devices },
	{ "sysfs_rejects_writes", sysfs_rejects_writes },
	{ "oom_score_adj_range_and_permission", oom_score_adj_range_and_permission },
	{ "smaps_rollup_sums", smaps_rollup_sums },
	{ "other_process_fds_need_ptrace_access", other_process_fds_need_ptrace_access },
	{ "mountinfo_fields", mountinfo_fields },
	{ "status_signal_sets", status_signal_sets },
	{ "stat_cpu_times_agree_with_times", stat_cpu_times_agree_with_times },
	{ "limits_table", limits_table },
	{ "random_ids_and_hostname", random_ids_and_hostname },
	{ "fd_link_modes_and_sizes", fd_link_modes_and_sizes },
	{ "undumpable_process_needs_root", undumpable_process_needs_root },
	{ "proc_stat_cpu_times_are_measured", proc_stat_cpu_times_are_measured },
	{ "proc_loadavg_follows_runnable_tasks", proc_loadavg_follows_runnable_tasks },
	{ "ended_main_thread_shows_as_zombie", ended_main_thread_shows_as_zombie },
	KT_CASES_END
};

int main(int argc, char **argv)
{
	if (argc == 3 && !strcmp(argv[1], "--exec-chain")) {
		/* other_process_files_while_it_execs: run this program again N more times */
		int n = atoi(argv[2]);
		char next[16];
		if (n <= 0)
			return 0;
		snprintf(next, sizeof(next), "%d", n - 1);
		execl(argv[0], argv[0], "--exec-chain", next, (char *)NULL);
		/* the harness's state is gone with the first exec: an injected failure says so
		 * itself; any other failure exits 100 + errno (which errno it was) */
		return errno == ENOMEM || errno == EAGAIN ? KT_EXIT_ENOMEM : 100 + errno;
	}
	self = argv[0];
	return kt_main("procfs", cases);
}
