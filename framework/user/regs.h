/*
 * user/regs.h — offsets into `struct user_regs` (fw/user.h) for the entry code, and the user
 * segment selectors. Included by entry.S and user.c (which checks the offsets statically).
 */
#ifndef FW_USER_REGS_H
#define FW_USER_REGS_H

#define UR_RAX 0
#define UR_RBX 8
#define UR_RCX 16
#define UR_RDX 24
#define UR_RSI 32
#define UR_RDI 40
#define UR_RBP 48
#define UR_RSP 56
#define UR_R8 64
#define UR_R9 72
#define UR_R10 80
#define UR_R11 88
#define UR_R12 96
#define UR_R13 104
#define UR_R14 112
#define UR_R15 120
#define UR_RIP 128
#define UR_RFLAGS 136

/* cpu.c's GDT: user data 0x18, user code 0x20, both with RPL 3; STAR's SYSRET base is 0x10
 * (SYSRET loads CS = base + 16, SS = base + 8; SDM vol. 2 SYSRET). */
#define USER_SS 0x1b
#define USER_CS 0x23
#define USER_RET_SYSCALL_ASM 1

/* The boundary words of the CPU's area (arch/x86_64/percpu.h asserts the offsets). */
#define PCPU_USER_KERNEL_RSP 8
#define PCPU_USER_CUR_REGS 16
#define PCPU_USER_SCRATCH_RSP 24
#define PCPU_TSS_RSP0 32

#endif /* FW_USER_REGS_H */
