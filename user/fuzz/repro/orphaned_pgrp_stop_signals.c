/*
 * orphaned_pgrp_stop_signals — found by user/fuzz (seed 7, worker seed 18190707166209427379:
 * "lost" processes after every long run). A fuzzing worker runs in its own process group, and
 * its parent is init, so the group is orphaned (POSIX: no member has a parent in another group
 * of the session; init does not count). Linux then
 *   (a) discards the terminal stop signals SIGTSTP, SIGTTIN and SIGTTOU sent to its members
 *       (they would stop a job nobody can continue), and
 *   (b) when a process exits and leaves such a group with a stopped member (SIGSTOP still
 *       stops), sends the group SIGHUP then SIGCONT (kernel/exit.c, kill_orphaned_pgrp).
 * On Trellis a fuzzed kill(child, SIGTTIN) stopped the child and it stayed stopped for ever.
 */
#include <signal.h>
#include <sys/wait.h>
#include <time.h>

#include "repro.h"

static void on_alarm(int sig)
{
	(void)sig;
}

static void sleep_ms(long ms)
{
	struct timespec ts = { 0, ms * 1000000 };
	nanosleep(&ts, NULL);
}

/* (a): the worker's exit status says whether SIGTTIN stopped its child (1) or not (0). */
static int ttin_is_discarded(void)
{
	pid_t w = fork();
	if (w == 0) {
		setpgid(0, 0);
		pid_t c = fork();
		if (c == 0)
			for (;;)
				pause();
		kill(c, SIGTTIN);
		sleep_ms(200);
		int st = 0;
		pid_t r = waitpid(c, &st, WUNTRACED | WNOHANG);
		kill(c, SIGKILL);
		waitpid(c, NULL, 0);
		_exit(r == c && WIFSTOPPED(st) ? 1 : 0);
	}
	int st = 0;
	alarm(5);
	pid_t r = waitpid(w, &st, 0);
	alarm(0);
	if (r != w) {
		kill(-w, SIGKILL);
		return 0;
	}
	return WIFEXITED(st) && WEXITSTATUS(st) == 0;
}

/* (b): a child stopped by SIGSTOP, then its parent exits: the child must die of SIGHUP. */
static int stopped_orphan_is_hupped(void)
{
	pid_t w = fork();
	if (w == 0) {
		setpgid(0, 0);
		pid_t c = fork();
		if (c == 0)
			for (;;)
				pause();
		kill(c, SIGSTOP);
		int st;
		waitpid(c, &st, WUNTRACED);
		_exit(0);
	}
	int reaped = 0, hupped = 0;
	alarm(5);
	while (reaped < 2) {
		int st = 0;
		pid_t p = waitpid(-1, &st, 0);
		if (p < 0)
			break; /* EINTR (the watchdog) */
		reaped++;
		if (p != w && WIFSIGNALED(st) && WTERMSIG(st) == SIGHUP)
			hupped = 1;
	}
	alarm(0);
	if (reaped < 2) {
		kill(-w, SIGKILL);
		while (waitpid(-1, NULL, WNOHANG) > 0)
			;
	}
	return reaped == 2 && hupped;
}

int main(void)
{
	struct sigaction sa = { .sa_handler = on_alarm };
	sigaction(SIGALRM, &sa, NULL);
	int a = ttin_is_discarded();
	int b = stopped_orphan_is_hupped();
	repro_done("orphaned_pgrp_stop_signals", a && b,
		   !a ? "SIGTTIN stopped a member of an orphaned process group" :
		   !b ? "a stopped member of a group orphaned by an exit got no SIGHUP" : NULL);
	return 0;
}
