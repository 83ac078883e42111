/*
 * proc.c — group `proc`: processes (fork, vfork, execve, exit, wait family, sessions and
 * process groups, reparenting, zombies). The program re-executes itself (argv[0], an absolute
 * path given by the init script) with a helper word in argv[1] to test what execve keeps and
 * what it resets.
 */
#define _GNU_SOURCE
#include "kt.h"

#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/auxv.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>

static const char *self;

static int run_helper(char *const argv[], char *const envp[])
{
	int pid = CHECK_OK(fork());
	if (pid == 0) {
		execve(self, argv, envp);
		kt_child_exit(127);
	}
	return kt_wait(pid);
}

static void fork_returns_child_pid(void)
{
	int pid = CHECK_OK(fork());
	if (pid == 0)
		_exit(42);
	CHECK(pid > 0 && pid != getpid());
	int st = kt_wait(pid);
	CHECK(WIFEXITED(st));
	CHECK_EQ(WEXITSTATUS(st), 42);
}

static void fork_copies_memory(void)
{
	static volatile int shared_var = 1;
	int *heap = malloc(sizeof(int));
	*heap = 7;
	int pid = CHECK_OK(fork());
	if (pid == 0) {
		shared_var = 2;
		*heap = 8;
		_exit(shared_var == 2 && *heap == 8 ? 0 : 1);
	}
	int st = kt_wait(pid);
	CHECK_EQ(WEXITSTATUS(st), 0);
	CHECK_EQ(shared_var, 1);
	CHECK_EQ(*heap, 7);
}

static void vfork_shares_memory(void)
{
	static volatile int flag;
	flag = 0;
	int pid = vfork();
	if (pid == 0) {
		flag = getpid();
		_exit(3);
	}
	CHECK(pid > 0);
	/* the parent resumed only after the child exited, and sees its store */
	CHECK_EQ(flag, pid);
	int st = kt_wait(pid);
	CHECK_EQ(WEXITSTATUS(st), 3);
}

static void exit_status_truncated_to_8_bits(void)
{
	int pid = CHECK_OK(fork());
	if (pid == 0)
		_exit(300);
	int st = kt_wait(pid);
	CHECK(WIFEXITED(st));
	CHECK_EQ(WEXITSTATUS(st), 300 & 0xff);
}

static void wait_reports_signal_death(void)
{
	int pid = CHECK_OK(fork());
	if (pid == 0) {
		raise(SIGKILL);
		_exit(0);
	}
	int st = kt_wait(pid);
	CHECK(WIFSIGNALED(st));
	CHECK_EQ(WTERMSIG(st), SIGKILL);
	CHECK(!WIFEXITED(st));
}

static void waitpid_wnohang_and_echild(void)
{
	int p[2];
	char c;
	CHECK_ERR(wait(NULL), ECHILD);
	CHECK_ERR(waitpid(-1, NULL, WNOHANG), ECHILD);
	CHECK_OK(pipe(p));
	int pid = CHECK_OK(fork());
	if (pid == 0) {
		close(p[1]);
		read(p[0], &c, 1);
		_exit(0);
	}
	CHECK_EQ(waitpid(pid, NULL, WNOHANG), 0);
	CHECK_ERR(waitpid(pid, NULL, 0x100), EINVAL);
	close(p[1]);
	kt_wait(pid);
	CHECK_ERR(waitpid(pid, NULL, 0), ECHILD);
}

static void waitpid_specific_child(void)
{
	int p[2];
	char c;
	CHECK_OK(pipe(p));
	int slow = CHECK_OK(fork());
	if (slow == 0) {
		close(p[1]);
		read(p[0], &c, 1);
		_exit(1);
	}
	int fast = CHECK_OK(fork());
	if (fast == 0)
		_exit(2);
	int st = kt_wait(fast);
	CHECK_EQ(WEXITSTATUS(st), 2);
	close(p[1]);
	int st2;
	CHECK_EQ(wait(&st2), slow);
	CHECK_EQ(WEXITSTATUS(st2), 1);
}

