/*
 * console_write_outlives_sigkill — the 30-minute soak's one hung worker (no_hung_workers: pid
 * 26745 still there 10 s after SIGKILL, gone 5 s later). Its last calls wrote the fuzzer's
 * 64 KiB scratch buffer (all '.') to the console: the log shows about 360 KB of dots just
 * before the report. A write to the console goes out to the serial port at once and never
 * sleeps, and the terminal's write loop did not look at signals between chunks, so a writev of
 * many such buffers (or a sendfile from /dev/zero) kept writing after SIGKILL until the last
 * byte (Linux's tty_write stops between chunks when a signal is pending).
 *
 * As init: child A writes 256 x 64 KiB to the console with writev, child B sendfiles 1 GiB of
 * /dev/zero to it; each is sent SIGKILL once it has told it is about to start. Both must be
 * reaped within the alarm (10 s; the writes alone take minutes at the serial port's speed).
 */
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sendfile.h>
#include <sys/uio.h>
#include <sys/wait.h>

#include "repro.h"

#define CHUNK (64 * 1024)
#define NIOV 256

static void on_alarm(int sig)
{
	(void)sig;
}

/* start - fork a child that tells `ready` it is about to write, then runs `body`. */
static pid_t start(void (*body)(void))
{
	int ready[2];
	if (pipe(ready))
		return -1;
	pid_t pid = fork();
	if (pid == 0) {
		close(ready[0]);
		(void)write(ready[1], "x", 1);
		body();
		_exit(0);
	}
	close(ready[1]);
	char c;
	(void)read(ready[0], &c, 1);
	close(ready[0]);
	return pid;
}

static void big_writev(void)
{
	char *buf = malloc(CHUNK);
	static struct iovec iov[NIOV];
	if (!buf)
		_exit(2);
	memset(buf, '.', CHUNK);
	for (int i = 0; i < NIOV; i++)
		iov[i] = (struct iovec){ buf, CHUNK };
	int fd = open("/dev/console", O_WRONLY | O_NOCTTY);
	(void)writev(fd, iov, NIOV);
}

static void big_sendfile(void)
{
	int zero = open("/dev/zero", O_RDONLY);
	int fd = open("/dev/console", O_WRONLY | O_NOCTTY);
	(void)sendfile(fd, zero, NULL, 1u << 30);
}

/* killed - SIGKILL pid and wait for it: 1 when it ended by SIGKILL before the alarm. */
static int killed(pid_t pid)
{
	if (pid < 0)
		return 0;
	kill(pid, SIGKILL);
	int st;
	if (waitpid(pid, &st, 0) != pid)
		return 0;
	return WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL;
}

int main(void)
{
	struct sigaction sa = { .sa_handler = on_alarm };
	sigaction(SIGALRM, &sa, NULL); /* no SA_RESTART: a wait that never returns gets EINTR */
	alarm(10);
	int a = killed(start(big_writev));
	int b = killed(start(big_sendfile));
	alarm(0);
	char why[128];
	printf("\n"); /* after the children's partial output */
	snprintf(why, sizeof why, "writev to the console %s; sendfile to it %s",
		 a ? "ended by SIGKILL" : "outlived SIGKILL (not reaped in 10 s)",
		 b ? "ended by SIGKILL" : "outlived SIGKILL (not reaped in 10 s)");
	repro_done("console_write_outlives_sigkill", a && b, why);
	return 0;
}
