/*
 * internal/vdso.h — the framework's side of the vDSO (user/vdso.c; fw/vdso.h for services).
 */
#ifndef FW_INTERNAL_VDSO_H
#define FW_INTERNAL_VDSO_H

/* vdso_init - copy the embedded image into its frames and fill the data page.
 * Needs: clock_init and mm_init done. Context: boot, once, on the boot CPU. */
void vdso_init(void);

/* vdso_cpu_init - this CPU's TSC_AUX holds its number (for __vdso_getcpu), when the CPU has
 * RDTSCP or RDPID. Context: each CPU's bring-up (user_cpu_init), its per-CPU area loaded. */
void vdso_cpu_init(void);

/* vdso_clock_changed - the clock source changed (clock_select_hpet, tests): the vDSO reads the
 * TSC only while fw_time_ns() does. Context: any. */
void vdso_clock_changed(void);

#endif /* FW_INTERNAL_VDSO_H */