static void waitid_fills_siginfo(void)
{
	siginfo_t si;
	int pid = CHECK_OK(fork());
	if (pid == 0)
		_exit(9);
	memset(&si, 0, sizeof(si));
	CHECK_OK(waitid(P_PID, pid, &si, WEXITED));
	CHECK_EQ(si.si_pid, pid);
	CHECK_EQ(si.si_signo, SIGCHLD);
	CHECK_EQ(si.si_code, CLD_EXITED);
	CHECK_EQ(si.si_status, 9);
	CHECK_ERR(waitid(P_PID, pid, &si, 0), EINVAL);
}

static void execve_runs_with_argv_and_env(void)
{
	char *argv[] = { (char *)self, "check-args", "hello world", NULL };
	char *envp[] = { "KT_X=42", NULL };
	int st = run_helper(argv, envp);
	CHECK(WIFEXITED(st));
	CHECK_EQ(WEXITSTATUS(st), 0);
}

/* Strings that fill several of the kernel's argument buffers (they grow as strings come:
 * 4 KiB, 16, 64, 256 KiB) arrive intact; one string of 128 KiB (MAX_ARG_STRLEN with its NUL
 * is one byte short) is E2BIG. */
static void execve_large_argv_and_env(void)
{
	enum { NARGS = 48, ALEN = 3000, NENV = 20, ELEN = 2500 };
	static char args[NARGS][ALEN + 1], envs[NENV][ELEN + 1];
	char *argv[NARGS + 3], *envp[NENV + 1];
	argv[0] = (char *)self;
	argv[1] = "check-large";
	for (int i = 0; i < NARGS; i++) {
		memset(args[i], 'a' + i % 26, ALEN);
		argv[i + 2] = args[i];
	}
	argv[NARGS + 2] = NULL;
	for (int i = 0; i < NENV; i++) {
		memset(envs[i], 'A' + i % 26, ELEN);
		memcpy(envs[i], "KE", 2);
		envs[i][2] = (char)('a' + i % 26);
		envs[i][3] = '=';
		envp[i] = envs[i];
	}
	envp[NENV] = NULL;
	int st = run_helper(argv, envp);
	CHECK(WIFEXITED(st));
	CHECK_EQ(WEXITSTATUS(st), 0);
	static char huge[128 * 1024 + 1];
	memset(huge, 'h', sizeof(huge) - 1);
	char *hargv[] = { (char *)self, huge, NULL };
	int pid = CHECK_OK(fork());
	if (pid == 0) { /* a child, in case the exec succeeds (its helper then exits 99) */
		execve(self, hargv, NULL);
		_exit(errno == E2BIG ? 0 : 1);
	}
	st = kt_wait(pid);
	CHECK(WIFEXITED(st));
	CHECK_EQ(WEXITSTATUS(st), 0);
	huge[sizeof(huge) - 2] = 0; /* 131071 bytes and the NUL: allowed */
	char *hargv2[] = { (char *)self, "check-one-long", huge, NULL };
	st = run_helper(hargv2, NULL);
	CHECK(WIFEXITED(st));
	CHECK_EQ(WEXITSTATUS(st), 0);
}

static void execve_errors(void)
{
	char *argv[] = { "x", NULL };
	kt_tmpdir();
	CHECK_ERR(execve("/nonexistent/prog", argv, NULL), ENOENT);
	CHECK_ERR(execve("/tmp", argv, NULL), EACCES);
	CHECK_ERR(syscall(SYS_execve, KT_BAD_PTR, argv, NULL), EFAULT);
	int fd = CHECK_OK(open("noexec", O_CREAT | O_WRONLY, 0644));
	CHECK_EQ(write(fd, "#!/bin/sh\n", 10), 10);
	close(fd);
	CHECK_ERR(execve("noexec", argv, NULL), EACCES);
	fd = CHECK_OK(open("garbage", O_CREAT | O_WRONLY, 0755));
	CHECK_EQ(write(fd, "\x01\x02garbage-not-elf", 18), 18);
	close(fd);
	CHECK_ERR(execve("garbage", argv, NULL), ENOEXEC);
}

