/*
 * Items about processes: creating and reaping them (fork+exit, fork+execve of the smallest
 * static program and of `/bin/sh -c exit`) and switching between two of them. Each run_*
 * performs `n` operations and returns the nanoseconds they took, or -errno.
 */
#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bench.h"
#include "items.h"

static char *const nop_argv[] = { BENCH_NOP, NULL };
static char *const sh_argv[] = { "/bin/sh", "-c", "exit", NULL };
static char *const nop_dyn_argv[] = { BENCH_NOP_DYN, NULL };
static char *const empty_envp[] = { NULL };

/* Forks a child that runs `argv` (or exits at once when argv is NULL) and reaps it. */
static int spawn_and_wait(char *const *argv)
{
	int status;
	pid_t pid = fork();

	if (pid < 0)
		return -errno;
	if (pid == 0) {
		if (argv)
			execve(argv[0], argv, empty_envp);
		_exit(argv ? 127 : 0);
	}
	if (waitpid(pid, &status, 0) != pid)
		return -errno;
	return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : -ECHILD;
}

static int64_t run_spawns(long n, char *const *argv)
{
	int64_t t0 = bench_now_ns();

	for (long i = 0; i < n; i++) {
		int rc = spawn_and_wait(argv);

		if (rc < 0)
			return rc;
	}
	return bench_now_ns() - t0;
}

int64_t run_fork_exit(long n)
{
	return run_spawns(n, NULL);
}

int64_t run_fork_exec(long n)
{
	return run_spawns(n, nop_argv);
}

int64_t run_fork_sh(long n)
{
	return run_spawns(n, sh_argv);
}

int64_t run_fork_exec_dyn(long n)
{
	return run_spawns(n, nop_dyn_argv);
}

/*
 * Context switch: two processes share one page holding whose turn it is. Each waits for its
 * turn by calling sched_yield(), so on one CPU every hand-off is one yield plus one switch to
 * the other process. A kernel whose sched_yield() does not switch pays for it in spinning, so
 * the figure cannot be flattered by a yield that does nothing.
 */
struct ctx_shared {
	int turn; /* 0: parent's turn, 1: child's */
	int stop;
};

static struct ctx_shared *ctx;
static pid_t ctx_child = -1;

int proc_setup_ctxsw(void)
{
	void *p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		return -errno;
	ctx = p;
	ctx->turn = 0;
	ctx->stop = 0;
	ctx_child = fork();
	if (ctx_child < 0) {
		int err = -errno;

		munmap(p, 4096);
		return err;
	}
	if (ctx_child == 0) {
		for (;;) {
			while (__atomic_load_n(&ctx->turn, __ATOMIC_ACQUIRE) != 1) {
				if (__atomic_load_n(&ctx->stop, __ATOMIC_ACQUIRE))
					_exit(0);
				sched_yield();
			}
			__atomic_store_n(&ctx->turn, 0, __ATOMIC_RELEASE);
		}
	}
	return 0;
}

void proc_teardown_ctxsw(void)
{
	if (ctx_child > 0) {
		__atomic_store_n(&ctx->stop, 1, __ATOMIC_RELEASE);
		waitpid(ctx_child, NULL, 0);
	}
	ctx_child = -1;
	munmap(ctx, 4096);
}

/* `n` hand-offs: n/2 rounds of parent -> child -> parent. */
int64_t run_ctxsw(long n)
{
	long rounds = n / 2 > 0 ? n / 2 : 1;
	int64_t t0 = bench_now_ns();

	for (long i = 0; i < rounds; i++) {
		__atomic_store_n(&ctx->turn, 1, __ATOMIC_RELEASE);
		while (__atomic_load_n(&ctx->turn, __ATOMIC_ACQUIRE) == 1)
			sched_yield();
	}
	return (bench_now_ns() - t0) * n / (rounds * 2);
}
