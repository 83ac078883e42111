/*
 * lib/idalloc.c — the bitmap id allocator of fw/idalloc.h. Bit i of the map stands for id
 * min + i. The map grows by doubling (up to the range) when an id beyond it is needed; the
 * search scans whole 64-bit words with a count-trailing-zeros on the inverted word.
 */
#include <fw/idalloc.h>
#include <fw/typecache.h>

DEFINE_TYPE_INFO(idalloc_word, uint64_t);

void idalloc_init(struct idalloc *ida, uint32_t min, uint32_t max)
{
	FW_CHECK(min <= max, "idalloc_init: min > max");
	ida->bits = NULL;
	ida->nwords = 0;
	ida->min = min;
	ida->max = max;
	ida->used = 0;
}

void idalloc_destroy(struct idalloc *ida)
{
	__fw_lib_free(&idalloc_word__type, ida->bits);
	ida->bits = NULL;
	ida->nwords = 0;
	ida->used = 0;
}

/* range_words - words needed to cover the whole range. */
static size_t range_words(const struct idalloc *ida)
{
	return ((size_t)(ida->max - ida->min) + 1 + 63) / 64;
}

/* grow - make the map cover bit index `bit`; 0 or -ENOMEM. */
static int grow(struct idalloc *ida, size_t bit)
{
	size_t need = bit / 64 + 1;
	if (need <= ida->nwords)
		return 0;
	size_t n = ida->nwords ? ida->nwords : 1;
	while (n < need)
		n *= 2;
	if (n > range_words(ida))
		n = range_words(ida);
	/* SAFETY: NULL or a zeroed block of n words from the typed hook. */
	uint64_t *nb = __fw_lib_alloc(&idalloc_word__type, n);
	if (!nb)
		return -ENOMEM;
	for (size_t i = 0; i < ida->nwords; i++)
		/* SAFETY: i < old nwords <= n. */
		nb[i] = ida->bits[i];
	__fw_lib_free(&idalloc_word__type, ida->bits);
	ida->bits = nb;
	ida->nwords = n;
	return 0;
}

static bool test_bit(const struct idalloc *ida, size_t bit)
{
	/* SAFETY: bit / 64 < nwords, the length of bits, is tested first (&& short-circuits). */
	return bit / 64 < ida->nwords && (ida->bits[bit / 64] >> (bit % 64)) & 1;
}

struct result_u32 idalloc_alloc_from(struct idalloc *ida, uint32_t from)
{
	if (from < ida->min)
		from = ida->min;
	if (from > ida->max)
		return result_u32_err(-ENOSPC);
	size_t total = (size_t)(ida->max - ida->min) + 1;
	size_t bit = from - ida->min;
	/* Scan the existing map word by word from `bit`. */
	while (bit < total && bit / 64 < ida->nwords) {
		uint64_t free_mask = ~ida->bits[bit / 64] & (~0ull << (bit % 64));
		if (free_mask) {
			bit = (bit & ~(size_t)63) + (size_t)__builtin_ctzll(free_mask);
			break;
		}
		bit = (bit & ~(size_t)63) + 64;
	}
	if (bit >= total)
		return result_u32_err(-ENOSPC);
	if (grow(ida, bit))
		return result_u32_err(-ENOMEM);
	ida->bits[bit / 64] |= 1ull << (bit % 64);
	ida->used++;
	return result_u32_ok(ida->min + (uint32_t)bit);
}

struct result_u32 idalloc_alloc(struct idalloc *ida)
{
	return idalloc_alloc_from(ida, ida->min);
}

int idalloc_reserve(struct idalloc *ida, uint32_t id)
{
	if (id < ida->min || id > ida->max)
		return -ERANGE;
	size_t bit = id - ida->min;
	if (test_bit(ida, bit))
		return -EBUSY;
	if (grow(ida, bit))
		return -ENOMEM;
	ida->bits[bit / 64] |= 1ull << (bit % 64);
	ida->used++;
	return 0;
}

int idalloc_free(struct idalloc *ida, uint32_t id)
{
	if (id < ida->min || id > ida->max || !test_bit(ida, id - ida->min)) {
		FW_WARN("idalloc_free: id was not allocated");
		return -ENOENT;
	}
	size_t bit = id - ida->min;
	ida->bits[bit / 64] &= ~(1ull << (bit % 64));
	ida->used--;
	return 0;
}

bool idalloc_is_used(const struct idalloc *ida, uint32_t id)
{
	return id >= ida->min && id <= ida->max && test_bit(ida, id - ida->min);
}
