/*
 * traps.c — what happens on every exception and interrupt: dispatch, decode, report, recover.
 *
 * Interrupts (timer, spurious) go to their registered handler. Exceptions are reported with
 * the vector's name, the error code decoded, the registers, the faulting source line and a
 * symbolized backtrace. Before the generic report, three cases are decoded into what they mean:
 *   - #UD on `ud1` emitted by the compiler for a bounds or overflow check: the check kind;
 *   - #UD on a `ud2` listed in .kcfi_traps: a kCFI violation, with the call target and both
 *     type hashes;
 *   - #DF (on its own IST stack) or #PF whose address lies in a stack's guard page: a kernel
 *     stack overflow.
 * Then, if the ktest runner armed a recovery point, the trap is handed to it (the test fails or,
 * when it expected the trap, passes) and the runner resumes; otherwise the machine stops.
 * An NMI is reported and execution continues.
 */
#include <fw/panic.h>

#include "internal/decode.h"
#include "internal/power.h"
#include "internal/printk.h"
#include "internal/smp.h"
#include "internal/symbols.h"
#include "internal/task.h"
#include "internal/trap.h"
#include "internal/user.h"
#include "arch/x86_64/x86.h"

static irq_handler_fn irq_handlers[256];
/* SAFETY: written by the NMI handler, read by tests: volatile so each read sees it. */
volatile u64 nmi_count;
volatile u64 nmi_last_frame;

void trap_set_irq_handler(u8 vector, irq_handler_fn fn)
{
	irq_handlers[vector] = fn;
}

static const char *const exc_names[32] = {
	[VEC_DE] = "#DE divide error",
	[VEC_DB] = "#DB debug",
	[VEC_NMI] = "NMI",
	[VEC_BP] = "#BP breakpoint",
	[VEC_OF] = "#OF overflow",
	[VEC_BR] = "#BR bound range exceeded",
	[VEC_UD] = "#UD invalid opcode",
	[VEC_NM] = "#NM device not available",
	[VEC_DF] = "#DF double fault",
	[9] = "coprocessor segment overrun",
	[VEC_TS] = "#TS invalid TSS",
	[VEC_NP] = "#NP segment not present",
	[VEC_SS] = "#SS stack-segment fault",
	[VEC_GP] = "#GP general protection",
	[VEC_PF] = "#PF page fault",
	[VEC_MF] = "#MF x87 floating-point error",
	[VEC_AC] = "#AC alignment check",
	[VEC_MC] = "#MC machine check",
	[VEC_XM] = "#XM SIMD floating-point",
	[VEC_VE] = "#VE virtualization",
	[VEC_CP] = "#CP control protection",
};

extern const i32 __kcfi_traps_start[], __kcfi_traps_end[];

/* Whether rip is a kCFI trap site: .kcfi_traps holds 32-bit offsets relative to each entry. */
static bool is_kcfi_trap(u64 rip)
{
	/* SAFETY: walks the linker-bounded .kcfi_traps array [start, end), one entry at a time. */
	for (const i32 *e = __kcfi_traps_start; e < __kcfi_traps_end; e++) {
		/* SAFETY: address arithmetic on the section's own entries (self-relative). */
		u64 site = (u64)(uintptr_t)e + (u64)(i64)*e;
		if (site == rip)
			return true;
	}
	return false;
}

static u64 frame_reg(const struct trap_frame *f, u32 reg)
{
	switch (reg) {
	case 0: return f->rax;
	case 1: return f->rcx;
	case 2: return f->rdx;
	case 3: return f->rbx;
	case 4: return f->rsp;
	case 5: return f->rbp;
	case 6: return f->rsi;
	case 7: return f->rdi;
	case 8: return f->r8;
	case 9: return f->r9;
	case 10: return f->r10;
	case 11: return f->r11;
	case 12: return f->r12;
	case 13: return f->r13;
	case 14: return f->r14;
	default: return f->r15;
	}
}

