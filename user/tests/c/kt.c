/*
 * kt.c — runs one group of regression cases and prints it as a nested KTAP subtest.
 *
 * Output goes straight to fd 1 with write() (never stdio buffers, which a fork would
 * duplicate). Each case runs in a forked child: the child arms alarm(KT_CASE_SECONDS), runs the
 * case and exits 0; a failed CHECK exits 1 after its diagnostic; a signal or the watchdog
 * shows up in the wait status and is reported as such. The parent prints `ok`/`not ok`.
 *
 * Failure-injection mode (a Trellis boot with fault.task_filter=1 on its command line: make
 * test-abi-fault, docs/fuzzing.md): each case's child marks itself with
 * /proc/self/make-it-fail before the case, so its allocations (and its children's) fail at
 * the boot's rate while the harness runs undisturbed. A case passes, or is skipped when its
 * failed check (or one of a child it waited for with kt_wait) saw errno ENOMEM or EAGAIN (the
 * injected failure reached user space as it should); anything else fails it. The case's scratch directory is removed after it, and a last result
 * `no_leaks` compares every typed cache's live objects (/proc/slabinfo) after the cases with
 * before them.
 */
#define _GNU_SOURCE
#include "kt.h"

#include <dirent.h>
#include <fcntl.h>
#include <ftw.h>
#include <grp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>

#define KT_CASE_SECONDS 20

static int kt_fault_mode;

/* Whether a failed check's errno is how an injected allocation failure reaches user space:
 * ENOMEM, or EAGAIN, which pthread_create returns for any failed clone (POSIX's "lacked the
 * resources") and fork for want of a task. */
static int kt_injected_errno(int err)
{
	return err == ENOMEM || err == EAGAIN;
}

static void kt_write_line(const char *buf, size_t len)
{
	while (len > 0) {
		ssize_t n = write(1, buf, len);
		if (n <= 0) {
			if (n < 0 && errno == EINTR)
				continue;
			return;
		}
		buf += n;
		len -= (size_t)n;
	}
}

static void kt_vprint(const char *prefix, const char *fmt, va_list ap)
{
	char line[512];
	int n = snprintf(line, sizeof(line), "%s", prefix);
	int m = vsnprintf(line + n, sizeof(line) - (size_t)n - 1, fmt, ap);
	size_t len = (size_t)n + (m < 0 ? 0 : (size_t)m);
	if (len > sizeof(line) - 2)
		len = sizeof(line) - 2;
	/* A diagnostic must stay one KTAP line. */
	for (size_t i = (size_t)n; i < len; i++)
		if (line[i] == '\n' || line[i] == '\r')
			line[i] = ' ';
	line[len++] = '\n';
	kt_write_line(line, len);
}

static void kt_print(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	kt_vprint("", fmt, ap);
	va_end(ap);
}

void kt_diag(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	kt_vprint("    # ", fmt, ap);
	va_end(ap);
}

void kt_fail(const char *file, int line, const char *fmt, ...)
{
	int err = errno; /* the errno the failed check saw (its message names it too) */
	char msg[400];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	kt_diag("%s:%d: %s", file, line, msg);
	_exit(kt_fault_mode && kt_injected_errno(err) ? KT_EXIT_ENOMEM : 1);
}

void kt_drop_privileges(void)
{
	CHECK_OK(setgroups(0, NULL));
	CHECK_OK(setgid(KT_NOBODY));
	CHECK_OK(setuid(KT_NOBODY));
	CHECK_EQ(geteuid(), KT_NOBODY);
}

int kt_wait(int pid)
{
	int status;
	pid_t r;
	do
		r = waitpid(pid, &status, 0);
	while (r < 0 && errno == EINTR);
	CHECK_EQ(r, pid);
	kt_skip_if_child_injected(pid, status);
	return status;
}

void kt_skip_if_child_injected(int pid, int status)
{
	/* A child of the case whose check met the injected failure: so did the case. */
	if (kt_fault_mode && WIFEXITED(status) && WEXITSTATUS(status) == KT_EXIT_ENOMEM) {
		kt_diag("child %d: a check met an injected ENOMEM", pid);
		_exit(KT_EXIT_ENOMEM);
	}
}

void kt_child_exit(int status)
{
	if (kt_fault_mode && kt_injected_errno(errno)) {
		kt_diag("child %d: exit %d after errno %d: an injected failure", (int)getpid(),
			status, errno);
		_exit(KT_EXIT_ENOMEM);
	}
	kt_diag("child %d: exit %d after errno %d (%s)", (int)getpid(), status, errno,
		strerror(errno));
	_exit(status);
}