static void execve_shebang_script(void)
{
	kt_tmpdir();
	int fd = CHECK_OK(open("s", O_CREAT | O_WRONLY, 0755));
	const char *script = "#!/bin/sh\nexit $(( $# + 40 ))\n";
	CHECK_EQ(write(fd, script, strlen(script)), strlen(script));
	close(fd);
	int pid = CHECK_OK(fork());
	if (pid == 0) {
		char *argv[] = { "s", "a", "b", NULL };
		execve("./s", argv, NULL);
		kt_child_exit(127);
	}
	int st = kt_wait(pid);
	CHECK(WIFEXITED(st));
	CHECK_EQ(WEXITSTATUS(st), 42);
}

static void exec_closes_cloexec_keeps_others(void)
{
	int keep = CHECK_OK(open("/dev/null", O_RDONLY));
	int drop = CHECK_OK(open("/dev/null", O_RDONLY | O_CLOEXEC));
	char k[16], d[16];
	snprintf(k, sizeof(k), "%d", keep);
	snprintf(d, sizeof(d), "%d", drop);
	char *argv[] = { (char *)self, "check-fds", k, d, NULL };
	int st = run_helper(argv, NULL);
	CHECK(WIFEXITED(st));
	CHECK_EQ(WEXITSTATUS(st), 0);
}

static void handler(int sig)
{
	(void)sig;
}

static void exec_resets_handlers_keeps_ignored(void)
{
	sigset_t set;
	signal(SIGUSR1, handler);
	signal(SIGUSR2, SIG_IGN);
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	CHECK_OK(sigprocmask(SIG_BLOCK, &set, NULL));
	char *argv[] = { (char *)self, "check-signals", NULL };
	int st = run_helper(argv, NULL);
	CHECK(WIFEXITED(st));
	CHECK_EQ(WEXITSTATUS(st), 0);
}

static void getppid_in_child(void)
{
	int me = getpid();
	int pid = CHECK_OK(fork());
	if (pid == 0)
		_exit(getppid() == me ? 0 : 1);
	CHECK_EQ(WEXITSTATUS(kt_wait(pid)), 0);
}

static void orphan_is_reparented(void)
{
	int p[2];
	CHECK_OK(pipe(p));
	int mid = CHECK_OK(fork());
	if (mid == 0) {
		int g = fork();
		if (g == 0) {
			close(p[0]);
			int old = getppid();
			for (int i = 0; i < 2000 && getppid() == old; i++)
				usleep(1000);
			int now = getppid();
			write(p[1], &now, sizeof(now));
			_exit(0);
		}
		if (g < 0)
			kt_child_exit(1);
		_exit(0);
	}
	close(p[1]);
	CHECK_EQ(WEXITSTATUS(kt_wait(mid)), 0);
	int now = 0;
	CHECK_EQ(read(p[0], &now, sizeof(now)), sizeof(now));
	CHECK(now != mid);
	CHECK(now == 1 || now == getpid() || now > 0);
}

static void zombie_until_reaped(void)
{
	int pid = CHECK_OK(fork());
	if (pid == 0)
		_exit(0);
	siginfo_t si;
	memset(&si, 0, sizeof(si));
	/* WNOWAIT peeks at the zombie without reaping it */
	CHECK_OK(waitid(P_PID, pid, &si, WEXITED | WNOWAIT));
	CHECK_EQ(si.si_pid, pid);
	CHECK_OK(kill(pid, 0));
	kt_wait(pid);
	CHECK_ERR(kill(pid, 0), ESRCH);
}

