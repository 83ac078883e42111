/*
 * host/port.c — the host port of the safe-C library: the few hooks the library needs from
 * its environment, implemented over libc and pthreads so that framework library code and
 * service logic build and run in an ordinary Linux process (under ASan, UBSan, libFuzzer).
 *
 *   fw_lib_fail      print the broken invariant and abort() (ASan/UBSan print the stack);
 *                    a test may instead catch it (host_expect_fail), see host/port.h
 *   fw_lib_warn      print and count
 *   __fw_lib_alloc   calloc (zeroed, like the kernel's typed heap), with an injectable
 *                    failure countdown so tests can exercise -ENOMEM paths
 *   __fw_lock_owner  the address of a thread-local, unique per thread
 */
#include <pthread.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>

#include <fw/libbase.h>
#include <fw/typecache.h>

#include "port.h"

static _Thread_local jmp_buf *fail_catch;
static _Thread_local int fail_caught;
static uint64_t warn_count;
static long alloc_fail_after = -1; /* -1: never fail */
static long live_allocs;

void fw_lib_fail(struct str what, struct str file, int line)
{
	if (fail_catch) {
		jmp_buf *j = fail_catch;
		fail_catch = NULL;
		fail_caught++;
		longjmp(*j, 1);
	}
	fprintf(stderr, "FW_CHECK failed: %.*s (%.*s:%d)\n", (int)what.len, what.ptr,
		(int)file.len, file.ptr, line);
	fflush(NULL);
	abort();
}

void host_fail_catch_set(jmp_buf *j)
{
	fail_catch = j;
}

int host_fail_caught(void)
{
	return fail_caught;
}

void fw_lib_warn(struct str what, struct str file, int line)
{
	__atomic_fetch_add(&warn_count, 1, __ATOMIC_RELAXED);
	if (getenv("FW_HOST_QUIET_WARN") == NULL)
		fprintf(stderr, "# warning: %.*s (%.*s:%d)\n", (int)what.len, what.ptr,
			(int)file.len, file.ptr, line);
}

uint64_t fw_lib_warn_count(void)
{
	return __atomic_load_n(&warn_count, __ATOMIC_RELAXED);
}

void *__fw_lib_alloc(const struct type_info *t, size_t count)
{
	size_t bytes;
	if (fw_mul_overflow(t->size, count, &bytes))
		return NULL;
	if (__atomic_load_n(&alloc_fail_after, __ATOMIC_RELAXED) >= 0 &&
	    __atomic_fetch_sub(&alloc_fail_after, 1, __ATOMIC_RELAXED) == 0)
		return NULL;
	void *p = calloc(1, bytes ? bytes : 1);
	if (p)
		__atomic_fetch_add(&live_allocs, 1, __ATOMIC_RELAXED);
	return p;
}

void __fw_lib_free(const struct type_info *t, void *p)
{
	(void)t;
	if (!p)
		return;
	__atomic_fetch_sub(&live_allocs, 1, __ATOMIC_RELAXED);
	free(p);
}

void host_alloc_fail_after(long n)
{
	__atomic_store_n(&alloc_fail_after, n, __ATOMIC_RELAXED);
}

long host_live_allocs(void)
{
	return __atomic_load_n(&live_allocs, __ATOMIC_RELAXED);
}

static _Thread_local char owner_token;

uintptr_t __fw_lock_owner(void)
{
	return (uintptr_t)&owner_token;
}
