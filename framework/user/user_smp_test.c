/*
 * user/user_smp_test.c — ktests of user code on several CPUs and tasks at once (issue #14):
 * the boundary state (TSS.rsp0, the syscall entry's stack and scratch through %gs) is per CPU
 * and follows the task through context switches; the user FPU state is lazy (stored when the
 * task is switched out) and per context; the address space follows the task.
 * Under -smp 1 the "other CPU" is CPU 0 again: the same programs then share one CPU and are
 * switched in user mode by the tick.
 */
#include <fw/frame.h>
#include <fw/ktest.h>
#include <fw/preempt.h>
#include <fw/task.h>
#include <fw/time.h>
#include <fw/uaccess.h>
#include <fw/user.h>

#include "internal/ktest_task.h"
#include "arch/x86_64/percpu.h"
#include "internal/user.h"
#include "user/utest.h"
#include "internal/vmspace.h"

static struct ut us_prog[3];
static struct tworker us_w[3];
static u32 us_started;
static bool us_rendezvous; /* set by the test before it spawns */

/* Run program w->idx (set up by the test) to its end on this task. With us_rendezvous set,
 * stop after its first system call until the other program has made one too (both are then
 * mid-run). w->a: how many calls the other program had made when this one ended. */
static void us_body(struct tworker *w)
{
	/* SAFETY: the tests give idx 0 or 1, inside us_prog[3]; atomics below touch static
	 * test flags and counters shared by the two runs. */
	struct ut *t = &us_prog[w->idx];
	struct ut *peer = &us_prog[w->idx ^ 1];
	enum user_return why = USER_RET_SYSCALL;
	if (us_rendezvous) {
		why = ut_run(t, 1);
		/* SAFETY (test): a static counter shared by the two runs, only touched atomically. */
		__atomic_fetch_add(&us_started, 1, __ATOMIC_SEQ_CST);
		u64 until = fw_time_ns() + 5 * FW_NSEC_PER_SEC;
		/* SAFETY (test): an atomic read of the counter above. */
		while (__atomic_load_n(&us_started, __ATOMIC_SEQ_CST) < 2 && fw_time_ns() < until)
			task_yield();
	}
	if (why == USER_RET_SYSCALL && !t->exited)
		why = ut_run(t, ~0ull);
	/* SAFETY: a racy atomic read of the other run's counter, a snapshot. */
	w->a = __atomic_load_n(&peer->syscalls, __ATOMIC_RELAXED);
	w->result = why == USER_RET_EXCEPTION ? -1000 - (int)user_ctx_exception(&t->uc).vector
		    : t->exited			 ? (int)t->exit_code
						 : -2000;
	user_context_fini(&t->uc);
	vmspace_deactivate();
}

/* Programs on CPU 1 (a spawned task) and CPU 0 (this one) at the same time, each checking its
 * general and SSE registers across 3000 system calls: every call goes through its own CPU's
 * entry stack, scratch slot and TSS.rsp0. */
KTEST(user_smp, user_code_on_two_cpus_at_once)
{
	enum { CALLS = 3000 };
	u32 other = tw_other_cpu();
	KT_ASSERT_EQ(kt, ut_setup(&us_prog[0], UT_FPU_LOOP, CALLS, 0x1111222233334444ull), 0);
	KT_ASSERT_EQ(kt, ut_setup(&us_prog[1], UT_FPU_LOOP, CALLS, 0x5555666677778888ull), 0);
	us_started = 0;
	us_rendezvous = true;
	struct task *t = tw_spawn(&us_w[0], us_body, 0, other);
	KT_ASSERT(kt, t != NULL);
	/* this task runs program 1 on CPU 0 meanwhile */
	us_w[1].idx = 1;
	us_body(&us_w[1]);
	us_rendezvous = false;
	KT_EXPECT_EQ(kt, task_join_raw(t), 0);
	KT_EXPECT_EQ(kt, us_w[0].result, 0);
	KT_EXPECT_EQ(kt, us_w[1].result, 0);
	KT_EXPECT_EQ(kt, us_prog[0].syscalls, (u64)CALLS + 1);
	KT_EXPECT_EQ(kt, us_prog[1].syscalls, (u64)CALLS + 1);
	KT_EXPECT_EQ(kt, us_prog[0].cpus_seen, 1u << other);
	KT_EXPECT_EQ(kt, us_prog[1].cpus_seen, 1u);
	/* whichever ended first, the other had begun: the runs overlapped */
	KT_EXPECT_GT(kt, us_w[0].a, 0u);
	KT_EXPECT_GT(kt, us_w[1].a, 0u);
	ut_teardown(&us_prog[0]);
	ut_teardown(&us_prog[1]);
}

