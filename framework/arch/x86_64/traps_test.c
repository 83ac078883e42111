/*
 * traps_test.c — ktests of exception reporting: every kind of trap the framework decodes is
 * raised on purpose (through ktest_expect_trap, on the runner's guarded trap stack) and the
 * test checks what was caught and what the report said: the decoded kind, the faulting source
 * line, the symbolized backtrace.
 *
 * Built with the checks services get (mk/kernel.mk CHECK_CFLAGS: trapping bounds and overflow
 * checks) and kCFI, like all kernel code.
 */
#include <fw/ktest.h>
#include <fw/panic.h>
#include <fw/time.h>

#include "internal/decode.h"
#include "internal/stacks.h"
#include "internal/symbols.h"
#include "internal/trap.h"
#include "arch/x86_64/x86.h"

/* Hide a value from the optimiser so that a check cannot be decided at compile time. */
#define LAUNDER(x)                                                                         \
	({                                                                                 \
		__typeof__(x) v_ = (x);                                                    \
		/* SAFETY: an empty asm that only hides the value from the optimiser. */ \
		__asm__ volatile("" : "+r"(v_));                                           \
		v_;                                                                        \
	})

static int sink;
static u32 trap_line; /* the source line each trapping function expects to be reported */

static void raise_breakpoint(void)
{
	/* SAFETY: int3 only raises #BP, which the test expects. */
	__asm__ volatile("int3");
}

KTEST(traps, breakpoint_reported)
{
	struct ktest_trap t;
	ktest_expect_trap(kt, raise_breakpoint, &t);
	KT_EXPECT_EQ(kt, t.kind, KTEST_TRAP_EXCEPTION);
	KT_EXPECT_EQ(kt, t.vector, 3u);
	KT_EXPECT(kt, KT_REPORT_HAS(kt, "#BP breakpoint"));
	KT_EXPECT(kt, KT_REPORT_HAS(kt, "rip "));
	KT_EXPECT(kt, KT_REPORT_HAS(kt, "cr2 "));
	KT_EXPECT(kt, KT_REPORT_HAS(kt, "raise_breakpoint+0x"));
}

#define UNMAPPED_ADDR 0xffff900000001000ull /* a non-canonical-safe, unmapped kernel address */

static void read_unmapped(void)
{
	/* SAFETY: deliberately reads an unmapped address to raise #PF. */
	sink = *(volatile int *)(uintptr_t)LAUNDER(UNMAPPED_ADDR);
}

KTEST(traps, page_fault_reported)
{
	struct ktest_trap t;
	ktest_expect_trap(kt, read_unmapped, &t);
	KT_EXPECT_EQ(kt, t.kind, KTEST_TRAP_EXCEPTION);
	KT_EXPECT_EQ(kt, t.vector, 14u);
	KT_EXPECT_EQ(kt, t.fault_addr, UNMAPPED_ADDR);
	KT_EXPECT(kt, KT_REPORT_HAS(kt, "page not present, read"));
	KT_EXPECT(kt, KT_REPORT_HAS(kt, "read_unmapped+0x"));
	KT_EXPECT(kt, KT_REPORT_HAS(kt, "traps_test.c:"));
}

static int bounds_array[4];

static void index_out_of_bounds(void)
{
	int i = LAUNDER(4);
	trap_line = __LINE__ + 1;
	sink = bounds_array[i];
}

KTEST(traps, bounds_trap_decoded)
{
	struct ktest_trap t;
	ktest_expect_trap(kt, index_out_of_bounds, &t);
	KT_EXPECT_EQ(kt, t.kind, KTEST_TRAP_CHECK);
	KT_EXPECT_EQ(kt, t.vector, 6u);
	KT_EXPECT_EQ(kt, t.check, (u32)CHECK_OUT_OF_BOUNDS);
	KT_EXPECT_EQ(kt, t.line, trap_line);
	KT_EXPECT(kt, KT_REPORT_HAS(kt, "TRAP: array index out of bounds (compiler check, kind 18)"));
	KT_EXPECT(kt, KT_REPORT_HAS(kt, "index_out_of_bounds+0x"));
	KT_EXPECT(kt, KT_REPORT_HAS(kt, "framework/arch/x86_64/traps_test.c:"));
}

