/*
 * fw/user.h — running user code: the saved user CPU state (`struct user_context`) and the
 * call that runs it until it needs the kernel.
 *
 *     struct user_context *uc = ...;         // embedded in the kernel's task/process object
 *     user_context_init(uc);
 *     user_ctx_set_ip(uc, entry); user_ctx_set_sp(uc, stack_top);
 *     vmspace_activate(&vs);                 // a struct vmspace_ref the kernel holds
 *     for (;;) {
 *             switch (user_enter(uc)) {
 *             case USER_RET_SYSCALL:   user_ctx_set_retval(uc, serve(uc)); break;
 *             case USER_RET_EXCEPTION: ... user_ctx_exception(uc) ...; break;
 *             case USER_RET_INTERRUPT: ... the deadline passed: schedule ...; break;
 *             }
 *     }
 *
 * What the framework guarantees: user code never runs with kernel privileges or sees kernel
 * state. RFLAGS are sanitised on every entry (IF on; IOPL, NT, RF, VM off; only the
 * arithmetic flags, TF, DF, AC and ID come from the context); the instruction and stack
 * pointers and the FS base accept canonical user addresses only; the FPU/SSE state is saved
 * per context (XSAVE where present, FXSAVE otherwise; lazily: it stays in the CPU between
 * system calls and is stored when the task is switched out) and sanitised before it is loaded (MXCSR
 * masked, the XSAVE header's reserved bits cleared), and a state the CPU still refuses is
 * replaced by the initial state — a corrupt FPU image never faults the kernel. Anything user
 * code does (a privileged instruction, a fault, a jump into the kernel half, a bad syscall
 * number) comes back here as a reason, never as a kernel fault.
 *
 * Context: user_enter runs in task context with interrupts enabled, in the address space
 * (vmspace_activate) the user code should see; any task on any CPU may run user code at the
 * same time (the boundary state is per CPU and follows the task through context switches).
 * A context is entered by one task at a time. The other calls are accessors.
 */
#ifndef FW_USER_H
#define FW_USER_H

#include <fw/bytes.h>
#include <fw/libbase.h>
#include <fw/vmspace.h>

/* The general registers (x86-64). */
enum user_reg {
	UREG_RAX, UREG_RBX, UREG_RCX, UREG_RDX, UREG_RSI, UREG_RDI, UREG_RBP, UREG_RSP,
	UREG_R8, UREG_R9, UREG_R10, UREG_R11, UREG_R12, UREG_R13, UREG_R14, UREG_R15,
	UREG_RIP, UREG_RFLAGS,
	UREG_COUNT,
};

/* The register file as the entry code saves it (layout fixed: framework/arch/x86_64/user_entry.S). */
struct user_regs {
	uint64_t r[UREG_COUNT] FW_PRIVATE;
	uint64_t fs_base FW_PRIVATE;
};

/* Bytes of FPU/SSE/AVX state a context keeps (x87 + SSE + AVX with XSAVE: 832). */
#define USER_FPU_AREA 1024u

enum user_return {
	USER_RET_SYSCALL = 1,   /* a `syscall` instruction: number and arguments in the context */
	USER_RET_EXCEPTION = 2, /* a CPU exception: user_ctx_exception() says which */
	USER_RET_INTERRUPT = 3, /* an interrupt arrived after the context's deadline, or the task
				 * was kicked (task_kick, fw/task.h: task_kicked() says so) */
};

/* What an exception was. */
struct user_exception {
	uint32_t vector;     /* SDM vol. 3 table 6-1: 0 #DE, 1 #DB, 6 #UD, 13 #GP, 14 #PF, ... */
	uint32_t error_code; /* as the CPU pushed it (0 when it pushes none) */
	uint64_t fault_addr; /* #PF: the faulting address (CR2); else 0 */
};

/* What an exception from user mode means (user_ctx_fault): the kernel maps it to a signal. */
enum user_fault_kind {
	USER_FAULT_PAGE,       /* #PF: `addr` and `access` say where and what (SIGSEGV/SIGBUS) */
	USER_FAULT_PROTECTION, /* #GP, #SS, #NP, #TS: privileged or non-canonical (SIGSEGV) */
	USER_FAULT_ILLEGAL,    /* #UD: invalid opcode (SIGILL) */
	USER_FAULT_DIVIDE,     /* #DE: divide error (SIGFPE) */
	USER_FAULT_FPU,        /* #MF x87, #XM SIMD floating point (SIGFPE) */
	USER_FAULT_BREAKPOINT, /* #BP: int3 (SIGTRAP) */
	USER_FAULT_DEBUG,      /* #DB: single step / debug trap (SIGTRAP) */
	USER_FAULT_ALIGNMENT,  /* #AC with RFLAGS.AC set (SIGBUS) */
	USER_FAULT_OTHER,      /* anything else (#OF, #BR, #NM, ...: SIGSEGV) */
};

struct user_fault {
	enum user_fault_kind kind;
	struct uaddr addr;     /* PAGE: the faulting address (CR2); others: the instruction */
	unsigned access;       /* PAGE: enum vm_fault_access bits (fw/vmspace.h); else 0 */
	uint32_t vector;       /* the raw exception, for reports */
	uint32_t error_code;
};

