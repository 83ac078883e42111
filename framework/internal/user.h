/*
 * internal/user.h — what the rest of the framework calls into the user-mode code with:
 * initialisation (setup.c, smp.c), the trap hooks (traps.c), the context switch's hook
 * (sched.c), plus the FPU primitives.
 */
#ifndef FW_INTERNAL_USER_H
#define FW_INTERNAL_USER_H

#include <fw/types.h>

struct trap_frame;

/*
 * user_init - enable syscall/sysret (EFER.SCE, STAR, LSTAR, FMASK), the FPU/SSE (and XSAVE
 * when present) and note SMAP for the user-copy routines.
 * Context: boot CPU, after cpu_tables_init and cpu_protections_init, interrupts off.
 */
void user_init(void);

/* user_clock_stop - me left user mode (a system call, or a trap from user mode other than an
 * NMI): its stretch there joins its user time. IRQs off. */
struct task;
void user_clock_stop(struct task *me);
/* user_trap_entry - first thing on every trap (clears AC: SMAP stays in force in a handler
 * even if user code set AC, or the trap interrupted a user copy inside stac/clac; the trap
 * frame keeps the interrupted RFLAGS for iretq). Context: trap handler. */
void user_trap_entry(struct trap_frame *f);

/* user_cpu_init - the per-CPU part of user_init (syscall MSRs); fpu_cpu_init its FPU part.
 * Context: each AP during bring-up, interrupts off. */
void user_cpu_init(void);
void fpu_cpu_init(void);

/*
 * user_switch - the user boundary follows the task: called by the context switch (sched.c,
 * IRQs off, run queue locked) before the stacks change. Saves prev's live user FPU state into
 * its context (lazy FPU: the only place a task's state leaves the registers when it does not
 * enter another context), stores prev's kernel stack pointer of user_enter, and loads next's
 * boundary words and TSS.rsp0 when next is inside user_enter (preempted in user mode).
 */
struct task;
void user_switch(struct task *prev, struct task *next);

/* user_irq_exit - after an interrupt from user mode was handled (and maybe a task switch):
 * reload the context's FPU state if a switch saved it, then return to the kernel caller of
 * user_enter() if the context's deadline passed, else return (iretq goes back to user mode). */
void user_irq_exit(struct trap_frame *f);

/* user_exception - an exception from user mode: save the state, return to the kernel caller
 * of user_enter() with USER_RET_EXCEPTION. Returns only if no context is running (a framework
 * bug: the caller reports the trap as a kernel one). */
void user_exception(struct trap_frame *f);

/*
 * uaccess_fixup - a kernel-mode #PF/#GP: if it happened at an instruction of the exception
 * table, either let the active address space's fault handler resolve it (retry) or move RIP to
 * the fixup. Returns true when handled (the trap returns), false for a real kernel fault.
 */
bool uaccess_fixup(struct trap_frame *f);

/* --- FPU (arch/x86_64/fpu.c) --- */
void fpu_init(void);
/* fpu_init_image - write the initial FPU state (FCW 0x37f, MXCSR 0x1f80) into an area. */
void fpu_init_image(u8 *area);
/* fpu_save - store this CPU's FPU state into area (64-byte aligned, fpu_size() bytes). */
void fpu_save(u8 *area);
/* fpu_restore - sanitise area and load it; a refused image is replaced by the initial one.
 * Returns 0, or 1 when the image had to be replaced. */
int fpu_restore(u8 *area);
u32 fpu_size(void);
/* The raw loads (arch/x86_64/user_copy.S): 0, or 1 when the CPU refused the image (#GP caught). */
int fpu_xrstor_raw(const void *area, u64 mask);
int fpu_fxrstor_raw(const void *area);
bool fpu_uses_xsave(void);

/* Counters for tests: interrupts taken in user mode, images the CPU refused. */
extern u64 user_irqs_from_user;
extern u64 user_irq_switches; /* switches from a task in user mode to another in user mode */
extern u64 user_fpu_loads, user_fpu_saves; /* FPU images loaded / stored (lazy FPU) */
extern u64 fpu_images_refused;
extern u8 uaccess_smap;

#endif /* FW_INTERNAL_USER_H */