static void add_overflow(void)
{
	int big = LAUNDER(0x7fffffff);
	trap_line = __LINE__ + 1;
	sink = big + LAUNDER(1);
}

KTEST(traps, overflow_trap_decoded)
{
	struct ktest_trap t;
	ktest_expect_trap(kt, add_overflow, &t);
	KT_EXPECT_EQ(kt, t.kind, KTEST_TRAP_CHECK);
	KT_EXPECT_EQ(kt, t.check, (u32)CHECK_ADD_OVERFLOW);
	KT_EXPECT_EQ(kt, t.line, trap_line);
	KT_EXPECT(kt, KT_REPORT_HAS(kt, "signed integer overflow in addition"));
}

static void shift_too_far(void)
{
	int by = LAUNDER(40);
	trap_line = __LINE__ + 1;
	sink = LAUNDER(1) << by;
}

KTEST(traps, shift_trap_decoded)
{
	struct ktest_trap t;
	ktest_expect_trap(kt, shift_too_far, &t);
	KT_EXPECT_EQ(kt, t.kind, KTEST_TRAP_CHECK);
	KT_EXPECT_EQ(kt, t.check, (u32)CHECK_SHIFT_OUT_OF_BOUNDS);
	KT_EXPECT_EQ(kt, t.line, trap_line);
}

/* kCFI: call a function through a pointer whose type does not match it. */
static int kcfi_target(long a, long b)
{
	return (int)(a + b);
}

typedef int (*one_int_fn)(int);
/* SAFETY: volatile so the compiler cannot see through the deliberate type confusion. */
static void *volatile kcfi_laundered;

static void call_with_wrong_type(void)
{
	/* SAFETY: deliberately calls through the wrong function type so that kCFI traps. */
	kcfi_laundered = (void *)kcfi_target;
	one_int_fn f = (one_int_fn)kcfi_laundered;
	trap_line = __LINE__ + 1;
	sink = f(1);
}

KTEST(traps, kcfi_trap_decoded)
{
	struct ktest_trap t;
	ktest_expect_trap(kt, call_with_wrong_type, &t);
	KT_EXPECT_EQ(kt, t.kind, KTEST_TRAP_KCFI);
	KT_EXPECT_EQ(kt, t.vector, 6u);
	KT_EXPECT_EQ(kt, t.line, trap_line);
	/* SAFETY: address of a function, compared only. */
	KT_EXPECT_EQ(kt, t.fault_addr, (u64)(uintptr_t)kcfi_target);
	KT_EXPECT(kt, KT_REPORT_HAS(kt, "kCFI violation: call through pointer with wrong type"));
	KT_EXPECT(kt, KT_REPORT_HAS(kt, "kcfi_target+0x0"));
	KT_EXPECT(kt, KT_REPORT_HAS(kt, "expected type hash"));
	KT_EXPECT(kt, KT_REPORT_HAS(kt, "call_with_wrong_type+0x"));
}

/* Unbounded recursion on the runner's 16 KiB trap stack: runs into the guard page. */
__attribute__((noinline)) static int recurse(int depth)
{
	char frame[256];
	frame[0] = (char)depth;
	/* SAFETY: an empty asm that keeps the frame alive (no recursion elimination). */
	__asm__ volatile("" : : "r"(frame) : "memory");
	if (LAUNDER(depth) < 0) /* never true; hides the unbounded recursion from the compiler */
		return 0;
	return recurse(depth + 1) + frame[LAUNDER(0)];
}

static void overflow_the_stack(void)
{
	sink = recurse(0);
}

KTEST(traps, stack_overflow_caught_on_ist)
{
	struct ktest_trap t;
	ktest_expect_trap(kt, overflow_the_stack, &t);
	KT_EXPECT_EQ(kt, t.kind, KTEST_TRAP_STACK_OVERFLOW);
	KT_EXPECT_EQ(kt, t.vector, 8u); /* reported from the double-fault handler on its IST stack */
	KT_EXPECT(kt, KT_REPORT_HAS(kt, "kernel stack overflow: ktest trap stack"));
	KT_EXPECT(kt, KT_REPORT_HAS(kt, "#DF double fault"));
	KT_EXPECT(kt, KT_REPORT_HAS(kt, "recurse+0x"));
}

static const u8 data_page_code[16] __attribute__((aligned(16))) = { 0xc3 }; /* ret */

