/*
 * fw/cpurand.h — the processor's own random number instructions (RDSEED, RDRAND), for seeding
 * the kernel's generator. Neither is trusted alone: callers mix these bytes with other sources.
 *
 * RDSEED (CPUID.(EAX=7,ECX=0):EBX[18]) returns conditioned entropy; RDRAND
 * (CPUID.01H:ECX[30]) returns the output of the CPU's DRBG. Either may report "no value yet"
 * (CF=0); each 64-bit read is retried up to 10 times (Intel's DRNG Software Implementation
 * Guide, §5.2.1), then the fill stops short. QEMU's default CPU model has neither; `-cpu max`
 * has both.
 */
#ifndef FW_CPURAND_H
#define FW_CPURAND_H

#include <fw/bytes.h>

enum cpu_rand_source {
	CPU_RAND_NONE = 0,
	CPU_RAND_RDRAND = 1,
	CPU_RAND_RDSEED = 2,
};

/* cpu_rand_source - the best instruction this CPU has (RDSEED over RDRAND). Context: any. */
enum cpu_rand_source cpu_rand_source(void);

/*
 * cpu_rand_fill - fill the start of dst with bytes from cpu_rand_source()'s instruction.
 * Returns: how many bytes were filled: bytes_len(dst) normally; fewer when the instruction
 *          kept failing (retries exhausted), 0 when the CPU has neither instruction.
 * Context: any (no sleeping, no locks; a few hundred cycles per 8 bytes).
 */
size_t cpu_rand_fill(struct bytes dst);

#endif /* FW_CPURAND_H */