void kt_skip_if_injected(int cond, const char *why)
{
	if (kt_fault_mode && cond) {
		kt_diag("%s: taken for an injected failure", why);
		_exit(KT_EXIT_ENOMEM);
	}
}

int kt_fork(void)
{
	int pid = fork();
	if (pid < 0 && kt_fault_mode && kt_injected_errno(errno)) {
		kt_diag("fork failed: errno %d: an injected failure", errno);
		_exit(KT_EXIT_ENOMEM);
	}
	return pid;
}

void kt_tmpdir(void)
{
	char path[64];
	snprintf(path, sizeof(path), "/tmp/kt.%d", (int)getpid());
	/* 0777 past the umask without chmod: the scratch directory is the fixture of every case,
	 * so it relies on mkdir and umask only (chmod is a case of its own in files.c) */
	mode_t old = umask(0);
	CHECK_OK(mkdir(path, 0777));
	umask(old);
	CHECK_OK(chdir(path));
}

/* --- failure-injection mode ----------------------------------------------------------------- */

/* Reads up to cap - 1 bytes of a file into buf (NUL-terminated); the length or -1. */
static ssize_t kt_slurp(const char *path, char *buf, size_t cap)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	size_t len = 0;
	ssize_t n;
	while (len < cap - 1 && (n = read(fd, buf + len, cap - 1 - len)) > 0)
		len += (size_t)n;
	close(fd);
	buf[len] = '\0';
	return (ssize_t)len;
}

/* kt_oom_adj - writes /proc/self/oom_score_adj (fault mode only). The harness takes -1000:
 * an injected failure in a marked case's user copy runs the out-of-memory policy
 * (kernel/proc/oom.c), which ends the largest process, and that was the harness itself at
 * times (glibc.files: exit 137 after "killed pid 9"). Each case's child goes back to 0. */
static void kt_oom_adj(const char *value)
{
	int fd = open("/proc/self/oom_score_adj", O_WRONLY | O_CLOEXEC);
	if (fd >= 0) {
		(void)!write(fd, value, strlen(value));
		close(fd);
	}
}

static void kt_mark_make_it_fail(void)
{
	int fd = open("/proc/self/make-it-fail", O_WRONLY | O_CLOEXEC);
	if (fd < 0 || write(fd, "1", 1) != 1)
		kt_fail(__FILE__, __LINE__, "cannot mark the case for failure injection: errno %d",
			errno);
	close(fd);
}

#define KT_MAX_CACHES 512
struct kt_slabs {
	int n;
	char name[KT_MAX_CACHES][40];
	long live[KT_MAX_CACHES];
};

/* The live objects of every typed cache, from /proc/slabinfo (Linux's version 2.1 table). */
static void kt_slabs(struct kt_slabs *s)
{
	static char buf[1 << 16];
	s->n = 0;
	if (kt_slurp("/proc/slabinfo", buf, sizeof buf) < 0)
		return;
	for (char *line = strtok(buf, "\n"); line && s->n < KT_MAX_CACHES; line = strtok(NULL, "\n")) {
		char name[40];
		long live;
		if (line[0] == '#' || !strncmp(line, "slabinfo", 8) ||
		    sscanf(line, "%39s %ld", name, &live) != 2)
			continue;
		memcpy(s->name[s->n], name, sizeof name);
		s->live[s->n++] = live;
	}
}

static int kt_rm(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	if (flag == FTW_DP)
		rmdir(path);
	else
		unlink(path);
	return 0;
}

/* The case's scratch directory (kt_tmpdir), so that what cases leave there is not counted as
 * a leak: both the case's own pid and pid + 1 (cases that make it in a child). */
/* kt_unmount_under - detaches every mount at or below `dir` (the last one listed first: the
 * deepest). A case that stops at an injected ENOMEM before its own umount leaves its mounts in
 * the namespace: they are the case's state, not a kernel leak, and would pin their file
 * systems' objects for no_leaks. */
static void kt_unmount_under(const char *dir)
{
	size_t dlen = strlen(dir);
	for (int pass = 0; pass < 32; pass++) {
		static char buf[16384];
		long n = kt_slurp("/proc/self/mounts", buf, sizeof buf);
		if (n <= 0)
			return;
		char last[256] = "";
		for (char *line = buf; line && *line;) {
			char *next = strchr(line, '\n');
			if (next)
				*next++ = 0;
			char *mp = strchr(line, ' ');
			if (mp) {
				mp++;
				char *end = strchr(mp, ' ');
				if (end)
					*end = 0;
				if (strncmp(mp, dir, dlen) == 0 && (mp[dlen] == 0 || mp[dlen] == '/') &&
				    strlen(mp) < sizeof last)
					strcpy(last, mp);
			}
			line = next;
		}
		if (!last[0] || umount2(last, MNT_DETACH) != 0)
			return;
	}
}

