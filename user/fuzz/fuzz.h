/*
 * fuzz.h — the guest system-call fuzzer (see docs/fuzzing.md).
 *
 * One static musl program, run as the guest's init. The supervisor (fuzz.c) prepares a pool
 * of hostile paths, then keeps W worker processes alive until the run's deadline; each worker
 * (worker.c) issues random system calls with arguments from the generators (gen.c), from one
 * or more threads, and sends its statistics back through a pipe when its time slice ends.
 * Afterwards the supervisor checks the kernel is alive and consistent and prints the results
 * between the markers the host runner (tools/fuzz-run.py) reads.
 *
 * Everything derives from one 64-bit seed: worker w of respawn r runs with
 * fz_mix(seed, w, r), so a run replays call for call per worker (the interleaving between
 * workers, and what the kernel schedules, do not replay).
 */
#ifndef FUZZ_H
#define FUZZ_H

#include <stdint.h>

#define FZ_NR_MAX 512            /* table size; numbers beyond it are counted as FZ_NR_BAD */
#define FZ_NR_BAD (FZ_NR_MAX - 1)
#define FZ_ERRNO_MAX 191         /* errno bits kept per call: 1..191; bit 0 = success */
#define FZ_STATS_FD 1000         /* the worker's statistics pipe (never a fuzzed fd) */
#define FZ_LOG_FD 1001           /* the console, for -v traces (never a fuzzed fd) */

/*
 * Argument kinds, one letter per argument in fz_call.args:
 *   f fd  A dir fd or AT_FDCWD  b buffer pointer  l length  p path  o open flags  m mode
 *   x flag word  n number  d pid  s signal  a address  t timespec pointer  v iovec array
 *   q pollfd array  i ioctl request  w whence  g argv/envp array  c clone flags
 *   z a sigset size (8, the kernel's, mostly)
 */
struct fz_call {
	const char *name; /* NULL: unassigned number */
	const char *args; /* NULL: no known shape (six mixed arguments) */
};
extern const struct fz_call fz_calls[FZ_NR_MAX];

/* What a worker sends the supervisor: 32-bit events, in batches of FZ_EV_BATCH at most.
 * A call: bits 0-8 the number (FZ_NR_BAD for any outside the table), bits 9-16 the result
 * (0 success, else the errno, capped at FZ_ERRNO_MAX). An info event: bit 31 set, bits 24-30
 * what, bits 0-23 the value. */
#define FZ_EV_BATCH 256
#define FZ_EV_CALL(nr, res) ((uint32_t)(nr) | ((uint32_t)(res) << 9))
#define FZ_EV_INFO(what, v) (0x80000000u | ((uint32_t)(what) << 24) | ((uint32_t)(v) & 0xffffff))
enum { FZ_INFO_THREADS = 1, FZ_INFO_THREAD_ERR = 2 };

/* The supervisor's totals. */
struct fz_stats {
	uint64_t calls;
	uint32_t count[FZ_NR_MAX];
	uint64_t res[FZ_NR_MAX][3]; /* bit 0: success; bit e: errno e */
};

/* The xorshift64* generator and the seed mixer (splitmix64). */
static inline uint64_t fz_rand(uint64_t *s)
{
	uint64_t x = *s;
	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	*s = x;
	return x * 0x2545f4914f6cdd1dull;
}

static inline uint64_t fz_mix(uint64_t a, uint64_t b, uint64_t c)
{
	uint64_t z = a + 0x9e3779b97f4a7c15ull * (b + 1) + 0xbf58476d1ce4e5b9ull * (c + 1);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	z ^= z >> 31;
	return z ? z : 1;
}

static inline uint64_t fz_below(uint64_t *s, uint64_t n)
{
	return n ? fz_rand(s) % n : 0;
}

/* --- gen.c: the shared pools and the argument generators -------------------------------- */

#define FZ_SCRATCH_BYTES (64 * 1024) /* a worker's writable buffer; a PROT_NONE page follows */
#define FZ_ARENA_BYTES (8 * 2048)    /* crafted structures, 2 KiB per thread */

struct fz_pools {
	const char *paths[96];
	int npaths;
	int fds[48]; /* open fds of every kind, and closed ones */
	int nfds;
	char *scratch; /* FZ_SCRATCH_BYTES, then a guard page */
	char *arena;   /* FZ_ARENA_BYTES */
	char *unterminated; /* a page of 'a' with no NUL, then a guard page */
	long pid, children[16];
	long runner; /* the supervisor: never a target (its checks are the run's verdict) */
	int nchildren;
};

/* One thread's state: its generator and what it knows. */
struct fz_thread {
	uint64_t rng;
	struct fz_pools *pools;
	char *arena; /* this thread's share of the arena */
};

void fz_pools_paths(struct fz_pools *p); /* the path pool; the tree is made by fz_tree_make */
int fz_tree_make(void);                  /* creates /tmp/fz; 0 or -errno */
void fz_tree_remove(void);
int fz_pools_worker(struct fz_pools *p, int slot); /* fds and buffers of one worker */
uint64_t fz_arg(struct fz_thread *t, char kind, int nr);
int fz_pick_nr(struct fz_thread *t);
void fz_nr_result(int nr, long ret); /* adapts the weights (ENOSYS calls get rarer) */
void fz_nr_missing(int nr);          /* the kernel lacks nr: 8x rarer from the start */

/* --- worker.c ------------------------------------------------------------------------------- */
struct fz_worker_cfg {
	uint64_t seed;
	int slot;
	int threads;
	int verbose;
	int avoid_known; /* -k: steer around the known open bugs (worker.c lists them) */
	uint64_t deadline_ns; /* CLOCK_MONOTONIC */
	uint64_t stop_after, skip_lo, skip_hi; /* -N, -X LO-HI: replay a part of a worker */
};
void fz_worker_main(const struct fz_worker_cfg *cfg, struct fz_pools *pools)
	__attribute__((noreturn));

long fz_raw_syscall(long nr, long a0, long a1, long a2, long a3, long a4, long a5);
uint64_t fz_now_ns(void);
void fz_print(int fd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
