/*
 * worker.c — one fuzzing process: random system calls until its slice ends, from the main
 * thread and (when the kernel has threads) a few more, then its statistics to the supervisor.
 *
 * The calls go through fz_raw_syscall (no libc wrapper, no errno: a fuzzed arch_prctl that
 * moves the TLS base must not crash libc). A child created by a fuzzed fork/vfork/clone/clone3
 * exits at once inside the same asm block, before touching its stack, which it may share with
 * its parent. With -v every call is printed to the console before it is made, so the last line
 * before a kernel crash names the call.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "fuzz.h"

long fz_raw_syscall(long nr, long a0, long a1, long a2, long a3, long a4, long a5)
{
	register long r10 __asm__("r10") = a3;
	register long r8 __asm__("r8") = a4;
	register long r9 __asm__("r9") = a5;
	long forks = nr == SYS_fork || nr == SYS_vfork || nr == SYS_clone || nr == SYS_clone3;
	long ret;
	__asm__ volatile("syscall\n\t"
			 "test %[forks], %[forks]\n\t"
			 "jz 1f\n\t"
			 "test %%rax, %%rax\n\t"
			 "jnz 1f\n\t"
			 "mov $60, %%eax\n\t" /* the new child: exit(0) at once */
			 "xor %%edi, %%edi\n\t"
			 "syscall\n\t"
			 "ud2\n"
			 "1:"
			 : "=a"(ret)
			 : "a"(nr), "D"(a0), "S"(a1), "d"(a2), "r"(r10), "r"(r8), "r"(r9),
			   [forks] "r"(forks)
			 : "rcx", "r11", "memory");
	return ret;
}

