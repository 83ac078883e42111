/*
 * kt.h — the tiny KTAP harness every user-space regression program links against.
 *
 * A program is one group of cases (one syscall family). It lists its cases in a table and calls
 * kt_main(), which prints a nested KTAP subtest (indented four spaces, headed by
 * `# Subtest: <libc>.<group>`) and runs every case in its own forked child under an alarm()
 * watchdog, so a crash or a hang fails that case only. A case passes by returning; the CHECK
 * macros print a diagnostic and end the child with status 1 on the first failed assertion.
 * The program exits 0 when every case passed, 1 otherwise; the init script prints the
 * top-level result line from that status.
 *
 * Built twice from the same source (musl-gcc -static and gcc -static); KT_LIBC names the build
 * ("musl" or "glibc") so case names are the same in both builds but their groups differ.
 */
#ifndef KT_H
#define KT_H

#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

#ifndef KT_LIBC
#error "build with -DKT_LIBC=\"musl\" or -DKT_LIBC=\"glibc\""
#endif

struct kt_case {
	const char *name;
	void (*fn)(void);
};

#define KT_CASES_END { NULL, NULL }

/* Runs the cases of one group; returns the process exit status (0 = all passed). */
int kt_main(const char *group, const struct kt_case *cases);

/* Prints `    # ...` (a KTAP diagnostic at the subtest's indent); async-signal-safe. */
void kt_diag(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Ends the current case as failed, after a diagnostic naming the source line. */
void kt_fail(const char *file, int line, const char *fmt, ...)
	__attribute__((noreturn, format(printf, 3, 4)));

/* An address no process has mapped: syscalls given it must fail with EFAULT. */
#define KT_BAD_PTR ((void *)0x10)

/* The uid/gid unprivileged cases drop to (Debian's `nobody`/`nogroup`). */
#define KT_NOBODY 65534

/* In a forked child: setgroups(0)/setgid/setuid to nobody; fails the case if it cannot. */
void kt_drop_privileges(void);

/* A case's child (or a helper program it runs) whose check met an injected failure exits
 * with this status (kt_fail and kt_child_exit do it in failure-injection mode). */
#define KT_EXIT_ENOMEM 75

/* For a child reaped without kt_wait: in failure-injection mode, ends the case as skipped
 * when `status` is KT_EXIT_ENOMEM's. */
void kt_skip_if_child_injected(int pid, int status);

/* Waits for pid and returns its raw wait status; fails the case if waitpid fails. A child
 * that ended with kt_child_exit's injected-failure status ends the case as skipped. */
int kt_wait(int pid);

/* In a case's child whose failure reaches the case only through its exit status (an execve
 * that did not happen, a helper's setup call): exits with `status`, except in
 * failure-injection mode when errno is how an injected failure shows (ENOMEM, EAGAIN): then
 * with the status kt_wait turns into "skipped by injection". Never a pass: the case still
 * sees a failure in a normal run. */
void kt_child_exit(int status) __attribute__((noreturn));

/* In failure-injection mode only: when `cond` holds, ends the case as skipped by injection,
 * with `why` as its diagnostic. For a result that an allocation failure gives without an
 * errno at the check (a short write, a queue cut short); `cond` must be something a correct
 * kernel shows only when an allocation failed. Does nothing in a normal run. */
void kt_skip_if_injected(int cond, const char *why);

/* fork() for a case's helpers that cannot go on without their child: as fork, except that
 * in failure-injection mode a fork that fails with ENOMEM or EAGAIN ends the calling process
 * as kt_child_exit does (a case's own process: skipped by injection). */
int kt_fork(void);

/* Makes a fresh empty directory under /tmp for this case and chdir()s into it. */
void kt_tmpdir(void);

#define CHECK(cond)                                                          \
	do {                                                                 \
		if (!(cond))                                                 \
			kt_fail(__FILE__, __LINE__, "CHECK(%s) (errno %d %s)", #cond, \
				errno, strerror(errno));                      \
	} while (0)

/* expr must equal want (both read as long). */
#define CHECK_EQ(expr, want)                                                 \
	do {                                                                 \
		long kt_got_ = (long)(expr), kt_want_ = (long)(want);        \
		if (kt_got_ != kt_want_)                                     \
			kt_fail(__FILE__, __LINE__, "%s == %ld, want %ld (errno %d %s)", #expr, \
				kt_got_, kt_want_, errno, strerror(errno));   \
	} while (0)

/* expr must fail: return -1 with errno == err. */
#define CHECK_ERR(expr, err)                                                 \
	do {                                                                 \
		errno = 0;                                                   \
		long kt_got_ = (long)(expr);                                 \
		int kt_errno_ = errno;                                       \
		if (kt_got_ != -1 || kt_errno_ != (err))                     \
			kt_fail(__FILE__, __LINE__, "%s returned %ld errno %d (%s), want -1 errno %d (%s)", \
				#expr, kt_got_, kt_errno_, strerror(kt_errno_), (err), strerror(err)); \
	} while (0)

/* expr must succeed (not return -1); evaluates to its value. */
#define CHECK_OK(expr)                                                       \
	({                                                                   \
		errno = 0;                                                   \
		long kt_v_ = (long)(expr);                                   \
		if (kt_v_ == -1)                                             \
			kt_fail(__FILE__, __LINE__, "%s failed: errno %d (%s)", #expr, errno, \
				strerror(errno));                             \
		kt_v_;                                                       \
	})

/* A pthread-style call (it returns 0 or an errno number, errno untouched) must return 0;
 * on failure errno is set to what it returned, so an injected EAGAIN is seen as one. */
#define CHECK_PT(expr)                                                       \
	do {                                                                 \
		int kt_e_ = (expr);                                          \
		if (kt_e_ != 0) {                                            \
			errno = kt_e_;                                       \
			kt_fail(__FILE__, __LINE__, "%s returned %d (%s)", #expr, kt_e_, \
				strerror(kt_e_));                             \
		}                                                            \
	} while (0)

/* Two byte ranges must be equal. */
#define CHECK_MEM(a, b, len)                                                 \
	do {                                                                 \
		if (memcmp((a), (b), (len)) != 0)                            \
			kt_fail(__FILE__, __LINE__, "memcmp(%s, %s, %zu) != 0", #a, #b, (size_t)(len)); \
	} while (0)

#define CHECK_STR(a, b)                                                      \
	do {                                                                 \
		const char *kt_a_ = (a), *kt_b_ = (b);                       \
		if (strcmp(kt_a_, kt_b_) != 0)                               \
			kt_fail(__FILE__, __LINE__, "%s is \"%s\", want \"%s\"", #a, kt_a_, kt_b_); \
	} while (0)

#endif
