/*
 * fuzz.c — the supervisor: runs as the guest's init (rdinit=/fuzz/fuzz; so every orphan
 * comes back to it),
 * keeps W workers alive until the deadline, then checks the kernel is alive and consistent.
 *
 *   /fuzz/fuzz run [-s SEED] [-t SECONDS] [-w WORKERS] [-T THREADS] [-S SLICE_MS]
 *                  [-m MEM_SLACK_KIB] [-F MS] [-M] [-k] [-v|-V]
 *
 * -M marks every worker (and so what it forks) with /proc/self/make-it-fail, for a boot with
 * failure injection limited to marked tasks (fault.task_filter=1): the supervisor, its setup
 * and its checks never meet an injected failure.
 *
 * A worker lives for one slice (default 2 s), then reports and exits; a worker that died early
 * (a fuzzed exit, a signal, an exec) is replaced at once with the next seed of its slot. A
 * worker still there one second after its slice is killed (it sat in a blocking call); one
 * that SIGKILL does not remove within HANG_NS is a kernel hang. The results go to the console
 * between "fuzz: results begin" and "fuzz: results end" as KTAP, read by tools/fuzz-run.py.
 *
 * Run as anything but init with any first argument other than "run" (a fuzzed execve of
 * /fuzz/fuzz does that), it exits at once.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysinfo.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "fuzz.h"

#define MAX_WORKERS 16
/* Attempts of a setup step or check: under 1-in-100 frame failures a fork (hundreds of frames)
 * succeeds only about one time in twenty. */
#define CHECK_TRIES 400
/* The workers run as root and the pool names /bin/busybox, /tmp and "/": the checks use a
 * directory of their own, under a name no generator produces, on a file system of its own
 * (mounted at the start), so that a fuzzed `mount -o remount,ro /`, a mount stacked on /tmp or
 * a rename of /bin (all legitimate for root, on Linux too) does not fail the checks after the
 * run. The fresh-process check runs a private copy of busybox from there. */
#define KEEP_DIR "/.fzkeep"
#define KEEP_BUSYBOX KEEP_DIR "/busybox"
#define GRACE_NS 1000000000ull
#define HANG_NS 10000000000ull
#define EXT_GRACE_NS 10000000000ull /* an external fuzzer's time to stop after SIGINT */

struct slot {
	pid_t pid;         /* 0: empty */
	int stats_fd;      /* read end of the worker's statistics pipe */
	uint32_t respawns; /* how many workers this slot has started */
	uint64_t deadline_ns, killed_ns;
	int interrupted;          /* an external worker was sent SIGINT at its deadline */
	unsigned char partial[4]; /* the start of an event a read split */
	uint32_t npartial;
};

static struct {
	uint64_t seed;
	double seconds;
	int workers, threads, verbose, avoid_known, make_it_fail;
	uint64_t slice_ns;
	long mem_slack_kib;
	uint64_t checks_after_ns; /* -F MS: the checks wait for this CLOCK_MONOTONIC time */
	uint64_t one_seed;        /* -W SEED: run one worker with this seed, once */
	uint64_t stop_after, skip_lo, skip_hi;
	char **ext_argv; /* -E PROGRAM [-- ARGS...]: run PROGRAM as each worker instead (trinity) */
} opt = { .seconds = 10, .workers = 4, .threads = 4, .slice_ns = 2000000000ull,
	  .mem_slack_kib = 4096 };

static struct fz_pools pools;
static struct slot slots[MAX_WORKERS];
static struct fz_stats total;
static uint64_t spawned, reports, deaths_by_signal[65], fuzzed_exits, deadline_kills, hangs;
static uint32_t max_threads;
static uint64_t ext_failed; /* external workers that could not be started (exit 127) */
static int thread_err;
static pid_t first_pid;
static pid_t worker_pids[4096]; /* every worker started, to tell a lost worker from an orphan */
static uint32_t nworker_pids;

static void event(uint32_t ev)
{
	if (ev & 0x80000000u) {
		uint32_t what = (ev >> 24) & 0x7f, v = ev & 0xffffff;
		if (what == FZ_INFO_THREADS && v > max_threads)
			max_threads = v;
		if (what == FZ_INFO_THREAD_ERR && !thread_err)
			thread_err = (int)v;
		return;
	}
	uint32_t nr = ev & 0x1ff, bit = (ev >> 9) & 0xff;
	if (bit > FZ_ERRNO_MAX)
		bit = FZ_ERRNO_MAX;
	total.calls++;
	total.count[nr]++;
	total.res[nr][bit / 64] |= 1ull << (bit % 64);
}