static void setsid_and_process_groups(void)
{
	int pid = CHECK_OK(fork());
	if (pid == 0) {
		int me = getpid();
		if (setsid() != me)
			_exit(1);
		if (getsid(0) != me || getpgrp() != me)
			_exit(2);
		if (setsid() != -1 || errno != EPERM) /* already a group leader */
			_exit(3);
		int c = kt_fork();
		if (c == 0) {
			if (setpgid(0, 0) != 0 || getpgrp() != getpid())
				_exit(1);
			_exit(0);
		}
		int st;
		waitpid(c, &st, 0);
		if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
			_exit(4);
		if (setpgid(c, 0) != -1 || errno != ESRCH) /* reaped: no such child */
			_exit(5);
		_exit(0);
	}
	CHECK_EQ(WEXITSTATUS(kt_wait(pid)), 0);
	CHECK_ERR(setpgid(-1, 0), EINVAL);
	CHECK_ERR(getsid(0x7ffffff0), ESRCH);
}

/*
 * orphaned_pgrp_stop_signals (found by user/fuzz: stopped processes outlived every long run).
 * A group is orphaned when no member has a parent in another group of the same session:
 * SIGTSTP, SIGTTIN and SIGTTOU (default action) are discarded in it, and an exit that orphans
 * a group with a stopped member sends the group SIGHUP, then SIGCONT.
 */
static void orphaned_pgrp_discards_tty_stops(void)
{
	int w = CHECK_OK(fork());
	if (w == 0) {
		if (setsid() != getpid()) /* a new session: its only group is orphaned */
			kt_child_exit(1);
		int c = fork();
		if (c < 0) /* else waitpid(-1) below "finds" it */
			kt_child_exit(5);
		if (c == 0) {
			raise(SIGTTIN);
			raise(SIGTSTP);
			raise(SIGTTOU);
			_exit(7); /* reached only when none of them stopped it */
		}
		int st = 0;
		if (waitpid(c, &st, WUNTRACED) != c)
			_exit(2);
		if (WIFSTOPPED(st)) {
			kill(c, SIGKILL);
			waitpid(c, NULL, 0);
			_exit(3);
		}
		_exit(WIFEXITED(st) && WEXITSTATUS(st) == 7 ? 0 : 4);
	}
	CHECK_EQ(WEXITSTATUS(kt_wait(w)), 0);
}

static void hup_handler(int sig)
{
	(void)sig;
}

static void orphaned_by_exit_stopped_member_hupped(void)
{
	int fds[2];
	CHECK_OK(pipe(fds));
	int w = CHECK_OK(fork());
	if (w == 0) {
		/* A new group in the caller's session: the caller (another group) links it. */
		if (setpgid(0, 0) != 0)
			_exit(1);
		int c = kt_fork();
		if (c == 0) {
			close(fds[0]);
			signal(SIGHUP, hup_handler);
			raise(SIGSTOP);
			/* continued: the SIGHUP handler ran first (SIGHUP came before SIGCONT) */
			char b = 'h';
			write(fds[1], &b, 1);
			_exit(0);
		}
		int st;
		if (waitpid(c, &st, WUNTRACED) != c || !WIFSTOPPED(st))
			_exit(2);
		_exit(0); /* c's group loses its link: SIGHUP + SIGCONT */
	}
	close(fds[1]);
	CHECK_EQ(WEXITSTATUS(kt_wait(w)), 0);
	char b = 0;
	CHECK_EQ(read(fds[0], &b, 1), 1); /* a stopped c would hang here (the watchdog fails it) */
	CHECK_EQ(b, 'h');
	close(fds[0]);
}