struct FW_NOCOPY user_context {
	struct user_regs regs FW_PRIVATE;
	struct user_exception exc FW_PRIVATE;
	uint64_t syscall_nr FW_PRIVATE; /* RAX at the last system call (Linux's orig_ax) */
	uint32_t last_ret FW_PRIVATE;   /* why the last user_enter returned (0: never entered) */
	uint64_t deadline_ns FW_PRIVATE; /* 0: no deadline */
	uint8_t fpu[USER_FPU_AREA] FW_PRIVATE __attribute__((aligned(64)));
};

/* user_context_init - all registers zero, RFLAGS with IF only, the initial FPU state.
 * May be called again on a used context (execve). */
void user_context_init(struct user_context *uc);

/*
 * user_context_fini - forget uc's FPU state if it is live in the CPU for the calling task.
 * Needs: called by the task that last entered uc (or any task once that one has ended, which
 * forgets on its own), before uc's memory is freed or reused. Lazy FPU: after user_enter()
 * returns, the user's FPU registers stay in the CPU; they are stored into their context only
 * when the task is switched out, enters another context, or asks for the image
 * (user_ctx_fpu_bytes) — a context freed while live would be written after its end.
 * Context: task.
 */
void user_context_fini(struct user_context *uc);

/*
 * user_enter - run the user code of `uc` until it makes a system call, takes an exception, or
 * an interrupt arrives after its deadline or a kick; save its state back into `uc`. A task
 * whose kick flag is set returns USER_RET_INTERRUPT at once, without entering (clear it with
 * task_kick_clear() when no signal is left to deliver, or this never enters again).
 * Returns: why it stopped. Context: task, interrupts enabled.
 */
enum user_return user_enter(struct user_context *uc);

/* General registers. An out-of-range register reads 0 and ignores writes. */
uint64_t user_ctx_reg(const struct user_context *uc, enum user_reg r);
void user_ctx_set_reg(struct user_context *uc, enum user_reg r, uint64_t v);

/* The instruction and stack pointers. The setters refuse a non-canonical address or one in
 * the kernel half with -EINVAL (nothing changes). */
uint64_t user_ctx_ip(const struct user_context *uc);
FW_MUST_CHECK int user_ctx_set_ip(struct user_context *uc, struct uaddr ip);
uint64_t user_ctx_sp(const struct user_context *uc);
FW_MUST_CHECK int user_ctx_set_sp(struct user_context *uc, struct uaddr sp);

/* The FS base (TLS). Same rule as the pointers above. */
uint64_t user_ctx_fs_base(const struct user_context *uc);
FW_MUST_CHECK int user_ctx_set_fs_base(struct user_context *uc, struct uaddr base);

/* The system call, Linux x86-64 convention: number in RAX (kept aside at entry, so it stays
 * readable after the return value is set); arguments RDI, RSI, RDX, R10, R8, R9 (index 0..5;
 * other indices read 0); the return value goes to RAX. */
uint64_t user_ctx_syscall_nr(const struct user_context *uc);
uint64_t user_ctx_syscall_arg(const struct user_context *uc, unsigned i);
/* The number and the six arguments in one call (the dispatcher's read: one call per system
 * call instead of seven). Named fields, not an array: a handler reads them through a pointer,
 * and an array subscript there costs a pointer-overflow check per read, a field none. */
struct user_syscall {
	uint64_t nr;
	uint64_t a0, a1, a2, a3, a4, a5; /* RDI, RSI, RDX, R10, R8, R9 */
};
struct user_syscall user_ctx_syscall(const struct user_context *uc);
void user_ctx_set_retval(struct user_context *uc, int64_t v);

/* The last exception (valid after user_enter returned USER_RET_EXCEPTION). */
struct user_exception user_ctx_exception(const struct user_context *uc);

/*
 * user_ctx_fault - the last exception as a typed value: a page fault as address + access kind
 * (ready for vmspace_handle_fault), the others by meaning. Valid after user_enter returned
 * USER_RET_EXCEPTION.
 */
struct user_fault user_ctx_fault(const struct user_context *uc);

/*
 * user_ctx_restart_syscall - make the context execute again the system call it stopped at
 * (Linux's ERESTART* handling at signal delivery): the instruction pointer goes back over the
 * `syscall` instruction and RAX gets the call's number back (set RAX afterwards for
 * restart_syscall). Needs: the last user_enter returned USER_RET_SYSCALL and no restart
 * happened since. Returns 0, or -EINVAL (nothing changed).
 */
FW_MUST_CHECK int user_ctx_restart_syscall(struct user_context *uc);

/* The deadline, in fw_time_ns() nanoseconds, after which an interrupt arriving in user mode
 * ends user_enter with USER_RET_INTERRUPT (0: none). */
void user_ctx_set_deadline(struct user_context *uc, uint64_t deadline_ns);

/* The FPU image (the XSAVE/FXSAVE layout, user_fpu_size() bytes), for signal frames and
 * ptrace. Anything may be written into it; it is sanitised before it is loaded. The call
 * first stores the live registers into it when uc is live for the calling task (lazy FPU), so
 * the bytes are uc's current state; the next user_enter loads them. Call it again after any
 * user_enter of uc (the registers are live again). For another task's context, the image is
 * current only while that task is not running. */
struct bytes user_ctx_fpu_bytes(struct user_context *uc);
size_t user_fpu_size(void);

#endif /* FW_USER_H */
