/*
 * host/port.c — the host port of the safe-C library: the few hooks the library needs from
 * its environment, implemented over libc and pthreads so that framework library code and
 * service logic build and run in an ordinary Linux process (under ASan, UBSan, libFuzzer).
 *
 *   fw_lib_fail      print the broken invariant and abort() (ASan/UBSan print the stack);
 *                    a test may instead catch it (host_expect_fail), see host/port.h
 *   fw_lib_warn      print and count
 *   fw_log_write     the services' log lines (fw_warn & co.): printed to stderr (unless
 *                    FW_HOST_QUIET_WARN is set) and counted, the last one kept for tests
 *   __fw_lib_alloc   calloc (zeroed, like the kernel's typed heap), with an injectable
 *                    failure countdown so tests can exercise -ENOMEM paths
 *   __fw_lock_owner  the address of a thread-local, unique per thread
 */
#include <pthread.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <fw/fmt.h>
#include <fw/heap.h>
#include <fw/libbase.h>
#include <fw/log.h>
#include <fw/typecache.h>

#include "port.h"

static _Thread_local jmp_buf *fail_catch;
static _Thread_local int fail_caught;
static uint64_t warn_count;
static long alloc_fail_after = -1; /* -1: never fail */
static long live_allocs;

void fw_lib_fail(struct str what, struct str file, int line)
{
	if (fail_catch) {
		jmp_buf *j = fail_catch;
		fail_catch = NULL;
		fail_caught++;
		longjmp(*j, 1);
	}
	fprintf(stderr, "FW_CHECK failed: %.*s (%.*s:%d)\n", (int)what.len, what.ptr,
		(int)file.len, file.ptr, line);
	fflush(NULL);
	abort();
}

void __fw_check_fail(const struct fw_check_site *site)
{
	fw_lib_fail(site->text, site->file, site->line);
}

void host_fail_catch_set(jmp_buf *j)
{
	fail_catch = j;
}

int host_fail_caught(void)
{
	return fail_caught;
}

void fw_lib_warn(struct str what, struct str file, int line)
{
	__atomic_fetch_add(&warn_count, 1, __ATOMIC_RELAXED);
	if (getenv("FW_HOST_QUIET_WARN") == NULL)
		fprintf(stderr, "# warning: %.*s (%.*s:%d)\n", (int)what.len, what.ptr,
			(int)file.len, file.ptr, line);
}

static _Thread_local char log_last[512];
static _Thread_local unsigned long log_count;

void fw_log_write(enum fw_log_level level, struct str fmt, struct fmt_args args)
{
	/* fmt_write keeps what it wrote even on error (truncation, a bad conversion) */
	struct result_size r = fmt_write(__fw_bytes_raw((uint8_t *)log_last, sizeof log_last - 1),
					 fmt, args);
	log_last[r.value < sizeof log_last ? r.value : sizeof log_last - 1] = 0;
	log_count++;
	if (getenv("FW_HOST_QUIET_WARN") == NULL)
		fprintf(stderr, "# log %d: %s\n", (int)level, log_last);
}

unsigned long host_log_count(void)
{
	return log_count;
}

const char *host_log_last(void)
{
	return log_last;
}

uint64_t fw_lib_warn_count(void)
{
	return __atomic_load_n(&warn_count, __ATOMIC_RELAXED);
}

void *__fw_lib_alloc(const struct type_info *t, size_t count)
{
	size_t bytes;
	if (fw_mul_overflow(t->size, count, &bytes))
		return NULL;
	if (__atomic_load_n(&alloc_fail_after, __ATOMIC_RELAXED) >= 0 &&
	    __atomic_fetch_sub(&alloc_fail_after, 1, __ATOMIC_RELAXED) == 0)
		return NULL;
	void *p = calloc(1, bytes ? bytes : 1);
	if (p)
		__atomic_fetch_add(&live_allocs, 1, __ATOMIC_RELAXED);
	return p;
}

void __fw_lib_free(const struct type_info *t, void *p)
{
	(void)t;
	if (!p)
		return;
	__atomic_fetch_sub(&live_allocs, 1, __ATOMIC_RELAXED);
	free(p);
}

/* kbuf (fw/heap.h) over calloc, counted and failed like the typed allocations. */
int kbuf_alloc(struct kbuf *out, size_t len)
{
	if (out->b.ptr)
		return -EBUSY;
	if (len == 0 || len > KBUF_MAX)
		return -EINVAL;
	if (__atomic_load_n(&alloc_fail_after, __ATOMIC_RELAXED) >= 0 &&
	    __atomic_fetch_sub(&alloc_fail_after, 1, __ATOMIC_RELAXED) == 0)
		return -ENOMEM;
	uint8_t *p = calloc(1, len);
	if (!p)
		return -ENOMEM;
	__atomic_fetch_add(&live_allocs, 1, __ATOMIC_RELAXED);
	out->b = __fw_bytes_raw(p, len);
	return 0;
}

void kbuf_free(struct kbuf *k)
{
	uint8_t *p = __atomic_exchange_n(&k->b.ptr, NULL, __ATOMIC_ACQ_REL);
	k->b.len = 0;
	if (!p)
		return;
	__atomic_fetch_sub(&live_allocs, 1, __ATOMIC_RELAXED);
	free(p);
}

/* The host port's handles are used by one thread at a time (host tests of service logic):
 * plain reads and writes, no sequence lock. */
struct bytes kbuf_bytes(const struct kbuf *k)
{
	return k->b;
}

int kbuf_move(struct kbuf *dst, struct kbuf *src)
{
	if (dst->b.ptr)
		return -EBUSY;
	dst->b = src->b;
	src->b = bytes_empty();
	return 0;
}

