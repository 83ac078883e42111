/*
 * failed_fork_leaks_handler_table — found by make test-abi-fault (no_leaks: sighand_cache +1
 * after a case whose fork met an injected failure, with no process left). When a new
 * process's descriptor table could not be allocated, proc_alloc freed the process but not the
 * signal-handler table it had just made for it: one proc_sighand lost per such fork.
 *
 * Booted with fault.heap=10 fault.task_filter=1 (user/fuzz/repro/NAME.append): as init, this
 * program counts sighand_cache's live objects in /proc/slabinfo, marks itself with
 * /proc/self/make-it-fail, forks 300 children that exit at once (some of the forks
 * fail, at every step of proc_alloc), reaps them all, unmarks itself and counts again: the
 * count must be back where it started.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "repro.h"

static long live(const char *cache)
{
	static char buf[1 << 16];
	int fd = open("/proc/slabinfo", O_RDONLY);
	if (fd < 0)
		return -1;
	size_t len = 0;
	ssize_t n;
	while (len < sizeof buf - 1 && (n = read(fd, buf + len, sizeof buf - 1 - len)) > 0)
		len += (size_t)n;
	close(fd);
	buf[len] = 0;
	size_t clen = strlen(cache);
	for (char *l = buf; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL)
		if (!strncmp(l, cache, clen) && l[clen] == ' ')
			return strtol(l + clen, NULL, 10);
	return -1;
}

/* mark - write "1" or "0" to /proc/self/make-it-fail, again until it takes (the write itself
 * may meet an injected failure while marked). */
static int mark(const char *v)
{
	for (int tries = 0; tries < 1000; tries++) {
		int fd = open("/proc/self/make-it-fail", O_WRONLY);
		if (fd < 0)
			continue;
		ssize_t n = write(fd, v, 1);
		close(fd);
		if (n == 1)
			return 0;
	}
	return -1;
}

int main(void)
{
	mkdir("/proc", 0555);
	if (mount("proc", "/proc", "proc", 0, NULL)) {
		repro_done("failed_fork_leaks_handler_table", 0, "cannot mount /proc");
		return 0;
	}
	for (int i = 0; i < 3; i++) { /* caches filled once are not the point */
		pid_t pid = fork();
		if (pid == 0)
			_exit(0);
		waitpid(pid, NULL, 0);
	}
	long before = live("sighand_cache");
	int forked = 0, failed = 0;
	if (mark("1")) {
		repro_done("failed_fork_leaks_handler_table", 0, "cannot write make-it-fail");
		return 0;
	}
	for (int i = 0; i < 300; i++) {
		pid_t pid = fork();
		if (pid == 0)
			_exit(0);
		if (pid < 0) {
			failed++;
			continue;
		}
		forked++;
		while (waitpid(pid, NULL, 0) < 0 && (errno == EINTR || errno == ENOMEM))
			;
	}
	int unmarked = mark("0");
	while (waitpid(-1, NULL, WNOHANG) > 0)
		;
	long after = live("sighand_cache");
	char why[160];
	snprintf(why, sizeof why, "sighand_cache %ld before, %ld after %d forks (%d failed)%s",
		 before, after, forked, failed, unmarked ? "; could not unmark" : "");
	repro_done("failed_fork_leaks_handler_table", before >= 0 && after == before && failed > 0 &&
		   !unmarked, why);
	return 0;
}