/* Reads what the slot's worker has sent; closes the pipe when `last` (the worker is gone).
 * A read may end inside an event (the kernel may split a write): the tail waits in the slot. */
static void collect(struct slot *sl, int last)
{
	static unsigned char buf[FZ_EV_BATCH * 16];
	if (sl->stats_fd < 0)
		return;
	for (;;) {
		memcpy(buf, sl->partial, sl->npartial);
		ssize_t n = read(sl->stats_fd, buf + sl->npartial, sizeof buf - sl->npartial);
		if (n <= 0)
			break;
		size_t have = sl->npartial + (size_t)n, whole = have / 4 * 4;
		for (size_t i = 0; i < whole; i += 4) {
			uint32_t ev;
			memcpy(&ev, buf + i, 4);
			event(ev);
		}
		sl->npartial = (uint32_t)(have - whole);
		memcpy(sl->partial, buf + whole, sl->npartial);
		reports++;
	}
	if (last) {
		close(sl->stats_fd);
		sl->stats_fd = -1;
		sl->npartial = 0;
	}
}

/* Marks the calling process for failure injection (-M); 0 or -errno. Unmarked until here, so
 * nothing in it can fail for an injected reason. */
static int mark_make_it_fail(void)
{
	int fd = open("/proc/self/make-it-fail", O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	int err = write(fd, "1", 1) == 1 ? 0 : -errno;
	close(fd);
	return err;
}

static int spawn(int i, uint64_t now, uint64_t end)
{
	struct slot *sl = &slots[i];
	int pfd[2];
	if (pipe2(pfd, O_CLOEXEC))
		return -errno;
	uint64_t seed = opt.one_seed ? opt.one_seed : fz_mix(opt.seed, (uint64_t)i, sl->respawns);
	uint64_t deadline = now + opt.slice_ns < end ? now + opt.slice_ns : end;
	pid_t pid = fork();
	if (pid < 0) {
		int err = errno;
		close(pfd[0]);
		close(pfd[1]);
		return -err;
	}
	if (pid == 0) {
		/* Other workers' pipes are not this worker's to fuzz: a fuzzed read of a few bytes
		 * from one would split that worker's events. */
		for (int j = 0; j < MAX_WORKERS; j++)
			if (j != i && slots[j].pid && slots[j].stats_fd >= 0)
				close(slots[j].stats_fd);
		if (dup2(pfd[1], FZ_STATS_FD) < 0 || dup2(1, FZ_LOG_FD) < 0)
			_exit(2);
		close(pfd[0]);
		close(pfd[1]);
		fcntl(FZ_STATS_FD, F_SETFD, FD_CLOEXEC);
		fcntl(FZ_LOG_FD, F_SETFD, FD_CLOEXEC);
		if (opt.make_it_fail && mark_make_it_fail())
			_exit(3);
		if (opt.ext_argv) {
			setpgid(0, 0);
			close(FZ_STATS_FD);
			execv(opt.ext_argv[0], opt.ext_argv);
			printf("fuzz: cannot run %s: %s\n", opt.ext_argv[0], strerror(errno));
			_exit(127);
		}
		static struct fz_worker_cfg cfg;
		cfg = (struct fz_worker_cfg){ .seed = seed, .slot = i, .threads = opt.threads,
					      .verbose = opt.verbose,
					      .avoid_known = opt.avoid_known, .deadline_ns = deadline,
					      .stop_after = opt.stop_after, .skip_lo = opt.skip_lo,
					      .skip_hi = opt.skip_hi };
		fz_worker_main(&cfg, &pools);
	}
	close(pfd[1]);
	fcntl(pfd[0], F_SETFL, O_NONBLOCK);
	if (opt.verbose)
		printf("fuzz: worker slot %d respawn %u pid %d seed %llu\n", i, sl->respawns, pid,
		       (unsigned long long)seed);
	if (!first_pid)
		first_pid = pid;
	if (nworker_pids < sizeof worker_pids / sizeof worker_pids[0])
		worker_pids[nworker_pids++] = pid;
	sl->pid = pid;
	sl->stats_fd = pfd[0];
	sl->deadline_ns = deadline;
	sl->killed_ns = 0;
	sl->interrupted = 0;
	sl->respawns++;
	spawned++;
	return 0;
}

/* Reaps whatever has exited: workers (their statistics) and orphans (nothing to do). */
static void reap(void)
{
	int st;
	pid_t pid;
	while ((pid = waitpid(-1, &st, WNOHANG)) > 0) {
		for (int i = 0; i < opt.workers; i++) {
			struct slot *sl = &slots[i];
			if (sl->pid != pid)
				continue;
			if (opt.verbose)
				printf("fuzz: worker pid %d ended: status %x\n", pid, st);
			if (WIFSIGNALED(st) && WTERMSIG(st) < 65) {
				if (!sl->killed_ns)
					deaths_by_signal[WTERMSIG(st)]++;
			} else if (WIFEXITED(st) && WEXITSTATUS(st) != 0) {
				fuzzed_exits++;
				if (opt.ext_argv && WEXITSTATUS(st) == 127)
					ext_failed++;
			}
			collect(sl, 1);
			/* A worker's process group (it made it at its start; an external fuzzer
			 * too) ends with it: what the worker's fuzzed forks left there goes, as a
			 * shell ends a job. A child another worker stopped with SIGSTOP stays
			 * stopped for ever otherwise (POSIX: its group was orphaned from the start,
			 * the worker's parent being init, so nobody sends it SIGHUP and SIGCONT;
			 * Linux does the same): that was the "lost process" of seed 22 with
			 * rt_sigqueueinfo, which sends SIGSTOP to other processes like kill.
			 * Processes that left the group (setpgid, setsid) are still checked. */
			kill(-pid, SIGKILL);
			sl->pid = 0;
		}
	}
}

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000 };
	nanosleep(&ts, NULL);
}

