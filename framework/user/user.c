/*
 * user/user.c — UserContext and user_enter(): the C half of the user/kernel boundary (the
 * assembly half is entry.S), the syscall MSRs, and the trap hooks for traps from user mode.
 *
 * user_enter() sanitises the context (RFLAGS), loads its FPU image and FS base, and calls
 * user_enter_asm(), which returns when user code makes a system call (entry.S saved the
 * registers) or when a trap hook below saved them and jumped back (user_exit_to_kernel):
 *   - an exception from user mode (any vector below 32 but NMI, #DF and #MC) ends user_enter
 *     with USER_RET_EXCEPTION and the vector, error code and CR2;
 *   - an interrupt from user mode is handled and returns to user mode by iretq, unless the
 *     context's deadline has passed or the task was kicked (task_kick): then it ends
 *     user_enter with USER_RET_INTERRUPT (a kicked task does not even enter).
 * "Canonical user address" in this file: below VM_USER_END (fw/vmspace.h).
 */
#include <fw/time.h>
#include <fw/user.h>

#include "internal/bootinfo.h"
#include "internal/clock.h"
#include "arch/x86_64/percpu.h"
#include "internal/printk.h"
#include "internal/task.h"
#include "internal/trap.h"
#include "internal/user.h"
#include "internal/vdso.h"
#include "arch/x86_64/x86.h"
#include "user/regs.h"

#define MSR_STAR 0xc0000081u
#define MSR_LSTAR 0xc0000082u
#define MSR_FMASK 0xc0000084u
#define EFER_SCE (1u << 0)

/* RFLAGS bits (SDM vol. 1 §3.4.3). */
#define FL_CF 0x1ull
#define FL_FIXED 0x2ull
#define FL_PF 0x4ull
#define FL_AF 0x10ull
#define FL_ZF 0x40ull
#define FL_SF 0x80ull
#define FL_TF 0x100ull
#define FL_IF 0x200ull
#define FL_DF 0x400ull
#define FL_OF 0x800ull
#define FL_NT 0x4000ull
#define FL_AC 0x40000ull
#define FL_ID 0x200000ull
/* What user code may choose; IOPL, NT, RF, VM, VIF, VIP never reach user mode. */
#define USER_FLAGS_ALLOWED (FL_CF | FL_PF | FL_AF | FL_ZF | FL_SF | FL_TF | FL_DF | FL_OF | FL_AC | FL_ID)
/* Cleared by `syscall` (IA32_FMASK): no interrupts until the entry has a stack, no single
 * step, no user-chosen string direction, SMAP in force, no nested task. */
#define SYSCALL_FMASK (FL_IF | FL_TF | FL_DF | FL_AC | FL_NT)

_Static_assert(__builtin_offsetof(struct user_regs, r[UREG_RAX]) == UR_RAX, "regs.h");
_Static_assert(__builtin_offsetof(struct user_regs, r[UREG_RSP]) == UR_RSP, "regs.h");
_Static_assert(__builtin_offsetof(struct user_regs, r[UREG_R15]) == UR_R15, "regs.h");
_Static_assert(__builtin_offsetof(struct user_regs, r[UREG_RIP]) == UR_RIP, "regs.h");
_Static_assert(__builtin_offsetof(struct user_regs, r[UREG_RFLAGS]) == UR_RFLAGS, "regs.h");
_Static_assert(__builtin_offsetof(struct user_context, regs) == 0, "entry.S saves into regs");
_Static_assert(USER_RET_SYSCALL == USER_RET_SYSCALL_ASM, "regs.h");
_Static_assert(__builtin_offsetof(struct cpu_local, user_kernel_rsp) == PCPU_USER_KERNEL_RSP, "regs.h");
_Static_assert(__builtin_offsetof(struct cpu_local, user_cur_regs) == PCPU_USER_CUR_REGS, "regs.h");
_Static_assert(__builtin_offsetof(struct cpu_local, user_scratch_rsp) == PCPU_USER_SCRATCH_RSP, "regs.h");
_Static_assert(__builtin_offsetof(struct cpu_local, tss_rsp0) == PCPU_TSS_RSP0, "regs.h");

u32 user_enter_asm(struct user_regs *regs, u64 use_iret);      /* entry.S */
__attribute__((noreturn)) void user_exit_to_kernel(u32 reason); /* entry.S */
void user_syscall_entry(void);                                  /* entry.S */