static void execute_data(void)
{
	/* SAFETY: deliberately calls into a no-execute page to raise #PF. */
	void (*f)(void) = (void (*)(void))(uintptr_t)LAUNDER((u64)(uintptr_t)data_page_code);
	__asm__ volatile("call *%0" : : "r"(f) : "memory");
}

KTEST(traps, nx_enforced)
{
	struct ktest_trap t;
	ktest_expect_trap(kt, execute_data, &t);
	KT_EXPECT_EQ(kt, t.kind, KTEST_TRAP_EXCEPTION);
	KT_EXPECT_EQ(kt, t.vector, 14u);
	KT_EXPECT(kt, KT_REPORT_HAS(kt, "(instruction fetch)"));
}

static void write_text(void)
{
	/* SAFETY: deliberately writes to kernel text to raise #PF (text is read-only). */
	*(volatile u8 *)(uintptr_t)LAUNDER((u64)(uintptr_t)raise_breakpoint) = 0xcc;
}

KTEST(traps, text_is_read_only)
{
	struct ktest_trap t;
	ktest_expect_trap(kt, write_text, &t);
	KT_EXPECT_EQ(kt, t.vector, 14u);
	KT_EXPECT(kt, KT_REPORT_HAS(kt, "protection violation, write"));
}

static void do_panic(void)
{
	trap_line = __LINE__ + 1;
	fw_panic("deliberate panic %d", 42);
}

KTEST(traps, panic_reported)
{
	struct ktest_trap t;
	ktest_expect_trap(kt, do_panic, &t);
	KT_EXPECT_EQ(kt, t.kind, KTEST_TRAP_PANIC);
	KT_EXPECT_EQ(kt, t.line, trap_line);
	KT_EXPECT(kt, KT_REPORT_HAS(kt, "PANIC: deliberate panic 42"));
	KT_EXPECT(kt, KT_REPORT_HAS(kt, "do_panic+0x"));
}

static void no_trap(void)
{
	sink = 1;
}

KTEST(traps, no_trap_returns_none)
{
	struct ktest_trap t;
	ktest_expect_trap(kt, no_trap, &t);
	KT_EXPECT_EQ(kt, t.kind, KTEST_TRAP_NONE);
	KT_EXPECT_EQ(kt, sink, 1);
}

KTEST(traps, nmi_runs_on_ist_stack)
{
	u64 before = nmi_count;
	apic_send_nmi_self();
	for (int i = 0; i < 1000000 && nmi_count == before; i++)
		cpu_pause();
	KT_ASSERT_EQ(kt, nmi_count, before + 1);
	/* SAFETY: address comparison only. */
	u64 lo = (u64)(uintptr_t)ist_nmi_stack.stack;
	KT_EXPECT_GE(kt, nmi_last_frame, lo);
	KT_EXPECT_LT(kt, nmi_last_frame, lo + sizeof(ist_nmi_stack.stack));
}

static void spin_forever(void)
{
	for (;;)
		cpu_pause();
}

KTEST(traps, hung_function_ended_by_watchdog)
{
	struct ktest_trap t;
	u64 t0 = fw_time_ns();
	ktest_expect_trap(kt, spin_forever, &t);
	u64 ms = (fw_time_ns() - t0) / FW_NSEC_PER_MSEC;
	KT_EXPECT_EQ(kt, t.kind, KTEST_TRAP_TIMEOUT);
	KT_EXPECT_GE(kt, ms, (u64)KTEST_TRAP_TIMEOUT_MS);
	KT_EXPECT_LT(kt, ms, (u64)KTEST_TRAP_TIMEOUT_MS + 1000);
}

static void plain_trap(void)
{
	trap_line = __LINE__ + 1;
	__builtin_trap();
}

KTEST(traps, plain_ud2_reported)
{
	struct ktest_trap t;
	ktest_expect_trap(kt, plain_trap, &t);
	KT_EXPECT_EQ(kt, t.kind, KTEST_TRAP_CHECK);
	KT_EXPECT_EQ(kt, t.check, (u32)CHECK_PLAIN_TRAP);
	KT_EXPECT_EQ(kt, t.line, trap_line);
	KT_EXPECT(kt, KT_REPORT_HAS(kt, "TRAP: ud2: __builtin_trap()"));
}