/*
 * Which numbers the kernel lacks, asked once before the run so that every worker starts with
 * the same knowledge (a worker's calls then replay from its seed alone): a child makes each
 * call once with every argument -1 (almost always EBADF, EFAULT or EINVAL where the call
 * exists) and reports the numbers that answered ENOSYS. Calls that would end or stall the
 * child are not asked (gen.c keeps them rare anyway).
 */
static int probe_missing(void)
{
	int pfd[2];
	if (pipe(pfd))
		return -errno;
	pid_t pid = fork();
	if (pid < 0)
		return -errno;
	if (pid == 0) {
		close(pfd[0]);
		for (int nr = 0; nr < FZ_NR_MAX; nr++) {
			if (!fz_calls[nr].name || nr == SYS_reboot || nr == SYS_exit ||
			    nr == SYS_exit_group || nr == SYS_rt_sigreturn || nr == SYS_pause ||
			    nr == SYS_rt_sigsuspend || nr == SYS_vfork || nr == SYS_kill ||
			    nr == SYS_tkill || nr == SYS_tgkill)
				continue;
			if (fz_raw_syscall(nr, -1, -1, -1, -1, -1, -1) == -ENOSYS) {
				uint16_t v = (uint16_t)nr;
				if (write(pfd[1], &v, sizeof v) != sizeof v)
					break;
			}
		}
		_exit(0);
	}
	close(pfd[1]);
	uint16_t v;
	int n = 0;
	while (read(pfd[0], &v, sizeof v) == sizeof v) {
		fz_nr_missing(v);
		n++;
	}
	close(pfd[0]);
	waitpid(pid, NULL, 0);
	return n;
}

static pid_t hung_pids[16]; /* workers given up on: the checks say whether they went later */
static uint32_t nhung_pids;

/* What /proc says of a process that outlives SIGKILL (its state, and its threads'). */
static void print_proc_state(pid_t pid)
{
	char path[320], buf[512];
	snprintf(path, sizeof path, "/proc/%d/task", pid);
	DIR *d = opendir(path);
	struct dirent *e;
	while (d && (e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof path, "/proc/%d/task/%s/stat", pid, e->d_name);
		int fd = open(path, O_RDONLY);
		ssize_t n = fd >= 0 ? read(fd, buf, sizeof buf - 1) : -1;
		if (fd >= 0)
			close(fd);
		if (n > 0) {
			buf[n] = '\0';
			printf("fuzz: HANG: thread %s: %s", e->d_name, buf);
		}
	}
	if (d)
		closedir(d);
	/* and the kernel's own picture of every process and task, with the backtraces of the
	 * sleeping ones (Linux's sysrq 't'; on the console) */
	int t = open("/proc/sysrq-trigger", O_WRONLY | O_CLOEXEC);
	if (t >= 0) {
		if (write(t, "t", 1) != 1)
			printf("fuzz: sysrq-trigger: %s\n", strerror(errno));
		close(t);
	}
}

