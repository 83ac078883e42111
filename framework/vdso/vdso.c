/*
 * vdso.c — Trellis's vDSO: the clock calls served in user mode from the data page the
 * framework keeps (internal/vdso_data.h), as Linux's vDSO serves them (vdso(7)).
 *
 * Exported (version LINUX_2.6, the names glibc and musl look up on x86-64, each also under its
 * plain name as Linux's vDSO does): __vdso_clock_gettime, __vdso_gettimeofday, __vdso_time,
 * __vdso_clock_getres, __vdso_getcpu.
 *
 * This code runs in user mode inside every process: it is built -fPIC with no relocations
 * (nothing relocates a vDSO), no stack protector, no libc. It only reads: the data page, the
 * TSC and TSC_AUX. Whatever it cannot answer exactly as the kernel would — a clock it does not
 * serve, a clock source other than the TSC, gettimeofday's time zone — it hands to the real
 * system call, so its answers never differ from the kernel's (same formula, same fields).
 */
#include <stdbool.h>

#include "internal/vdso_data.h"

typedef unsigned long long u64;
typedef long long i64;
typedef unsigned int u32;

/* Linux's numbers (include/uapi/linux/time.h, asm/unistd_64.h): fixed ABI. */
#define CLOCK_REALTIME 0
#define CLOCK_MONOTONIC 1
#define CLOCK_MONOTONIC_RAW 4
#define CLOCK_REALTIME_COARSE 5
#define CLOCK_MONOTONIC_COARSE 6
#define CLOCK_BOOTTIME 7
#define CLOCK_TAI 11
#define NR_gettimeofday 96
#define NR_time 201
#define NR_clock_gettime 228
#define NR_clock_getres 229
#define NR_getcpu 309
#define NSEC_PER_SEC 1000000000ll

struct timespec_k {
	i64 tv_sec, tv_nsec;
};
struct timeval_k {
	i64 tv_sec, tv_usec;
};

/* The data page: VDSO_VVAR_SIZE below the ELF header (vdso.lds defines the symbol there;
 * hidden, so the access is RIP-relative and needs no relocation). */
extern const struct vdso_data vdso_vvar __attribute__((visibility("hidden")));

static long syscall2(long nr, long a, long b)
{
	long ret;
	/* SAFETY: a system call in user mode: the kernel validates every argument. */
	__asm__ volatile("syscall" : "=a"(ret) : "a"(nr), "D"(a), "S"(b) : "rcx", "r11", "memory");
	return ret;
}

static long syscall3(long nr, long a, long b, long c)
{
	long ret;
	/* SAFETY: as syscall2. */
	__asm__ volatile("syscall"
			 : "=a"(ret)
			 : "a"(nr), "D"(a), "S"(b), "d"(c)
			 : "rcx", "r11", "memory");
	return ret;
}

static inline u32 read_once_u32(const u32 *p)
{
	/* SAFETY: p is a field of the data page, mapped readable for the process's life. */
	return __atomic_load_n(p, __ATOMIC_ACQUIRE);
}

static inline u64 rdtsc_ordered(void)
{
	u32 lo, hi;
	/* SAFETY: RDTSC is allowed in user mode (CR4.TSD clear). LFENCE keeps the TSC read from being executed ahead of the sequence count's read. */
	__asm__ volatile("lfence; rdtsc" : "=a"(lo), "=d"(hi) : : "memory");
	return ((u64)hi << 32) | lo;
}

/*
 * read_ns - the clock `realtime ? REALTIME : MONOTONIC` in ns, as the kernel computes it;
 * false when the vDSO may not read the clocks (the caller makes the system call).
 */
static bool read_ns(bool realtime, i64 *out)
{
	const struct vdso_data *d = &vdso_vvar;
	u32 seq;
	u64 mult, tsc;
	i64 off;
	/* SAFETY: d is the data page (mapped read-only right below this code, vdso.lds); the
	 * loads are atomic so the compiler re-reads them each round of the seqcount loop. */
	do {
		seq = read_once_u32(&d->seq);
		while (seq & 1) {
			__builtin_ia32_pause();
			seq = read_once_u32(&d->seq);
		}
		/* SAFETY: as above: atomic loads of the data page's fields. */
		if (__atomic_load_n(&d->clock_mode, __ATOMIC_RELAXED) != VDSO_CLOCK_TSC)
			return false;
		mult = __atomic_load_n(&d->tsc_mult, __ATOMIC_RELAXED);
		off = __atomic_load_n(&d->realtime_offset_ns, __ATOMIC_RELAXED);
		tsc = rdtsc_ordered();
		__atomic_thread_fence(__ATOMIC_ACQUIRE);
	} while (__atomic_load_n(&d->seq, __ATOMIC_RELAXED) != seq);
	i64 ns = (i64)(u64)(((unsigned __int128)tsc * mult) >> 32);
	if (realtime) {
		ns += off;
		if (ns < 0)
			return false; /* the kernel never sets a negative wall clock; be exact anyway */
	}
	*out = ns;
	return true;
}

