/*
 * tty.c — group `tty`: terminals as a serial-console system has them: a pseudo-terminal pair
 * from /dev/ptmx (devpts), the line discipline in canonical mode (line buffering, erase, kill,
 * EOF, echo, output CR-LF mapping), raw mode with VMIN/VTIME, ISIG turning ^C into SIGINT for
 * the foreground group, window size, controlling-terminal rules, tcsetpgrp's errors, hangup,
 * full buffers in both directions, and ENOTTY on non-terminals.
 */
#define _GNU_SOURCE
#include "kt.h"

#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>

struct pty {
	int master, slave;
	char name[64];
};

static struct pty open_pty(void)
{
	struct pty p;
	p.master = CHECK_OK(posix_openpt(O_RDWR | O_NOCTTY));
	CHECK_OK(grantpt(p.master));
	CHECK_OK(unlockpt(p.master));
	CHECK_EQ(ptsname_r(p.master, p.name, sizeof(p.name)), 0);
	p.slave = CHECK_OK(open(p.name, O_RDWR | O_NOCTTY));
	return p;
}

/* Reads what the master has within timeout_ms (the echo / output side). */
static ssize_t read_master(int fd, char *buf, size_t size, int timeout_ms)
{
	struct pollfd f = { fd, POLLIN, 0 };
	size_t len = 0;
	while (len < size && poll(&f, 1, timeout_ms) == 1) {
		ssize_t n = read(fd, buf + len, size - len);
		if (n <= 0)
			break;
		len += (size_t)n;
		timeout_ms = 50;
	}
	return (ssize_t)len;
}

/* Waits until fd is readable (a complete line, in canonical mode): the pty delivers input
 * to the line discipline asynchronously. */
static void wait_readable(int fd)
{
	struct pollfd f = { fd, POLLIN, 0 };
	CHECK_EQ(poll(&f, 1, 5000), 1);
}

static void set_echo(int fd, int on)
{
	struct termios t;
	CHECK_OK(tcgetattr(fd, &t));
	if (on)
		t.c_lflag |= ECHO;
	else
		t.c_lflag &= ~(tcflag_t)ECHO;
	CHECK_OK(tcsetattr(fd, TCSANOW, &t));
}

static void ptmx_gives_numbered_slave(void)
{
	struct pty p = open_pty();
	struct stat st;
	CHECK(strncmp(p.name, "/dev/pts/", 9) == 0);
	CHECK_OK(fstat(p.slave, &st));
	CHECK(S_ISCHR(st.st_mode));
	unsigned int n;
	CHECK_OK(ioctl(p.master, TIOCGPTN, &n));
	char want[64];
	snprintf(want, sizeof(want), "/dev/pts/%u", n);
	CHECK_STR(p.name, want);
	CHECK_EQ(isatty(p.slave), 1);
	CHECK_EQ(isatty(p.master), 1);
	/* musl's ttyname reads the /proc/self/fd link (glibc falls back to searching /dev/pts):
	 * checked wherever /proc is there, which Linux always has */
	if (strcmp(KT_LIBC, "musl") != 0 || access("/proc/self/fd", F_OK) == 0) {
		const char *name = ttyname(p.slave);
		CHECK(name != NULL);
		CHECK_STR(name, p.name);
	}
}

static void canonical_mode_buffers_lines(void)
{
	struct pty p = open_pty();
	char buf[64];
	set_echo(p.slave, 0);
	CHECK_OK(fcntl(p.slave, F_SETFL, O_NONBLOCK));
	CHECK_EQ(write(p.master, "abc", 3), 3);
	usleep(20000);
	CHECK_ERR(read(p.slave, buf, sizeof(buf)), EAGAIN); /* no newline yet */
	int avail = -1;
	CHECK_EQ(write(p.master, "\n", 1), 1);
	wait_readable(p.slave);
	CHECK_OK(ioctl(p.slave, FIONREAD, &avail));
	CHECK_EQ(avail, 4);
	CHECK_EQ(read(p.slave, buf, sizeof(buf)), 4);
	CHECK(memcmp(buf, "abc\n", 4) == 0);
	/* one read returns at most one line */
	CHECK_EQ(write(p.master, "l1\nl2\n", 6), 6);
	wait_readable(p.slave);
	CHECK_EQ(read(p.slave, buf, sizeof(buf)), 3);
	wait_readable(p.slave);
	CHECK_EQ(read(p.slave, buf, sizeof(buf)), 3);
}

static void erase_kill_and_eof(void)
{
	struct pty p = open_pty();
	char buf[64];
	set_echo(p.slave, 0);
	CHECK_EQ(write(p.master, "ab\x7f" "c\n", 5), 5);
	CHECK_EQ(read(p.slave, buf, sizeof(buf)), 3);
	CHECK(memcmp(buf, "ac\n", 3) == 0);
	CHECK_EQ(write(p.master, "xyz\x15" "ok\n", 7), 7);
	CHECK_EQ(read(p.slave, buf, sizeof(buf)), 3);
	CHECK(memcmp(buf, "ok\n", 3) == 0);
	CHECK_EQ(write(p.master, "\x04", 1), 1); /* ^D on an empty line: end of file */
	CHECK_EQ(read(p.slave, buf, sizeof(buf)), 0);
	CHECK_EQ(write(p.master, "part\x04", 5), 5); /* ^D after text: hands the text over */
	CHECK_EQ(read(p.slave, buf, sizeof(buf)), 4);
}

static void echo_and_output_crlf(void)
{
	struct pty p = open_pty();
	char buf[64];
	CHECK_EQ(write(p.master, "hi\n", 3), 3);
	CHECK_EQ(read_master(p.master, buf, sizeof(buf), 1000), 4);
	CHECK(memcmp(buf, "hi\r\n", 4) == 0);
	CHECK_EQ(read(p.slave, buf, sizeof(buf)), 3);
	CHECK_EQ(write(p.slave, "out\n", 4), 4);
	CHECK_EQ(read_master(p.master, buf, sizeof(buf), 1000), 5);
	CHECK(memcmp(buf, "out\r\n", 5) == 0);
	/* input CR becomes NL (ICRNL) */
	CHECK_EQ(write(p.master, "cr\r", 3), 3);
	read_master(p.master, buf, sizeof(buf), 200);
	CHECK_EQ(read(p.slave, buf, sizeof(buf)), 3);
	CHECK(memcmp(buf, "cr\n", 3) == 0);
}