static void setpgid_rules(void)
{
	int fds[2];
	CHECK_OK(pipe(fds));
	int c = CHECK_OK(fork());
	if (c == 0) {
		char b;
		close(fds[1]);
		read(fds[0], &b, 1);
		_exit(0);
	}
	close(fds[0]);
	CHECK_OK(setpgid(c, c)); /* a child into its own new group */
	CHECK_EQ(getpgid(c), c);
	CHECK_OK(setpgid(c, getpgrp())); /* and back into the caller's */
	CHECK_EQ(getpgid(c), getpgrp());
	CHECK_ERR(setpgid(c, 0x7ffffff0), EPERM); /* no such group in the session */
	CHECK_ERR(setpgid(1, 1), ESRCH);           /* not the caller nor its child */
	CHECK_EQ(getsid(c), getsid(0));
	CHECK_ERR(getpgid(0x7ffffff0), ESRCH);
	close(fds[1]);
	kt_wait(c);
	int l = CHECK_OK(fork());
	if (l == 0) {
		setsid();
		_exit(setpgid(0, 0) == -1 && errno == EPERM ? 0 : 1); /* a session leader stays */
	}
	CHECK_EQ(WEXITSTATUS(kt_wait(l)), 0);
}

static void kill_errors(void)
{
	CHECK_ERR(kill(0x7ffffff0, SIGTERM), ESRCH);
	CHECK_ERR(kill(getpid(), 1000), EINVAL);
	CHECK_OK(kill(getpid(), 0));
}

static void wait_for_process_group(void)
{
	int pid = CHECK_OK(fork());
	if (pid == 0) {
		setpgid(0, 0);
		int c = fork();
		if (c < 0)
			kt_child_exit(2);
		if (c == 0)
			_exit(5);
		int st;
		/* waitpid(0) waits for a child in the caller's own group */
		if (waitpid(0, &st, 0) != c || WEXITSTATUS(st) != 5)
			_exit(1);
		_exit(0);
	}
	CHECK_EQ(WEXITSTATUS(kt_wait(pid)), 0);
}

static void auxv_has_linux_entries(void)
{
	CHECK_EQ(getauxval(AT_PAGESZ), 4096);
	CHECK(getauxval(AT_PHDR) != 0);
	CHECK(getauxval(AT_PHNUM) > 0);
	CHECK_EQ(getauxval(AT_PHENT), 56); /* sizeof(Elf64_Phdr) */
	CHECK(getauxval(AT_ENTRY) != 0);
	CHECK_EQ(getauxval(AT_UID), getuid());
	CHECK_EQ(getauxval(AT_EUID), geteuid());
	CHECK_EQ(getauxval(AT_GID), getgid());
	CHECK_EQ(getauxval(AT_SECURE), 0);
	const unsigned char *rnd = (const unsigned char *)getauxval(AT_RANDOM);
	CHECK(rnd != NULL);
	int nonzero = 0;
	for (int i = 0; i < 16; i++)
		nonzero |= rnd[i];
	CHECK(nonzero);
	const char *execfn = (const char *)getauxval(AT_EXECFN);
	CHECK(execfn != NULL);
	CHECK_STR(execfn, self);
}

static void initial_stack_holds_argv_and_env(void)
{
	char *argv[] = { (char *)self, "check-stack", "a", "", "b c", NULL };
	char *envp[] = { "E1=x", "E2=", NULL };
	int st = run_helper(argv, envp);
	CHECK(WIFEXITED(st));
	CHECK_EQ(WEXITSTATUS(st), 0);
}

static void prctl_name_shows_in_comm(void)
{
	char buf[32] = { 0 };
	CHECK_OK(prctl(PR_SET_NAME, "kt-renamed-process-long"));
	CHECK_OK(prctl(PR_GET_NAME, buf));
	CHECK_STR(buf, "kt-renamed-proc"); /* 15 bytes and a NUL */
	int fd = CHECK_OK(open("/proc/self/comm", O_RDONLY));
	memset(buf, 0, sizeof(buf));
	CHECK_EQ(read(fd, buf, sizeof(buf)), 16);
	CHECK_STR(buf, "kt-renamed-proc\n");
}


/* waitid: WNOHANG with nothing to report writes si_pid 0; WSTOPPED and WCONTINUED report
 * CLD_STOPPED and CLD_CONTINUED with the signal in si_status; WNOWAIT leaves an event to be
 * reported again; a killed child is CLD_KILLED; the options and id types are checked. */