static void print_regs(const struct trap_frame *f)
{
	kprintf_raw("  rip %016lx  rsp %016lx  rflags %016lx  cs %lx ss %lx\n", f->rip, f->rsp,
		    f->rflags, f->cs, f->ss);
	kprintf_raw("  rax %016lx  rbx %016lx  rcx %016lx  rdx %016lx\n", f->rax, f->rbx, f->rcx,
		    f->rdx);
	kprintf_raw("  rsi %016lx  rdi %016lx  rbp %016lx  r8  %016lx\n", f->rsi, f->rdi, f->rbp,
		    f->r8);
	kprintf_raw("  r9  %016lx  r10 %016lx  r11 %016lx  r12 %016lx\n", f->r9, f->r10, f->r11,
		    f->r12);
	kprintf_raw("  r13 %016lx  r14 %016lx  r15 %016lx\n", f->r13, f->r14, f->r15);
	kprintf_raw("  cr0 %016lx  cr2 %016lx  cr3 %016lx  cr4 %016lx\n", read_cr0(), read_cr2(),
		    read_cr3(), read_cr4());
}

static u32 print_location(u64 rip)
{
	char desc[192];
	u32 line = 0;
	sym_line(rip, &line);
	sym_describe(desc, sizeof(desc), rip);
	kprintf_raw("  at %s\n", desc);
	return line;
}

/* Read up to n code bytes at addr, only from kernel text. Returns how many. */
static size_t read_text(u64 addr, u8 *out, size_t n)
{
	size_t i = 0;
	for (; i < n && addr_in_text(addr + i); i++)
		/* SAFETY: the byte lies in the kernel text, mapped readable for the kernel's life. */
		out[i] = *(const u8 *)(uintptr_t)(addr + i);
	return i;
}

/* Traps being reported, per CPU: a trap inside the reporter must not recurse forever. */
static u8 trap_nesting[256]; /* per CPU, indexed by APIC id */

static void report_end(const struct trap_frame *f, struct trap_record *rec)
{
	print_regs(f);
	backtrace_print(f->rip, f->rbp);
	kprintf_raw("--- end of trap report ---\n");
	trap_nesting[cpu_apic_id() & 0xff] = 0;
	trap_recover_hook(rec);
	printk(FW_LOG_ERR, "trap: unrecoverable; stopping (isa-debug-exit %u)", POWER_EXIT_TRAP);
	power_exit(POWER_EXIT_TRAP);
}

static void handle_ud(struct trap_frame *f)
{
	u8 code[8];
	size_t n = read_text(f->rip, code, sizeof(code));
	u32 kind, len;
	struct trap_record rec = { TRAP_EXCEPTION, VEC_UD, 0, 0, f->rip };
	if (ud1_decode(code, n, &kind, &len)) {
		rec.cls = TRAP_CHECK;
		rec.check = kind;
		printk(FW_LOG_ERR, "TRAP: %s (compiler check, kind %u)", check_kind_name(kind), kind);
		rec.line = print_location(f->rip);
		report_end(f, &rec);
	}
	u8 pre[12];
	if (n >= 2 && code[0] == 0x0f && code[1] == 0x0b && is_kcfi_trap(f->rip) &&
	    read_text(f->rip - 12, pre, 12) == 12) {
		u32 want, reg;
		rec.cls = TRAP_KCFI;
		if (kcfi_decode(pre, &want, &reg)) {
			u64 target = frame_reg(f, reg);
			rec.fault_addr = target;
			char tdesc[192];
			sym_describe(tdesc, sizeof(tdesc), target);
			printk(FW_LOG_ERR,
			       "TRAP: kCFI violation: call through pointer with wrong type");
			kprintf_raw("  target %016lx %s (via %%%s)\n", target, tdesc, reg_name(reg));
			u8 th[4];
			if (read_text(target - 4, th, 4) == 4) {
				u32 have = (u32)th[0] | ((u32)th[1] << 8) | ((u32)th[2] << 16) |
					   ((u32)th[3] << 24);
				kprintf_raw("  expected type hash %08x, target's type hash %08x\n",
					    want, have);
			} else {
				kprintf_raw("  expected type hash %08x, target outside kernel text\n",
					    want);
			}
		} else {
			printk(FW_LOG_ERR, "TRAP: kCFI violation (check sequence not decoded)");
		}
		rec.line = print_location(f->rip);
		report_end(f, &rec);
	}
	if (n >= 2 && code[0] == 0x0f && code[1] == 0x0b) {
		/* ud2 outside .kcfi_traps: __builtin_trap() or a check that carries no kind (clang's
		 * -fsanitize=local-bounds lowers to a plain trap). */
		rec.cls = TRAP_CHECK;
		rec.check = CHECK_PLAIN_TRAP;
		printk(FW_LOG_ERR, "TRAP: ud2: __builtin_trap() or a bounds check without a kind "
				   "(-fsanitize=local-bounds)");
		rec.line = print_location(f->rip);
		report_end(f, &rec);
	}
	printk(FW_LOG_ERR, "TRAP: #UD invalid opcode");
	rec.line = print_location(f->rip);
	report_end(f, &rec);
}