/* Two tasks on one CPU, both in user mode spinning over their registers (UT_SPIN checks all
 * of them, xmm0 included, and faults on a change) until a 120 ms deadline: the tick switches
 * between them in user mode, so each comes back through another task's boundary state and a
 * lazily saved FPU image. */
KTEST(user_smp, tasks_switched_in_user_mode_keep_their_state)
{
	u32 cpu = tw_other_cpu();
	/* A loaded host may stall the guest past most of the window (the deadline is wall time,
	 * and a stalled QEMU delivers few ticks): rounds are run until 2 switches (and 2 FPU
	 * saves) were seen in all, up to 20 rounds; each round's registers are checked. */
	u64 switched = 0, saved = 0;
	for (int round = 0; round < 20 && (switched < 2 || saved < 2); round++) {
		u64 switches = user_irq_switches;
		u64 saves = user_fpu_saves;
		for (u32 i = 0; i < 2; i++) {
			/* SAFETY: i < 2, inside us_prog[3]. */
			KT_ASSERT_EQ(kt, ut_setup(&us_prog[i], UT_SPIN, 0, 0), 0);
			user_ctx_set_deadline(&us_prog[i].uc, fw_time_ns() + 120 * FW_NSEC_PER_MSEC);
		}
		struct task *a = tw_spawn(&us_w[0], us_body, 0, cpu);
		struct task *b = tw_spawn(&us_w[1], us_body, 1, cpu);
		KT_ASSERT(kt, a && b);
		task_join_raw(a);
		task_join_raw(b);
		/* -2000: stopped by the deadline (USER_RET_INTERRUPT), not by a fault */
		KT_EXPECT_EQ(kt, us_w[0].result, -2000);
		KT_EXPECT_EQ(kt, us_w[1].result, -2000);
		KT_EXPECT_EQ(kt, user_ctx_reg(&us_prog[0].uc, UREG_R15), 0x0123456789abcdefull);
		KT_EXPECT_EQ(kt, user_ctx_reg(&us_prog[1].uc, UREG_R13), 0xddddddddddddddddull);
		switched += user_irq_switches - switches;
		saved += user_fpu_saves - saves;
		ut_teardown(&us_prog[0]);
		ut_teardown(&us_prog[1]);
	}
	KT_EXPECT_GE(kt, switched, 2u);
	KT_EXPECT_GE(kt, saved, 2u);
}

/* Regression fs_base_restored_after_switch_in_user_mode: two tasks on one CPU in user mode,
 * each reading %fs:0 through its own FS base in a loop (UT_FS_SPIN faults on a wrong value),
 * until a 120 ms deadline. The tick switches between them in user mode and each returns by
 * iretq from the interrupt; the FS base (MSR_FS_BASE, one per CPU) must be the incoming
 * task's, not the one of the task that ran in between (busybox crashed on its TLS once user
 * code ran on several tasks). */
KTEST(user_smp, fs_base_restored_after_switch_in_user_mode)
{
	u32 cpu = tw_other_cpu();
	/* the data page holds bytes 0..255: %fs:0 at UT_DATA + 8 * (i + 1) reads these words */
	static const u64 want[2] = { 0x0f0e0d0c0b0a0908ull, 0x1716151413121110ull };
	/* rounds are run until 2 switches were seen in all (a host stall may eat most of a
	 * window), up to 20 rounds; every round checks the FS base */
	u64 switched = 0;
	for (int round = 0; round < 20 && switched < 2; round++) {
		u64 switches = user_irq_switches;
		for (u32 i = 0; i < 2; i++) {
			/* SAFETY: i < 2, inside us_prog[3] and want[2]. */
			KT_ASSERT_EQ(kt, ut_setup(&us_prog[i], UT_FS_SPIN, want[i], 0), 0);
			KT_ASSERT_EQ(kt, user_ctx_set_fs_base(&us_prog[i].uc, uaddr(UT_DATA + 8 * (i + 1))), 0);
			user_ctx_set_deadline(&us_prog[i].uc, fw_time_ns() + 120 * FW_NSEC_PER_MSEC);
		}
		struct task *a = tw_spawn(&us_w[0], us_body, 0, cpu);
		struct task *b = tw_spawn(&us_w[1], us_body, 1, cpu);
		KT_ASSERT(kt, a && b);
		task_join_raw(a);
		task_join_raw(b);
		/* -2000: stopped by the deadline; -1006 would be the ud2 of a wrong FS base */
		KT_EXPECT_EQ(kt, us_w[0].result, -2000);
		KT_EXPECT_EQ(kt, us_w[1].result, -2000);
		switched += user_irq_switches - switches;
		ut_teardown(&us_prog[0]);
		ut_teardown(&us_prog[1]);
	}
	KT_EXPECT_GE(kt, switched, 2u);
}

