/*
 * backtrace.c — symbolized frame-pointer backtraces.
 *
 * Everything is built with -fno-omit-frame-pointer, so each frame starts with the caller's
 * %rbp and the return address above it. The walk reads a frame only when the 16 bytes lie in a
 * registered stack (stacks.c) and stops at a zero or non-increasing %rbp or after 32 frames.
 */
#include "internal/printk.h"
#include "internal/symbols.h"
#include "internal/trap.h"

#define MAX_FRAMES 32

/* Print frame i at addr; symbolize `lookup` (a return address minus one names the call). */
static void print_frame(int i, u64 addr, u64 lookup)
{
	char desc[192];
	sym_describe(desc, sizeof(desc), lookup);
	kprintf_raw("    #%-2d 0x%016lx %s\n", i, (unsigned long)addr, desc);
}

void backtrace_print(u64 rip, u64 rbp)
{
	kprintf_raw("  backtrace:\n");
	print_frame(0, rip, rip);
	for (int i = 1; i < MAX_FRAMES; i++) {
		if (rbp == 0 || (rbp & 7) || !stack_contains(rbp, 16))
			break;
		/* SAFETY: [rbp, rbp + 16) lies inside a registered, mapped kernel stack. */
		const u64 *frame = (const u64 *)(uintptr_t)rbp;
		u64 next = frame[0], ret = frame[1];
		if (ret == 0)
			break;
		/* ret - 1: the call instruction, so the line is the call's, not the next one */
		print_frame(i, ret, addr_in_text(ret) ? ret - 1 : ret);
		if (next == rbp)
			break;
		rbp = next;
	}
}
