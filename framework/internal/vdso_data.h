/*
 * internal/vdso_data.h — the layout of the vDSO's data page ([vvar]): the one contract between
 * the framework, which writes it (user/vdso.c), and the vDSO, which reads it in user mode
 * (vdso/vdso.c, built from this same header). Included by both; plain C types only.
 *
 * The page is mapped read-only into every process, immediately below the vDSO's text (the
 * vDSO finds it at a fixed offset from its own code, VDSO_VVAR_SIZE below its ELF header).
 *
 * Readers take a consistent snapshot with the sequence counter `seq` (a seqcount): the writer
 * makes it odd, changes the fields, makes it even again; a reader that saw an odd value, or a
 * different value before and after its reads, reads again. Only the framework writes, one
 * writer at a time (vdso.c's lock).
 *
 * The time arithmetic is the kernel's own (time/clock.c): monotonic ns = TSC * tsc_mult >> 32,
 * realtime = monotonic + realtime_offset_ns, so a vDSO reading and a system call reading agree
 * to the nanosecond. When fw_time_ns() does not read the TSC (the HPET or tick fallback), the
 * clock mode says so and the vDSO makes the system call instead.
 */
#ifndef FW_INTERNAL_VDSO_DATA_H
#define FW_INTERNAL_VDSO_DATA_H

#define VDSO_VVAR_SIZE 4096u /* one page of data below the text */

/* clock_mode: how the vDSO may read the clocks. */
#define VDSO_CLOCK_SYSCALL 0u /* not at all: every clock call is the system call */
#define VDSO_CLOCK_TSC 1u     /* from the TSC with the fields below */

/* cpu_mode: how __vdso_getcpu finds the CPU number (TSC_AUX holds it when not SYSCALL). */
#define VDSO_CPU_SYSCALL 0u
#define VDSO_CPU_RDTSCP 1u
#define VDSO_CPU_RDPID 2u

struct vdso_data {
	unsigned int seq;                /* even: stable; odd: being written */
	unsigned int clock_mode;         /* VDSO_CLOCK_* */
	unsigned long long tsc_mult;     /* monotonic ns = (tsc * tsc_mult) >> 32 (128-bit product) */
	long long realtime_offset_ns;    /* CLOCK_REALTIME = monotonic + this */
	unsigned long long coarse_res_ns; /* the *_COARSE clocks' resolution (the tick) */
	unsigned int cpu_mode;           /* VDSO_CPU_* (fixed after boot) */
	unsigned int pad;
};

#endif /* FW_INTERNAL_VDSO_DATA_H */