/* Lazy FPU: a run of system calls loads the context's image once, not once per call, and
 * user_ctx_fpu_bytes gives the live state back (stored on demand). */
KTEST(user_smp, fpu_state_is_loaded_once_per_run)
{
	KT_ASSERT_EQ(kt, ut_setup(&us_prog[0], UT_FPU_LOOP, 500, 0xabcdef0123456789ull), 0);
	u64 loads = user_fpu_loads;
	preempt_disable(); /* no switch-out in between: exactly one load */
	enum user_return why = ut_run(&us_prog[0], 100);
	preempt_enable();
	KT_EXPECT_EQ(kt, why, USER_RET_SYSCALL);
	KT_EXPECT_EQ(kt, user_fpu_loads - loads, 1u);
	/* the image now holds xmm0 = the value (FXSAVE/XSAVE legacy area: xmm0 at byte 160) */
	struct bytes_cursor c = bytes_cursor(bytes_skip(user_ctx_fpu_bytes(&us_prog[0].uc), 160).value);
	KT_EXPECT_EQ(kt, cursor_le64(&c), 0xabcdef0123456789ull);
	ut_run(&us_prog[0], ~0ull);
	KT_EXPECT(kt, us_prog[0].exited);
	KT_EXPECT_EQ(kt, us_prog[0].exit_code, 0);
	ut_teardown(&us_prog[0]);
}


/* ---- the address space follows the task ------------------------------------------------- */

/* Read UT_DATA's first byte through a kernel user copy, as often as w->b says, yielding in
 * between: every read must see this task's own space (its byte is w->idx + 1). */
static void us_reader(struct tworker *w)
{
	vs_activate(us_prog[w->idx].vs);
	for (u64 i = 0; i < w->b; i++) {
		u8 v[1] = { 0 };
		struct vm_reader r = vm_reader_user(uaddr(UT_DATA), 1);
		if (vm_read(&r, BYTES_OF_ARRAY(v)).value != 1 || v[0] != w->idx + 1)
			w->a++;
		task_yield();
	}
	vmspace_deactivate();
}

static int us_set_first_byte(struct ut *t, u8 v)
{
	struct frame f = FRAME_EMPTY;
	int err = vs_frame_at(t->vs, uaddr(UT_DATA), &f);
	u8 b[1] = { v };
	if (!err)
		err = frame_write(&f, 0, BYTES_OF_ARRAY(b));
	frame_release(&f);
	return err;
}

KTEST(user_smp, address_space_follows_the_task)
{
	u32 cpu = tw_other_cpu();
	for (u32 i = 0; i < 2; i++) {
		/* SAFETY: i < 2, inside us_prog[3]. */
		KT_ASSERT_EQ(kt, ut_setup(&us_prog[i], UT_NULL, 0, 0), 0);
		KT_ASSERT_EQ(kt, us_set_first_byte(&us_prog[i], (u8)(i + 1)), 0);
	}
	struct task *a = tw_spawn_args(&us_w[0], us_reader, 0, cpu, 200, 0);
	struct task *b = tw_spawn_args(&us_w[1], us_reader, 1, cpu, 200, 0);
	KT_ASSERT(kt, a && b);
	task_join_raw(a);
	task_join_raw(b);
	KT_EXPECT_EQ(kt, us_w[0].a, 0u);
	KT_EXPECT_EQ(kt, us_w[1].a, 0u);
	ut_teardown(&us_prog[0]);
	ut_teardown(&us_prog[1]);
}

/* Sits on CPU 1 with the space of program w->idx active until told to stop (w->c). */
static void us_holder(struct tworker *w)
{
	vs_activate(us_prog[w->idx].vs);
	/* SAFETY: w->b/w->c are flags shared with the test, only touched atomically. */
	__atomic_store_n(&w->b, 1, __ATOMIC_SEQ_CST);
	/* SAFETY: as above. */
	while (!__atomic_load_n(&w->c, __ATOMIC_SEQ_CST))
		task_yield();
	/* ends with its space still active: CPU 1 keeps it loaded lazily (the idle task) */
}

