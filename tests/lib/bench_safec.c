/*
 * tests/lib/bench_safec.c — host microbenchmark of the safe-C library's hot paths against the
 * unchecked C a kernel would otherwise write: a bounds-checked little-endian read vs a raw
 * load, a cursor parse, a checked downcast vs container_of, a typed list push/pop (with its
 * owner and lock checks) vs a bare intrusive list. `make bench-safec`; -O2, no sanitizers.
 * Prints ns per operation; numbers are for comparison on one machine, not absolute.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <fw/bytes.h>
#include <fw/list.h>
#include <fw/litelock.h>
#include <fw/subtype.h>

static double now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

#define N 20000000L
static volatile uint64_t sink;

struct b_base {
	struct type_tag tag;
	int v;
};
struct b_derived {
	uint64_t pad;
	struct b_base base;
	int x;
};
DEFINE_SUBTYPE(b_derived, struct b_derived, base, struct b_base, tag);

struct b_node {
	struct list_link link;
	struct b_node *raw_next, *raw_prev;
	int v;
};
DEFINE_LIST(b_list, struct b_node, link, litelock);

int main(void)
{
	static uint8_t buf[4096];
	for (size_t i = 0; i < sizeof buf; i++)
		buf[i] = (uint8_t)i;
	struct bytes b = BYTES_OF_ARRAY(buf);
	double t0, t1;
	uint64_t acc = 0;

	t0 = now_ns();
	for (long i = 0; i < N; i++)
		acc += bytes_le32(b, (size_t)(i & 4091)).value;
	t1 = now_ns();
	printf("bytes_le32 (checked, result)      %6.2f ns/op\n", (t1 - t0) / N);
	sink = acc;
	t0 = now_ns();
	for (long i = 0; i < N; i++) {
		uint32_t v;
		memcpy(&v, buf + (i & 4091), 4);
		acc += v;
	}
	t1 = now_ns();
	printf("raw unaligned load (unchecked)    %6.2f ns/op\n", (t1 - t0) / N);
	sink = acc;

	t0 = now_ns();
	for (long i = 0; i < N / 64; i++) {
		struct bytes_cursor c = bytes_cursor(b);
		for (int k = 0; k < 64; k++)
			acc += cursor_le64(&c);
		acc += (uint64_t)cursor_err(&c);
	}
	t1 = now_ns();
	printf("cursor_le64 (sticky error)        %6.2f ns/op\n", (t1 - t0) / N);
	sink = acc;

	static struct b_derived d;
	b_derived_init(&d);
	struct b_base *volatile bp = &d.base;
	t0 = now_ns();
	for (long i = 0; i < N; i++)
		acc += (uint64_t)b_derived_from(bp)->x;
	t1 = now_ns();
	printf("subtype downcast (checked)        %6.2f ns/op\n", (t1 - t0) / N);
	sink = acc;
	t0 = now_ns();
	for (long i = 0; i < N; i++) {
		struct b_base *p = bp;
		acc += (uint64_t)((struct b_derived *)((char *)p - offsetof(struct b_derived, base)))->x;
	}
	t1 = now_ns();
	printf("container_of (unchecked)          %6.2f ns/op\n", (t1 - t0) / N);
	sink = acc;

	static struct litelock lock = LITELOCK_INIT;
	static struct b_list list;
	static struct b_node nodes[64];
	litelock_lock(&lock);
	b_list_init(&list, &lock);
	t0 = now_ns();
	for (long i = 0; i < N / 64; i++) {
		for (int k = 0; k < 64; k++)
			b_list_push_back(&list, &nodes[k]);
		for (int k = 0; k < 64; k++)
			acc += (uint64_t)b_list_pop_front(&list)->v;
	}
	t1 = now_ns();
	litelock_unlock(&lock);
	printf("typed list push+pop (checked)     %6.2f ns/op\n", (t1 - t0) / N);
	sink = acc;
	struct b_node head = { 0 };
	head.raw_next = head.raw_prev = &head;
	t0 = now_ns();
	for (long i = 0; i < N / 64; i++) {
		for (int k = 0; k < 64; k++) {
			struct b_node *n = &nodes[k];
			n->raw_prev = head.raw_prev;
			n->raw_next = &head;
			head.raw_prev->raw_next = n;
			head.raw_prev = n;
		}
		for (int k = 0; k < 64; k++) {
			struct b_node *n = head.raw_next;
			n->raw_prev->raw_next = n->raw_next;
			n->raw_next->raw_prev = n->raw_prev;
			acc += (uint64_t)n->v;
		}
	}
	t1 = now_ns();
	printf("bare list push+pop (unchecked)    %6.2f ns/op\n", (t1 - t0) / N);
	sink = acc;
	return 0;
}
