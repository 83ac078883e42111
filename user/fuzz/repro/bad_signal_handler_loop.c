/*
 * bad_signal_handler_loop — found by user/fuzz (seed 4: a "lost" process, alive after the run):
 * a process whose SIGSEGV handler is an unmapped address, and that then faults, must die of
 * SIGSEGV (Linux: the fault in the handler comes while SIGSEGV is blocked, so the kernel
 * forces the default action). On Trellis the delivery repeats for ever and the process spins.
 * Likewise with SA_NODEFER, where Linux ends the process once the signal frames exhaust the
 * stack.
 */
#include <signal.h>
#include <string.h>
#include <sys/wait.h>

#include "repro.h"

static int child_dies_of_sigsegv(int flags)
{
	pid_t c = fork();
	if (c == 0) {
		struct sigaction sa;
		memset(&sa, 0, sizeof sa);
		sa.sa_handler = (void (*)(int))0x1000; /* unmapped */
		sa.sa_flags = flags;
		sigaction(SIGSEGV, &sa, NULL);
		volatile int *volatile bad = 0;
		*bad = 1;
		_exit(0);
	}
	/* The parent's watchdog: SIGALRM ends the test as a failure after 5 s. */
	alarm(5);
	int st = 0;
	pid_t w = waitpid(c, &st, 0);
	alarm(0);
	if (w != c) {
		kill(c, SIGKILL);
		waitpid(c, NULL, 0);
		return 0;
	}
	return WIFSIGNALED(st) && WTERMSIG(st) == SIGSEGV;
}

static void on_alarm(int sig)
{
	(void)sig;
}

int main(void)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_alarm; /* no SA_RESTART: the waitpid returns EINTR */
	sigaction(SIGALRM, &sa, NULL);
	int a = child_dies_of_sigsegv(0);
	int b = child_dies_of_sigsegv(SA_NODEFER);
	repro_done("bad_signal_handler_loop", a && b,
		   a ? (b ? NULL : "SA_NODEFER: the child did not die of SIGSEGV within 5 s") :
		       "the child did not die of SIGSEGV within 5 s");
	return 0;
}