static void waitid_stopped_continued_and_nowait(void)
{
	siginfo_t si;
	int pid = CHECK_OK(fork());
	if (pid == 0) {
		for (;;)
			pause();
	}
	memset(&si, 0xff, sizeof(si));
	CHECK_OK(waitid(P_PID, pid, &si, WEXITED | WSTOPPED | WNOHANG));
	CHECK_EQ(si.si_pid, 0);
	CHECK_EQ(si.si_signo, 0);
	CHECK_OK(kill(pid, SIGSTOP));
	for (int i = 0; i < 2; i++) { /* WNOWAIT: the same stop twice */
		memset(&si, 0, sizeof(si));
		CHECK_OK(waitid(P_PID, pid, &si, WSTOPPED | WNOWAIT));
		CHECK_EQ(si.si_pid, pid);
		CHECK_EQ(si.si_code, CLD_STOPPED);
		CHECK_EQ(si.si_status, SIGSTOP);
	}
	CHECK_OK(waitid(P_ALL, 0, &si, WSTOPPED));
	CHECK_EQ(si.si_pid, pid);
	memset(&si, 0xff, sizeof(si));
	CHECK_OK(waitid(P_PID, pid, &si, WSTOPPED | WNOHANG)); /* reported: gone */
	CHECK_EQ(si.si_pid, 0);
	CHECK_OK(kill(pid, SIGCONT));
	memset(&si, 0, sizeof(si));
	CHECK_OK(waitid(P_PGID, getpgrp(), &si, WCONTINUED));
	CHECK_EQ(si.si_pid, pid);
	CHECK_EQ(si.si_signo, SIGCHLD);
	CHECK_EQ(si.si_code, CLD_CONTINUED);
	CHECK_EQ(si.si_status, SIGCONT);
	CHECK_OK(kill(pid, SIGKILL));
	memset(&si, 0, sizeof(si));
	CHECK_OK(waitid(P_PID, pid, &si, WEXITED));
	CHECK_EQ(si.si_code, CLD_KILLED);
	CHECK_EQ(si.si_status, SIGKILL);
	CHECK_EQ(si.si_uid, getuid());
	CHECK_ERR(waitid(P_PID, pid, &si, WEXITED), ECHILD);
	CHECK_ERR(waitid(P_ALL, 0, &si, WEXITED | 0x100), EINVAL);
	CHECK_ERR(waitid(7, 0, &si, WEXITED), EINVAL);
	CHECK_ERR(waitid(P_PID, 0, &si, WEXITED), EINVAL);
}

/* wait4(-pgid) and wait4(0) wait only for children in that group (they used to take any
 * child). */
static void wait4_pgid_waits_for_group_only(void)
{
	int a = CHECK_OK(fork());
	if (a == 0) {
		setpgid(0, 0);
		for (;;)
			pause();
	}
	CHECK_OK(setpgid(a, a));
	int b = CHECK_OK(fork());
	if (b == 0)
		_exit(4);
	siginfo_t si;
	CHECK_OK(waitid(P_PID, b, &si, WEXITED | WNOWAIT)); /* b is a zombie now */
	int st;
	CHECK_EQ(waitpid(-a, &st, WNOHANG), 0); /* b is not in a's group */
	CHECK_EQ(waitpid(0, &st, 0), b);
	CHECK_EQ(WEXITSTATUS(st), 4);
	CHECK_OK(kill(a, SIGKILL));
	CHECK_EQ(waitpid(-a, &st, 0), a);
	CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL);
}

/* A vfork child that execs releases its parent; the new program has no alternate signal
 * stack (execve resets it) although the parent had one. */
static void vfork_exec_resets_altstack(void)
{
	static char alt[16384];
	static volatile int flag;
	stack_t ss = { .ss_sp = alt, .ss_size = sizeof(alt), .ss_flags = 0 };
	CHECK_OK(sigaltstack(&ss, NULL));
	char *argv[] = { (char *)self, "check-altstack", NULL };
	flag = 0;
	int pid = vfork();
	if (pid == 0) {
		flag = 1;
		execve(self, argv, NULL);
		kt_child_exit(127);
	}
	CHECK(pid > 0);
	CHECK_EQ(flag, 1);
	CHECK_EQ(WEXITSTATUS(kt_wait(pid)), 0);
}