static void raw_mode_vmin_vtime(void)
{
	struct pty p = open_pty();
	struct termios t;
	char buf[64];
	CHECK_OK(tcgetattr(p.slave, &t));
	cfmakeraw(&t);
	t.c_cc[VMIN] = 1;
	t.c_cc[VTIME] = 0;
	CHECK_OK(tcsetattr(p.slave, TCSANOW, &t));
	CHECK_EQ(write(p.master, "r\x7f", 2), 2);
	CHECK_EQ(read(p.slave, buf, sizeof(buf)), 2); /* no line editing */
	CHECK(buf[0] == 'r' && buf[1] == 0x7f);
	CHECK_EQ(read_master(p.master, buf, sizeof(buf), 50), 0); /* no echo */
	t.c_cc[VMIN] = 0;
	t.c_cc[VTIME] = 1; /* 0.1 s */
	CHECK_OK(tcsetattr(p.slave, TCSANOW, &t));
	struct timespec a, b;
	clock_gettime(CLOCK_MONOTONIC, &a);
	CHECK_EQ(read(p.slave, buf, sizeof(buf)), 0);
	clock_gettime(CLOCK_MONOTONIC, &b);
	long ms = (b.tv_sec - a.tv_sec) * 1000 + (b.tv_nsec - a.tv_nsec) / 1000000;
	CHECK(ms >= 80);
	CHECK_EQ(write(p.slave, "\n", 1), 1);
	CHECK_EQ(read_master(p.master, buf, sizeof(buf), 1000), 1); /* OPOST off: no CR */
}

static void ctrl_c_signals_foreground_group(void)
{
	struct pty p = open_pty();
	int sync[2];
	CHECK_OK(pipe(sync));
	int pid = CHECK_OK(fork());
	if (pid == 0) {
		close(sync[0]);
		setsid();
		if (ioctl(p.slave, TIOCSCTTY, 0) != 0)
			_exit(1);
		if (tcgetpgrp(p.slave) != getpid())
			_exit(2);
		if (tcgetsid(p.slave) != getpid())
			_exit(3);
		write(sync[1], "r", 1);
		for (;;)
			pause();
	}
	close(sync[1]);
	char c;
	CHECK_EQ(read(sync[0], &c, 1), 1);
	CHECK_EQ(write(p.master, "\x03", 1), 1);
	int st = kt_wait(pid);
	CHECK(WIFSIGNALED(st));
	CHECK_EQ(WTERMSIG(st), SIGINT);
}

static void window_size_set_and_get(void)
{
	struct pty p = open_pty();
	struct winsize ws = { .ws_row = 33, .ws_col = 101 }, got;
	CHECK_OK(ioctl(p.master, TIOCSWINSZ, &ws));
	CHECK_OK(ioctl(p.slave, TIOCGWINSZ, &got));
	CHECK_EQ(got.ws_row, 33);
	CHECK_EQ(got.ws_col, 101);
	CHECK_ERR(ioctl(p.slave, TIOCGWINSZ, KT_BAD_PTR), EFAULT);
}

static void not_a_terminal_enotty(void)
{
	int fds[2];
	struct termios t;
	CHECK_OK(pipe(fds));
	CHECK_ERR(tcgetattr(fds[0], &t), ENOTTY);
	errno = 0;
	CHECK_EQ(isatty(fds[0]), 0);
	CHECK_EQ(errno, ENOTTY);
	int n = CHECK_OK(open("/dev/null", O_RDWR));
	CHECK_ERR(ioctl(n, TIOCGWINSZ, &t), ENOTTY);
	CHECK_ERR(tcgetattr(999, &t), EBADF);
}

static void no_controlling_tty_enxio(void)
{
	int pid = CHECK_OK(fork());
	if (pid == 0) {
		setsid();
		CHECK_ERR(open("/dev/tty", O_RDWR), ENXIO);
		_exit(0);
	}
	CHECK_EQ(WEXITSTATUS(kt_wait(pid)), 0);
}

static void hangup_when_master_closes(void)
{
	struct pty p = open_pty();
	char buf[8];
	CHECK_OK(close(p.master));
	CHECK_EQ(read(p.slave, buf, sizeof(buf)), 0);
	CHECK_ERR(write(p.slave, "x", 1), EIO);
	struct pty q = open_pty();
	CHECK_OK(close(q.slave));
	CHECK_ERR(read(q.master, buf, sizeof(buf)), EIO);
}

static void tcflush_discards_input(void)
{
	struct pty p = open_pty();
	char buf[16];
	set_echo(p.slave, 0);
	CHECK_EQ(write(p.master, "junk\n", 5), 5);
	wait_readable(p.slave);
	CHECK_OK(tcflush(p.slave, TCIFLUSH));
	CHECK_OK(fcntl(p.slave, F_SETFL, O_NONBLOCK));
	CHECK_ERR(read(p.slave, buf, sizeof(buf)), EAGAIN);
	CHECK_ERR(tcflush(p.slave, 42), EINVAL);
}

/* In a new session with the pty as controlling terminal: a background process group that
 * reads the terminal is stopped by SIGTTIN, or gets EIO when it ignores SIGTTIN. */
static int background_read_in_session(int slave)
{
	setsid();
	if (ioctl(slave, TIOCSCTTY, 0) != 0)
		return 1;
	int b = kt_fork();
	if (b == 0) {
		char c;
		setpgid(0, 0);
		read(slave, &c, 1);
		_exit(9);
	}
	setpgid(b, b);
	int st;
	if (waitpid(b, &st, WUNTRACED) != b || !WIFSTOPPED(st) || WSTOPSIG(st) != SIGTTIN)
		return 2;
	kill(b, SIGKILL);
	waitpid(b, &st, 0);
	b = kt_fork();
	if (b == 0) {
		char c;
		setpgid(0, 0);
		signal(SIGTTIN, SIG_IGN);
		_exit(read(slave, &c, 1) == -1 && errno == EIO ? 0 : 1);
	}
	setpgid(b, b);
	if (waitpid(b, &st, 0) != b || !WIFEXITED(st) || WEXITSTATUS(st) != 0)
		return 3;
	return 0;
}

static void background_read_sigttin(void)
{
	struct pty p = open_pty();
	int pid = CHECK_OK(fork());
	if (pid == 0)
		_exit(background_read_in_session(p.slave));
	int st = kt_wait(pid);
	CHECK(WIFEXITED(st));
	CHECK_EQ(WEXITSTATUS(st), 0);
}

/* Regression (TIOCSPGRP returned success and changed nothing): tcsetpgrp moves the
 * foreground group of the caller's controlling terminal, with tcsetpgrp(3)'s errors. */
