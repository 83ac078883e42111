/*
 * oom_kills_init — found by user/fuzz (seed 22, once its 1 GiB caps on memory calls went): a
 * worker mapped and touched nearly all memory, then init's next page fault found no frame and
 * the out-of-memory policy ended the faulting process, init, and with it the system. Linux
 * ends the process with the largest resident set instead. Here a child touches all but a
 * little of free memory and waits; init (this program) then touches more than is left: the
 * child must be the one killed (SIGKILL) and init must go on.
 */
#include <signal.h>
#include <stdio.h>
#include <sys/mman.h>
#include <sys/sysinfo.h>
#include <sys/wait.h>
#include <unistd.h>

#include "repro.h"

#define MIB (1024ul * 1024ul)

static void touch(char *p, unsigned long len)
{
	for (unsigned long i = 0; i < len; i += 4096)
		p[i] = 1;
}

int main(void)
{
	struct sysinfo si;
	if (sysinfo(&si)) {
		repro_done("oom_kills_init", 0, "sysinfo failed");
		return 0;
	}
	unsigned long free_bytes = si.freeram * si.mem_unit;
	if (free_bytes < 64 * MIB) {
		repro_done("oom_kills_init", 0, "less than 64 MiB free");
		return 0;
	}
	int ready[2];
	if (pipe(ready)) {
		repro_done("oom_kills_init", 0, "pipe failed");
		return 0;
	}
	pid_t child = fork();
	if (child == 0) {
		unsigned long len = free_bytes - 8 * MIB; /* leaves less than init touches below */
		char *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (p == MAP_FAILED)
			_exit(2);
		touch(p, len);
		(void)write(ready[1], "r", 1);
		for (;;)
			pause();
	}
	char c;
	if (child < 0 || read(ready[0], &c, 1) != 1) {
		kill(child, SIGKILL);
		repro_done("oom_kills_init", 0, "the child could not fill memory");
		return 0;
	}
	unsigned long len = 48 * MIB;
	char *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED) {
		kill(child, SIGKILL);
		repro_done("oom_kills_init", 0, "mmap failed");
		return 0;
	}
	touch(p, len); /* runs out of memory part-way: the child goes, init goes on */
	int st = 0;
	pid_t w = 0;
	for (int i = 0; i < 200 && w == 0; i++) /* the child may still be on its way out */
		if ((w = waitpid(child, &st, WNOHANG)) == 0)
			usleep(10000);
	int ok = w == child && WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL;
	if (!ok)
		kill(child, SIGKILL);
	repro_done("oom_kills_init", ok, ok ? NULL : "the child was not killed");
	return 0;
}
