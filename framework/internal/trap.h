/*
 * internal/trap.h — CPU exceptions and interrupts: the saved register frame, the descriptor
 * tables (arch/x86_64/cpu.c), the dispatcher (traps.c) and the decoders of compiler traps.
 */
#ifndef FW_INTERNAL_TRAP_H
#define FW_INTERNAL_TRAP_H

#include <fw/types.h>

/* Registers as entry.S saves them: general registers, then vector and error code, then the
 * frame the CPU pushed (Intel SDM vol. 3 §6.14.2, 64-bit mode: always SS:RSP). */
struct trap_frame {
	u64 r15, r14, r13, r12, r11, r10, r9, r8;
	u64 rbp, rdi, rsi, rdx, rcx, rbx, rax;
	u64 vector, error;
	u64 rip, cs, rflags, rsp, ss;
};
_Static_assert(sizeof(struct trap_frame) == 22 * 8, "trap_frame matches entry.S");

/* Vectors (SDM vol. 3 table 6-1) and the framework's own. */
enum {
	VEC_DE = 0, VEC_DB = 1, VEC_NMI = 2, VEC_BP = 3, VEC_OF = 4, VEC_BR = 5, VEC_UD = 6,
	VEC_NM = 7, VEC_DF = 8, VEC_TS = 10, VEC_NP = 11, VEC_SS = 12, VEC_GP = 13, VEC_PF = 14,
	VEC_MF = 16, VEC_AC = 17, VEC_MC = 18, VEC_XM = 19, VEC_VE = 20, VEC_CP = 21,
	VEC_TIMER = 32,       /* local APIC timer */
	VEC_PIC_FIRST = 33,   /* legacy 8259 lines, remapped and masked: only spurious */
	VEC_PIC_LAST = 48,
	VEC_SPURIOUS = 255,   /* local APIC spurious vector */
};

/* IST slots in the TSS (1-based, as the IDT gate encodes them). */
enum { IST_DF = 1, IST_NMI = 2, IST_MC = 3 };

/*
 * cpu_tables_init - load this CPU's GDT (with its TSS and IST stacks) and the shared IDT.
 * Context: early boot on the boot CPU, interrupts off.
 */
void cpu_tables_init(void);

/* boot_tss_rsp0 - the boot CPU's TSS.rsp0 field (the per-CPU area points at it). */
u64 *boot_tss_rsp0(void);

/* Called by entry.S for every vector with the saved frame. */
void trap_dispatch(struct trap_frame *f);

/* Interrupt handler for one vector (timer, ...). Context: interrupt, IF=0. */
typedef void (*irq_handler_fn)(struct trap_frame *f);
void trap_set_irq_handler(u8 vector, irq_handler_fn fn);

/* NMIs seen, and the address of the last NMI's trap frame (on the NMI IST stack). */
/* SAFETY: written by the NMI handler; volatile so polling loops re-read it. */
extern volatile u64 nmi_count;
extern volatile u64 nmi_last_frame;

/* apic_send_nmi_self - raise an NMI on this CPU through the local APIC (arch/x86_64/apic.c).
 * Context: any. */
void apic_send_nmi_self(void);

/* Stack bounds: a frame-pointer walk only follows %rbp into a registered stack. */
void stack_register(u64 lo, u64 hi, const char *name);
bool stack_contains(u64 addr, u64 len);
/* The registered stack whose guard page (the page below lo) holds addr, or NULL. */
const char *stack_guard_hit(u64 addr);

/* What a trap was, for the report and for ktest_expect_trap(). */
enum trap_class {
	TRAP_EXCEPTION,
	TRAP_CHECK,
	TRAP_KCFI,
	TRAP_STACK_OVERFLOW,
	TRAP_PANIC,
	TRAP_TIMEOUT, /* not a trap: the ktest watchdog ended a function that ran too long */
};

struct trap_record {
	enum trap_class cls;
	u32 vector;
	u32 check;
	u32 line;
	u64 fault_addr;
};

/*
 * trap_recover_hook - if a recovery point is armed (ktest runner), record `rec` and resume it;
 * otherwise return. Context: trap handler.
 */
void trap_recover_hook(const struct trap_record *rec);

#endif /* FW_INTERNAL_TRAP_H */
