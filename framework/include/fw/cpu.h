/*
 * fw/cpu.h — the processors: how many are online, and inter-processor calls.
 *
 * cpu_call() runs a typed callback (fw/subtype.h) on another CPU, in its interrupt context,
 * and waits until it has run. Waiting for another CPU with interrupts disabled could deadlock
 * (that CPU may be waiting for us the same way), so a call made with interrupts off is
 * refused with -EDEADLK and reported. The per-CPU guard API is in fw/preempt.h.
 */
#ifndef FW_CPU_H
#define FW_CPU_H

#include <fw/libbase.h>
#include <fw/preempt.h>
#include <fw/subtype.h>

/*
 * cpu_call - run callback_invoke(cb) on CPU `cpu` (may be the caller's own) and wait for it.
 * Returns: 0; -EINVAL for a CPU that is not online; -EDEADLK when called with interrupts
 *          disabled (refused, with a warning) — or from an interrupt handler.
 * Context: task, interrupts enabled. The callback runs with interrupts off: keep it short,
 *          no sleeping, no locks that are taken with interrupts enabled elsewhere.
 */
int cpu_call(uint32_t cpu, struct callback *cb);

/* cpu_ipi_calls - inter-processor calls CPU `cpu` has run (tests). */
uint64_t cpu_ipi_calls(uint32_t cpu);

#endif /* FW_CPU_H */
