/*
 * random/random.h — the kernel's cryptographic random number generator, behind getrandom(2),
 * /dev/random and /dev/urandom (one generator: as Linux since 5.6, /dev/random does not block
 * once seeded, and GRND_RANDOM draws from the same source).
 *
 * A ChaCha20 key (random/chacha20.h) with "fast key erasure": every request first turns the
 * pool key into a new pool key and a request key (one ChaCha20 block keyed by the old key,
 * nonce = a request counter), so output already handed out cannot be recomputed from a later
 * pool state. Seeding: 32 bytes from the virtio entropy device when there is one, 32 from
 * RDSEED/RDRAND when the CPU has them (fw/cpurand.h), the wall clock, and 256 clock
 * readings between ChaCha20 computations (timing jitter: all a machine without an entropy
 * device or RDRAND has, as QEMU's default CPU), absorbed into the key with ChaCha20; the first seeding happens
 * at boot (random_init), so the generator is never unseeded when user space runs. It reseeds
 * from the same sources every RANDOM_RESEED_NS on the next request that may sleep, and every
 * write to /dev/random or /dev/urandom is mixed in (not credited, as Linux).
 *
 * Locking: one spinlock (held for a few block computations, never across a sleep).
 */
#ifndef KERNEL_RANDOM_RANDOM_H
#define KERNEL_RANDOM_RANDOM_H

#include <fw/bytes.h>
#include <fw/types.h>
#include <random/chacha20.h>

#define RANDOM_RESEED_NS (60ull * 1000000000ull) /* Linux's crng reseed interval */

/* random_init - the first seeding. Context: task (the entropy device sleeps), at boot. */
void random_init(void);

/* random_request_key - a fresh request key (fast key erasure, above); may_sleep allows a due
 * reseed from the entropy device first. Context: task; with may_sleep, no lock held. */
void random_request_key(struct chacha20_key *out, bool may_sleep);

/* random_fill - fill dst with generator output (one request). Context: as above. */
void random_fill(struct bytes dst, bool may_sleep);

/* random_mix - stir src (any length) into the pool key. Context: task. */
void random_mix(struct bytes src);

/* random_reseeds - how many times the generator has been seeded (tests). */
u64 random_reseeds(void);

#endif /* KERNEL_RANDOM_RANDOM_H */
