/*
 * ktest.c — the in-kernel test runner.
 *
 * Tests are the descriptors the KTEST() macro puts in .ktest.<suite>.<name> sections, which
 * the linker script gathers sorted by name, so tests of one suite are adjacent. The runner
 * prints KTAP version 1: a top-level plan of suites, and per suite an indented group with its
 * own plan and one `ok N name` / `not ok N name` line per test.
 *
 * Survival: before each test the runner saves a recovery point (ctx_save). Any trap or panic
 * during the test reaches trap_recover_hook(), which marks the test failed and resumes the
 * recovery point, so one crashing test is reported as that test's failure and the rest still
 * run. A test stuck with interrupts enabled is ended by the timer watchdog the same way
 * (KTEST_TIMEOUT_NS). A test that kills the machine outright (triple fault) leaves the plan short,
 * which the host counts as failures. ktest_expect_trap() runs a function on a separate guarded
 * stack with its own recovery point, so tests can assert that a trap happens and what it said.
 */
#include <fw/ktest.h>
#include <fw/time.h>

#include "internal/bootinfo.h"
#include "internal/ctx.h"
#include "internal/format.h"
#include "internal/ktest_run.h"
#include "internal/power.h"
#include "internal/printk.h"
#include "internal/stacks.h"
#include "internal/task.h"
#include "internal/trap.h"
#include "arch/x86_64/x86.h"

#define KTEST_TIMEOUT_NS (10ull * FW_NSEC_PER_SEC)

extern const struct ktest __ktest_start[], __ktest_end[];

struct ktest_ctx {
	const struct ktest *test;
	bool failed;
	bool skipped;            /* the test ended itself as skipped, for skip_reason */
	struct str skip_reason;
	struct saved_ctx recover;   /* resumed when the test traps unexpectedly */
	bool expecting_trap;
	struct saved_ctx trap_point; /* resumed when a ktest_expect_trap() function traps */
	struct trap_record caught;
	u32 cpu;              /* APIC id of the CPU running the test */
	u64 deadline_ns;      /* the whole test */
	u64 trap_deadline_ns; /* the function under ktest_expect_trap */
};

/* The running test, or NULL. Only the boot CPU runs tests. */
/* SAFETY: read by the trap and timer handlers that interrupt the test: volatile. */
static struct ktest_ctx *volatile current;

static struct guarded_big_stack ktest_trap_stack STACK_SECTION;

void ktest_early_init(void)
{
	big_stack_register_guarded(&ktest_trap_stack, "ktest trap");
}

/* Prints a str (bounded by its length, never by a NUL it may lack). */
static void print_str(struct str s)
{
	char buf[256];
	fmt_to_cstr(buf, sizeof(buf), STR("%s"), FMT_ARGS(s));
	kprintf_raw("%s", buf);
}

static void diag_location(struct str file, u32 line)
{
	kprintf_raw("    # ");
	print_str(file);
	kprintf_raw(":%u: ", line);
}

void ktest_skip(struct ktest_ctx *kt, struct str reason)
{
	kt->skipped = true;
	kt->skip_reason = reason;
	ctx_resume(&kt->recover);
}

void ktest_check(struct ktest_ctx *kt, bool ok, struct str what, struct str file, u32 line,
		 enum ktest_on_fail on_fail)
{
	if (ok)
		return;
	kt->failed = true;
	diag_location(file, line);
	kprintf_raw("%s: ", on_fail == KTEST_STOP ? "assertion failed" : "expectation failed");
	print_str(what);
	kprintf_raw("\n");
	if (on_fail == KTEST_STOP)
		ctx_resume(&kt->recover);
}

static void print_arg(struct fmt_arg a)
{
	char buf[96];
	if (a.kind == FMT_STR) {
		fmt_to_cstr(buf, sizeof(buf), STR("\"%s\""), FMT_ARGS(a.str));
		kprintf_raw("%s", buf);
	} else if (a.kind == FMT_SIGNED) {
		kprintf_raw("%ld", (long)a.s);
	} else {
		kprintf_raw("%lu (0x%lx)", (unsigned long)a.u, (unsigned long)a.u);
	}
}

void ktest_check_cmp(struct ktest_ctx *kt, bool ok, struct fmt_arg a, struct fmt_arg b,
		     struct str what, struct str file, u32 line, enum ktest_on_fail on_fail)
{
	if (ok)
		return;
	kt->failed = true;
	diag_location(file, line);
	kprintf_raw("%s failed: ", on_fail == KTEST_STOP ? "assertion" : "expectation");
	print_str(what);
	kprintf_raw(": left = ");
	print_arg(a);
	kprintf_raw(", right = ");
	print_arg(b);
	kprintf_raw("\n");
	if (on_fail == KTEST_STOP)
		ctx_resume(&kt->recover);
}

