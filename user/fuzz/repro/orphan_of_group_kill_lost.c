/*
 * orphan_of_group_kill_lost — found by user/fuzz (seed 4, pid 150 lost): a process forks a
 * child that exits at once, then signals its own process group with a fatal signal
 * (kill(0, SIGRTMIN+21)). Both must end, and init must be able to reap the child (orphans are
 * re-parented to init). Repeated, because it depends on who runs first.
 */
#include <errno.h>
#include <signal.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>

#include "repro.h"

static void on_alarm(int sig)
{
	(void)sig;
}

int main(void)
{
	struct sigaction sa = { .sa_handler = on_alarm };
	sigaction(SIGALRM, &sa, NULL);
	int lost = 0, rounds = 50;
	for (int i = 0; i < rounds && !lost; i++) {
		pid_t p = fork();
		if (p == 0) {
			setpgid(0, 0);
			if (fork() == 0)
				syscall(SYS_exit, 0);
			kill(0, 55);
			_exit(1);
		}
		/* Reap p and its child (ours once re-parented), 5 s at most. */
		int reaped = 0;
		alarm(5);
		while (reaped < 2) {
			pid_t w = waitpid(-1, NULL, 0);
			if (w < 0)
				break; /* EINTR (the watchdog) or ECHILD */
			reaped++;
		}
		alarm(0);
		if (reaped < 2)
			lost = 1;
		if (lost && getpid() == 1)
			printf("round %d: reaped %d of 2 processes\n", i, reaped);
	}
	repro_done("orphan_of_group_kill_lost", !lost, lost ? "a process was not reaped within 5 s" : NULL);
	return 0;
}