static int tcsetpgrp_in_session(int slave)
{
	setsid();
	if (ioctl(slave, TIOCSCTTY, 0) != 0)
		return 1;
	int c = kt_fork();
	if (c == 0) {
		setpgid(0, 0);
		for (;;)
			pause();
	}
	setpgid(c, c);
	if (tcsetpgrp(slave, c) != 0 || tcgetpgrp(slave) != c)
		return 2;
	signal(SIGTTOU, SIG_IGN); /* now in the background: SIGTTOU ignored lets us take it back */
	if (tcsetpgrp(slave, getpid()) != 0 || tcgetpgrp(slave) != getpid())
		return 3;
	pid_t bad = -5;
	if (ioctl(slave, TIOCSPGRP, &bad) != -1 || errno != EINVAL)
		return 4;
	if (ioctl(slave, TIOCSPGRP, KT_BAD_PTR) != -1 || errno != EFAULT)
		return 5;
	int gone = kt_fork();
	if (gone == 0)
		_exit(0);
	waitpid(gone, NULL, 0);
	if (tcsetpgrp(slave, gone) != -1 || errno != ESRCH)
		return 6;
	if (tcsetpgrp(slave, getpgid(getppid())) != -1 || errno != EPERM) /* another session */
		return 7;
	kill(c, SIGKILL);
	waitpid(c, NULL, 0);
	return 0;
}

static void tcsetpgrp_moves_foreground_group(void)
{
	struct pty p = open_pty();
	CHECK_ERR(tcsetpgrp(p.slave, getpgrp()), ENOTTY); /* not our controlling terminal */
	int pid = CHECK_OK(fork());
	if (pid == 0)
		_exit(tcsetpgrp_in_session(p.slave));
	int st = kt_wait(pid);
	CHECK(WIFEXITED(st));
	CHECK_EQ(WEXITSTATUS(st), 0);
}

/* Regression (musl passes ioctl's request as an int, sign-extended to 64 bits): the kernel
 * takes it as the unsigned int Linux declares. */
static void ioctl_request_sign_extended(void)
{
	struct pty p = open_pty();
	unsigned int a = 1000, b = 2000;
	CHECK_OK(ioctl(p.master, TIOCGPTN, &a));
	long req = (long)(int)TIOCGPTN;
	CHECK_OK(syscall(SYS_ioctl, p.master, req, &b));
	CHECK_EQ(a, b);
}

static void make_raw(int fd)
{
	struct termios t;
	CHECK_OK(tcgetattr(fd, &t));
	cfmakeraw(&t);
	t.c_cc[VMIN] = 1;
	t.c_cc[VTIME] = 0;
	CHECK_OK(tcsetattr(fd, TCSANOW, &t));
}

/* Reads exactly `total` bytes of the pattern i % 251 from fd (blocking). */
static void read_pattern(int fd, long total)
{
	static char buf[4096];
	long got = 0;
	while (got < total) {
		ssize_t n = read(fd, buf, sizeof(buf));
		CHECK(n > 0);
		for (ssize_t i = 0; i < n; i++)
			CHECK_EQ((unsigned char)buf[i], (unsigned char)((got + i) % 251));
		got += n;
	}
}

/* Writes the pattern to a non-blocking fd until it is full: the bytes written. */
static long fill_pattern(int fd)
{
	static char buf[1000];
	long total = 0;
	CHECK_OK(fcntl(fd, F_SETFL, O_NONBLOCK));
	for (;;) {
		for (size_t i = 0; i < sizeof(buf); i++)
			buf[i] = (char)((total + (long)i) % 251);
		ssize_t n = write(fd, buf, sizeof(buf));
		if (n < 0) {
			CHECK_EQ(errno, EAGAIN);
			break;
		}
		total += n;
		CHECK(total < (8L << 20));
	}
	CHECK_OK(fcntl(fd, F_SETFL, 0));
	return total;
}

/* A full pty refuses more (EAGAIN) and every byte a write reported arrives, either way. */
static void full_buffers_lose_nothing(void)
{
	struct pty p = open_pty();
	make_raw(p.slave);
	long in = fill_pattern(p.master);
	CHECK(in > 0);
	read_pattern(p.slave, in);
	long out = fill_pattern(p.slave);
	CHECK(out > 0);
	read_pattern(p.master, out);
}

/* Closing the master while a child blocks reading the slave ends its read (0, or EIO); closing
 * the slave while the master blocks reading ends that with EIO. */
static void close_while_other_side_blocked(void)
{
	struct pty p = open_pty();
	int pid = CHECK_OK(fork());
	if (pid == 0) {
		char c;
		close(p.master);
		ssize_t n = read(p.slave, &c, 1);
		_exit(n == 0 || (n < 0 && errno == EIO) ? 0 : 1);
	}
	usleep(100000);
	CHECK_OK(close(p.master));
	int st = kt_wait(pid);
	CHECK(WIFEXITED(st));
	CHECK_EQ(WEXITSTATUS(st), 0);
	struct pty q = open_pty();
	pid = CHECK_OK(fork());
	if (pid == 0) {
		char c;
		close(q.slave);
		ssize_t n = read(q.master, &c, 1);
		_exit(n < 0 && errno == EIO ? 0 : 1);
	}
	usleep(100000);
	CHECK_OK(close(q.slave));
	st = kt_wait(pid);
	CHECK(WIFEXITED(st));
	CHECK_EQ(WEXITSTATUS(st), 0);
}

#ifndef TIOCGPTPEER
#define TIOCGPTPEER 0x5441
#endif

/* A child that waits in a process group of its own (made by both sides, so no race). */
static int spawn_group(void)
{
	int c = kt_fork();
	if (c == 0) {
		setpgid(0, 0);
		for (;;)
			pause();
	}
	setpgid(c, c);
	return c;
}

/* As a session leader with the pty as controlling terminal: ^\ and ^Z reach the foreground
 * group only. */
static int isig_in_session(int master, int slave)
{
	int st;
	setsid();
	if (ioctl(slave, TIOCSCTTY, 0) != 0)
		return 1;
	signal(SIGTTOU, SIG_IGN); /* tcsetpgrp from the background */
	int bg = spawn_group(), fg = spawn_group();
	if (tcsetpgrp(slave, fg) != 0)
		return 2;
	if (write(master, "\x1c", 1) != 1) /* ^\ */
		return 3;
	if (waitpid(fg, &st, 0) != fg || !WIFSIGNALED(st) || WTERMSIG(st) != SIGQUIT)
		return 4;
	int fg2 = spawn_group();
	if (tcsetpgrp(slave, fg2) != 0)
		return 5;
	if (write(master, "\x1a", 1) != 1) /* ^Z */
		return 6;
	if (waitpid(fg2, &st, WUNTRACED) != fg2 || !WIFSTOPPED(st) || WSTOPSIG(st) != SIGTSTP)
		return 7;
	if (waitpid(bg, &st, WNOHANG) != 0) /* the background group saw neither */
		return 8;
	kill(fg2, SIGKILL);
	kill(bg, SIGKILL);
	waitpid(fg2, &st, 0);
	waitpid(bg, &st, 0);
	return 0;
}

static void quit_and_suspend_reach_foreground_only(void)
{
	struct pty p = open_pty();
	int pid = CHECK_OK(fork());
	if (pid == 0)
		_exit(isig_in_session(p.master, p.slave));
	int st = kt_wait(pid);
	CHECK(WIFEXITED(st));
	CHECK_EQ(WEXITSTATUS(st), 0);
}