/* Runs the workers until `end`; returns how many workers SIGKILL could not remove. */
static void run(uint64_t end)
{
	for (;;) {
		uint64_t now = fz_now_ns();
		int live = 0;
		for (int i = 0; i < opt.workers; i++) {
			struct slot *sl = &slots[i];
			if (!sl->pid && now + 50000000ull < end && !hangs && !(opt.one_seed && spawned) &&
			    !(opt.ext_argv && ext_failed >= 3)) {
				int err = spawn(i, now, end);
				if (err) {
					printf("fuzz: fork failed: %d (retrying)\n", err);
					continue;
				}
			}
			if (!sl->pid)
				continue;
			live++;
			collect(sl, 0);
			if (opt.ext_argv && !sl->interrupted && now > sl->deadline_ns) {
				/* An external fuzzer gets SIGINT first: trinity prints its statistics
				 * and ends its children; SIGKILL follows after the grace period. */
				kill(sl->pid, SIGINT);
				sl->interrupted = 1;
			}
			if (!sl->killed_ns && now > sl->deadline_ns + (opt.ext_argv ? EXT_GRACE_NS : GRACE_NS)) {
				kill(-sl->pid, SIGKILL);
				kill(sl->pid, SIGKILL);
				if (opt.verbose)
					printf("fuzz: worker pid %d past its deadline: killed\n", sl->pid);
				sl->killed_ns = now;
				deadline_kills++;
			} else if (sl->killed_ns && now > sl->killed_ns + HANG_NS) {
				printf("fuzz: HANG: worker pid %d (slot %d, respawn %u) survived SIGKILL "
				       "for %llu s\n", sl->pid, i, sl->respawns - 1,
				       (unsigned long long)(HANG_NS / 1000000000ull));
				print_proc_state(sl->pid);
				if (nhung_pids < sizeof hung_pids / sizeof hung_pids[0])
					hung_pids[nhung_pids++] = sl->pid;
				hangs++;
				sl->pid = 0; /* given up on */
			}
		}
		reap();
		if (!live && now >= end)
			return;
		sleep_ms(10);
	}
}

/* --- the checks after the run --------------------------------------------------------------- */

static int results_n;