u64 user_irqs_from_user;
u64 user_irq_switches;
u64 user_fpu_loads, user_fpu_saves;
u8 uaccess_smap;

/* The context the task running here has in user mode (NULL in the kernel part of its life). */
static struct user_context *running(void)
{
	struct task *t = task_current();
	return t ? t->user_ctx : NULL;
}

void user_cpu_init(void)
{
	wrmsr(MSR_EFER, rdmsr(MSR_EFER) | EFER_SCE);
	/* STAR[47:32]: syscall CS = 0x08 (SS 0x10); STAR[63:48]: sysret base 0x10 (CS 0x23,
	 * SS 0x1b). SDM vol. 2 SYSCALL/SYSRET; cpu.c's GDT orders the user segments for it. */
	wrmsr(MSR_STAR, (0x10ull << 48) | (0x08ull << 32));
	/* SAFETY: the address of the entry code, for the CPU. */
	wrmsr(MSR_LSTAR, (u64)(uintptr_t)user_syscall_entry);
	wrmsr(MSR_FMASK, SYSCALL_FMASK);
	wrmsr(MSR_FS_BASE, 0);
	wrmsr(MSR_KERNEL_GS_BASE, 0); /* the user's GS base while the kernel runs (entry.S) */
	vdso_cpu_init(); /* TSC_AUX = this CPU's number, for __vdso_getcpu */
}

/* fpu.eager=1: the FPU state is stored after every return from user mode and loaded again
 * before every entry, as before lazy saving (issue #14), only to measure what lazy saving
 * gained (docs/user-mode.md: the null-syscall wall ratio, make bench with
 * BENCH_TRELLIS_APPEND=fpu.eager=1). */
static bool fpu_eager;

void user_init(void)
{
	user_cpu_init();
	uaccess_smap = (read_cr4() & CR4_SMAP) ? 1 : 0;
	fpu_init();
	fpu_eager = boot_cmdline_u64("fpu.eager", 0) != 0;
}

static bool user_canonical(u64 a)
{
	return a < VM_USER_END;
}

/* The saved register `reg` of uc. Needs: reg < UREG_COUNT (a constant, or checked). */
static u64 *reg_ref(struct user_context *uc, unsigned reg)
{
	/* SAFETY: reg < UREG_COUNT, the length of regs.r (the contract above). */
	return &uc->regs.r[reg];
}

static u64 reg_get(const struct user_context *uc, unsigned reg)
{
	/* SAFETY: as reg_ref. */
	return uc->regs.r[reg];
}

void user_context_init(struct user_context *uc)
{
	for (unsigned i = 0; i < UREG_COUNT; i++)
		*reg_ref(uc, i) = 0;
	*reg_ref(uc, UREG_RFLAGS) = FL_IF | FL_FIXED;
	uc->regs.fs_base = 0;
	uc->exc = (struct user_exception){ 0, 0, 0 };
	uc->deadline_ns = 0;
	uc->syscall_nr = 0;
	uc->last_ret = 0;
	user_context_fini(uc);
	fpu_init_image(uc->fpu);
}

/* If the calling task's live FPU state is uc's, store it into uc (save) or forget it, so the
 * image in memory is the context's state and the next user_enter() loads it again. */
static void fpu_unlive(struct user_context *uc, bool save)
{
	u64 f = irq_save(); /* a switch in between would save it a second time */
	struct task *me = task_current();
	if (me && me->fpu_ctx == uc) {
		if (save) {
			fpu_save(uc->fpu);
			user_fpu_saves++;
		}
		me->fpu_ctx = NULL;
	}
	irq_restore(f);
}

void user_context_fini(struct user_context *uc)
{
	fpu_unlive(uc, false);
}

static void user_fpu_make_live(struct task *me, struct user_context *uc);

/* user_clock_start - me goes to user mode now (its user time runs until user_clock_stop). */
static inline void user_clock_start(struct task *me)
{
	me->user_since = clock_stamp();
}