/* With TOSTOP a background group that writes is stopped by SIGTTOU; ignoring SIGTTOU lets the
 * write through; without TOSTOP it goes through anyway. */
static int tostop_in_session(int master, int slave)
{
	int st;
	setsid();
	if (ioctl(slave, TIOCSCTTY, 0) != 0)
		return 1;
	struct termios t;
	tcgetattr(slave, &t);
	t.c_lflag |= TOSTOP;
	tcsetattr(slave, TCSANOW, &t);
	int b = kt_fork();
	if (b == 0) {
		setpgid(0, 0);
		_exit(write(slave, "bg\n", 3) == 3 ? 0 : 9);
	}
	setpgid(b, b);
	if (waitpid(b, &st, WUNTRACED) != b || !WIFSTOPPED(st) || WSTOPSIG(st) != SIGTTOU)
		return 2;
	kill(b, SIGKILL);
	waitpid(b, &st, 0);
	b = kt_fork();
	if (b == 0) {
		setpgid(0, 0);
		signal(SIGTTOU, SIG_IGN);
		_exit(write(slave, "ig\n", 3) == 3 ? 0 : 9);
	}
	setpgid(b, b);
	if (waitpid(b, &st, 0) != b || !WIFEXITED(st) || WEXITSTATUS(st) != 0)
		return 3;
	t.c_lflag &= ~(tcflag_t)TOSTOP;
	tcsetattr(slave, TCSANOW, &t);
	b = kt_fork();
	if (b == 0) {
		setpgid(0, 0);
		_exit(write(slave, "ok\n", 3) == 3 ? 0 : 9);
	}
	setpgid(b, b);
	if (waitpid(b, &st, 0) != b || !WIFEXITED(st) || WEXITSTATUS(st) != 0)
		return 4;
	(void)master;
	return 0;
}

static void background_write_sigttou_with_tostop(void)
{
	struct pty p = open_pty();
	int pid = CHECK_OK(fork());
	if (pid == 0)
		_exit(tostop_in_session(p.master, p.slave));
	int st = kt_wait(pid);
	CHECK(WIFEXITED(st));
	CHECK_EQ(WEXITSTATUS(st), 0);
}

/* Closing the master hangs the slave up: the session leader gets SIGHUP. */
static void master_close_sighup_to_session(void)
{
	struct pty p = open_pty();
	int sync[2];
	CHECK_OK(pipe(sync));
	int pid = CHECK_OK(fork());
	if (pid == 0) {
		close(sync[0]);
		close(p.master);
		setsid();
		if (ioctl(p.slave, TIOCSCTTY, 0) != 0)
			_exit(1);
		write(sync[1], "r", 1);
		for (;;)
			pause();
	}
	close(sync[1]);
	char c;
	CHECK_EQ(read(sync[0], &c, 1), 1);
	CHECK_OK(close(p.master));
	int st = kt_wait(pid);
	CHECK(WIFSIGNALED(st));
	CHECK_EQ(WTERMSIG(st), SIGHUP);
}

/* ---- what a controlling process's exit and a hangup signal (Linux's disassociate_ctty and
 * tty_signal_session_leader) ---------------------------------------------------------------- */

static volatile sig_atomic_t hups, conts;
static void count_hup(int sig)
{
	(void)sig;
	hups++;
}
static void count_cont(int sig)
{
	(void)sig;
	conts++;
}
static void count_hup_and_cont(void)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_flags = SA_RESTART;
	sa.sa_handler = count_hup;
	sigaction(SIGHUP, &sa, NULL);
	sa.sa_handler = count_cont;
	sigaction(SIGCONT, &sa, NULL);
}

/* member - in its own process group, counting SIGHUP and SIGCONT: says it is ready on `ready`,
 * waits for a byte on `go`, then reports "<hups><conts><dev/tty ENXIO?>" on `report`. Signals
 * sent before the byte was written are delivered before its read returns. */
static void member(int ready, int go, int report)
{
	count_hup_and_cont();
	setpgid(0, 0);
	char c = 'r';
	write(ready, &c, 1);
	if (read(go, &c, 1) != 1)
		_exit(1);
	int fd = open("/dev/tty", O_RDWR | O_NOCTTY);
	char r[3] = { (char)('0' + hups), (char)('0' + conts), fd < 0 && errno == ENXIO ? 'x' : 'o' };
	write(report, r, 3);
	_exit(0);
}

/* exit_in_session - the scenario of controlling_process_exit_sighup_to_foreground_only, run by
 * a subreaper (the member outlives its parent, the session leader): 0 or a failure code. */
static int exit_in_session(int slave)
{
	if (prctl(PR_SET_CHILD_SUBREAPER, 1) != 0)
		return 1;
	int ready[2], go[2], report[2];
	if (pipe(ready) || pipe(go) || pipe(report))
		kt_child_exit(2);
	int leader = kt_fork();
	if (leader == 0) {
		setsid();
		if (ioctl(slave, TIOCSCTTY, 0) != 0)
			kt_child_exit(3);
		int m = kt_fork();
		if (m == 0)
			member(ready[1], go[0], report[1]);
		char c;
		if (read(ready[0], &c, 1) != 1 || tcsetpgrp(slave, m) != 0)
			kt_child_exit(4);
		_exit(0); /* the controlling process exits: its foreground group (m's) gets SIGHUP */
	}
	int st;
	if (waitpid(leader, &st, 0) != leader)
		return 9;
	/* under failure injection: a helper that met the injected ENOMEM, or the out-of-memory
	 * policy's SIGKILL, is not the terminal's doing */
	kt_skip_if_injected(WIFEXITED(st) && WEXITSTATUS(st) == KT_EXIT_ENOMEM, "the leader");
	kt_skip_if_injected(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL, "the leader was killed");
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
		return 10 + (WIFEXITED(st) ? WEXITSTATUS(st) : 9);
	char c = 'g', r[3];
	if (write(go[1], &c, 1) != 1 || read(report[0], r, 3) != 3)
		return 20;
	if (wait(&st) < 0 || !WIFEXITED(st) || WEXITSTATUS(st) != 0)
		return 21;
	if (r[0] != '1')
		return 30 + (r[0] - '0'); /* SIGHUP: once */
	if (r[1] != '0')
		return 40 + (r[1] - '0'); /* no SIGCONT (Linux: only TIOCNOTTY adds one) */
	if (r[2] != 'x')
		return 50; /* the session has no controlling terminal any more */
	return 0;
}

/* The controlling process (the session leader) exits: its terminal's foreground group gets
 * SIGHUP, not SIGCONT (Linux's disassociate_ctty on exit; Trellis sent SIGCONT too), and the
 * session loses the terminal (/dev/tty: ENXIO). */
