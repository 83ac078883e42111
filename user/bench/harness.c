/*
 * Runs benchmark items in batches and prints their results (see bench.h for the line format).
 *
 * A batch performs the item's fixed number of operations; the per-operation figure of a batch
 * is its elapsed time divided by that number (or, for bandwidth items, the bytes moved divided
 * by the time). One unmeasured warm-up batch of a tenth of the size comes first, so the first
 * measured batch does not pay for cold caches or first-touch page faults of the program itself.
 * The reported figures are the best (minimum time, maximum bandwidth) and the median over the
 * measured batches.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "bench.h"

#define MAX_BATCHES 64

int64_t bench_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

void bench_say(const char *fmt, ...)
{
	char line[512];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(line, sizeof(line) - 1, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if (n > (int)sizeof(line) - 2)
		n = sizeof(line) - 2;
	line[n++] = '\n';
	bench_write_all(1, line, n);
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double median_sorted(const double *v, int n)
{
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static void say_error(const struct bench_item *item, int64_t err, const char *stage)
{
	bench_say("BENCH name=%s error=%s:%s", item->name, stage, strerror((int)-err));
}

void bench_run_item(const struct bench_item *item, int batches)
{
	double per_op[MAX_BATCHES];
	long warm = item->iters / 10 > 0 ? item->iters / 10 : 1;
	int64_t t;
	int i, rc;

	if (batches > MAX_BATCHES)
		batches = MAX_BATCHES;
	if (batches < 1)
		batches = 1;
	bench_say("BENCH-START name=%s", item->name);
	if (item->setup) {
		rc = item->setup();
		if (rc < 0) {
			say_error(item, rc, "setup");
			return;
		}
	}
	t = item->run(warm);
	if (t < 0) {
		say_error(item, t, "run");
		goto out;
	}
	for (i = 0; i < batches; i++) {
		t = item->run(item->iters);
		if (t < 0) {
			say_error(item, t, "run");
			goto out;
		}
		if (t == 0)
			t = 1; /* a clock too coarse for the batch: report an upper bound on speed */
		if (item->unit == UNIT_LATENCY)
			per_op[i] = (double)t / item->iters;
		else /* bytes per microsecond = MB/s */
			per_op[i] = (double)item->bytes_per_op * item->iters * 1000.0 / t;
	}
	qsort(per_op, batches, sizeof(per_op[0]), cmp_double);
	if (item->unit == UNIT_LATENCY)
		bench_say("BENCH name=%s unit=ns better=lower best=%.1f median=%.1f batches=%d iters=%ld",
			  item->name, per_op[0], median_sorted(per_op, batches), batches, item->iters);
	else
		bench_say("BENCH name=%s unit=MB/s better=higher best=%.1f median=%.1f batches=%d iters=%ld",
			  item->name, per_op[batches - 1], median_sorted(per_op, batches), batches,
			  item->iters);
out:
	if (item->teardown)
		item->teardown();
}

const struct bench_item *bench_find(const char *name)
{
	const struct bench_item *it;

	for (it = bench_items; it->name; it++)
		if (strcmp(it->name, name) == 0)
			return it;
	return NULL;
}

int bench_write_all(int fd, const void *buf, long len)
{
	const char *p = buf;

	while (len > 0) {
		ssize_t n = write(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return n < 0 ? -errno : -EIO;
		p += n;
		len -= n;
	}
	return 0;
}

int bench_read_all(int fd, void *buf, long len)
{
	char *p = buf;

	while (len > 0) {
		ssize_t n = read(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return n < 0 ? -errno : -EPIPE;
		p += n;
		len -= n;
	}
	return 0;
}
