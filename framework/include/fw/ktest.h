/*
 * fw/ktest.h — in-kernel unit tests, registered next to the code they test.
 *
 *     KTEST(clock, never_goes_back)
 *     {
 *             u64 a = fw_time_ns(), b = fw_time_ns();
 *             KT_EXPECT(kt, b >= a);
 *             KT_EXPECT_LE(kt, a, b);
 *     }
 *
 * Inside a test, `kt` names the running test's context; every KT_ macro takes it first.
 *
 * KTEST(suite, name) defines a test function and puts a descriptor into the `.ktest.*` sections;
 * the linker gathers them (sorted by suite, then name) and a boot with `ktest=all` on the command
 * line (or `ktest=SUITE` for one suite) runs them after framework init and prints KTAP, one
 * subtest group per suite, then reports to the host through QEMU's isa-debug-exit device and
 * powers off. `make run` never runs them.
 *
 * KT_EXPECT records a failure and continues; KT_ASSERT ends the test (the runner's recovery
 * point is resumed, no hidden `return`). A test that traps (an exception, a bounds/overflow
 * check, a kCFI violation, a panic, a stack overflow) is reported with the full trap report and
 * counted as failed; the runner then goes on with the next test. Tests that *expect* a trap run
 * the trapping code through ktest_expect_trap(), which returns what was caught.
 *
 * Context: tests run in task context on the boot CPU with interrupts enabled.
 */
#ifndef FW_KTEST_H
#define FW_KTEST_H

#include <fw/log.h>
#include <fw/types.h>

struct ktest_ctx; /* the running test's state; owned by the runner */

/* A test's descriptor: made only by KTEST() (its fields are private, so no service can hand
 * the runner a string that is not a literal). */
struct ktest {
	const char *suite FW_PRIVATE;
	const char *name FW_PRIVATE;
	void (*fn)(struct ktest_ctx *kt) FW_PRIVATE;
	const char *file FW_PRIVATE;
	u32 line FW_PRIVATE;
};