void kbuf_swap(struct kbuf *a, struct kbuf *b)
{
	struct bytes t = a->b;
	a->b = b->b;
	b->b = t;
}

void host_alloc_fail_after(long n)
{
	__atomic_store_n(&alloc_fail_after, n, __ATOMIC_RELAXED);
}

long host_live_allocs(void)
{
	return __atomic_load_n(&live_allocs, __ATOMIC_RELAXED);
}

static _Thread_local char owner_token;

uintptr_t __fw_lock_owner(void)
{
	return (uintptr_t)&owner_token;
}

/* --- untyped frames (fw/frame.h) on the host: calloc'd pages in a table indexed by pfn ---- */
#include <fw/frame.h>

struct host_frame {
	uint32_t refs;
	uint8_t b[FRAME_SIZE];
};
static struct host_frame **host_frames; /* [pfn]; slot 0 unused (the empty handle) */
static size_t host_nframes;
static pthread_mutex_t host_frame_lock = PTHREAD_MUTEX_INITIALIZER;

static struct host_frame *host_frame_of(const struct frame *f)
{
	return f->pfn && f->pfn < host_nframes ? host_frames[f->pfn] : NULL;
}

int frame_alloc(struct frame *out)
{
	if (!frame_is_empty(out))
		return -EBUSY;
	if (__atomic_load_n(&alloc_fail_after, __ATOMIC_RELAXED) >= 0 &&
	    __atomic_fetch_sub(&alloc_fail_after, 1, __ATOMIC_RELAXED) == 0)
		return -ENOMEM;
	struct host_frame *hf = calloc(1, sizeof *hf);
	if (!hf)
		return -ENOMEM;
	hf->refs = 1;
	pthread_mutex_lock(&host_frame_lock);
	size_t pfn = 0;
	for (size_t i = 1; i < host_nframes && !pfn; i++)
		if (!host_frames[i])
			pfn = i;
	if (!pfn) {
		size_t n = host_nframes ? host_nframes * 2 : 64;
		struct host_frame **t = realloc(host_frames, n * sizeof *t);
		if (!t) {
			pthread_mutex_unlock(&host_frame_lock);
			free(hf);
			return -ENOMEM;
		}
		for (size_t i = host_nframes; i < n; i++)
			t[i] = NULL;
		pfn = host_nframes ? host_nframes : 1;
		host_frames = t;
		host_nframes = n;
	}
	host_frames[pfn] = hf;
	pthread_mutex_unlock(&host_frame_lock);
	__atomic_fetch_add(&live_allocs, 1, __ATOMIC_RELAXED);
	out->pfn = pfn;
	return 0;
}

int frame_clone(struct frame *dst, const struct frame *src)
{
	if (frame_is_empty(src))
		return -EINVAL;
	if (!frame_is_empty(dst))
		return -EBUSY;
	pthread_mutex_lock(&host_frame_lock);
	host_frame_of(src)->refs++;
	pthread_mutex_unlock(&host_frame_lock);
	dst->pfn = src->pfn;
	return 0;
}

void frame_release(struct frame *f)
{
	if (frame_is_empty(f))
		return;
	pthread_mutex_lock(&host_frame_lock);
	struct host_frame *hf = host_frame_of(f);
	bool last = hf && --hf->refs == 0;
	if (last)
		host_frames[f->pfn] = NULL;
	pthread_mutex_unlock(&host_frame_lock);
	f->pfn = 0;
	if (last) {
		free(hf);
		__atomic_fetch_sub(&live_allocs, 1, __ATOMIC_RELAXED);
	}
}

uint32_t frame_refcount(const struct frame *f)
{
	pthread_mutex_lock(&host_frame_lock);
	struct host_frame *hf = host_frame_of(f);
	uint32_t n = hf ? hf->refs : 0;
	pthread_mutex_unlock(&host_frame_lock);
	return n;
}

bool frame_same(const struct frame *a, const struct frame *b)
{
	return !frame_is_empty(a) && a->pfn == b->pfn;
}

static uint8_t *host_frame_span(const struct frame *f, size_t off, size_t len)
{
	pthread_mutex_lock(&host_frame_lock);
	struct host_frame *hf = host_frame_of(f);
	pthread_mutex_unlock(&host_frame_lock);
	if (!hf || off > FRAME_SIZE || len > FRAME_SIZE - off)
		return NULL;
	return hf->b + off;
}

int frame_read(const struct frame *f, size_t off, struct bytes dst)
{
	if (frame_is_empty(f))
		return -EINVAL;
	uint8_t *p = host_frame_span(f, off, dst.len);
	if (!p)
		return -ERANGE;
	memcpy(dst.ptr, p, dst.len);
	return 0;
}

int frame_write(const struct frame *f, size_t off, struct bytes src)
{
	if (frame_is_empty(f))
		return -EINVAL;
	uint8_t *p = host_frame_span(f, off, src.len);
	if (!p)
		return -ERANGE;
	memcpy(p, src.ptr, src.len);
	return 0;
}

int frame_fill(const struct frame *f, size_t off, size_t len, uint8_t v)
{
	if (frame_is_empty(f))
		return -EINVAL;
	uint8_t *p = host_frame_span(f, off, len);
	if (!p)
		return -ERANGE;
	memset(p, v, len);
	return 0;
}

int frame_copy(const struct frame *dst, const struct frame *src)
{
	uint8_t *to = host_frame_span(dst, 0, FRAME_SIZE), *from = host_frame_span(src, 0, FRAME_SIZE);
	if (!to || !from)
		return -EINVAL;
	memcpy(to, from, FRAME_SIZE);
	return 0;
}

/* The host has no managed memory of its own: what a 256 MiB guest would report (tmpfs's
 * default size is half of it). */
uint64_t frame_stat_total(void)
{
	return (256u << 20) / FRAME_SIZE;
}
