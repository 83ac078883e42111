/*
 * libport.c — the kernel port of the safe-C library's environment hooks (the host port is
 * framework/host/port.c):
 *
 *   fw_lib_fail      a broken framework invariant: panic with the message and location (in a
 *                    ktest boot the running test fails and the runner goes on)
 *   fw_lib_warn      a recoverable misuse: a WARN line, counted (fw_lib_warn_count)
 *   __fw_lib_alloc   zeroed memory for `count` objects of a type: until the heap exists
 *   __fw_lib_free    (issue #4) a boot arena — a fixed 256 KiB region handed out by an atomic
 *                    bump pointer, never reused (free only counts). Exhaustion returns NULL,
 *                    which every caller must handle anyway. The typed heap replaces these two.
 *   __fw_lock_owner  a non-zero token for the calling context: the CPU's APIC id + 1 (tasks
 *                    replace it with the current task)
 */
#include <fw/libbase.h>
#include <fw/typecache.h>

#include "internal/panic_internal.h"
#include "internal/printk.h"
#include "internal/x86.h"

static void copy_str(char *buf, size_t cap, struct str s)
{
	size_t n = s.len < cap - 1 ? s.len : cap - 1;
	for (size_t i = 0; i < n; i++)
		buf[i] = s.ptr[i];
	buf[n] = '\0';
}

void fw_lib_fail(struct str what, struct str file, int line)
{
	char w[160], f[96], msg[300];
	copy_str(w, sizeof(w), what);
	copy_str(f, sizeof(f), file);
	ksnprintf(msg, sizeof(msg), "FW_CHECK failed: %s (%s:%d)", w, f, line);
	panic_message(msg);
}

static u64 warn_count;

void fw_lib_warn(struct str what, struct str file, int line)
{
	char w[160], f[96];
	copy_str(w, sizeof(w), what);
	copy_str(f, sizeof(f), file);
	/* SAFETY: atomic counter; no ordering needed. */
	__atomic_fetch_add(&warn_count, 1, __ATOMIC_RELAXED);
	printk(FW_LOG_WARN, "%s (%s:%d)", w, f, line);
}

uint64_t fw_lib_warn_count(void)
{
	/* SAFETY: atomic counter read. */
	return __atomic_load_n(&warn_count, __ATOMIC_RELAXED);
}

#define ARENA_BYTES (256u * 1024u)
static u8 arena[ARENA_BYTES] __attribute__((aligned(4096)));
static size_t arena_used;
static u64 arena_frees;

void *__fw_lib_alloc(const struct type_info *t, size_t count)
{
	size_t bytes;
	if (fw_mul_overflow(t->size, count, &bytes))
		return NULL;
	size_t align = t->align ? t->align : 1;
	if (align > 4096 || (align & (align - 1)))
		return NULL;
	if (bytes == 0)
		bytes = 1;
	/* SAFETY: the bump pointer is only changed by the compare-exchange below. */
	size_t old = __atomic_load_n(&arena_used, __ATOMIC_RELAXED);
	for (;;) {
		size_t start = (old + align - 1) & ~(align - 1);
		if (start < old || start > ARENA_BYTES || bytes > ARENA_BYTES - start)
			return NULL;
		if (__atomic_compare_exchange_n(&arena_used, &old, start + bytes, false,
						__ATOMIC_RELAXED, __ATOMIC_RELAXED))
			/* SAFETY: [start, start + bytes) lies in the arena (checked) and was never
			 * handed out before (the bump pointer only grows); .bss is zeroed. */
			return &arena[start];
	}
}

void __fw_lib_free(const struct type_info *t, void *p)
{
	(void)t;
	if (p)
		/* SAFETY: atomic counter; no ordering needed. */
		__atomic_fetch_add(&arena_frees, 1, __ATOMIC_RELAXED);
}

uintptr_t __fw_lock_owner(void)
{
	return (uintptr_t)(cpuid(1, 0).ebx >> 24) + 1;
}
