/*
 * internal/stacks.h — statically allocated kernel stacks with a guard page below each.
 *
 * A guarded_stack is page-aligned: its first page is the guard (left unmapped by paging.c,
 * which unmaps every page registered through stack_register_guarded before loading the tables),
 * the rest is the stack. They live in .bss.stacks so the linker keeps them together.
 */
#ifndef FW_INTERNAL_STACKS_H
#define FW_INTERNAL_STACKS_H

#include <fw/types.h>

#include "arch/x86_64/layout.h"

struct guarded_stack {
	u8 guard[PAGE_SIZE];
	u8 stack[IST_STACK_SIZE];
} __attribute__((aligned(PAGE_SIZE)));

struct guarded_big_stack {
	u8 guard[PAGE_SIZE];
	u8 stack[BOOT_STACK_SIZE];
} __attribute__((aligned(PAGE_SIZE)));

#define STACK_SECTION __attribute__((section(".bss.stacks")))

static inline u64 stack_top(struct guarded_stack *s)
{
	/* SAFETY: address arithmetic only: one past the end of the stack array. */
	return (u64)(uintptr_t)(s->stack + sizeof(s->stack));
}

static inline u64 big_stack_top(struct guarded_big_stack *s)
{
	/* SAFETY: as stack_top. */
	return (u64)(uintptr_t)(s->stack + sizeof(s->stack));
}

/* Register a stack for backtraces and its guard page for paging_init() to unmap. */
void stack_register_guarded(struct guarded_stack *s, const char *name);
void big_stack_register_guarded(struct guarded_big_stack *s, const char *name);

/* Guard pages registered so far (paging.c unmaps them). */
size_t stack_guard_count(void);
u64 stack_guard_addr(size_t i);

extern struct guarded_big_stack boot_stack; /* boot.S switches to it */
extern struct guarded_stack ist_df_stack, ist_nmi_stack, ist_mc_stack; /* cpu.c */

#endif /* FW_INTERNAL_STACKS_H */
