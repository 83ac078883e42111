/*
 * long_copy_outlives_sigkill — make test's "worker survived SIGKILL" (fuzz and fault parts,
 * seed 22, slot 0 respawn 33, on a loaded host; reproduced with -icount): the worker sat in
 * sendfile(2 GiB of /dev/zero) with SIGKILL pending, its task running in the kernel for 12 s
 * and more (/proc/sysrq-trigger's dump: sys_sendfile, run_ms 12445). sendfile already stops
 * for SIGKILL between chunks on the branch that fixed the console case
 * (console_write_outlives_sigkill); the other copy loops that never sleep did not: a read or
 * write moved chunk by chunk (write to /dev/null from a 2 GiB mapping), splice, and
 * copy_file_range. They now stop between chunks when the caller is being killed, as Linux's
 * fatal_signal_pending checks in its copy loops.
 *
 * As init: each child tells it is about to start one big copy and is sent SIGKILL 50 ms later.
 * The copies move data through a file offset the parent shares (opened before the fork), so
 * once the child is reaped the offset says where the copy stopped: short of its full length
 * when SIGKILL ended it, the full length when the copy ran to its end first (the bug; a copy
 * this size takes seconds under QEMU, not 50 ms). An alarm (20 s) catches a copy that never
 * ends.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>

#include "repro.h"

#define SPARSE (1ll << 30)     /* a 1 GiB sparse file (ramfs's most): its holes read as zeros */
#define BIG (1ul << 30)        /* what sendfile moves: the whole sparse file */
#define FILE_LEN (96ul << 20)  /* what is written to a real file (it takes memory) */

static void on_alarm(int sig)
{
	(void)sig;
}

static int in_fd, out_fd; /* opened before each fork: the child moves the parent's offsets */

/* start - fork a child that tells `ready` it is about to copy, runs `body`, then exits;
 * SIGKILL it 50 ms after it told. */
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
	struct timespec ts = { 0, 50 * 1000 * 1000 };
	nanosleep(&ts, NULL);
	kill(pid, SIGKILL);
	return pid;
}

/* write(2) of a read-only anonymous mapping (never written) to a file */
static void big_write(void)
{
	char *p = mmap(NULL, FILE_LEN, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE,
		       -1, 0);
	if (p != MAP_FAILED)
		(void)write(out_fd, p, FILE_LEN);
}

/* sendfile of the sparse file to /dev/null (the fuzzer's case had /dev/zero) */
static void big_sendfile(void)
{
	(void)sendfile(out_fd, in_fd, NULL, BIG);
}

/* copy_file_range of the sparse file to a file */
static void big_copy_file_range(void)
{
	(void)copy_file_range(in_fd, NULL, out_fd, NULL, FILE_LEN, 0);
}

/* run - one case: the fds, the child, and where the offset of `which` stopped (-1: the child
 * was not reaped in time or did not end by SIGKILL). */
static long long run(void (*body)(void), const char *out_path, int which_in)
{
	in_fd = open("/tmp/sparse", O_RDONLY);
	out_fd = open(out_path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	if (in_fd < 0 || out_fd < 0)
		return -1;
	pid_t pid = start(body);
	int st;
	long long off = -1;
	if (pid > 0 && waitpid(pid, &st, 0) == pid && WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL)
		off = lseek(which_in ? in_fd : out_fd, 0, SEEK_CUR);
	close(in_fd);
	close(out_fd);
	unlink("/tmp/out");
	return off;
}

int main(void)
{
	struct sigaction sa = { .sa_handler = on_alarm };
	sigaction(SIGALRM, &sa, NULL); /* no SA_RESTART: a wait that never returns gets EINTR */
	mkdir("/tmp", 0755);
	int sp = open("/tmp/sparse", O_RDWR | O_CREAT | O_TRUNC, 0600);
	if (sp < 0 || ftruncate(sp, SPARSE)) {
		char e[80];
		snprintf(e, sizeof e, "cannot make the sparse file: %s", strerror(errno));
		repro_done("long_copy_outlives_sigkill", 0, e);
	}
	close(sp);
	alarm(20);
	long long w = run(big_write, "/tmp/out", 0);
	long long s = run(big_sendfile, "/dev/null", 1);
	long long c = run(big_copy_file_range, "/tmp/out", 1);
	alarm(0);
	int ok = w >= 0 && (unsigned long)w < FILE_LEN && s >= 0 && (unsigned long)s < BIG &&
		 c >= 0 && (unsigned long)c < FILE_LEN;
	char why[200];
	snprintf(why, sizeof why, "stopped at: write %lld of %lu, sendfile %lld of %lu, "
		 "copy_file_range %lld of %lu (-1: not ended by SIGKILL)", w, FILE_LEN, s, BIG, c,
		 FILE_LEN);
	repro_done("long_copy_outlives_sigkill", ok, why);
	return 0;
}
