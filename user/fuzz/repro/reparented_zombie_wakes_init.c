/*
 * reparented_zombie_wakes_init — found by make test-abi-fault (a failed case's helpers stayed
 * as zombies: process_cache +8 after sockets.stress_clients_round_trips, whose clients exited
 * before the case process that forked them). When a process exits, its children go to init;
 * Linux notifies init for each child that is a zombie already (SIGCHLD, and its wait wakes:
 * kernel/exit.c, reparent_leader). Trellis moved them without a word, so an init blocked in
 * wait() (busybox sh waiting for its foreground job) never reaped them: they stayed zombies.
 *
 * As init: K (which lives 1.5 s) forks C, C forks G, G exits at once (a zombie of C), C exits
 * 200 ms later and K reaps it, so G goes to init while init sleeps in wait() and K is alive.
 * Init must reap G long before K (Linux: at once); Trellis woke it only when K ended.
 */
#include <errno.h>
#include <signal.h>
#include <sys/wait.h>
#include <time.h>

#include "repro.h"

static volatile sig_atomic_t chld;

static void on_alarm(int sig)
{
	(void)sig;
}

static void on_chld(int sig)
{
	(void)sig;
	chld++;
}

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000 };
	nanosleep(&ts, NULL);
}

int main(void)
{
	struct sigaction sa = { .sa_handler = on_alarm };
	sigaction(SIGALRM, &sa, NULL); /* no SA_RESTART: a wait that never returns gets EINTR */
	struct sigaction sc = { .sa_handler = on_chld, .sa_flags = SA_RESTART };
	sigaction(SIGCHLD, &sc, NULL);
	pid_t k = fork();
	if (k == 0) {
		pid_t c = fork();
		if (c == 0) {
			if (fork() == 0)
				_exit(7); /* G */
			sleep_ms(200); /* G is a zombie of C by now */
			_exit(0);
		}
		waitpid(c, NULL, 0);
		sleep_ms(1500);
		_exit(0);
	}
	int reaped = 0, g_first = 0, g_status = -1;
	alarm(10);
	while (reaped < 2) {
		int st;
		pid_t w = wait(&st);
		if (w < 0)
			break;
		if (w != k) {
			g_first = reaped == 0;
			g_status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
		}
		reaped++;
	}
	alarm(0);
	char why[128];
	snprintf(why, sizeof why, "reaped %d of 2, the orphaned zombie %s (exit %d); SIGCHLD %d times",
		 reaped, g_first ? "first" : "only after its grandparent ended", g_status, (int)chld);
	repro_done("reparented_zombie_wakes_init", reaped == 2 && g_first && g_status == 7 &&
		   chld >= 2, why);
	return 0;
}
