/*
 * stacks.c — the registry of kernel stacks: bounds for safe backtraces and guard pages for
 * overflow detection.
 *
 * A frame-pointer walk reads memory at %rbp; following a corrupted %rbp could fault inside
 * the trap handler, so the walk only reads inside a registered stack. Tasks (with their own
 * stacks) register theirs the same way.
 */
#include "internal/mm.h"
#include "internal/stacks.h"
#include "internal/trap.h"

#define MAX_STACKS 32u

struct stack_entry {
	u64 lo, hi;
	bool guarded; /* the page below lo is an unmapped guard */
	const char *name;
};

static struct stack_entry stacks[MAX_STACKS];
static size_t nstacks;

static void add(u64 lo, u64 hi, bool guarded, const char *name)
{
	if (nstacks >= MAX_STACKS)
		return;
	stacks[nstacks].lo = lo;
	stacks[nstacks].hi = hi;
	stacks[nstacks].guarded = guarded;
	stacks[nstacks].name = name;
	nstacks++;
}

void stack_register(u64 lo, u64 hi, const char *name)
{
	add(lo, hi, false, name);
}

void stack_register_guarded(struct guarded_stack *s, const char *name)
{
	/* SAFETY: address arithmetic only. */
	u64 lo = (u64)(uintptr_t)s->stack;
	add(lo, lo + sizeof(s->stack), true, name);
}

void big_stack_register_guarded(struct guarded_big_stack *s, const char *name)
{
	/* SAFETY: address arithmetic only. */
	u64 lo = (u64)(uintptr_t)s->stack;
	add(lo, lo + sizeof(s->stack), true, name);
}

bool stack_contains(u64 addr, u64 len)
{
	for (size_t i = 0; i < nstacks; i++)
		if (addr >= stacks[i].lo && addr <= stacks[i].hi && len <= stacks[i].hi - addr)
			return true;
	return kstack_contains(addr, len); /* stacks from the memory manager (kstack.c) */
}

const char *stack_guard_hit(u64 addr)
{
	for (size_t i = 0; i < nstacks; i++)
		if (stacks[i].guarded && addr < stacks[i].lo && addr >= stacks[i].lo - PAGE_SIZE)
			return stacks[i].name;
	return kstack_guard_hit(addr); /* stacks from the memory manager (kstack.c) */
}

size_t stack_guard_count(void)
{
	size_t n = 0;
	for (size_t i = 0; i < nstacks; i++)
		n += stacks[i].guarded;
	return n;
}

u64 stack_guard_addr(size_t idx)
{
	for (size_t i = 0; i < nstacks; i++) {
		if (!stacks[i].guarded)
			continue;
		if (idx-- == 0)
			return stacks[i].lo - PAGE_SIZE;
	}
	return 0;
}
