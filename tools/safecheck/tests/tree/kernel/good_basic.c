/* Allowed constructs: fixed arrays with variable indexes, counted_by arrays, null pointers,
 * adding const, T * -> void * never reaching a raw API, struct copies of ordinary structs,
 * designated initialisers of public fields, reading private fields, plain-data copies, sound
 * trusted macros, function pointers of the right type, defining a framework entry point. */
#include "svc.h"

struct point {
	int32_t x;
	int32_t y;
};

struct rec {
	uint32_t id;
	uint16_t kind;
	uint8_t flags[2];
};

int svc_counter;
static int table[16];
static const struct point origin = { .x = 0, .y = 0 };

FW_DEFINE_GETTER(point, struct point)

struct derived {
	int extra;
	struct base b;
};
FW_DEFINE_DOWNCAST(derived, struct derived, b);
FW_DEFINE_PLAIN(point, struct point);

static int add(int a, int b)
{
	return a + b;
}

static int (*const op)(int, int) = add;

int svc_helper(int x)
{
	int *none = NULL;
	int *zero = 0;
	const int *ro = &table[3];
	int *rw = &table[0];
	const int *more_const = rw;
	struct point p = origin;
	struct point q = { .y = 1 };
	struct point copy = point_get(&q);
	unsigned i = (unsigned)x % 16;
	table[i] = op(p.x, q.y) + copy.x;
	(void)none;
	(void)zero;
	(void)more_const;
	return table[i] + *ro + fw_public(x) + fw_global + *rw;
}

static size_t measure(const struct bytes *b, struct buf *bf, unsigned i)
{
	size_t n = b->len;
	if (i < bf->count)
		n += (size_t)bf->data[i];
	return n + FW_LEN(*b);
}

static void decode(struct bytes in)
{
	struct rec r = { 0 };
	COPY_FROM_BYTES(struct rec, r, in);
	fw_log("rec %u\n", r.id);
	FW_BARRIER();
	struct frame_ref *none = FW_NO_FRAME;
	(void)none;
}

void kernel_main(void)
{
	struct bytes e = fw_bytes_empty();
	struct buf *bf = NULL;
	(void)measure;
	(void)bf;
	decode(e);
	svc_counter = svc_helper(__builtin_expect(svc_counter, 0));
	uint64_t big = 1;
	big = __builtin_bswap64(big) << 3;
	svc_counter += (int)big;
}