/* A user-range flush reaches only the CPUs that hold the space; destroy makes a CPU that holds
 * it lazily let go. Needs two CPUs. */
KTEST(user_smp, shootdowns_reach_only_cpus_that_hold_the_space)
{
	if (cpu_count() < 2)
		KT_SKIP(kt, "needs two CPUs");
	KT_ASSERT_EQ(kt, ut_setup(&us_prog[0], UT_NULL, 0, 0), 0); /* held by CPU 1 */
	KT_ASSERT_EQ(kt, ut_setup(&us_prog[1], UT_NULL, 0, 0), 0); /* never loaded anywhere */
	struct task *h = tw_spawn_args(&us_w[0], us_holder, 0, 1, 0, 0);
	KT_ASSERT(kt, h != NULL);
	/* SAFETY: the flags of us_holder, only touched atomically. */
	while (!__atomic_load_n(&us_w[0].b, __ATOMIC_SEQ_CST))
		task_yield();
	u64 before = cpu_locals[1].tlb_flushes;
	KT_EXPECT_EQ(kt, vs_protect(us_prog[1].vs, uaddr(UT_DATA), VM_PAGE_SIZE, VM_READ, VM_PROTECT_SHARED), 0);
	KT_EXPECT_EQ(kt, cpu_locals[1].tlb_flushes, before); /* CPU 1 never had it */
	KT_EXPECT_EQ(kt, vs_protect(us_prog[0].vs, uaddr(UT_DATA), VM_PAGE_SIZE, VM_READ, VM_PROTECT_SHARED), 0);
	KT_EXPECT_EQ(kt, cpu_locals[1].tlb_flushes, before + 1); /* CPU 1 holds it */
	/* SAFETY: as above. */
	__atomic_store_n(&us_w[0].c, 1, __ATOMIC_SEQ_CST);
	task_join_raw(h);
	/* CPU 1 idles with the space still loaded; destroying it makes CPU 1 let go first */
	/* SAFETY: an atomic snapshot of CPU 1's active space (cpu_count() >= 2 checked). */
	KT_EXPECT(kt, __atomic_load_n(&cpu_locals[1].active_vs, __ATOMIC_SEQ_CST) == us_prog[0].vs);
	ut_teardown(&us_prog[0]);
	/* SAFETY: as above. */
	KT_EXPECT(kt, __atomic_load_n(&cpu_locals[1].active_vs, __ATOMIC_SEQ_CST) == NULL);
	ut_teardown(&us_prog[1]);
}

/* ---- kicks ------------------------------------------------------------------------------- */

/* Run program w->idx (UT_SPIN: user code that never calls the kernel); w->result: the reason
 * user_enter gave, w->b: whether the task was kicked, w->c: set once it is in its loop. */
static void us_spinner(struct tworker *w)
{
	struct ut *t = &us_prog[0];
	vs_activate(t->vs);
	/* SAFETY: a flag shared with the test, only touched atomically. */
	__atomic_store_n(&w->c, 1, __ATOMIC_SEQ_CST);
	w->result = (int)user_enter(&t->uc);
	w->b = task_kicked() ? 1 : 0;
	task_kick_clear();
	user_context_fini(&t->uc);
	vmspace_deactivate();
}

/* task_kick pulls a task out of user mode on another CPU (an IPI; under -smp 1 the way back
 * after a tick). No deadline is set: only the kick can end the run. */
KTEST(user_smp, kick_pulls_a_task_out_of_user_mode)
{
	KT_ASSERT_EQ(kt, ut_setup(&us_prog[0], UT_SPIN, 0, 0), 0);
	struct task *t = tw_spawn_args(&us_w[0], us_spinner, 0, tw_other_cpu(), 0, 0);
	KT_ASSERT(kt, t != NULL);
	/* SAFETY: the flag of us_spinner, only touched atomically. */
	while (!__atomic_load_n(&us_w[0].c, __ATOMIC_SEQ_CST))
		task_yield();
	task_sleep_ms(10); /* well inside its loop by now */
	task_kick_task(t);
	task_join_raw(t);
	KT_EXPECT_EQ(kt, us_w[0].result, (int)USER_RET_INTERRUPT);
	KT_EXPECT_EQ(kt, us_w[0].b, 1u);
	/* its registers were saved on the way out, mid-loop */
	KT_EXPECT_EQ(kt, user_ctx_reg(&us_prog[0].uc, UREG_R15), 0x0123456789abcdefull);
	ut_teardown(&us_prog[0]);
}