static void kt_remove_tmpdir(pid_t pid)
{
	for (int i = 0; i < 2; i++) {
		char path[64];
		snprintf(path, sizeof(path), "/tmp/kt.%d", (int)pid + i);
		kt_unmount_under(path);
		nftw(path, kt_rm, 16, FTW_DEPTH | FTW_PHYS);
	}
}

/* Ends what cases left running in other process groups (a failed case's helpers), waits
 * until they are gone, and makes a lookup miss in /proc, which prunes the entries of
 * processes that are gone (the cases'), as Linux drops them when a process is reaped. */
static void kt_settle(void)
{
	kill(-1, SIGKILL); /* every process but init and this one */
	int i;
	for (i = 0; i < 200 && (kill(-1, 0) == 0 || errno != ESRCH); i++) {
		while (waitpid(-1, NULL, WNOHANG) > 0)
			;
		usleep(10000);
	}
	if (i == 200) {
		/* Something outlived SIGKILL by 2 s: say what (a kernel hang shows here). */
		DIR *d = opendir("/proc");
		struct dirent *e;
		while (d && (e = readdir(d))) {
			int pid = atoi(e->d_name);
			if (pid <= 1 || pid == getpid())
				continue;
			char path[64], stat[256];
			snprintf(path, sizeof(path), "/proc/%d/stat", pid);
			if (kt_slurp(path, stat, sizeof stat) > 0)
				kt_diag("still there 2 s after SIGKILL: %s", stat);
		}
		if (d)
			closedir(d);
	}
	access("/proc/0", F_OK);
	/* procfs's links are made anew at each lookup and stay cached until the next: look
	 * them up, so that whether a case happened to leave them cached is not counted. */
	char link[64];
	(void)!readlink("/proc/self", link, sizeof link);
	(void)!readlink("/proc/thread-self", link, sizeof link);
	(void)!readlink("/proc/mounts", link, sizeof link);
	/* A reaped process's task still runs its last lines after its parent was woken (its
	 * reference is dropped by proc_task_done at the very end): a count read at once can
	 * see it. Wait until two readings 10 ms apart agree (at most 0.5 s). */
	static struct kt_slabs a, b;
	kt_slabs(&a);
	for (int k = 0; k < 50; k++) {
		usleep(10000);
		/* again: a case's orphan that init reaped only now (kill(-1, 0) no longer saw it
		 * once it was a zombie) has its /proc/PID entries pruned by this miss */
		access("/proc/0", F_OK);
		kt_slabs(&b);
		if (a.n == b.n && !memcmp(a.live, b.live, sizeof(a.live[0]) * (size_t)a.n))
			break;
		a = b;
	}
}

static long kt_slabs_find(const struct kt_slabs *s, const char *name)
{
	for (int j = 0; j < s->n; j++)
		if (!strcmp(s->name[j], name))
			return s->live[j];
	return 0;
}

static int kt_run_case(const struct kt_case *c, int mark)
{
	pid_t pid = fork();
	if (pid < 0) {
		kt_diag("%s: fork failed: errno %d", c->name, errno);
		return 0;
	}
	if (pid == 0) {
		/* its own process group, so whatever it leaves behind can be killed below */
		setpgid(0, 0);
		signal(SIGALRM, SIG_DFL);
		alarm(KT_CASE_SECONDS);
		if (kt_fault_mode)
			kt_oom_adj("0");
		if (mark)
			kt_mark_make_it_fail();
		c->fn();
		_exit(0);
	}
	setpgid(pid, pid); /* both sides set it: no race with the kill below */
	int status;
	pid_t r;
	do
		r = waitpid(pid, &status, 0);
	while (r < 0 && errno == EINTR);
	if (r != pid) {
		kt_diag("%s: waitpid failed: errno %d", c->name, errno);
		return 0;
	}
	kill(-pid, SIGKILL);
	while (waitpid(-1, NULL, WNOHANG) > 0)
		;
	if (kt_fault_mode)
		kt_remove_tmpdir(pid);
	if (WIFEXITED(status) && kt_fault_mode && WEXITSTATUS(status) == KT_EXIT_ENOMEM)
		return 2; /* skipped: the injected ENOMEM reached the case */
	if (WIFEXITED(status))
		return WEXITSTATUS(status) == 0;
	if (WIFSIGNALED(status) && kt_fault_mode && WTERMSIG(status) == SIGKILL) {
		/* nothing but the kernel's out-of-memory policy (kernel/proc/oom.c: a user copy
		 * or fault that found no frame) ends a case with SIGKILL: an injected failure */
		kt_diag("%s: killed by SIGKILL: the out-of-memory policy", c->name);
		return 2;
	}
	if (WIFSIGNALED(status)) {
		if (WTERMSIG(status) == SIGALRM)
			kt_diag("%s: watchdog: still running after %d s", c->name, KT_CASE_SECONDS);
		else
			kt_diag("%s: killed by signal %d", c->name, WTERMSIG(status));
	}
	return 0;
}

