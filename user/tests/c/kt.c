/*
 * kt.c — runs one group of regression cases and prints it as a nested KTAP subtest.
 *
 * Output goes straight to fd 1 with write() (never stdio buffers, which a fork would
 * duplicate). Each case runs in a forked child: the child arms alarm(KT_CASE_SECONDS), runs the
 * case and exits 0; a failed CHECK exits 1 after its diagnostic; a signal or the watchdog
 * shows up in the wait status and is reported as such. The parent prints `ok`/`not ok`.
 */
#define _GNU_SOURCE
#include "kt.h"

#include <grp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>

#define KT_CASE_SECONDS 20

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
	char msg[400];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	kt_diag("%s:%d: %s", file, line, msg);
	_exit(1);
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
	return status;
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

static int kt_run_case(const struct kt_case *c)
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
	if (WIFEXITED(status))
		return WEXITSTATUS(status) == 0;
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
	kt_print("    KTAP version 1");
	kt_print("    # Subtest: %s.%s", KT_LIBC, group);
	kt_print("    1..%d", n);
	for (int i = 0; i < n; i++) {
		int ok = kt_run_case(&cases[i]);
		if (!ok)
			failed++;
		kt_print("    %s %d %s", ok ? "ok" : "not ok", i + 1, cases[i].name);
	}
	return failed ? 1 : 0;
}