/* An argument the Linux prototype declares int or unsigned int is the register's low 32 bits:
 * whatever user space leaves in the upper half changes nothing. wait4 read its options as 64
 * bits (musl passes __WCLONE, bit 31, sign-extended: EINVAL), getrlimit its resource
 * (EINVAL), setpriority and getpriority, sched_getaffinity's length; fchmod, ftruncate and
 * fsync's descriptor (EBADF), unlinkat's flags (EINVAL). */
static void int_arguments_ignore_the_upper_register_half(void)
{
	const long junk = 0x5a5a5a5a00000000l;
	int pid = CHECK_OK(fork());
	if (pid == 0)
		_exit(9);
	int st = 0;
	CHECK_EQ(syscall(SYS_wait4, (long)pid | junk, &st, junk | 0, NULL), pid);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 9);
	struct rlimit rl, want;
	CHECK_OK(getrlimit(RLIMIT_NOFILE, &want));
	CHECK_OK(syscall(SYS_getrlimit, junk | RLIMIT_NOFILE, &rl));
	CHECK(rl.rlim_cur == want.rlim_cur && rl.rlim_max == want.rlim_max);
	errno = 0;
	long prio = syscall(SYS_getpriority, junk | PRIO_PROCESS, junk | 0);
	CHECK(prio >= 1 && prio <= 40);
	unsigned long mask[16];
	CHECK(syscall(SYS_sched_getaffinity, junk | 0, junk | sizeof(mask), mask) > 0);
	/* descriptors, modes and flags of the file calls */
	char path[] = "/tmp/kt-intargs-XXXXXX";
	int fd = CHECK_OK(mkstemp(path));
	CHECK_OK(syscall(SYS_fchmod, junk | fd, junk | 0640));
	CHECK_OK(syscall(SYS_ftruncate, junk | fd, 10));
	CHECK_OK(syscall(SYS_fsync, junk | fd));
	struct stat sb;
	CHECK_OK(fstat(fd, &sb));
	CHECK(sb.st_size == 10 && (sb.st_mode & 07777) == 0640);
	CHECK_OK(syscall(SYS_unlinkat, junk | (unsigned)AT_FDCWD, path, junk | 0));
	CHECK_ERR(access(path, F_OK), ENOENT);
	CHECK_OK(close(fd));
}

static const struct kt_case cases[] = {
	{ "fork_returns_child_pid", fork_returns_child_pid },
	{ "int_arguments_ignore_the_upper_register_half", int_arguments_ignore_the_upper_register_half },
	{ "fork_copies_memory", fork_copies_memory },
	{ "vfork_shares_memory", vfork_shares_memory },
	{ "exit_status_truncated_to_8_bits", exit_status_truncated_to_8_bits },
	{ "wait_reports_signal_death", wait_reports_signal_death },
	{ "waitpid_wnohang_and_echild", waitpid_wnohang_and_echild },
	{ "waitpid_specific_child", waitpid_specific_child },
	{ "waitid_fills_siginfo", waitid_fills_siginfo },
	{ "execve_runs_with_argv_and_env", execve_runs_with_argv_and_env },
	{ "execve_errors", execve_errors },
	{ "execve_large_argv_and_env", execve_large_argv_and_env },
	{ "execve_shebang_script", execve_shebang_script },
	{ "exec_closes_cloexec_keeps_others", exec_closes_cloexec_keeps_others },
	{ "exec_resets_handlers_keeps_ignored", exec_resets_handlers_keeps_ignored },
	{ "getppid_in_child", getppid_in_child },
	{ "orphan_is_reparented", orphan_is_reparented },
	{ "zombie_until_reaped", zombie_until_reaped },
	{ "setsid_and_process_groups", setsid_and_process_groups },
	{ "orphaned_pgrp_discards_tty_stops", orphaned_pgrp_discards_tty_stops },
	{ "orphaned_by_exit_stopped_member_hupped", orphaned_by_exit_stopped_member_hupped },
	{ "setpgid_rules", setpgid_rules },
	{ "kill_errors", kill_errors },
	{ "wait_for_process_group", wait_for_process_group },
	{ "auxv_has_linux_entries", auxv_has_linux_entries },
	{ "initial_stack_holds_argv_and_env", initial_stack_holds_argv_and_env },
	{ "prctl_name_shows_in_comm", prctl_name_shows_in_comm },
	{ "waitid_stopped_continued_and_nowait", waitid_stopped_continued_and_nowait },
	{ "wait4_pgid_waits_for_group_only", wait4_pgid_waits_for_group_only },
	{ "vfork_exec_resets_altstack", vfork_exec_resets_altstack },
	KT_CASES_END
};