static void result(int ok, const char *name, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void result(int ok, const char *name, const char *fmt, ...)
{
	char note[256] = "";
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(note, sizeof note, fmt, ap);
	va_end(ap);
	printf("%s %d %s%s%s\n", ok ? "ok" : "not ok", ++results_n, name, note[0] ? " # " : "",
	       note);
}

/* The runner's resource limits, kept at the start and put back before the checks: the workers
 * never name the runner's pid (gen_pid), but a limit changed anyway would turn the checks' verdict
 * into one on the limit, so a change is said and undone rather than reported as a kernel fault. */
static struct rlimit runner_limits[RLIM_NLIMITS];

static void runner_limits_keep(void)
{
	for (int r = 0; r < RLIM_NLIMITS; r++)
		getrlimit(r, &runner_limits[r]);
}

static void runner_limits_restore(void)
{
	for (int r = 0; r < RLIM_NLIMITS; r++) {
		struct rlimit now;
		if (getrlimit(r, &now) || (now.rlim_cur == runner_limits[r].rlim_cur &&
					   now.rlim_max == runner_limits[r].rlim_max))
			continue;
		printf("fuzz: the runner's resource limit %d was changed to %llu/%llu: restored\n", r,
		       (unsigned long long)now.rlim_cur, (unsigned long long)now.rlim_max);
		setrlimit(r, &runner_limits[r]);
	}
}

static long free_kib(void)
{
	struct sysinfo si;
	if (sysinfo(&si))
		return -errno;
	return (long)(si.freeram / 1024 * si.mem_unit);
}

/* Orphans may still be on their way to init: reap until nothing is left (or 5 s pass). */
static void reap_all(void)
{
	uint64_t until = fz_now_ns() + 5000000000ull;
	for (;;) {
		pid_t pid = waitpid(-1, NULL, WNOHANG);
		if (pid > 0)
			continue;
		if (pid < 0 && errno == ECHILD)
			return;
		if (fz_now_ns() > until)
			return;
		sleep_ms(10);
	}
}

/* Under fault injection (fault.*= boot options) any of the checks below may meet an injected
 * ENOMEM or EFAULT: each is retried, so a check fails only on a kernel that stays broken. */

static int fresh_process_once(void)
{
	pid_t pid = fork();
	if (pid < 0)
		return -errno;
	if (pid == 0) {
		char *argv[] = { "echo", "fuzz: a fresh process runs", NULL };
		execv(KEEP_BUSYBOX, argv);
		_exit(127);
	}
	int st;
	if (waitpid(pid, &st, 0) != pid)
		return -errno;
	return WIFEXITED(st) && WEXITSTATUS(st) == 0 ? 0 : 1000 + st;
}

static int copy_file(const char *from, const char *to)
{
	static char buf[65536];
	int in = open(from, O_RDONLY), out = open(to, O_CREAT | O_WRONLY | O_TRUNC, 0755);
	int err = in < 0 || out < 0 ? -ENOENT : 0;
	ssize_t n;
	while (!err && (n = read(in, buf, sizeof buf)) > 0)
		if (write(out, buf, (size_t)n) != n)
			err = -EIO;
	if (in >= 0)
		close(in);
	if (out >= 0)
		close(out);
	return err;
}

static int fresh_process(void)
{
	int err = 0;
	for (int i = 0; i < CHECK_TRIES; i++)
		if ((err = fresh_process_once()) == 0)
			break;
	return err;
}

static int files_work_once(void)
{
	static char out[8192], in[8192];
	for (size_t i = 0; i < sizeof out; i++)
		out[i] = (char)(i * 7 + 1);
	int fd = open(KEEP_DIR "/check", O_CREAT | O_RDWR | O_TRUNC, 0600);
	if (fd < 0)
		return -errno;
	int ok = write(fd, out, sizeof out) == (ssize_t)sizeof out &&
		 pread(fd, in, sizeof in, 0) == (ssize_t)sizeof in && !memcmp(in, out, sizeof in);
	close(fd);
	unlink(KEEP_DIR "/check");
	return ok ? 0 : -EIO;
}

/* What the file systems hold (entries, KiB of regular files) outside /proc, /dev and /sys:
 * printed before and after the run, so that memory kept by files the workers created or moved
 * outside /tmp/fz (relative paths after a fuzzed chdir, renames) is told from a kernel leak. */
static void fs_usage(const char *dir, int depth, long *entries, long *kib)
{
	if (depth > 64)
		return;
	DIR *d = opendir(dir);
	if (!d)
		return;
	struct dirent *e;
	while ((e = readdir(d))) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		char path[4200];
		snprintf(path, sizeof path, "%s/%s", depth ? dir : "", e->d_name);
		if (!strcmp(path, "/proc") || !strcmp(path, "/dev") || !strcmp(path, "/sys"))
			continue;
		struct stat st;
		if (lstat(path, &st))
			continue;
		(*entries)++;
		if (S_ISREG(st.st_mode))
			*kib += (long)((st.st_size + 1023) / 1024);
		else if (S_ISDIR(st.st_mode))
			fs_usage(path, depth + 1, entries, kib);
	}
	closedir(d);
}

static int files_work(void)
{
	int err = 0;
	for (int i = 0; i < CHECK_TRIES; i++)
		if ((err = files_work_once()) == 0)
			break;
	return err;
}

static const char *signame(int sig)
{
	static const char *n[] = { [SIGHUP] = "SIGHUP", [SIGINT] = "SIGINT", [SIGQUIT] = "SIGQUIT",
		[SIGILL] = "SIGILL", [SIGTRAP] = "SIGTRAP", [SIGABRT] = "SIGABRT", [SIGBUS] = "SIGBUS",
		[SIGFPE] = "SIGFPE", [SIGKILL] = "SIGKILL", [SIGUSR1] = "SIGUSR1",
		[SIGSEGV] = "SIGSEGV", [SIGUSR2] = "SIGUSR2", [SIGPIPE] = "SIGPIPE",
		[SIGALRM] = "SIGALRM", [SIGTERM] = "SIGTERM", [SIGSTKFLT] = "SIGSTKFLT",
		[SIGXCPU] = "SIGXCPU", [SIGXFSZ] = "SIGXFSZ", [SIGVTALRM] = "SIGVTALRM",
		[SIGPROF] = "SIGPROF", [SIGIO] = "SIGIO", [SIGPWR] = "SIGPWR", [SIGSYS] = "SIGSYS" };
	static char rt[16];
	if (sig < (int)(sizeof n / sizeof n[0]) && n[sig])
		return n[sig];
	snprintf(rt, sizeof rt, "SIGRT%d", sig);
	return rt;
}

