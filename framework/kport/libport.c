/*
 * libport.c — the kernel port of the safe-C library's environment hooks (the host port is
 * framework/host/port.c):
 *
 *   fw_lib_fail      a broken framework invariant: panic with the message and location (in a
 *                    ktest boot the running test fails and the runner goes on)
 *   fw_lib_warn      a recoverable misuse: a WARN line, counted (fw_lib_warn_count)
 *   (__fw_lib_alloc / __fw_lib_free, the allocation hooks, are the typed heap's: mm/heap.c)
 *   __fw_lock_owner  a non-zero token for the calling context: the CPU's APIC id + 1 (tasks
 *                    replace it with the current task)
 */
#include <fw/libbase.h>
#include <fw/typecache.h>

#include "internal/panic_internal.h"
#include "internal/printk.h"
#include "internal/task.h"
#include "arch/x86_64/x86.h"

static void copy_str(char *buf, size_t cap, struct str s)
{
	size_t n = s.len < cap - 1 ? s.len : cap - 1;
	for (size_t i = 0; i < n; i++)
		/* SAFETY: n <= cap - 1 and n <= s.len (a str's bytes are readable up to its length). */
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

void __fw_check_fail(const struct fw_check_site *site)
{
	fw_lib_fail(site->text, site->file, site->line);
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

/* __fw_lib_alloc / __fw_lib_free: the typed heap, framework/mm/heap.c. */

uintptr_t __fw_lock_owner(void)
{
	/* SAFETY: the task's address is only compared, never dereferenced. */
	struct task *t = task_current();
	return t ? (uintptr_t)t : (uintptr_t)(cpuid(1, 0).ebx >> 24) + 1;
}