static void controlling_process_exit_sighup_to_foreground_only(void)
{
	struct pty p = open_pty();
	int pid = CHECK_OK(fork());
	if (pid == 0)
		_exit(exit_in_session(p.slave));
	int st = kt_wait(pid);
	CHECK(WIFEXITED(st));
	CHECK_EQ(WEXITSTATUS(st), 0);
}

/* Closing the master hangs the slave up: the controlling process gets SIGHUP and SIGCONT, the
 * foreground group nothing from the kernel (Linux's tty_signal_session_leader without
 * exit_session: a shell passes the hangup on to its jobs itself; Trellis signalled the
 * foreground group as well). */
static void master_close_signals_only_the_controlling_process(void)
{
	struct pty p = open_pty();
	int mready[2], lready[2], gom[2], gol[2], report[2];
	CHECK_OK(pipe(mready));
	CHECK_OK(pipe(lready));
	CHECK_OK(pipe(gom));
	CHECK_OK(pipe(gol));
	CHECK_OK(pipe(report));
	int leader = CHECK_OK(fork());
	if (leader == 0) {
		close(p.master);
		count_hup_and_cont();
		setsid();
		if (ioctl(p.slave, TIOCSCTTY, 0) != 0)
			_exit(3);
		int m = fork();
		if (m == 0)
			member(mready[1], gom[0], report[1]);
		char c;
		if (read(mready[0], &c, 1) != 1 || tcsetpgrp(p.slave, m) != 0)
			_exit(4);
		write(lready[1], &c, 1); /* the foreground group is m's */
		if (read(gol[0], &c, 1) != 1)
			_exit(5);
		char r[3] = { 'L', (char)('0' + hups), (char)('0' + conts) };
		write(report[1], r, 3);
		int st;
		waitpid(m, &st, 0);
		_exit(WIFEXITED(st) ? WEXITSTATUS(st) : 6);
	}
	char c;
	CHECK_EQ(read(lready[0], &c, 1), 1);
	CHECK_OK(close(p.master));
	char r[3];
	c = 'g';
	CHECK_EQ(write(gom[1], &c, 1), 1);
	CHECK_EQ(read(report[0], r, 3), 3);
	CHECK(r[0] == '0' && r[1] == '0'); /* the foreground member: neither signal */
	CHECK_EQ(write(gol[1], &c, 1), 1);
	CHECK_EQ(read(report[0], r, 3), 3);
	CHECK(r[0] == 'L' && r[1] == '1' && r[2] == '1'); /* the leader: SIGHUP and SIGCONT */
	int st = kt_wait(leader);
	CHECK(WIFEXITED(st));
	CHECK_EQ(WEXITSTATUS(st), 0);
	close(p.slave);
	int fds[] = { mready[0], mready[1], lready[0], lready[1], gom[0], gom[1], gol[0], gol[1],
		      report[0], report[1] };
	for (unsigned i = 0; i < sizeof(fds) / sizeof(fds[0]); i++)
		close(fds[i]);
}

/* Two threads of a session leader open two terminals at once: one of them becomes the
 * session's controlling terminal, not both (ctty_acquire checked that the session had none,
 * then took the terminal, with no lock across: two opens could both pass the check; Linux
 * decides under the shared siglock). A race, so a contract check run 100 times, on both CPUs in
 * tty-smp2; it does not force the window. */
struct ctty_race {
	const char *name;
	int fd;
	pthread_barrier_t *b;
};

static void *open_after_barrier(void *arg)
{
	struct ctty_race *r = arg;
	pthread_barrier_wait(r->b);
	r->fd = open(r->name, O_RDWR);
	return NULL;
}

static int ctty_race_once(const char *n1, const char *n2)
{
	setsid();
	pthread_barrier_t b;
	pthread_barrier_init(&b, NULL, 2);
	struct ctty_race r1 = { n1, -1, &b }, r2 = { n2, -1, &b };
	pthread_t t;
	if (pthread_create(&t, NULL, open_after_barrier, &r1))
		return 1;
	open_after_barrier(&r2);
	pthread_join(t, NULL);
	if (r1.fd < 0 || r2.fd < 0)
		return 2;
	pid_t s1, s2;
	int ok1 = ioctl(r1.fd, TIOCGSID, &s1) == 0, ok2 = ioctl(r2.fd, TIOCGSID, &s2) == 0;
	return ok1 + ok2 == 1 ? 0 : 10 + ok1 + ok2;
}

static void two_terminals_opened_at_once_one_controls(void)
{
	int bad = 0;
	for (int i = 0; i < 100; i++) {
		struct pty a = open_pty(), b = open_pty();
		int pid = CHECK_OK(fork());
		if (pid == 0)
			_exit(ctty_race_once(a.name, b.name));
		int st = kt_wait(pid);
		if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
			if (!bad)
				kt_diag("round %d: status 0x%x", i, st);
			bad++;
		}
		close(a.master);
		close(a.slave);
		close(b.master);
		close(b.slave);
	}
	CHECK_EQ(bad, 0);
}

static volatile sig_atomic_t winched;
static void on_winch(int sig)
{
	(void)sig;
	winched = 1;
}

/* A window-size change sends SIGWINCH to the foreground group. */
static void window_change_sends_sigwinch(void)
{
	struct pty p = open_pty();
	int pid = CHECK_OK(fork());
	if (pid == 0) {
		setsid();
		if (ioctl(p.slave, TIOCSCTTY, 0) != 0)
			_exit(1);
		signal(SIGWINCH, on_winch);
		struct winsize ws = { .ws_row = 50, .ws_col = 132 };
		if (ioctl(p.master, TIOCSWINSZ, &ws) != 0)
			_exit(2);
		_exit(winched ? 0 : 3); /* a signal to oneself arrives before the call returns */
	}
	int st = kt_wait(pid);
	CHECK(WIFEXITED(st));
	CHECK_EQ(WEXITSTATUS(st), 0);
}

/* Packet mode: data comes after a 0 byte; a flush by the slave is reported alone. */
static void packet_mode_status_bytes(void)
{
	struct pty p = open_pty();
	int on = 1, got = 0;
	unsigned char buf[16];
	CHECK_OK(ioctl(p.master, TIOCPKT, &on));
	CHECK_OK(ioctl(p.master, TIOCGPKT, &got));
	CHECK_EQ(got, 1);
	CHECK_EQ(write(p.slave, "x", 1), 1);
	CHECK_EQ(read(p.master, buf, sizeof(buf)), 2);
	CHECK(buf[0] == TIOCPKT_DATA && buf[1] == 'x');
	CHECK_OK(tcflush(p.slave, TCIFLUSH));
	CHECK_EQ(read(p.master, buf, sizeof(buf)), 1);
	CHECK(buf[0] & TIOCPKT_FLUSHREAD);
}