static void print_summary(double secs)
{
	printf("fuzz: summary: seed=%llu seconds=%.1f calls=%llu rate=%.0f/s workers=%d "
	       "spawned=%llu reported=%llu threads=%u%s\n",
	       (unsigned long long)opt.seed, secs, (unsigned long long)total.calls,
	       secs > 0 ? (double)total.calls / secs : 0.0, opt.workers,
	       (unsigned long long)spawned, (unsigned long long)reports, max_threads,
	       thread_err ? " (thread creation failed)" : "");
	if (thread_err)
		printf("fuzz: threads: pthread_create failed with errno %d; workers ran "
		       "single-threaded\n", thread_err);
	printf("fuzz: worker ends: killed at deadline %llu, fuzzed exit/exec %llu",
	       (unsigned long long)deadline_kills, (unsigned long long)fuzzed_exits);
	for (int s = 1; s < 65; s++)
		if (deaths_by_signal[s])
			printf(", %s %llu", signame(s), (unsigned long long)deaths_by_signal[s]);
	printf("\n");
	for (int nr = 0; nr < FZ_NR_MAX; nr++) {
		if (!total.count[nr])
			continue;
		char res[700];
		int n = 0;
		for (int e = 0; e <= FZ_ERRNO_MAX && n < (int)sizeof res - 8; e++)
			if (total.res[nr][e / 64] & (1ull << (e % 64)))
				n += snprintf(res + n, sizeof res - (size_t)n, "%s%d", n ? "," : "", e);
		res[n] = '\0';
		printf("fuzz: call %d %s n=%u res=%s\n", nr,
		       nr == FZ_NR_BAD ? "(invalid)" : (fz_calls[nr].name ? fz_calls[nr].name : "?"),
		       total.count[nr], res);
	}
}

static void finish(int code)
{
	fflush(stdout);
	if (getpid() == 1) {
		sync();
		reboot(RB_POWER_OFF);
	}
	exit(code);
}

/* As init (rdinit=/fuzz/fuzz) there are no arguments: they come from /fuzz/args, one line
 * `FUZZ_ARGS=-s 1 -t 10 ...` written by the runner. No shell runs before the fuzzer, so a boot
 * with fault injection cannot lose init to an injected ENOMEM in a shell's fork. */
static int args_from_file(char **argv, int max)
{
	static char buf[512];
	int fd = -1, n = 0;
	for (int i = 0; i < CHECK_TRIES && fd < 0; i++)
		fd = open("/fuzz/args", O_RDONLY);
	ssize_t len = fd >= 0 ? read(fd, buf, sizeof buf - 1) : -1;
	if (fd >= 0)
		close(fd);
	if (len <= 0)
		return 0;
	buf[len] = '\0';
	char *p = strchr(buf, '=');
	p = p ? p + 1 : buf;
	argv[n++] = "fuzz";
	argv[n++] = "run";
	for (char *tok = strtok(p, " \t\n'"); tok && n < max - 1; tok = strtok(NULL, " \t\n'"))
		argv[n++] = tok;
	argv[n] = NULL;
	return n;
}

