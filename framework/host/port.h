/*
 * host/port.h — test controls of the host port (framework/host/port.c); host tests and
 * fuzzers only, never part of the kernel API.
 */
#ifndef FW_HOST_PORT_H
#define FW_HOST_PORT_H

#include <setjmp.h>

/* host_fail_catch_set - make the next fw_lib_fail on this thread longjmp to `j` instead of
 * aborting (one shot). Used by HOST_EXPECT_FAIL to test that a check fires. */
void host_fail_catch_set(jmp_buf *j);
/* host_fail_caught - how many failures this thread caught so far. */
int host_fail_caught(void);
/* host_alloc_fail_after - let `n` more allocations succeed, then fail one (n < 0: never). */
void host_alloc_fail_after(long n);
/* host_live_allocs - allocations not yet freed (leak checks in tests). */
long host_live_allocs(void);

/* host_log_count / host_log_last - log lines (fw_warn & co.) this thread wrote so far, and
 * the text of the last one (without the level prefix). */
unsigned long host_log_count(void);
const char *host_log_last(void);

/* HOST_FAILS(stmt) - true when running `stmt` trips an FW_CHECK (caught, not aborted).
 * Objects `stmt` was changing may be left half-updated: tests discard them. */
#define HOST_FAILS(stmt)                                                                    \
	({                                                                                  \
		jmp_buf host__j;                                                            \
		int host__before = host_fail_caught();                                      \
		if (setjmp(host__j) == 0) {                                                 \
			host_fail_catch_set(&host__j);                                      \
			stmt;                                                               \
			host_fail_catch_set(NULL);                                          \
		}                                                                           \
		host_fail_caught() > host__before;                                          \
	})

#endif /* FW_HOST_PORT_H */
