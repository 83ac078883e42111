/*
 * discarded_clone_child_unmaps_its_creator — found by make test's fault run (a worker
 * "survived SIGKILL" in state R with no CPU time, after pthread_create failed with EAGAIN
 * under injected allocation failures). A child that shares its creator's memory map (a
 * thread, a vfork child, a CLONE_VM process) and fails before it starts is discarded by the
 * creator; the discard let go of the map as an exit does, deactivating the address space
 * when it was the active one — the creator's own. The creator went back to user mode on the
 * kernel's page tables and faulted there forever.
 *
 * As init, without injection: clone(CLONE_VM|CLONE_PARENT) fails after the child was made
 * (init has no parent to give it: EINVAL, as Linux), so the child sharing init's map is
 * discarded. Init must then go on: fork, wait, report. Before the fix it hung right after
 * the clone returned.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>

#include "repro.h"

static int child_fn(void *arg)
{
	(void)arg;
	return 0;
}

int main(void)
{
	static char stack[64 * 1024];
	int r = clone(child_fn, stack + sizeof(stack), CLONE_VM | CLONE_PARENT | SIGCHLD, NULL);
	int err = errno;
	if (r >= 0) {
		repro_done("discarded_clone_child_unmaps_its_creator", 0,
			   "clone(CLONE_PARENT) from init succeeded (Linux: EINVAL)");
		return 0;
	}
	/* init still runs in its own memory: a fork and a wait work */
	pid_t c = fork();
	if (c == 0)
		_exit(3);
	int st = 0;
	int ok = c > 0 && waitpid(c, &st, 0) == c && WIFEXITED(st) && WEXITSTATUS(st) == 3 &&
		 err == EINVAL;
	repro_done("discarded_clone_child_unmaps_its_creator", ok,
		   ok ? NULL : "clone's errno or the fork after it is wrong");
	return 0;
}