void trap_recover_hook(const struct trap_record *rec)
{
	struct ktest_ctx *kt = current;
	if (!kt)
		return;
	if (!task_on_boot_flow()) {
		/* a task spawned by the test trapped (on any CPU): the test fails, the task ends
		 * when it holds no lock (otherwise this returns and the machine stops) */
		console_recover();
		kt->failed = true;
		task_trap_exit();
		return;
	}
	if (kt->cpu != cpu_apic_id())
		return; /* a trap on another CPU: not the test's to recover */
	console_recover();
	kt->caught = *rec;
	if (kt->expecting_trap) {
		kt->expecting_trap = false;
		ctx_resume(&kt->trap_point);
	}
	kt->failed = true;
	kprintf_raw("    # %s.%s: trapped (see the report above); test failed\n", kt->test->suite,
		    kt->test->name);
	ctx_resume(&kt->recover);
}

void ktest_watchdog_tick(void)
{
	struct ktest_ctx *kt = current;
	if (!kt || kt->cpu != cpu_apic_id() || !task_on_boot_flow()) /* only the runner's task */
		return;
	u64 now = fw_time_ns();
	if (kt->expecting_trap && now >= kt->trap_deadline_ns) {
		struct trap_record rec = { TRAP_TIMEOUT, 0, 0, 0, 0 };
		kprintf_raw("    # %s.%s: function still running after %u ms: ended\n",
			    kt->test->suite, kt->test->name, KTEST_TRAP_TIMEOUT_MS);
		kt->caught = rec;
		kt->expecting_trap = false;
		console_recover();
		ctx_resume(&kt->trap_point);
	}
	if (!kt->deadline_ns || now < kt->deadline_ns)
		return;
	kt->deadline_ns = 0;
	kt->failed = true;
	kt->expecting_trap = false;
	console_recover();
	kprintf_raw("    # %s.%s: timed out after %lu s; test failed\n", kt->test->suite,
		    kt->test->name, (unsigned long)(KTEST_TIMEOUT_NS / FW_NSEC_PER_SEC));
	ctx_resume(&kt->recover);
}

void ktest_expect_trap(struct ktest_ctx *kt, void (*fn)(void), struct ktest_trap *out)
{
	kt->caught.cls = TRAP_EXCEPTION;
	kt->trap_deadline_ns = fw_time_ns() + KTEST_TRAP_TIMEOUT_MS * FW_NSEC_PER_MSEC;
	kt->expecting_trap = true;
	console_capture_start();
	struct ktest_trap result = { KTEST_TRAP_NONE, 0, 0, 0, 0, 0 };
	if (ctx_save(&kt->trap_point) == 0) {
		call_on_stack(fn, big_stack_top(&ktest_trap_stack));
		kt->expecting_trap = false;
	} else {
		static const enum ktest_trap_kind kinds[] = {
			[TRAP_EXCEPTION] = KTEST_TRAP_EXCEPTION,
			[TRAP_CHECK] = KTEST_TRAP_CHECK,
			[TRAP_KCFI] = KTEST_TRAP_KCFI,
			[TRAP_STACK_OVERFLOW] = KTEST_TRAP_STACK_OVERFLOW,
			[TRAP_PANIC] = KTEST_TRAP_PANIC,
			[TRAP_TIMEOUT] = KTEST_TRAP_TIMEOUT,
		};
		result.kind = kinds[kt->caught.cls];
		result.vector = kt->caught.vector;
		result.check = kt->caught.check;
		result.line = kt->caught.line;
		result.fault_addr = kt->caught.fault_addr;
		/* the recovery point was saved with interrupts enabled: they are again */
	}
	result.report_len = (u32)console_capture_stop();
	*out = result;
}

bool ktest_report_has(struct ktest_ctx *kt, struct str text)
{
	(void)kt;
	return console_capture_has(text.ptr, text.len);
}

static bool name_eq(const char *a, const char *b, size_t blen)
{
	for (size_t i = 0; i < blen; i++)
		/* SAFETY: i < blen, the length of b; a is NUL-terminated and differs at its NUL at the latest. */
		if (a[i] != b[i])
			return false;
	/* SAFETY: a[0..blen) matched (NUL-free) above, so a[blen] is in the string or its NUL. */
	return a[blen] == '\0';
}