enum user_return user_enter(struct user_context *uc)
{
	u64 *rflags = reg_ref(uc, UREG_RFLAGS);
	*rflags = (*rflags & USER_FLAGS_ALLOWED) | FL_IF | FL_FIXED;
	/* sysret loads RIP from RCX and RFLAGS from R11, so it restores the user's state only
	 * when RCX == RIP and R11 == RFLAGS: true on return from a system call (the `syscall`
	 * instruction set them so and the entry saved them), false after an exception or an
	 * interrupt, or when the kernel moved RIP; then iretq restores every register. sysret
	 * also only to a canonical user RIP (the setters keep RIP canonical; iretq covers the
	 * page just below VM_USER_END's end and anything unexpected) and never with TF set. */
	u64 rip = reg_get(uc, UREG_RIP);
	u64 use_iret = !user_canonical(rip) || (*rflags & FL_TF) || reg_get(uc, UREG_RCX) != rip ||
		       reg_get(uc, UREG_R11) != *rflags;
	u64 flags = read_rflags();
	irq_disable();
	struct task *me = task_current();
	FW_CHECK(me, "user_enter: no task yet");
	/* SAFETY: the caller's own flag, seq_cst against task_kick (which reads rq->curr after
	 * setting it: a kick that comes later finds us running and interrupts user mode). */
	if (__atomic_load_n(&me->kicked, __ATOMIC_SEQ_CST)) {
		uc->last_ret = USER_RET_INTERRUPT;
		if (flags & RFLAGS_IF)
			irq_enable();
		return USER_RET_INTERRUPT;
	}
	user_fpu_make_live(me, uc);
	/* Always written: user code can zero FS base behind our back by loading a selector into
	 * %fs (64-bit mode takes the base from the descriptor), so no cached value is trusted. */
	wrmsr(MSR_FS_BASE, uc->regs.fs_base);
	me->user_ctx = uc;
	user_clock_start(me);
	u32 reason = user_enter_asm(&uc->regs, use_iret);
	user_clock_stop(me); /* a system call (a trap stopped it already) */
	me->user_ctx = NULL;
	uc->last_ret = reason;
	if (reason == USER_RET_SYSCALL)
		uc->syscall_nr = reg_get(uc, UREG_RAX);
	/* the FPU state stays in the registers (me->fpu_ctx): saved at switch-out, not here */
	if (fpu_eager) {
		fpu_save(uc->fpu);
		user_fpu_saves++;
		me->fpu_ctx = NULL;
	}
	if (flags & RFLAGS_IF)
		irq_enable();
	return (enum user_return)reason;
}

/* Load uc's FPU image unless it is already live for `me` (storing the one that was). IRQs off. */
static void user_fpu_make_live(struct task *me, struct user_context *uc)
{
	if (me->fpu_ctx == uc)
		return;
	if (me->fpu_ctx) {
		fpu_save(me->fpu_ctx->fpu);
		user_fpu_saves++;
	}
	fpu_restore(uc->fpu);
	user_fpu_loads++;
	me->fpu_ctx = uc;
}

void user_switch(struct task *prev, struct task *next)
{
	struct cpu_local *c = this_cpu();
	if (prev->fpu_ctx) {
		fpu_save(prev->fpu_ctx->fpu);
		user_fpu_saves++;
		prev->fpu_ctx = NULL;
	}
	if (prev->user_ctx)
		prev->user_kernel_rsp = c->user_kernel_rsp;
	if (next->user_ctx) {
		/* next was preempted in user mode: its way back is iretq through its own stack */
		c->user_kernel_rsp = next->user_kernel_rsp;
		/* SAFETY: the address of next's live context (it stays in user_enter until next
		 * runs again), for the syscall entry's save area. */
		c->user_cur_regs = (u64)(uintptr_t)&next->user_ctx->regs;
		/* SAFETY: tss_rsp0 points at this CPU's TSS (percpu_init_bsp / percpu_load). */
		*c->tss_rsp0 = next->user_kernel_rsp;
		if (prev->user_ctx)
			user_irq_switches++;
	}
}