#define KTEST(suite, name)                                                                 \
	static void ktest_fn_##suite##__##name(struct ktest_ctx *kt);                      \
	__attribute__((used, section(".ktest." #suite "." #name), aligned(8)))             \
	static const struct ktest ktest_desc_##suite##__##name = {                         \
		#suite, #name, ktest_fn_##suite##__##name, __FILE__, __LINE__};            \
	static void ktest_fn_##suite##__##name(struct ktest_ctx *kt)

enum ktest_on_fail {
	KTEST_CONTINUE,
	KTEST_STOP,
};

/*
 * ktest_check - record the outcome of one expectation.
 * Needs: `kt` the running test's context; `what` and `file` literals (from the KT_ macros).
 * Guarantees: on failure prints a diagnostic and marks the test failed; with KTEST_STOP a
 *             failure does not return (the test ends).
 * Context: inside a running ktest.
 */
void ktest_check(struct ktest_ctx *kt, bool ok, struct str what, struct str file, u32 line,
		 enum ktest_on_fail on_fail);

/* As ktest_check, for `a OP b` comparisons: prints both values on failure. */
void ktest_check_cmp(struct ktest_ctx *kt, bool ok, struct fmt_arg a, struct fmt_arg b,
		     struct str what, struct str file, u32 line, enum ktest_on_fail on_fail);

#define KT_EXPECT(kt, cond)                                                                \
	ktest_check((kt), (cond), STR(#cond), STR(__FILE__), __LINE__, KTEST_CONTINUE)
#define KT_ASSERT(kt, cond)                                                                \
	ktest_check((kt), (cond), STR(#cond), STR(__FILE__), __LINE__, KTEST_STOP)
/*
 * The value under test `a` is evaluated exactly once (it may be a call with side effects);
 * the expected value `b` is written as is, so it keeps its constant-ness for -Wsign-compare.
 */
#define KT_CMP_(kt, a, op, b, stop)                                                        \
	({                                                                                 \
		__auto_type kt_a_ = (a);                                                   \
		ktest_check_cmp((kt), kt_a_ op(b), FMT_ARG(kt_a_), FMT_ARG(b),             \
				STR(#a " " #op " " #b), STR(__FILE__), __LINE__, (stop));  \
	})
#define KT_EXPECT_EQ(kt, a, b) KT_CMP_(kt, a, ==, b, KTEST_CONTINUE)
#define KT_EXPECT_NE(kt, a, b) KT_CMP_(kt, a, !=, b, KTEST_CONTINUE)
#define KT_EXPECT_LE(kt, a, b) KT_CMP_(kt, a, <=, b, KTEST_CONTINUE)
#define KT_EXPECT_LT(kt, a, b) KT_CMP_(kt, a, <, b, KTEST_CONTINUE)
#define KT_EXPECT_GE(kt, a, b) KT_CMP_(kt, a, >=, b, KTEST_CONTINUE)
#define KT_EXPECT_GT(kt, a, b) KT_CMP_(kt, a, >, b, KTEST_CONTINUE)
#define KT_ASSERT_EQ(kt, a, b) KT_CMP_(kt, a, ==, b, KTEST_STOP)

/*
 * ktest_skip - end the running test as skipped (KTAP `ok N name # SKIP reason`), for a test
 * whose precondition does not hold on this machine or boot. Use KT_SKIP(kt, "reason").
 * Never returns. Context: inside a running ktest.
 */
__attribute__((noreturn)) void ktest_skip(struct ktest_ctx *kt, struct str reason);
#define KT_SKIP(kt, reason) ktest_skip((kt), STR(reason))

/* What ktest_expect_trap() caught. */
enum ktest_trap_kind {
	KTEST_TRAP_NONE = 0,       /* the function returned normally */
	KTEST_TRAP_EXCEPTION,      /* a CPU exception (see .vector) */
	KTEST_TRAP_CHECK,          /* a compiler-inserted check (bounds, overflow): see .check */
	KTEST_TRAP_KCFI,           /* an indirect call through a pointer of the wrong type */
	KTEST_TRAP_STACK_OVERFLOW, /* the kernel stack ran into its guard page */
	KTEST_TRAP_PANIC,          /* fw_panic() or FW_BUG_ON */
	KTEST_TRAP_TIMEOUT,        /* still running after KTEST_TRAP_TIMEOUT_MS: ended by the tick */
};

#define KTEST_TRAP_TIMEOUT_MS 300u

struct ktest_trap {
	enum ktest_trap_kind kind;
	u32 vector;     /* CPU exception vector (6 = #UD, 14 = #PF, 8 = #DF, ...) */
	u32 check;      /* for KTEST_TRAP_CHECK: the clang check kind (enum fw_check_kind) */
	u32 line;       /* source line of the trapping instruction, 0 if unknown */
	u64 fault_addr; /* CR2 for page faults and stack overflows, the call target for kCFI */
	u32 report_len; /* bytes the trap report printed */
};

/*
 * ktest_expect_trap - run fn() and catch the first trap it raises.
 * Returns: what was caught in *out (kind KTEST_TRAP_NONE if fn returned; KTEST_TRAP_TIMEOUT if
 *          it was still running, with interrupts enabled, after KTEST_TRAP_TIMEOUT_MS). The
 *          full report is printed as usual, and kept so that KT_REPORT_HAS() can search it.
 * Context: inside a running ktest. fn must leave no lock held: the trap abandons its frames.
 */
void ktest_expect_trap(struct ktest_ctx *kt, void (*fn)(void), struct ktest_trap *out);

/*
 * ktest_report_has - whether the last trap report contains the literal `text` (len bytes).
 * Use KT_REPORT_HAS(kt, "text"), which supplies a literal and its length.
 * Context: inside a running ktest.
 */
bool ktest_report_has(struct ktest_ctx *kt, struct str text);
#define KT_REPORT_HAS(kt, text) ktest_report_has((kt), STR(text))

#endif /* FW_KTEST_H */
