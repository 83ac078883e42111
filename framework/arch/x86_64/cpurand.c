/*
 * cpurand.c — RDSEED and RDRAND behind fw/cpurand.h: feature detection by CPUID and a retrying
 * 64-bit read (Intel SDM vol. 2B "RDRAND", "RDSEED"; DRNG guide §5.2.1: retry up to 10 times).
 */
#include <fw/cpurand.h>

#include "arch/x86_64/x86.h"

#define RETRIES 10

enum cpu_rand_source cpu_rand_source(void)
{
	if (cpuid(0, 0).eax >= 7 && (cpuid(7, 0).ebx & (1u << 18)))
		return CPU_RAND_RDSEED;
	if (cpuid(1, 0).ecx & (1u << 30))
		return CPU_RAND_RDRAND;
	return CPU_RAND_NONE;
}

/* read64 - one value from the instruction; false when it reported none RETRIES times. */
static bool read64(enum cpu_rand_source src, u64 *out)
{
	for (int i = 0; i < RETRIES; i++) {
		u64 v;
		u8 ok;
		if (src == CPU_RAND_RDSEED)
			/* SAFETY: RDSEED exists (CPUID checked by the caller); it writes only the
			 * output register and CF. */
			__asm__ volatile("rdseed %0; setc %1" : "=r"(v), "=qm"(ok) : : "cc");
		else
			/* SAFETY: as above, for RDRAND. */
			__asm__ volatile("rdrand %0; setc %1" : "=r"(v), "=qm"(ok) : : "cc");
		if (ok) {
			*out = v;
			return true;
		}
	}
	return false;
}

size_t cpu_rand_fill(struct bytes dst)
{
	enum cpu_rand_source src = cpu_rand_source();
	if (src == CPU_RAND_NONE)
		return 0;
	size_t done = 0, len = bytes_len(dst);
	while (done < len) {
		u64 v;
		if (!read64(src, &v))
			break;
		for (size_t k = 0; k < 8 && done < len; k++, done++)
			(void)bytes_put_u8(dst, done, (u8)(v >> (8 * k)));
	}
	return done;
}