int main(int argc, char **argv)
{
	static char *file_argv[64];
	if (getpid() == 1 && argc < 2) {
		mount("proc", "/proc", "proc", 0, NULL);
		mount("devtmpfs", "/dev", "devtmpfs", 0, NULL);
		mount("tmpfs", "/tmp", "tmpfs", 0, "mode=1777");
		argc = args_from_file(file_argv, 64);
		argv = file_argv;
	}
	if (argc < 2 || strcmp(argv[1], "run"))
		return 0; /* a fuzzed execve of this program */
	opt.seed = fz_mix((uint64_t)time(NULL), (uint64_t)fz_now_ns(), (uint64_t)getpid());
	for (int i = 2; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : "0";
		if (!strcmp(a, "-E") && i + 1 < argc) {
			/* The program, then everything after "--" as its arguments. */
			static char *ext[32];
			int n = 0;
			ext[n++] = argv[++i];
			if (i + 1 < argc && !strcmp(argv[i + 1], "--"))
				for (i += 2; i < argc && n < 31; i++)
					ext[n++] = argv[i];
			ext[n] = NULL;
			opt.ext_argv = ext;
			continue;
		}
		if (!strcmp(a, "-v")) {
			opt.verbose = 1;
			continue;
		}
		if (!strcmp(a, "-V")) { /* log only the processes fuzzed forks create */
			opt.verbose = 2;
			continue;
		}
		if (!strcmp(a, "-k")) {
			opt.avoid_known = 1;
			continue;
		}
		if (!strcmp(a, "-M")) {
			opt.make_it_fail = 1;
			continue;
		}
		i++;
		if (!strcmp(a, "-s"))
			opt.seed = strtoull(v, NULL, 0);
		else if (!strcmp(a, "-t"))
			opt.seconds = strtod(v, NULL);
		else if (!strcmp(a, "-w"))
			opt.workers = atoi(v);
		else if (!strcmp(a, "-T"))
			opt.threads = atoi(v);
		else if (!strcmp(a, "-S"))
			opt.slice_ns = strtoull(v, NULL, 0) * 1000000ull;
		else if (!strcmp(a, "-N"))
			opt.stop_after = strtoull(v, NULL, 0);
		else if (!strcmp(a, "-X"))
			sscanf(v, "%llu-%llu", (unsigned long long *)&opt.skip_lo, (unsigned long long *)&opt.skip_hi);
		else if (!strcmp(a, "-W"))
			opt.one_seed = strtoull(v, NULL, 0);
		else if (!strcmp(a, "-F"))
			opt.checks_after_ns = strtoull(v, NULL, 0) * 1000000ull;
		else if (!strcmp(a, "-m"))
			opt.mem_slack_kib = atol(v);
		else
			printf("fuzz: unknown option %s\n", a);
	}
	if (opt.workers < 1)
		opt.workers = 1;
	if (opt.workers > MAX_WORKERS)
		opt.workers = MAX_WORKERS;
	setvbuf(stdout, NULL, _IOLBF, 0);
	signal(SIGPIPE, SIG_IGN);
	printf("fuzz: seed %llu (replay: -s %llu), %.1f s, %d workers x %d threads, slice %llu ms%s\n",
	       (unsigned long long)opt.seed, (unsigned long long)opt.seed, opt.seconds, opt.workers,
	       opt.threads, (unsigned long long)(opt.slice_ns / 1000000),
	       opt.avoid_known ? ", avoiding known open bugs (-k)" : "");

	int terr = fz_tree_make();
	if (terr)
		printf("fuzz: making /tmp/fz failed: %d (paths under it fail instead)\n", terr);
	fz_pools_paths(&pools);
	mkdir(KEEP_DIR, 0700);
	if (mount("fzkeep", KEEP_DIR, "tmpfs", 0, "mode=0700") &&
	    mount("fzkeep", KEEP_DIR, "ramfs", 0, NULL))
		printf("fuzz: could not mount a file system on %s: %s (the checks share /)\n", KEEP_DIR,
		       strerror(errno));
	int cerr = 0;
	for (int i = 0; i < CHECK_TRIES; i++)
		if ((cerr = copy_file("/bin/busybox", KEEP_BUSYBOX)) == 0)
			break;
	if (cerr)
		printf("fuzz: could not copy /bin/busybox to %s\n", KEEP_BUSYBOX);
	long fs_entries0 = 0, fs_kib0 = 0;
	fs_usage("/", 0, &fs_entries0, &fs_kib0);
	long mem_start = free_kib();
	runner_limits_keep();

	int missing = probe_missing();
	printf("fuzz: %d system call numbers answer ENOSYS (tried 8x less often)\n", missing);
	uint64_t t0 = fz_now_ns();
	run(t0 + (uint64_t)(opt.seconds * 1e9));
	double secs = (double)(fz_now_ns() - t0) / 1e9;

	/* A boot with fault injection ends its window at fault.stop_ms: the checks come after. */
	if (opt.checks_after_ns) {
		printf("fuzz: the checks wait for the end of fault injection (%llu ms)\n",
		       (unsigned long long)(opt.checks_after_ns / 1000000));
		while (fz_now_ns() < opt.checks_after_ns) {
			reap();
			sleep_ms(50);
		}
	}
	/* The checks: everything the run started is gone, a new process runs, files work, and
	 * the memory came back. */
	reap_all();
	runner_limits_restore();
	pid_t probe = -1;
	for (int i = 0; i < CHECK_TRIES && probe < 0; i++)
		probe = fork();
	if (probe == 0)
		_exit(0);
	if (probe > 0)
		waitpid(probe, NULL, 0);
	int lost = 0;
	char lost_list[128] = "";
	for (pid_t pid = first_pid; first_pid && pid < probe; pid++) {
		if (kill(pid, 0) == 0 || errno == EPERM) {
			if (lost < 8)
				snprintf(lost_list + strlen(lost_list), sizeof lost_list - strlen(lost_list),
					 " %d", pid);
			lost++;
		}
	}
	/* What a lost process is: not our child (ECHILD: never re-parented to init), or a child
	 * that did not become a zombie (0), and whether SIGKILL removes it. */
	for (pid_t pid = first_pid; lost && pid < probe; pid++) {
		if (kill(pid, 0) != 0 && errno != EPERM)
			continue;
		int st = 0;
		pid_t w = waitpid(pid, &st, WNOHANG);
		int werr = w < 0 ? errno : 0;
		kill(pid, SIGKILL);
		sleep_ms(200);
		w = waitpid(pid, &st, WNOHANG);
		int was_worker = 0;
		for (uint32_t k = 0; k < nworker_pids; k++)
			was_worker |= worker_pids[k] == pid;
		printf("fuzz: lost pid %d (%s): waitpid %s; after SIGKILL %s\n", pid,
		       was_worker ? "a worker" : "not a worker",
		       werr ? strerror(werr) : "0 (a live child)",
		       kill(pid, 0) == 0 ? "still there" : "gone");
	}
	for (uint32_t k = 0; k < nhung_pids; k++)
		printf("fuzz: HANG: worker pid %d %s at the checks\n", hung_pids[k],
		       kill(hung_pids[k], 0) == 0 ? "still there" : "gone");
	int fresh = fresh_process();
	int files = files_work();
	fz_tree_remove();
	if (fz_tree_make() == 0)
		fz_tree_remove();
	long mem_end = free_kib();
	long fs_entries1 = 0, fs_kib1 = 0;
	fs_usage("/", 0, &fs_entries1, &fs_kib1);

	printf("fuzz: results begin\n");
	printf("KTAP version 1\n1..6\n");
	print_summary(secs);
	if (opt.ext_argv)
		result(spawned > ext_failed, "fuzz_ran", "%s: %llu started, %llu could not run",
		       opt.ext_argv[0], (unsigned long long)spawned, (unsigned long long)ext_failed);
	else
		result(total.calls > 0 && reports > 0, "fuzz_ran",
		       "%llu calls in %.1f s (%.0f/s), seed %llu", (unsigned long long)total.calls, secs,
		       secs > 0 ? (double)total.calls / secs : 0.0, (unsigned long long)opt.seed);
	result(!hangs, "no_hung_workers", "%llu survived SIGKILL", (unsigned long long)hangs);
	result(!lost, "no_lost_processes", "%d of pids %d..%d still exist%s", lost, first_pid,
	       probe - 1, lost_list);
	result(fresh == 0, "fresh_process_runs", "status %d", fresh);
	result(files == 0, "files_work", "status %d", files);
	if (mem_start < 0 || mem_end < 0)
		printf("ok %d free_memory_returns # SKIP sysinfo failed: %ld\n", ++results_n,
		       mem_start < 0 ? mem_start : mem_end);
	else
	{
		/* The files workers left outside /tmp/fz hold memory that is theirs, not leaked. */
		long files = fs_kib1 > fs_kib0 ? fs_kib1 - fs_kib0 : 0;
		result(mem_start - mem_end <= opt.mem_slack_kib + files, "free_memory_returns",
		       "free %ld KiB before, %ld KiB after (%+ld KiB; allowed: slack %ld + %ld KiB "
		       "of files left)", mem_start, mem_end, mem_end - mem_start, opt.mem_slack_kib,
		       files);
	}
	printf("fuzz: file systems: %ld entries, %ld KiB of files before; %ld entries, %ld KiB "
	       "after (workers' files outside /tmp/fz stay)\n", fs_entries0, fs_kib0, fs_entries1,
	       fs_kib1);
	printf("fuzz: results end\n");
	finish(0);
}