static void handle_stack_overflow(struct trap_frame *f, u64 addr, const char *stack)
{
	struct trap_record rec = { TRAP_STACK_OVERFLOW, (u32)f->vector, 0, 0, addr };
	printk(FW_LOG_ERR, "TRAP: kernel stack overflow: %s stack, access at %016lx in its guard "
			   "page (%s)",
	       stack, addr, exc_names[f->vector]);
	rec.line = print_location(f->rip);
	report_end(f, &rec);
}

static void handle_exception(struct trap_frame *f)
{
	u32 vec = (u32)f->vector;
	u64 cr2 = read_cr2();
	if (++trap_nesting[cpu_apic_id() & 0xff] > 1) {
		kprintf_raw("\nnested trap: vector %u at %016lx while reporting a trap; stopping\n",
			    vec, f->rip);
		power_exit(POWER_EXIT_TRAP);
	}
	if (vec == VEC_UD)
		handle_ud(f);
	if (vec == VEC_DF || vec == VEC_PF) {
		const char *stack = stack_guard_hit(cr2);
		if (stack)
			handle_stack_overflow(f, cr2, stack);
	}
	struct trap_record rec = { TRAP_EXCEPTION, vec, 0, 0, 0 };
	printk(FW_LOG_ERR, "TRAP: %s (vector %u, error code %lx)",
	       vec < 32 && exc_names[vec] ? exc_names[vec] : "reserved exception", vec, f->error);
	if (vec == VEC_PF) {
		rec.fault_addr = cr2;
		kprintf_raw("  page fault at %016lx: %s, %s%s%s%s\n", cr2,
			    (f->error & 1) ? "protection violation" : "page not present",
			    (f->error & 2) ? "write" : "read",
			    (f->error & 16) ? " (instruction fetch)" : "",
			    (f->error & 4) ? " from user mode" : " from kernel mode",
			    (f->error & 8) ? ", reserved bit set" : "");
	}
	rec.line = print_location(f->rip);
	report_end(f, &rec);
}

void trap_dispatch(struct trap_frame *f)
{
	u64 vec = f->vector;
	bool from_user = (f->cs & 3) == 3; /* user mode: framework/user/ takes over */
	user_trap_entry(f);
	if (from_user && vec != VEC_NMI && vec != VEC_DF && vec != VEC_MC)
		user_clock_stop(task_current()); /* user_irq_exit restarts it on the way back */
	if (vec >= 32) {
		sched_irq_enter();
		if (irq_handlers[vec])
			irq_handlers[vec](f);
		else if (vec < VEC_PIC_FIRST || vec > VEC_PIC_LAST)
			printk(FW_LOG_WARN, "trap: unexpected interrupt vector %lu", vec);
		sched_irq_exit(f->rflags); /* may switch tasks (tick preemption) */
		if (from_user)
			user_irq_exit(f); /* FPU back; may go back to the caller of user_enter() */
		return;
	}
	if (from_user && vec != VEC_NMI && vec != VEC_DF && vec != VEC_MC)
		user_exception(f); /* back to the kernel caller of user_enter(); returns only on a bug */
	if (!from_user && (vec == VEC_PF || vec == VEC_GP) && uaccess_fixup(f))
		return; /* a user copy or FPU restore that faulted: resumes at its fixup */
	if (vec == VEC_NMI) {
		nmi_count = nmi_count + 1;
		/* SAFETY: the frame's address, recorded for tests (which stack the NMI used). */
		nmi_last_frame = (u64)(uintptr_t)f;
		printk(FW_LOG_WARN, "NMI received at %016lx; continuing", f->rip);
		return;
	}
	handle_exception(f);
}