/* Which of the two bases a clock id reads, or -1 when the vDSO does not serve it. */
static int clock_base(int id)
{
	switch (id) {
	case CLOCK_REALTIME:
	case CLOCK_REALTIME_COARSE:
	case CLOCK_TAI:
		return 1;
	case CLOCK_MONOTONIC:
	case CLOCK_MONOTONIC_RAW:
	case CLOCK_MONOTONIC_COARSE:
	case CLOCK_BOOTTIME:
		return 0;
	default:
		return -1;
	}
}

int __vdso_clock_gettime(int id, struct timespec_k *ts)
{
	int base = clock_base(id);
	i64 ns;
	if (base < 0 || !read_ns(base == 1, &ns))
		return (int)syscall2(NR_clock_gettime, id, (long)ts);
	ts->tv_sec = ns / NSEC_PER_SEC;
	ts->tv_nsec = ns % NSEC_PER_SEC;
	return 0;
}

int __vdso_gettimeofday(struct timeval_k *tv, void *tz)
{
	i64 ns;
	/* The time zone lives in the kernel (settimeofday): a caller that asks for it gets the
	 * system call. */
	if (tz || !read_ns(true, &ns))
		return (int)syscall2(NR_gettimeofday, (long)tv, (long)tz);
	if (tv) {
		tv->tv_sec = ns / NSEC_PER_SEC;
		tv->tv_usec = ns % NSEC_PER_SEC / 1000;
	}
	return 0;
}

i64 __vdso_time(i64 *t)
{
	i64 ns;
	if (!read_ns(true, &ns))
		return syscall2(NR_time, (long)t, 0);
	i64 secs = ns / NSEC_PER_SEC;
	if (t)
		*t = secs;
	return secs;
}

int __vdso_clock_getres(int id, struct timespec_k *res)
{
	const struct vdso_data *d = &vdso_vvar;
	int base = clock_base(id);
	/* SAFETY: d is the data page (see read_ns). */
	if (base < 0 || __atomic_load_n(&d->clock_mode, __ATOMIC_RELAXED) != VDSO_CLOCK_TSC)
		return (int)syscall2(NR_clock_getres, id, (long)res);
	if (res) {
		bool coarse = id == CLOCK_REALTIME_COARSE || id == CLOCK_MONOTONIC_COARSE;
		res->tv_sec = 0;
		res->tv_nsec = coarse ? (i64)d->coarse_res_ns : 1;
	}
	return 0;
}

int __vdso_getcpu(u32 *cpu, u32 *node, void *unused)
{
	u64 aux;
	switch (vdso_vvar.cpu_mode) {
	case VDSO_CPU_RDPID:
		/* SAFETY: the framework chose this mode because the CPU has RDPID. */
		__asm__ volatile("rdpid %0" : "=r"(aux));
		break;
	case VDSO_CPU_RDTSCP: {
		u32 lo, hi, c;
		/* SAFETY: the framework chose this mode because the CPU has RDTSCP. */
		__asm__ volatile("rdtscp" : "=a"(lo), "=d"(hi), "=c"(c));
		aux = c;
		break;
	}
	default:
		return (int)syscall3(NR_getcpu, (long)cpu, (long)node, (long)unused);
	}
	/* TSC_AUX holds (node << 12) | cpu, as Linux's vgetcpu encoding. */
	if (cpu)
		*cpu = (u32)(aux & 0xfff);
	if (node)
		*node = (u32)(aux >> 12);
	return 0;
}

/* The plain names, as Linux's vDSO also exports them. */
int clock_gettime(int, struct timespec_k *) __attribute__((weak, alias("__vdso_clock_gettime")));
int gettimeofday(struct timeval_k *, void *) __attribute__((weak, alias("__vdso_gettimeofday")));
i64 time(i64 *) __attribute__((weak, alias("__vdso_time")));
int clock_getres(int, struct timespec_k *) __attribute__((weak, alias("__vdso_clock_getres")));
int getcpu(u32 *, u32 *, void *) __attribute__((weak, alias("__vdso_getcpu")));