/* Suites named selftest_* test the runner itself (they fail on purpose) and run only when
 * named: `ktest=selftest_crash`. */
static bool selected(const struct ktest *t, bool all, const char *filter, size_t flen)
{
	if (all) {
		const char *p = "selftest_";
		/* SAFETY: p and suite are NUL-terminated; suite differs at its NUL if shorter. */
		for (size_t i = 0; p[i]; i++)
			if (t->suite[i] != p[i])
				return true;
		return false;
	}
	return name_eq(t->suite, filter, flen);
}

static bool same_suite(const struct ktest *a, const struct ktest *b)
{
	size_t i = 0;
	/* SAFETY: both suite names are NUL-terminated; the loop stops at a's NUL or a mismatch. */
	while (a->suite[i] && a->suite[i] == b->suite[i])
		i++;
	return a->suite[i] == b->suite[i];
}

/* Run one test; returns whether it passed (a skipped test passes), with *skip set when it was
 * skipped. */
static bool run_one(const struct ktest *t, bool *skipped, struct str *skip)
{
	static struct ktest_ctx kt;
	kt.test = t;
	kt.failed = false;
	kt.skipped = false;
	kt.skip_reason = STR("");
	kt.cpu = cpu_apic_id();
	kt.expecting_trap = false;
	u64 start = fw_time_ns();
	kt.deadline_ns = start + KTEST_TIMEOUT_NS;
	if (ctx_save(&kt.recover) == 0) {
		current = &kt;
		irq_enable();
		t->fn(&kt);
	}
	current = NULL;
	task_ktest_cleanup(); /* a trapped test may have left preemption off or locks recorded */
	irq_enable();
	u64 us = (fw_time_ns() - start) / 1000;
	kprintf_raw("    # %s.%s: %lu us\n", t->suite, t->name, (unsigned long)us);
	*skipped = !kt.failed && kt.skipped;
	*skip = kt.skip_reason;
	return !kt.failed;
}

void ktest_main(void)
{
	size_t flen;
	const char *filter = boot_cmdline_option("ktest", &flen);
	if (!filter)
		return;
	/* SAFETY: flen == 3 is checked before reading filter[0..2] (the value has flen bytes). */
	bool all = flen == 0 || (flen == 3 && filter[0] == 'a' && filter[1] == 'l' &&
				  filter[2] == 'l');

	size_t nsuites = 0;
	/* SAFETY: t walks [__ktest_start, __ktest_end) (linker-bounded); t - 1 only when t is not the
	 * first element. */
	for (const struct ktest *t = __ktest_start; t < __ktest_end; t++)
		if ((t == __ktest_start || !same_suite(t, t - 1)) && selected(t, all, filter, flen))
			nsuites++;

	printk(FW_LOG_INFO, "ktest: running %zu suites", nsuites);
	kprintf_raw("KTAP version 1\n1..%zu\n", nsuites);
	size_t suite_no = 0, passed = 0, failed = 0;
	for (const struct ktest *s = __ktest_start; s < __ktest_end;) {
		const struct ktest *e = s;
		while (e < __ktest_end && same_suite(e, s))
			/* SAFETY: e walks the linker-bounded descriptor array and stops at __ktest_end. */
			e++;
		if (selected(s, all, filter, flen)) {
			suite_no++;
			kprintf_raw("    KTAP version 1\n    # Subtest: %s\n    1..%zu\n", s->suite,
				    (size_t)(e - s));
			bool suite_ok = true;
			/* SAFETY: [s, e) is inside [__ktest_start, __ktest_end). */
			for (const struct ktest *t = s; t < e; t++) {
				struct str skip;
				bool skipped;
				bool ok = run_one(t, &skipped, &skip);
				/* SAFETY: t and s point into the same descriptor array (t >= s). */
				size_t no = (size_t)(t - s + 1);
				if (skipped) {
					kprintf_raw("    ok %zu %s # SKIP ", no, t->name);
					print_str(skip);
					kprintf_raw("\n");
				} else {
					kprintf_raw("    %s %zu %s\n", ok ? "ok" : "not ok", no, t->name);
				}
				suite_ok = suite_ok && ok;
				if (ok)
					passed++;
				else
					failed++;
			}
			kprintf_raw("%s %zu %s\n", suite_ok ? "ok" : "not ok", suite_no, s->suite);
		}
		s = e;
	}
	printk(FW_LOG_INFO, "ktest: done: %zu tests passed, %zu failed", passed, failed);
	power_exit(failed ? POWER_EXIT_TEST_FAIL : POWER_EXIT_OK);
}
