/*
 * oom_hog_killed_in_kernel_copy — the out-of-memory policy when the process that runs out is
 * itself the largest (#15: "kills the largest process with a message rather than hanging").
 * Two children each ask for more memory than the machine has: the first touches it from user
 * space (page faults), the second has the kernel write into it (uname() into every page: the
 * faults come from the kernel's user copies). Linux's OOM killer ends each with SIGKILL; the
 * memory must come back (init, this program, then forks and maps again), and nothing may hang.
 */
#include <signal.h>
#include <stdio.h>
#include <sys/mman.h>
#include <sys/sysinfo.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

#include "repro.h"

#define MIB (1024ul * 1024ul)

enum how { BY_USER, BY_KERNEL };

/* A child that takes more than free memory; returns its wait status. */
static int hog(enum how how, unsigned long len)
{
	pid_t c = fork();
	if (c == 0) {
		char *p = mmap(NULL, len, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
		if (p == MAP_FAILED)
			_exit(2);
		for (unsigned long i = 0; i + 4096 <= len; i += 4096) {
			if (how == BY_USER)
				p[i] = 1;
			else if (uname((struct utsname *)(p + i)))
				_exit(4); /* a copy refused (EFAULT) instead of the policy */
		}
		_exit(3); /* got it all: the machine had more memory than it said */
	}
	int st = 0;
	if (c < 0 || waitpid(c, &st, 0) != c)
		return -1;
	return st;
}

static unsigned long free_now(void)
{
	struct sysinfo si;
	return sysinfo(&si) ? 0 : si.freeram * si.mem_unit;
}

int main(void)
{
	unsigned long before = free_now();
	if (before < 64 * MIB) {
		repro_done("oom_hog_killed_in_kernel_copy", 0, "less than 64 MiB free");
		return 0;
	}
	int by_user = hog(BY_USER, before + 64 * MIB);
	unsigned long mid = free_now();
	int by_kernel = hog(BY_KERNEL, before + 64 * MIB);
	unsigned long after = free_now();
	char why[160];
	int ok = 1;
	if (!(WIFSIGNALED(by_user) && WTERMSIG(by_user) == SIGKILL)) {
		snprintf(why, sizeof(why), "the user-fault hog was not killed (status %#x)", by_user);
		ok = 0;
	} else if (!(WIFSIGNALED(by_kernel) && WTERMSIG(by_kernel) == SIGKILL)) {
		snprintf(why, sizeof(why), "the kernel-copy hog was not killed (status %#x)",
			 by_kernel);
		ok = 0;
	} else if (mid + 16 * MIB < before || after + 16 * MIB < before) {
		snprintf(why, sizeof(why), "memory not given back: %lu, %lu, %lu MiB free",
			 before / MIB, mid / MIB, after / MIB);
		ok = 0;
	}
	repro_done("oom_hog_killed_in_kernel_copy", ok, ok ? NULL : why);
	return 0;
}
