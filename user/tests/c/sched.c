/*
 * sched.c — group `sched`: the scheduling calls through the raw system calls (both libcs
 * wrap them differently): sched_{get,set}affinity with Linux's length and mask rules (the
 * raw call returns the kernel mask's size), the affinity moving the caller and being
 * inherited across fork, getcpu inside the mask, the policy/parameter getters and their
 * EINVAL/ESRCH/EFAULT paths, sched_yield.
 */
#define _GNU_SOURCE
#include "kt.h"

#include <sched.h>
#include <stdint.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>

#define NO_SUCH_PID 0x7ffffff0

static long getaffinity(long pid, unsigned long len, void *mask)
{
	return syscall(SYS_sched_getaffinity, pid, len, mask);
}

static long setaffinity(long pid, unsigned long len, const void *mask)
{
	return syscall(SYS_sched_setaffinity, pid, len, mask);
}

static long raw_getcpu(unsigned *cpu, unsigned *node)
{
	return syscall(SYS_getcpu, cpu, node, NULL);
}

/* The caller's mask as one word (CPUs 0..63). */
static uint64_t my_mask(void)
{
	uint64_t m[16] = { 0 };
	CHECK_EQ(getaffinity(0, sizeof(m), m), 8);
	return m[0];
}

static void getaffinity_returns_kernel_mask_size(void)
{
	uint64_t m[16];
	memset(m, 0xff, sizeof(m));
	/* the raw call returns the bytes it wrote: the kernel's cpumask (8 with <= 64 CPUs) */
	CHECK_EQ(getaffinity(0, sizeof(m), m), 8);
	CHECK(m[0] != 0);
	CHECK(m[0] & 1);          /* CPU 0 is online everywhere the suites run */
	CHECK_EQ(m[1], ~0ull);    /* nothing written past the returned size */
	CHECK_EQ(getaffinity(getpid(), 8, m), 8);
}

static void getaffinity_errors(void)
{
	uint64_t m[2];
	CHECK_ERR(getaffinity(0, 0, m), EINVAL);
	CHECK_ERR(getaffinity(0, 4, m), EINVAL);  /* not a multiple of sizeof(long) */
	CHECK_ERR(getaffinity(0, 12, m), EINVAL);
	CHECK_ERR(getaffinity(0, 8, KT_BAD_PTR), EFAULT);
	CHECK_ERR(getaffinity(NO_SUCH_PID, 8, m), ESRCH);
	CHECK_ERR(getaffinity(-1, 8, m), ESRCH);
}

static void setaffinity_errors(void)
{
	uint64_t zero = 0, high = 1ull << 63;
	CHECK_ERR(setaffinity(0, 8, &zero), EINVAL);   /* no CPU at all */
	CHECK_ERR(setaffinity(0, 8, &high), EINVAL);   /* only a CPU that is not online */
	CHECK_ERR(setaffinity(0, 8, KT_BAD_PTR), EFAULT);
	uint64_t all = my_mask();
	CHECK_ERR(setaffinity(NO_SUCH_PID, 8, &all), ESRCH);
	CHECK_ERR(setaffinity(-1, 8, &all), ESRCH);
	CHECK_EQ(my_mask(), all); /* nothing changed */
}

static void setaffinity_moves_caller_and_fork_inherits(void)
{
	uint64_t all = my_mask();
	unsigned last = 63 - __builtin_clzll(all);
	uint64_t one = 1ull << last;
	CHECK_OK(setaffinity(0, 8, &one));
	CHECK_EQ(my_mask(), one);
	for (int i = 0; i < 50; i++) {
		unsigned cpu = ~0u;
		CHECK_OK(raw_getcpu(&cpu, NULL));
		CHECK_EQ(cpu, last);
		if (i % 10 == 0)
			sched_yield();
	}
	int pid = CHECK_OK(fork());
	if (pid == 0) {
		uint64_t m[1] = { 0 };
		unsigned cpu = ~0u;
		if (getaffinity(0, 8, m) != 8 || m[0] != one)
			_exit(1);
		if (raw_getcpu(&cpu, NULL) || cpu != last)
			_exit(2);
		_exit(0);
	}
	int st = kt_wait(pid);
	CHECK(WIFEXITED(st));
	CHECK_EQ(WEXITSTATUS(st), 0);
	/* a short mask: the bytes given, the rest zero */
	uint8_t first = 1;
	CHECK_OK(setaffinity(0, 1, &first));
	CHECK_EQ(my_mask(), 1);
	CHECK_OK(setaffinity(0, 8, &all));
	CHECK_EQ(my_mask(), all);
}