int kt_main(const char *group, const struct kt_case *cases)
{
	int n = 0, failed = 0;
	while (cases[n].name)
		n++;
	/* Children write to the same console: nothing may sit in a stdio buffer across fork. */
	setvbuf(stdout, NULL, _IONBF, 0);
	static char cmdline[4096];
	kt_fault_mode = kt_slurp("/proc/cmdline", cmdline, sizeof cmdline) > 0 &&
			strstr(cmdline, "fault.task_filter=1") != NULL;
	static struct kt_slabs before;
	if (kt_fault_mode) {
		kt_oom_adj("-1000");
		/* What the harness itself allocates once (nftw's and stdio's buffers, the
		 * scratch-directory removal's lookups) before the first count. */
		char warm[64];
		snprintf(warm, sizeof(warm), "/tmp/kt.%d", (int)getpid());
		mkdir(warm, 0700);
		kt_remove_tmpdir(getpid());
		kt_slabs(&before);
		kt_settle();
		kt_slabs(&before);
	}
	/* The init runs a program a second time under another group name (KT_GROUP: the threads
	 * groups again at -smp 2, mk/abi.mk's ABI_SMP2_SUITES), so both runs' cases are counted. */
	const char *rename = getenv("KT_GROUP");
	if (rename && *rename)
		group = rename;
	kt_print("    KTAP version 1");
	kt_print("    # Subtest: %s.%s", KT_LIBC, group);
	kt_print("    1..%d", n + (kt_fault_mode ? 1 : 0));
	int skipped = 0;
	static struct kt_slabs prev, mid, now;
	if (kt_fault_mode)
		prev = before;
	int leaky = 0;
	char note[300] = "";
	/* KT_ONLY=CASE runs one case (to repeat it while chasing a race); the plan stays. */
	const char *only = getenv("KT_ONLY");
	for (int i = 0; i < n; i++) {
		if (only && strcmp(only, cases[i].name) != 0) {
			kt_print("    ok %d %s # SKIP KT_ONLY=%s", i + 1, cases[i].name, only);
			continue;
		}
		if (kt_fault_mode) {
			/* A clean run first: what it leaves (caches filled once, or a leak of the
			 * normal path) is the baseline; the marked run may leave no more. */
			(void)kt_run_case(&cases[i], 0);
			kt_settle();
			kt_slabs(&mid);
		}
		int ok = kt_run_case(&cases[i], kt_fault_mode);
		if (kt_fault_mode) {
			kt_settle();
			kt_slabs(&now);
			for (int k = 0; k < now.n; k++) {
				long a = kt_slabs_find(&prev, now.name[k]);
				long b = kt_slabs_find(&mid, now.name[k]);
				long clean = b - a, marked = now.live[k] - b;
				if (clean > 0)
					kt_diag("no_leaks: %s: its clean run left %s %+ld", cases[i].name,
						now.name[k], clean);
				if (marked > (clean > 0 ? clean : 0)) {
					kt_diag("no_leaks: %s: its run with failures left %s %+ld (the "
						"clean run %+ld)", cases[i].name, now.name[k], marked, clean);
					size_t len = strlen(note);
					snprintf(note + len, sizeof(note) - len, "%s%s: %s %+ld",
						 leaky ? ", " : "", cases[i].name, now.name[k], marked);
					leaky++;
				}
			}
			prev = now;
		}
		if (!ok)
			failed++;
		skipped += ok == 2;
		kt_print("    %s %d %s%s", ok ? "ok" : "not ok", i + 1, cases[i].name,
			 ok == 2 ? " # SKIP ENOMEM injected" : "");
	}
	if (kt_fault_mode) {
		if (!before.n)
			snprintf(note, sizeof note, "no /proc/slabinfo");
		if (leaky || !before.n)
			failed++;
		kt_print("    %s %d no_leaks # %d skipped for ENOMEM; %s", leaky || !before.n ?
			 "not ok" : "ok", n + 1, skipped,
			 leaky || !before.n ? note : "no case left more objects than its clean run");
	}
	return failed ? 1 : 0;
}