/* TIOCGPTPEER opens the master's slave without a path. */
static void tiocgptpeer_opens_the_slave(void)
{
	int m = CHECK_OK(posix_openpt(O_RDWR | O_NOCTTY));
	CHECK_ERR(ioctl(m, TIOCGPTPEER, O_RDWR | O_NOCTTY), EIO); /* still locked */
	CHECK_OK(unlockpt(m));
	int s = CHECK_OK(ioctl(m, TIOCGPTPEER, O_RDWR | O_NOCTTY));
	unsigned int n;
	struct stat st;
	CHECK_OK(ioctl(m, TIOCGPTN, &n));
	CHECK_OK(fstat(s, &st));
	CHECK(S_ISCHR(st.st_mode));
	CHECK_EQ(minor(st.st_rdev), n);
	set_echo(s, 0);
	char buf[8];
	CHECK_EQ(write(m, "hi\n", 3), 3);
	CHECK_EQ(read(s, buf, sizeof(buf)), 3);
}

/* TIOCNOTTY: a member that is not the leader gives the controlling terminal up for itself
 * (and its later children); the leader for the whole session. */
static int notty_in_session(int slave)
{
	setsid();
	if (ioctl(slave, TIOCSCTTY, 0) != 0)
		return 1;
	int c = kt_fork();
	if (c == 0) {
		if (ioctl(slave, TIOCNOTTY) != 0)
			_exit(1);
		if (open("/dev/tty", O_RDWR) != -1 || errno != ENXIO)
			_exit(2);
		if (tcgetpgrp(slave) != -1 || errno != ENOTTY)
			_exit(3);
		int g = kt_fork();
		if (g == 0)
			_exit(open("/dev/tty", O_RDWR) == -1 && errno == ENXIO ? 0 : 4);
		int st;
		waitpid(g, &st, 0);
		_exit(WIFEXITED(st) ? WEXITSTATUS(st) : 5);
	}
	int st;
	if (waitpid(c, &st, 0) != c || !WIFEXITED(st) || WEXITSTATUS(st) != 0)
		return WIFEXITED(st) && WEXITSTATUS(st) == KT_EXIT_ENOMEM ? KT_EXIT_ENOMEM
		       : 10 + (WIFEXITED(st) ? WEXITSTATUS(st) : 9);
	int fd = open("/dev/tty", O_RDWR); /* the leader still has it */
	if (fd < 0)
		return 20;
	close(fd);
	signal(SIGHUP, SIG_IGN); /* the leader's TIOCNOTTY hangs its foreground group (itself) up */
	if (ioctl(slave, TIOCNOTTY) != 0)
		return 21;
	if (open("/dev/tty", O_RDWR) != -1 || errno != ENXIO)
		return 22;
	return 0;
}

static void tiocnotty_gives_the_terminal_up(void)
{
	struct pty p = open_pty();
	int pid = CHECK_OK(fork());
	if (pid == 0)
		_exit(notty_in_session(p.slave));
	int st = kt_wait(pid);
	CHECK(WIFEXITED(st));
	CHECK_EQ(WEXITSTATUS(st), 0);
}

/* Raw mode's other VMIN/VTIME cases: MIN=0 TIME=0 takes what is there (0 when nothing);
 * MIN>0 TIME=0 waits for MIN bytes; MIN>0 TIME>0 starts its inter-byte timer only at the first
 * byte (no byte: it waits), and then returns fewer than MIN when the timer runs out. */
static void raw_mode_vmin_vtime_other_cases(void)
{
	struct pty p = open_pty();
	struct termios t;
	char buf[64];
	CHECK_OK(tcgetattr(p.slave, &t));
	cfmakeraw(&t);
	t.c_cc[VMIN] = 0;
	t.c_cc[VTIME] = 0;
	CHECK_OK(tcsetattr(p.slave, TCSANOW, &t));
	CHECK_EQ(read(p.slave, buf, sizeof(buf)), 0); /* a poll: nothing there */
	CHECK_EQ(write(p.master, "abc", 3), 3);
	wait_readable(p.slave);
	int n = 0;
	for (int i = 0; i < 100 && n < 3; i++) { /* the bytes reach the discipline in order */
		ssize_t r = read(p.slave, buf + n, sizeof(buf) - (size_t)n);
		CHECK(r >= 0);
		n += (int)r;
		if (n < 3)
			usleep(10000);
	}
	CHECK_EQ(n, 3);
	CHECK_MEM(buf, "abc", 3);
	/* MIN=3 TIME=0: one byte now and two later, one read of all three */
	t.c_cc[VMIN] = 3;
	CHECK_OK(tcsetattr(p.slave, TCSANOW, &t));
	CHECK_EQ(write(p.master, "x", 1), 1);
	int pid = CHECK_OK(fork());
	if (pid == 0) {
		usleep(200000);
		_exit(write(p.master, "yz", 2) == 2 ? 0 : 1);
	}
	CHECK_EQ(read(p.slave, buf, sizeof(buf)), 3);
	CHECK_MEM(buf, "xyz", 3);
	int st = kt_wait(pid);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	/* MIN=5 TIME=1: no byte yet, so no timer: the read waits for the first (sent after 0.3 s,
	 * three times TIME), then returns what came when 0.1 s passes without another */
	t.c_cc[VMIN] = 5;
	t.c_cc[VTIME] = 1;
	CHECK_OK(tcsetattr(p.slave, TCSANOW, &t));
	pid = CHECK_OK(fork());
	if (pid == 0) {
		usleep(300000);
		_exit(write(p.master, "12", 2) == 2 ? 0 : 1);
	}
	CHECK_EQ(read(p.slave, buf, sizeof(buf)), 2);
	CHECK_MEM(buf, "12", 2);
	st = kt_wait(pid);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
}

/* TIOCSTI (faking input) is refused to an unprivileged caller on a terminal that is not its
 * controlling one (Linux 6.1: EPERM; with legacy_tiocsti off, and Trellis always: EIO), and
 * nothing reaches the input queue. */
static void tiocsti_refused(void)
{
	struct pty p = open_pty();
	int pid = CHECK_OK(fork());
	if (pid == 0) {
		kt_drop_privileges();
		char c = 'x';
		errno = 0;
		if (ioctl(p.slave, TIOCSTI, &c) != -1 || (errno != EIO && errno != EPERM))
			_exit(2);
		int n = -1;
		if (ioctl(p.slave, FIONREAD, &n) != 0 || n != 0)
			_exit(3);
		_exit(0);
	}
	int st = kt_wait(pid);
	CHECK(WIFEXITED(st));
	CHECK_EQ(WEXITSTATUS(st), 0);
}

/* TIOCEXCL: further opens of the device are EBUSY, except root's; TIOCGEXCL reads the flag
 * (kept per side of a pty); TIOCNXCL clears it. */