uint64_t fz_now_ns(void)
{
	struct timespec ts;
	if (fz_raw_syscall(SYS_clock_gettime, CLOCK_MONOTONIC, (long)&ts, 0, 0, 0, 0))
		return 0;
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

void fz_print(int fd, const char *fmt, ...)
{
	char buf[512];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	if (n > (int)sizeof buf - 1)
		n = (int)sizeof buf - 1;
	if (n > 0)
		fz_raw_syscall(SYS_write, fd, (long)buf, n, 0, 0, 0);
}

static const struct fz_worker_cfg *wcfg;

/* Events go to the supervisor as they happen, a buffer per thread, each flush one write of at
 * most PIPE_BUF bytes (atomic), so a worker that is killed or crashes loses at most a buffer. */
struct evbuf {
	uint32_t n;
	uint32_t ev[FZ_EV_BATCH];
};

static void flush(struct evbuf *b)
{
	const char *p = (const char *)b->ev;
	long left = (long)(b->n * sizeof b->ev[0]);
	while (left > 0) {
		long n = fz_raw_syscall(SYS_write, FZ_STATS_FD, (long)p, left, 0, 0, 0);
		if (n <= 0 && n != -EINTR)
			break; /* the supervisor is gone, or a fuzzed call broke the pipe */
		if (n > 0) {
			p += n;
			left -= n;
		}
	}
	b->n = 0;
}

static void emit(struct evbuf *b, uint32_t ev)
{
	b->ev[b->n++] = ev;
	if (b->n == FZ_EV_BATCH)
		flush(b);
}

static void record(struct evbuf *b, int nr, long ret)
{
	int slot = nr >= 0 && nr < FZ_NR_MAX ? nr : FZ_NR_BAD;
	unsigned bit = 0;
	if (ret < 0 && ret >= -4095)
		bit = (unsigned)-ret <= FZ_ERRNO_MAX ? (unsigned)-ret : FZ_ERRNO_MAX;
	emit(b, FZ_EV_CALL(slot, bit));
	fz_nr_result(nr, ret);
}

/*
 * Known open bugs the run steers around (-k), each with its reproducer in user/fuzz/repro/,
 * so that a short run still tests everything else. Remove an entry when its bug is fixed.
 * None today: munmap_huge_range_hang and fork_huge_region_hang were fixed by the VM's range
 * walks, orphaned_pgrp_stop_signals by orphaned process groups (issue #19); their reproducers
 * are regression tests in make test.
 */
static void avoid_known(int nr, uint64_t a[6])
{
	(void)nr;
	(void)a;
}

static void fuzz_loop(struct fz_thread *t, int tid)
{
	static __thread struct evbuf buf;
	uint64_t n = 0;
	for (;;) {
		if ((n++ & 15) == 0 && fz_now_ns() >= wcfg->deadline_ns) {
			flush(&buf);
			return;
		}
		int nr = fz_pick_nr(t);
		const char *shape = nr >= 0 && nr < FZ_NR_MAX ? fz_calls[nr].args : NULL;
		uint64_t a[6];
		for (int i = 0; i < 6; i++) {
			char kind = shape ? (i < (int)strlen(shape) ? shape[i] : '-') : 0;
			a[i] = kind == '-' ? (fz_below(&t->rng, 4) ? 0 : fz_rand(&t->rng)) :
					     fz_arg(t, kind, nr);
		}
		if (wcfg->avoid_known)
			avoid_known(nr, a);
		if (wcfg->verbose == 1)
			fz_print(FZ_LOG_FD, "fz w%d.%d #%llu: %s(%d) %llx %llx %llx %llx %llx %llx\n",
				 wcfg->slot, tid, (unsigned long long)n,
				 nr >= 0 && nr < FZ_NR_MAX && fz_calls[nr].name ? fz_calls[nr].name : "?",
				 nr, (unsigned long long)a[0], (unsigned long long)a[1],
				 (unsigned long long)a[2], (unsigned long long)a[3],
				 (unsigned long long)a[4], (unsigned long long)a[5]);
		if (wcfg->stop_after && n > wcfg->stop_after) {
			flush(&buf);
			fz_raw_syscall(SYS_pause, 0, 0, 0, 0, 0, 0);
			continue;
		}
		if (n >= wcfg->skip_lo && n <= wcfg->skip_hi)
			continue;
		long ret = fz_raw_syscall(nr, (long)a[0], (long)a[1], (long)a[2], (long)a[3],
					  (long)a[4], (long)a[5]);
		if (wcfg->verbose == 1)
			fz_print(FZ_LOG_FD, "fz w%d.%d #%llu: = %ld\n", wcfg->slot, tid,
				 (unsigned long long)n, ret);
		else if (wcfg->verbose == 2 && ret > 0 &&
			 (nr == SYS_fork || nr == SYS_vfork || nr == SYS_clone || nr == SYS_clone3))
			fz_print(FZ_LOG_FD, "fz w%d.%d: %s(%llx, %llx, %llx, %llx, %llx) = %ld\n",
				 wcfg->slot, tid, fz_calls[nr].name, (unsigned long long)a[0],
				 (unsigned long long)a[1], (unsigned long long)a[2],
				 (unsigned long long)a[3], (unsigned long long)a[4], ret);
		record(&buf, nr, ret);
		struct fz_pools *p = t->pools;
		if ((nr == SYS_fork || nr == SYS_vfork || nr == SYS_clone) && ret > 0 &&
		    p->nchildren < 16)
			p->children[p->nchildren++] = ret;
		/* Reap the children fuzzed forks made, now and then (zombies are memory). */
		if ((n & 63) == 0)
			while (fz_raw_syscall(SYS_wait4, -1, 0, WNOHANG, 0, 0, 0) > 0)
				;
	}
}

struct thread_arg {
	struct fz_thread t;
	int tid;
};

static void *thread_main(void *arg)
{
	struct thread_arg *ta = arg;
	fuzz_loop(&ta->t, ta->tid);
	return NULL;
}

static void on_alarm(int sig)
{
	(void)sig; /* only there to interrupt a blocking call (no SA_RESTART) */
}

__attribute__((noreturn)) static void end_worker(void)
{
	fz_raw_syscall(SYS_exit_group, 0, 0, 0, 0, 0, 0);
	__builtin_unreachable();
}

void fz_worker_main(const struct fz_worker_cfg *cfg, struct fz_pools *pools)
{
	static struct thread_arg targ[8];
	wcfg = cfg;
	setpgid(0, 0);
	int null = open("/dev/null", O_RDWR);
	if (null >= 0) {
		dup2(null, 0);
		dup2(null, 1);
		dup2(null, 2);
		close(null);
	}
	if (fz_pools_worker(pools, cfg->slot))
		end_worker();
	/* A 20 ms interval timer turns most blocking calls into EINTR, so a worker does not spend
	 * its slice asleep (a fuzzed sigaction, mask or setitimer can undo this; the supervisor
	 * then kills the worker at its deadline). */
	struct sigaction sa = { .sa_handler = on_alarm };
	sigaction(SIGALRM, &sa, NULL);
	struct itimerval it = { { 0, 20000 }, { 0, 20000 } };
	setitimer(ITIMER_REAL, &it, NULL);
	uint32_t threads = 1;
	int thread_err = 0;
	int nthreads = cfg->threads < 8 ? cfg->threads : 8;
	for (int i = 1; i < nthreads; i++) {
		targ[i].tid = i;
		targ[i].t = (struct fz_thread){ .rng = fz_mix(cfg->seed, 1000 + (uint64_t)i, 0),
						 .pools = pools, .arena = pools->arena + 2048 * i };
		pthread_t th;
		int err = pthread_create(&th, NULL, thread_main, &targ[i]);
		if (err) {
			thread_err = err;
			break;
		}
		threads++;
	}
	static struct evbuf info;
	emit(&info, FZ_EV_INFO(FZ_INFO_THREADS, threads));
	if (thread_err)
		emit(&info, FZ_EV_INFO(FZ_INFO_THREAD_ERR, (uint32_t)thread_err));
	flush(&info);
	struct fz_thread main_t = { .rng = cfg->seed, .pools = pools, .arena = pools->arena };
	fuzz_loop(&main_t, 0);
	while (fz_raw_syscall(SYS_wait4, -1, 0, WNOHANG, 0, 0, 0) > 0)
		;
	end_worker();
}