static void getcpu_is_inside_the_mask(void)
{
	uint64_t all = my_mask();
	unsigned cpu = ~0u, node = ~0u;
	CHECK_OK(raw_getcpu(&cpu, &node));
	CHECK(cpu < 64 && (all & (1ull << cpu)));
	CHECK_EQ(node, 0);
	CHECK_OK(raw_getcpu(NULL, NULL));
	CHECK_ERR(raw_getcpu(KT_BAD_PTR, NULL), EFAULT);
}

static void policy_and_param_getters(void)
{
	struct sched_param sp = { .sched_priority = 7 };
	CHECK_EQ(syscall(SYS_sched_getscheduler, 0), SCHED_OTHER);
	CHECK_EQ(syscall(SYS_sched_getscheduler, getpid()), SCHED_OTHER);
	CHECK_OK(syscall(SYS_sched_getparam, 0, &sp));
	CHECK_EQ(sp.sched_priority, 0);
	CHECK_ERR(syscall(SYS_sched_getscheduler, -1), EINVAL);
	CHECK_ERR(syscall(SYS_sched_getscheduler, NO_SUCH_PID), ESRCH);
	CHECK_ERR(syscall(SYS_sched_getparam, 0, NULL), EINVAL);
	CHECK_ERR(syscall(SYS_sched_getparam, -1, &sp), EINVAL);
	CHECK_ERR(syscall(SYS_sched_getparam, NO_SUCH_PID, &sp), ESRCH);
	CHECK_ERR(syscall(SYS_sched_getparam, 0, KT_BAD_PTR), EFAULT);
	CHECK_EQ(syscall(SYS_sched_get_priority_max, SCHED_FIFO), 99);
	CHECK_EQ(syscall(SYS_sched_get_priority_min, SCHED_FIFO), 1);
	CHECK_EQ(syscall(SYS_sched_get_priority_max, SCHED_RR), 99);
	CHECK_EQ(syscall(SYS_sched_get_priority_min, SCHED_RR), 1);
	CHECK_EQ(syscall(SYS_sched_get_priority_max, SCHED_OTHER), 0);
	CHECK_EQ(syscall(SYS_sched_get_priority_min, SCHED_OTHER), 0);
	CHECK_ERR(syscall(SYS_sched_get_priority_max, 42), EINVAL);
	CHECK_ERR(syscall(SYS_sched_get_priority_min, -1), EINVAL);
	struct timespec ts = { -1, -1 };
	CHECK_OK(syscall(SYS_sched_rr_get_interval, 0, &ts));
	CHECK(ts.tv_sec >= 0 && ts.tv_nsec >= 0 && ts.tv_nsec < 1000000000);
	CHECK_ERR(syscall(SYS_sched_rr_get_interval, NO_SUCH_PID, &ts), ESRCH);
	CHECK_ERR(syscall(SYS_sched_rr_get_interval, -1, &ts), EINVAL);
	CHECK_ERR(syscall(SYS_sched_rr_get_interval, 0, KT_BAD_PTR), EFAULT);
}

/* Two processes on one CPU, both yielding in a loop: every yield returns 0 and both finish
 * (the child's byte arrives through the pipe). */
static void yield_lets_a_process_on_the_same_cpu_run(void)
{
	uint64_t one = 1;
	CHECK_OK(setaffinity(0, 8, &one));
	int fds[2];
	CHECK_OK(pipe(fds));
	int pid = CHECK_OK(fork());
	if (pid == 0) {
		char c = 'x';
		for (int i = 0; i < 100; i++)
			sched_yield();
		_exit(write(fds[1], &c, 1) == 1 ? 0 : 1);
	}
	for (int i = 0; i < 100; i++)
		CHECK_OK(sched_yield());
	char c = 0;
	CHECK_EQ(read(fds[0], &c, 1), 1);
	CHECK_EQ(c, 'x');
	int st = kt_wait(pid);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
}

static const struct kt_case cases[] = {
	{ "getaffinity_returns_kernel_mask_size", getaffinity_returns_kernel_mask_size },
	{ "getaffinity_errors", getaffinity_errors },
	{ "setaffinity_errors", setaffinity_errors },
	{ "setaffinity_moves_caller_and_fork_inherits", setaffinity_moves_caller_and_fork_inherits },
	{ "getcpu_is_inside_the_mask", getcpu_is_inside_the_mask },
	{ "policy_and_param_getters", policy_and_param_getters },
	{ "yield_lets_a_process_on_the_same_cpu_run", yield_lets_a_process_on_the_same_cpu_run },
	KT_CASES_END
};

int main(void)
{
	return kt_main("sched", cases);
}