static void exclusive_mode_busy_but_for_root(void)
{
	struct pty p = open_pty();
	int v = -1;
	CHECK_OK(ioctl(p.slave, TIOCGEXCL, &v));
	CHECK_EQ(v, 0);
	CHECK_OK(ioctl(p.slave, TIOCEXCL));
	CHECK_OK(ioctl(p.slave, TIOCGEXCL, &v));
	CHECK_EQ(v, 1);
	CHECK_OK(ioctl(p.master, TIOCGEXCL, &v));
	CHECK_EQ(v, 0);
	CHECK_OK(chown(p.name, KT_NOBODY, KT_NOBODY));
	int fd = CHECK_OK(open(p.name, O_RDWR | O_NOCTTY)); /* root may */
	close(fd);
	int pid = CHECK_OK(fork());
	if (pid == 0) {
		kt_drop_privileges();
		errno = 0;
		if (open(p.name, O_RDWR | O_NOCTTY) != -1 || errno != EBUSY)
			_exit(2);
		if (ioctl(p.slave, TIOCNXCL) != 0)
			_exit(3);
		int f = open(p.name, O_RDWR | O_NOCTTY);
		if (f < 0)
			kt_child_exit(4);
		_exit(0);
	}
	int st = kt_wait(pid);
	CHECK(WIFEXITED(st));
	CHECK_EQ(WEXITSTATUS(st), 0);
	CHECK_OK(ioctl(p.slave, TIOCGEXCL, &v));
	CHECK_EQ(v, 0);
}

/* struct termios2 (asm-generic/termbits.h) and its calls, which libc headers do not give. */
struct kt_termios2 {
	unsigned int c_iflag, c_oflag, c_cflag, c_lflag;
	unsigned char c_line;
	unsigned char c_cc[19];
	unsigned int c_ispeed, c_ospeed;
};
#define KT_TCGETS2 0x802C542Au
#define KT_TCSETS2 0x402C542Bu
#define KT_TCSETSF2 0x402C542Du
#define KT_CBAUD 0010017u
#define KT_BOTHER 0010000u
#define KT_IBSHIFT 16

/* TCGETS2 / TCSETS2: arbitrary speeds with BOTHER, the input speed through CIBAUD (B0 there:
 * the output speed), speeds recomputed when the old TCSETS names a Bnnn. */
static void termios2_arbitrary_speeds(void)
{
	struct pty p = open_pty();
	struct kt_termios2 t2;
	CHECK_OK(ioctl(p.slave, KT_TCGETS2, &t2));
	CHECK_EQ(t2.c_cflag & KT_CBAUD, B38400);
	CHECK_EQ(t2.c_ospeed, 38400);
	CHECK_EQ(t2.c_ispeed, 38400);
	t2.c_cflag = (t2.c_cflag & ~(KT_CBAUD | (KT_CBAUD << KT_IBSHIFT))) | KT_BOTHER;
	t2.c_ospeed = 12345;
	t2.c_ispeed = 777; /* CIBAUD is B0: the input speed is the output's */
	CHECK_OK(ioctl(p.slave, KT_TCSETS2, &t2));
	memset(&t2, 0, sizeof(t2));
	CHECK_OK(ioctl(p.slave, KT_TCGETS2, &t2));
	CHECK_EQ(t2.c_cflag & KT_CBAUD, KT_BOTHER);
	CHECK_EQ(t2.c_ospeed, 12345);
	CHECK_EQ(t2.c_ispeed, 12345);
	struct termios t; /* the old call: the same c_cflag */
	CHECK_OK(ioctl(p.slave, TCGETS, &t));
	CHECK_EQ(t.c_cflag & KT_CBAUD, KT_BOTHER);
	t.c_cflag = (t.c_cflag & ~KT_CBAUD) | B9600;
	CHECK_OK(ioctl(p.slave, TCSETS, &t));
	CHECK_OK(ioctl(p.slave, KT_TCGETS2, &t2));
	CHECK_EQ(t2.c_ospeed, 9600);
	CHECK_EQ(t2.c_ispeed, 9600);
	t2.c_cflag = (t2.c_cflag & ~(KT_CBAUD | (KT_CBAUD << KT_IBSHIFT))) | B115200 |
		     (KT_BOTHER << KT_IBSHIFT);
	t2.c_ispeed = 1000;
	CHECK_OK(ioctl(p.slave, KT_TCSETSF2, &t2));
	memset(&t2, 0, sizeof(t2));
	CHECK_OK(ioctl(p.slave, KT_TCGETS2, &t2));
	CHECK_EQ(t2.c_ospeed, 115200);
	CHECK_EQ(t2.c_ispeed, 1000);
	CHECK_ERR(ioctl(p.slave, KT_TCGETS2, KT_BAD_PTR), EFAULT);
	CHECK_ERR(ioctl(p.slave, KT_TCSETS2, KT_BAD_PTR), EFAULT);
}

/* The pty's own ioctls (TIOCGPTN, TIOCSPTLCK, TIOCGPTLCK, TIOCPKT, TIOCGPKT, TIOCSIG and
 * TIOCGPTPEER) are the master's: ENOTTY on the slave (TIOCGPTPEER: EIO). TIOCSIG takes SIGINT, SIGQUIT and SIGTSTP
 * only; the master's lock keeps the slave from opening until cleared again. */
static void pty_ioctls_are_the_masters(void)
{
	struct pty p = open_pty();
	int v = -1, one = 1, zero = 0;
	unsigned int n;
	CHECK_OK(ioctl(p.master, TIOCGPTLCK, &v));
	CHECK_EQ(v, 0);
	CHECK_ERR(ioctl(p.slave, TIOCSPTLCK, &one), ENOTTY);
	CHECK_ERR(ioctl(p.slave, TIOCGPTLCK, &v), ENOTTY);
	CHECK_ERR(ioctl(p.slave, TIOCGPTN, &n), ENOTTY);
	CHECK_ERR(ioctl(p.slave, TIOCPKT, &one), ENOTTY);
	CHECK_ERR(ioctl(p.slave, TIOCGPKT, &v), ENOTTY);
	CHECK_ERR(ioctl(p.slave, TIOCSIG, SIGINT), ENOTTY);
	CHECK_ERR(ioctl(p.slave, TIOCGPTPEER, O_RDWR), EIO); /* tty_ioctl's own: not a master */
	CHECK_OK(ioctl(p.master, TIOCSPTLCK, &one));
	CHECK_OK(ioctl(p.master, TIOCGPTLCK, &v));
	CHECK_EQ(v, 1);
	CHECK_ERR(open(p.name, O_RDWR | O_NOCTTY), EIO);
	CHECK_OK(ioctl(p.master, TIOCSPTLCK, &zero));
	int fd = CHECK_OK(open(p.name, O_RDWR | O_NOCTTY));
	close(fd);
	CHECK_ERR(ioctl(p.master, TIOCSIG, SIGUSR1), EINVAL);
	CHECK_ERR(ioctl(p.master, TIOCSIG, 0), EINVAL);
	CHECK_OK(ioctl(p.master, TIOCSIG, SIGINT)); /* no foreground group: nobody */
}