/* Copy the registers of a trap from user mode into the running context. */
static void save_frame(struct user_context *uc, const struct trap_frame *f)
{
	*reg_ref(uc, UREG_RAX) = f->rax;
	*reg_ref(uc, UREG_RBX) = f->rbx;
	*reg_ref(uc, UREG_RCX) = f->rcx;
	*reg_ref(uc, UREG_RDX) = f->rdx;
	*reg_ref(uc, UREG_RSI) = f->rsi;
	*reg_ref(uc, UREG_RDI) = f->rdi;
	*reg_ref(uc, UREG_RBP) = f->rbp;
	*reg_ref(uc, UREG_RSP) = f->rsp;
	*reg_ref(uc, UREG_R8) = f->r8;
	*reg_ref(uc, UREG_R9) = f->r9;
	*reg_ref(uc, UREG_R10) = f->r10;
	*reg_ref(uc, UREG_R11) = f->r11;
	*reg_ref(uc, UREG_R12) = f->r12;
	*reg_ref(uc, UREG_R13) = f->r13;
	*reg_ref(uc, UREG_R14) = f->r14;
	*reg_ref(uc, UREG_R15) = f->r15;
	*reg_ref(uc, UREG_RIP) = f->rip;
	*reg_ref(uc, UREG_RFLAGS) = f->rflags;
}

void user_clock_stop(struct task *me)
{
	if (!me || !me->user_since)
		return;
	u64 d = clock_stamp() - me->user_since;
	me->user_stamps += d;
	me->user_since = 0;
	sched_count_user(d);
}

void user_trap_entry(struct trap_frame *f)
{
	(void)f;
	if (uaccess_smap && (read_rflags() & FL_AC))
		/* SAFETY: clears AC only; the trap frame keeps the user's RFLAGS for iretq. */
		clac();
}

void user_irq_exit(struct trap_frame *f)
{
	user_irqs_from_user++;
	struct task *me = task_current();
	struct user_context *uc = me ? me->user_ctx : NULL;
	if (!uc)
		return;
	/* A switch in the handler saved our FPU state and may have run another task's user code
	 * here with its own FS base (MSR_FS_BASE is per CPU, not per task): both go back before
	 * iretq. The FS base is written on every return (like user_enter: user code may have
	 * changed the live base by loading a selector, and a cached value is never trusted). */
	user_fpu_make_live(me, uc);
	wrmsr(MSR_FS_BASE, uc->regs.fs_base);
	/* SAFETY: the task's own flag (task_kick's IPI brought us here). */
	bool kicked = __atomic_load_n(&me->kicked, __ATOMIC_SEQ_CST) != 0;
	if (!kicked && (!uc->deadline_ns || fw_time_ns() < uc->deadline_ns)) {
		user_clock_start(me);
		return;
	}
	save_frame(uc, f);
	user_exit_to_kernel(USER_RET_INTERRUPT);
}

void user_exception(struct trap_frame *f)
{
	struct user_context *uc = running();
	if (!uc) {
		/* user mode without user_enter(): a framework bug; the caller reports it */
		printk(FW_LOG_ERR, "user: exception %lu from user mode with no context", f->vector);
		return;
	}
	save_frame(uc, f);
	uc->exc.vector = (u32)f->vector;
	uc->exc.error_code = (u32)f->error;
	uc->exc.fault_addr = f->vector == VEC_PF ? read_cr2() : 0;
	user_exit_to_kernel(USER_RET_EXCEPTION);
}

/* --- accessors ------------------------------------------------------------------------------ */
u64 user_ctx_reg(const struct user_context *uc, enum user_reg reg)
{
	if ((unsigned)reg >= UREG_COUNT)
		return 0;
	return reg_get(uc, reg);
}

void user_ctx_set_reg(struct user_context *uc, enum user_reg reg, u64 v)
{
	if ((unsigned)reg >= UREG_COUNT)
		return;
	if ((reg == UREG_RIP && !user_canonical(v)) || (reg == UREG_RSP && v > VM_USER_END))
		return; /* the rule of user_ctx_set_ip / user_ctx_set_sp */
	*reg_ref(uc, reg) = v; /* RFLAGS are sanitised at the next user_enter */
}

u64 user_ctx_ip(const struct user_context *uc)
{
	return reg_get(uc, UREG_RIP);
}

int user_ctx_set_ip(struct user_context *uc, struct uaddr ip)
{
	if (!user_canonical(ip.v))
		return -EINVAL;
	*reg_ref(uc, UREG_RIP) = ip.v;
	return 0;
}

u64 user_ctx_sp(const struct user_context *uc)
{
	return reg_get(uc, UREG_RSP);
}

int user_ctx_set_sp(struct user_context *uc, struct uaddr sp)
{
	if (sp.v > VM_USER_END)
		return -EINVAL;
	*reg_ref(uc, UREG_RSP) = sp.v;
	return 0;
}