/* The helpers run after execve: they report through their exit status (0 = as expected). */
static int helper(int argc, char **argv)
{
	if (!strcmp(argv[1], "check-args")) {
		const char *x = getenv("KT_X");
		return argc == 3 && !strcmp(argv[2], "hello world") && x && !strcmp(x, "42") ? 0 : 1;
	}
	if (!strcmp(argv[1], "check-large")) {
		extern char **environ;
		if (argc != 48 + 2)
			return 1;
		for (int i = 0; i < 48; i++)
			for (int k = 0; k < 3000; k++)
				if (argv[i + 2][k] != 'a' + i % 26 || argv[i + 2][3000])
					return 2;
		int n = 0;
		for (; environ[n]; n++)
			if (strlen(environ[n]) != 2500 || environ[n][2] != 'a' + n % 26 ||
			    environ[n][2499] != 'A' + n % 26)
				return 3;
		return n == 20 ? 0 : 4;
	}
	if (!strcmp(argv[1], "check-one-long"))
		return argc == 3 && strlen(argv[2]) == 128 * 1024 - 1 ? 0 : 1;
	if (!strcmp(argv[1], "check-fds") && argc == 4) {
		int keep = atoi(argv[2]), drop = atoi(argv[3]);
		if (fcntl(keep, F_GETFD) != 0)
			return 1;
		return fcntl(drop, F_GETFD) == -1 && errno == EBADF ? 0 : 2;
	}
	if (!strcmp(argv[1], "check-altstack")) {
		stack_t ss;
		return sigaltstack(NULL, &ss) == 0 && (ss.ss_flags & SS_DISABLE) ? 0 : 1;
	}
	if (!strcmp(argv[1], "check-signals")) {
		struct sigaction sa;
		sigset_t set;
		sigaction(SIGUSR1, NULL, &sa);
		if (sa.sa_handler != SIG_DFL)
			return 1;
		sigaction(SIGUSR2, NULL, &sa);
		if (sa.sa_handler != SIG_IGN)
			return 2;
		sigprocmask(SIG_BLOCK, NULL, &set);
		return sigismember(&set, SIGTERM) ? 0 : 3; /* the mask survives execve */
	}
	if (!strcmp(argv[1], "check-stack")) {
		extern char **environ;
		/* what execve passed, in order, empty strings included, nothing else */
		if (argc != 5 || strcmp(argv[2], "a") || strcmp(argv[3], "") || strcmp(argv[4], "b c") || argv[5])
			return 1;
		if (!environ[0] || strcmp(environ[0], "E1=x") || !environ[1] || strcmp(environ[1], "E2=") || environ[2])
			return 2;
		/* the strings sit above the pointer arrays, on the initial stack */
		int here;
		if ((uintptr_t)argv[2] < (uintptr_t)&here)
			return 3;
		return 0;
	}
	return 99;
}

int main(int argc, char **argv)
{
	if (argc > 1)
		return helper(argc, argv);
	self = argv[0];
	return kt_main("proc", cases);
}