/* Termios and window-size calls on the master act on the slave (Linux's tty_mode_ioctl turns
 * to the other side of a pty): what the master sets, the slave's discipline uses. */
static void master_termios_are_the_slaves(void)
{
	struct pty p = open_pty();
	struct termios m, s;
	CHECK_OK(tcgetattr(p.master, &m));
	CHECK_OK(tcgetattr(p.slave, &s));
	CHECK_EQ(m.c_lflag, s.c_lflag);
	CHECK((m.c_lflag & (ICANON | ECHO)) == (ICANON | ECHO));
	m.c_lflag &= ~(tcflag_t)ECHO;
	m.c_cc[VEOF] = 1;
	CHECK_OK(tcsetattr(p.master, TCSANOW, &m));
	CHECK_OK(tcgetattr(p.slave, &s));
	CHECK_EQ(s.c_cc[VEOF], 1);
	CHECK(!(s.c_lflag & ECHO));
	CHECK_EQ(write(p.master, "ab\n", 3), 3);
	char buf[16];
	wait_readable(p.slave);
	CHECK_EQ(read(p.slave, buf, sizeof(buf)), 3);
	CHECK_EQ(read_master(p.master, buf, sizeof(buf), 200), 0); /* no echo now */
	CHECK_EQ(write(p.master, "cd\x01", 3), 3); /* the new VEOF ends the line */
	wait_readable(p.slave);
	CHECK_EQ(read(p.slave, buf, sizeof(buf)), 2);
	CHECK_MEM(buf, "cd", 2);
	struct winsize w = { .ws_row = 30, .ws_col = 90 }, r;
	CHECK_OK(ioctl(p.master, TIOCSWINSZ, &w));
	CHECK_OK(ioctl(p.slave, TIOCGWINSZ, &r));
	CHECK_EQ(r.ws_row, 30);
	CHECK_OK(ioctl(p.master, TIOCGWINSZ, &r));
	CHECK_EQ(r.ws_col, 90);
}

/* /proc/PID/stat fields 7 and 8 (tty_nr, tpgid) of pid, read by a parse after the comm. */
static int stat_tty(const char *path, long *tty_nr, long *tpgid)
{
	char buf[1024];
	int fd = open(path, O_RDONLY);
	if (fd < 0)
		return -1;
	ssize_t n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = 0;
	char *r = strrchr(buf, ')');
	char state;
	long ppid, pgrp, sid;
	if (!r || sscanf(r + 1, " %c %ld %ld %ld %ld %ld", &state, &ppid, &pgrp, &sid, tty_nr, tpgid) != 6)
		return -1;
	return 0;
}

/* /proc/PID/stat names the controlling terminal (tty_nr: its device number, encoded as Linux's
 * new_encode_dev) and its foreground group (tpgid; -1 without a terminal). */
static void proc_stat_shows_controlling_tty(void)
{
	struct pty p = open_pty();
	long nr = -5, tpg = -5;
	CHECK_OK(stat_tty("/proc/self/stat", &nr, &tpg));
	CHECK_EQ(nr, 0); /* the suites run without a controlling terminal */
	CHECK_EQ(tpg, -1);
	struct stat st;
	CHECK_OK(fstat(p.slave, &st));
	long want = (long)((minor(st.st_rdev) & 0xff) | (major(st.st_rdev) << 8) |
			   ((minor(st.st_rdev) & ~0xffu) << 12));
	int pid = CHECK_OK(fork());
	if (pid == 0) {
		setsid();
		if (ioctl(p.slave, TIOCSCTTY, 0) != 0)
			_exit(1);
		long n2, t2;
		if (stat_tty("/proc/self/stat", &n2, &t2))
			_exit(2);
		if (n2 != want)
			_exit(3);
		if (t2 != getpid())
			_exit(4);
		_exit(0);
	}
	int w = kt_wait(pid);
	CHECK(WIFEXITED(w));
	CHECK_EQ(WEXITSTATUS(w), 0);
}

static const struct kt_case cases[] = {
	{ "ptmx_gives_numbered_slave", ptmx_gives_numbered_slave },
	{ "canonical_mode_buffers_lines", canonical_mode_buffers_lines },
	{ "erase_kill_and_eof", erase_kill_and_eof },
	{ "echo_and_output_crlf", echo_and_output_crlf },
	{ "raw_mode_vmin_vtime", raw_mode_vmin_vtime },
	{ "ctrl_c_signals_foreground_group", ctrl_c_signals_foreground_group },
	{ "window_size_set_and_get", window_size_set_and_get },
	{ "not_a_terminal_enotty", not_a_terminal_enotty },
	{ "no_controlling_tty_enxio", no_controlling_tty_enxio },
	{ "hangup_when_master_closes", hangup_when_master_closes },
	{ "tcflush_discards_input", tcflush_discards_input },
	{ "background_read_sigttin", background_read_sigttin },
	{ "tcsetpgrp_moves_foreground_group", tcsetpgrp_moves_foreground_group },
	{ "ioctl_request_sign_extended", ioctl_request_sign_extended },
	{ "full_buffers_lose_nothing", full_buffers_lose_nothing },
	{ "close_while_other_side_blocked", close_while_other_side_blocked },
	{ "quit_and_suspend_reach_foreground_only", quit_and_suspend_reach_foreground_only },
	{ "background_write_sigttou_with_tostop", background_write_sigttou_with_tostop },
	{ "master_close_sighup_to_session", master_close_sighup_to_session },
	{ "controlling_process_exit_sighup_to_foreground_only", controlling_process_exit_sighup_to_foreground_only },
	{ "master_close_signals_only_the_controlling_process", master_close_signals_only_the_controlling_process },
	{ "two_terminals_opened_at_once_one_controls", two_terminals_opened_at_once_one_controls },
	{ "window_change_sends_sigwinch", window_change_sends_sigwinch },
	{ "packet_mode_status_bytes", packet_mode_status_bytes },
	{ "tiocgptpeer_opens_the_slave", tiocgptpeer_opens_the_slave },
	{ "tiocnotty_gives_the_terminal_up", tiocnotty_gives_the_terminal_up },
	{ "raw_mode_vmin_vtime_other_cases", raw_mode_vmin_vtime_other_cases },
	{ "tiocsti_refused", tiocsti_refused },
	{ "exclusive_mode_busy_but_for_root", exclusive_mode_busy_but_for_root },
	{ "termios2_arbitrary_speeds", termios2_arbitrary_speeds },
	{ "pty_ioctls_are_the_masters", pty_ioctls_are_the_masters },
	{ "proc_stat_shows_controlling_tty", proc_stat_shows_controlling_tty },
	{ "master_termios_are_the_slaves", master_termios_are_the_slaves },
	KT_CASES_END
};

int main(void)
{
	return kt_main("tty", cases);
}