u64 user_ctx_fs_base(const struct user_context *uc)
{
	return uc->regs.fs_base;
}

int user_ctx_set_fs_base(struct user_context *uc, struct uaddr base)
{
	if (!user_canonical(base.v))
		return -EINVAL;
	uc->regs.fs_base = base.v;
	return 0;
}

u64 user_ctx_syscall_nr(const struct user_context *uc)
{
	return uc->last_ret == USER_RET_SYSCALL ? uc->syscall_nr : reg_get(uc, UREG_RAX);
}

/* The `syscall` instruction: 0f 05 (SDM vol. 2 SYSCALL); RCX held the address after it. */
#define SYSCALL_INSN_LEN 2u

int user_ctx_restart_syscall(struct user_context *uc)
{
	u64 rip = reg_get(uc, UREG_RIP);
	if (uc->last_ret != USER_RET_SYSCALL || rip < SYSCALL_INSN_LEN)
		return -EINVAL;
	*reg_ref(uc, UREG_RIP) = rip - SYSCALL_INSN_LEN;
	*reg_ref(uc, UREG_RAX) = uc->syscall_nr;
	uc->last_ret = 0; /* once: a second call would back up over another instruction */
	return 0;
}

struct user_fault user_ctx_fault(const struct user_context *uc)
{
	struct user_fault f = { USER_FAULT_OTHER, uaddr(reg_get(uc, UREG_RIP)), 0,
				uc->exc.vector, uc->exc.error_code };
	switch (uc->exc.vector) {
	case VEC_PF:
		f.kind = USER_FAULT_PAGE;
		f.addr = uaddr(uc->exc.fault_addr);
		/* #PF error code (SDM vol. 3 §4.7): bit 0 present, 1 write, 4 instruction fetch */
		f.access = ((uc->exc.error_code & 1) ? VM_FAULT_PRESENT : 0) |
			   ((uc->exc.error_code & 2) ? VM_FAULT_WRITE : 0) |
			   ((uc->exc.error_code & 16) ? VM_FAULT_EXEC : 0);
		break;
	case VEC_GP: case VEC_SS: case VEC_NP: case VEC_TS:
		f.kind = USER_FAULT_PROTECTION;
		break;
	case VEC_UD: f.kind = USER_FAULT_ILLEGAL; break;
	case VEC_DE: f.kind = USER_FAULT_DIVIDE; break;
	case VEC_MF: case VEC_XM: f.kind = USER_FAULT_FPU; break;
	case VEC_BP: f.kind = USER_FAULT_BREAKPOINT; break;
	case VEC_DB: f.kind = USER_FAULT_DEBUG; break;
	case VEC_AC: f.kind = USER_FAULT_ALIGNMENT; break;
	default: break;
	}
	return f;
}

u64 user_ctx_syscall_arg(const struct user_context *uc, unsigned i)
{
	static const enum user_reg args[6] = { UREG_RDI, UREG_RSI, UREG_RDX,
					       UREG_R10, UREG_R8, UREG_R9 };
	/* SAFETY: i < 6, the length of args; every entry is a register below UREG_COUNT. */
	return i < 6 ? reg_get(uc, args[i]) : 0;
}

struct user_syscall user_ctx_syscall(const struct user_context *uc)
{
	/* SAFETY: constant register indices, all below UREG_COUNT. */
	return (struct user_syscall){
		.nr = user_ctx_syscall_nr(uc),
		.a0 = uc->regs.r[UREG_RDI], .a1 = uc->regs.r[UREG_RSI], .a2 = uc->regs.r[UREG_RDX],
		.a3 = uc->regs.r[UREG_R10], .a4 = uc->regs.r[UREG_R8], .a5 = uc->regs.r[UREG_R9],
	};
}

void user_ctx_set_retval(struct user_context *uc, i64 v)
{
	*reg_ref(uc, UREG_RAX) = (u64)v;
}

struct user_exception user_ctx_exception(const struct user_context *uc)
{
	return uc->exc;
}

void user_ctx_set_deadline(struct user_context *uc, u64 deadline_ns)
{
	uc->deadline_ns = deadline_ns;
}

struct bytes user_ctx_fpu_bytes(struct user_context *uc)
{
	fpu_unlive(uc, true);
	return __fw_bytes_raw(uc->fpu, fpu_size());
}

size_t user_fpu_size(void)
{
	return fpu_size();
}
