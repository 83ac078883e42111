/*
 * slab.c — type-stable object caches (see slab.h for the model and the guarantees).
 *
 * Slab i of a cache covers [win_base + i * slab_bytes, + slab_bytes). Its descriptor is
 * dir[i / 64][i % 64]. Slabs below the high-water mark `hwm` have descriptors; a slab is on at
 * most one list: VACANT (unmapped, reusable), EMPTY (mapped, unused) or PARTIAL. FULL slabs are
 * on no list; they are found again from the freed address. Allocation prefers a partial slab,
 * then an empty one, then a vacant one (remapped), and only then grows `hwm`.
 */
#include "mm/slab.h"

#define NO_LIST 0xffu

static uint64_t slab_bytes(const struct slab_cache *c)
{
	return (uint64_t)c->slab_pages * MM_PAGE_SIZE;
}

static struct slab_desc *desc(const struct slab_cache *c, uint32_t i)
{
	/* SAFETY: i < hwm <= max_slabs <= SLAB_DIR_ENTRIES * SLAB_DESC_PER_PAGE, and dir[i / 64]
	 * was allocated (get_slab) before hwm grew past i. */
	return &c->dir[i / SLAB_DESC_PER_PAGE][i % SLAB_DESC_PER_PAGE];
}

static void list_add(struct slab_cache *c, uint32_t i, enum slab_state which)
{
	/* SAFETY: which is a slab_state (VACANT, EMPTY or PARTIAL), < 4, the length of head. */
	struct slab_desc *d = desc(c, i);
	d->prev = SLAB_NONE;
	d->next = c->head[which];
	if (d->next != SLAB_NONE)
		desc(c, d->next)->prev = i;
	c->head[which] = i;
	d->on_list = (uint8_t)which;
}

static void list_del(struct slab_cache *c, uint32_t i)
{
	struct slab_desc *d = desc(c, i);
	/* SAFETY: on_list is not NO_LIST (returned above), so it is the slab_state list d was
	 * added to, < 4. */
	if (d->on_list == NO_LIST)
		return;
	if (d->prev != SLAB_NONE)
		desc(c, d->prev)->next = d->next;
	else
		c->head[d->on_list] = d->next;
	if (d->next != SLAB_NONE)
		desc(c, d->next)->prev = d->prev;
	d->next = d->prev = SLAB_NONE;
	d->on_list = NO_LIST;
}

int slab_cache_init(struct slab_cache *c, const char *name, size_t obj_size, size_t align,
		    uint64_t win_base, uint64_t win_size)
{
	if (obj_size == 0 || obj_size > SLAB_MAX_OBJ_SIZE || align == 0 || (align & (align - 1)) ||
	    align > MM_PAGE_SIZE || !mm_is_aligned(win_base, MM_PAGE_SIZE))
		return -EINVAL;
	size_t size = obj_size < SLAB_MIN_OBJ_SIZE ? SLAB_MIN_OBJ_SIZE : obj_size;
	size_t a = align < 8 ? 8 : align;
	size = (size + a - 1) & ~(a - 1);

	uint32_t pages = 1;
	while ((uint64_t)pages * MM_PAGE_SIZE / size < 8 && pages < 16)
		pages *= 2;
	if ((uint64_t)pages * MM_PAGE_SIZE < size)
		pages = (uint32_t)(mm_align_up(size, MM_PAGE_SIZE) / MM_PAGE_SIZE);
	uint64_t objs = (uint64_t)pages * MM_PAGE_SIZE / size;
	if (objs > SLAB_MAX_OBJS)
		objs = SLAB_MAX_OBJS;

	*c = (struct slab_cache){ 0 };
	c->name = name;
	c->obj_size = (uint32_t)size;
	c->objs_per_slab = (uint32_t)objs;
	c->slab_pages = pages;
	c->keep_empty = 1;
	c->win_base = win_base;
	c->win_size = win_size;
	uint64_t max = win_size / slab_bytes(c);
	c->max_slabs = (uint32_t)(max > SLAB_MAX_SLABS ? SLAB_MAX_SLABS : max);
	if (c->max_slabs == 0)
		return -EINVAL;
	for (unsigned k = 0; k < 4; k++)
		c->head[k] = SLAB_NONE;
	return 0;
}

/* A slab to allocate from, mapped, on the PARTIAL list (or about to be). Returns its index
 * or SLAB_NONE with *err set. */
static uint32_t get_slab(struct slab_cache *c, int *err)
{
	uint32_t i = c->head[SLAB_PARTIAL];
	if (i != SLAB_NONE)
		return i;
	i = c->head[SLAB_EMPTY];
	if (i != SLAB_NONE) {
		list_del(c, i);
		c->n_empty--;
		desc(c, i)->state = SLAB_PARTIAL;
		list_add(c, i, SLAB_PARTIAL);
		return i;
	}
	i = c->head[SLAB_VACANT];
	if (i == SLAB_NONE) {
		if (c->hwm >= c->max_slabs) {
			*err = -ENOMEM;
			return SLAB_NONE;
		}
		i = c->hwm;
		if (!c->dir[i / SLAB_DESC_PER_PAGE]) {
			struct slab_desc *page = slab_env_meta_alloc();
			if (!page) {
				*err = -ENOMEM;
				return SLAB_NONE;
			}
			c->dir[i / SLAB_DESC_PER_PAGE] = page;
		}
		*desc(c, i) = (struct slab_desc){ .next = SLAB_NONE, .prev = SLAB_NONE,
						  .state = SLAB_VACANT, .on_list = NO_LIST };
		c->hwm++;
		list_add(c, i, SLAB_VACANT);
	}
	int e = slab_env_map(c->win_base + (uint64_t)i * slab_bytes(c), c->slab_pages);
	if (e) {
		*err = e; /* the slab stays VACANT and first in line for the next attempt */
		return SLAB_NONE;
	}
	if (c->poison)
		/* SAFETY: slab i was just mapped read/write for this cache, slab_bytes(c) long, and
		 * holds no object yet. */
		__builtin_memset((void *)(uintptr_t)(c->win_base + (uint64_t)i * slab_bytes(c)),
				 SLAB_POISON, slab_bytes(c));
	list_del(c, i);
	struct slab_desc *d = desc(c, i);
	/* SAFETY: w < SLAB_BITMAP_WORDS, the length of used. */
	for (unsigned w = 0; w < SLAB_BITMAP_WORDS; w++)
		d->used[w] = 0;
	d->nused = 0;
	d->state = SLAB_PARTIAL;
	list_add(c, i, SLAB_PARTIAL);
	c->stats.slabs_mapped++;
	return i;
}

void slab_set_poison(struct slab_cache *c, bool on)
{
	if (c->stats.slabs_mapped == 0 && c->hwm == 0)
		c->poison = on;
}

/* check_poison - report the first byte of the free object at addr that is not SLAB_POISON.
 * Words first (the common, clean case), bytes only to name the changed one. */
static void check_poison(struct slab_cache *c, uint64_t addr)
{
	const uint64_t word = 0x0101010101010101ull * SLAB_POISON;
	/* SAFETY: [addr, addr + obj_size) is one free object of a mapped slab of c (the caller
	 * found its bit clear); obj_size is a multiple of 8 and objects are 8-byte aligned
	 * (slab_cache_init), so the words read stay inside it. */
	const volatile uint64_t *w = (const volatile uint64_t *)(uintptr_t)addr;
	uint32_t words = c->obj_size / 8, off;
	for (uint32_t k = 0; k < words; k++) {
		if (w[k] != word) {
			off = k * 8;
			goto bad;
		}
	}
	return;
bad:
	for (; off < c->obj_size; off++) {
		/* SAFETY: off < obj_size: inside the object (see above). */
		uint8_t b = ((const volatile uint8_t *)(uintptr_t)addr)[off];
		if (b != SLAB_POISON) {
			c->stats.poison_hits++;
			slab_env_poison_report(c, addr, off, b);
			return;
		}
	}
}

int slab_alloc(struct slab_cache *c, uint64_t *va)
{
	int err = 0;
	uint32_t i = get_slab(c, &err);
	if (i == SLAB_NONE) {
		c->stats.alloc_failures++;
		return err;
	}
	struct slab_desc *d = desc(c, i);
	uint32_t obj = SLAB_NONE;
	for (unsigned w = 0; w < SLAB_BITMAP_WORDS && obj == SLAB_NONE; w++) {
		if (d->used[w] == UINT64_MAX)
			continue;
		uint32_t bit = (uint32_t)__builtin_ctzll(~d->used[w]);
		if (w * 64 + bit < c->objs_per_slab)
			obj = w * 64 + bit;
	}
	/* A PARTIAL slab has a free object below objs_per_slab, so obj was found. */
	d->used[obj / 64] |= 1ull << (obj % 64);
	d->nused++;
	if (d->nused == c->objs_per_slab) {
		list_del(c, i);
		d->state = SLAB_FULL;
	}
	uint64_t addr = c->win_base + (uint64_t)i * slab_bytes(c) + (uint64_t)obj * c->obj_size;
	if (c->poison)
		check_poison(c, addr);
	/* SAFETY: addr is inside slab i, which get_slab() mapped read/write; the object is
	 * obj_size bytes, entirely inside the slab (obj < objs_per_slab), and no one else holds it
	 * (its bit was clear). */
	__builtin_memset((void *)(uintptr_t)addr, 0, c->obj_size);
	c->stats.allocs++;
	c->stats.live++;
	if (c->stats.live > c->stats.peak)
		c->stats.peak = c->stats.live;
	*va = addr;
	return 0;
}

/* Locate va: slab index and object index, if va is the start of an object slot of c. */
static bool locate(const struct slab_cache *c, uint64_t va, uint32_t *slab, uint32_t *obj)
{
	if (!slab_owns(c, va))
		return false;
	uint64_t off = va - c->win_base;
	uint64_t i = off / slab_bytes(c);
	uint64_t in = off % slab_bytes(c);
	if (i >= c->hwm || in % c->obj_size || in / c->obj_size >= c->objs_per_slab)
		return false;
	*slab = (uint32_t)i;
	*obj = (uint32_t)(in / c->obj_size);
	return true;
}

bool slab_owns(const struct slab_cache *c, uint64_t va)
{
	return va >= c->win_base && va - c->win_base < c->win_size;
}

bool slab_is_live(const struct slab_cache *c, uint64_t va)
{
	uint32_t i, obj;
	if (!locate(c, va, &i, &obj))
		return false;
	const struct slab_desc *d = desc(c, i);
	return (d->state == SLAB_PARTIAL || d->state == SLAB_FULL) &&
	       (d->used[obj / 64] & (1ull << (obj % 64)));
}

/* Unmap slab i (EMPTY, on no list) and make it VACANT. */
static void release(struct slab_cache *c, uint32_t i)
{
	slab_env_unmap(c->win_base + (uint64_t)i * slab_bytes(c), c->slab_pages);
	desc(c, i)->state = SLAB_VACANT;
	list_add(c, i, SLAB_VACANT);
	c->stats.slabs_mapped--;
	c->stats.slabs_released++;
}

int slab_free(struct slab_cache *c, uint64_t va)
{
	uint32_t i, obj;
	if (!slab_is_live(c, va) || !locate(c, va, &i, &obj)) {
		c->stats.bad_frees++;
		return -EINVAL;
	}
	struct slab_desc *d = desc(c, i);
	if (c->poison)
		/* SAFETY: va is the start of a live object of c (checked above), obj_size bytes in
		 * a mapped slab; it is being freed, so no one else may use it now. */
		__builtin_memset((void *)(uintptr_t)va, SLAB_POISON, c->obj_size);
	d->used[obj / 64] &= ~(1ull << (obj % 64));
	d->nused--;
	c->stats.frees++;
	c->stats.live--;
	if (d->state == SLAB_FULL) {
		d->state = SLAB_PARTIAL;
		list_add(c, i, SLAB_PARTIAL);
	}
	if (d->nused == 0) {
		list_del(c, i);
		d->state = SLAB_EMPTY;
		if (c->n_empty < c->keep_empty) {
			list_add(c, i, SLAB_EMPTY);
			c->n_empty++;
		} else {
			release(c, i);
		}
	}
	return 0;
}

uint32_t slab_shrink(struct slab_cache *c)
{
	uint32_t n = 0;
	while (c->head[SLAB_EMPTY] != SLAB_NONE) {
		uint32_t i = c->head[SLAB_EMPTY];
		list_del(c, i);
		c->n_empty--;
		release(c, i);
		n++;
	}
	return n;
}

int slab_check(const struct slab_cache *c)
{
	uint64_t live = 0, mapped = 0, empty = 0;
	for (uint32_t i = 0; i < c->hwm; i++) {
		const struct slab_desc *d = desc(c, i);
		uint32_t n = 0;
		for (unsigned w = 0; w < SLAB_BITMAP_WORDS; w++)
			n += (uint32_t)__builtin_popcountll(d->used[w]);
		if (d->state == SLAB_VACANT || d->state == SLAB_EMPTY) {
			if (n || d->nused)
				return -EFAULT;
		} else if (n != d->nused) {
			return -EFAULT;
		}
		if ((d->state == SLAB_FULL) != (d->nused == c->objs_per_slab) &&
		    d->state != SLAB_VACANT)
			return -EFAULT;
		uint8_t want = d->state == SLAB_FULL ? NO_LIST : d->state;
		if (d->on_list != want)
			return -EFAULT;
		live += n;
		mapped += d->state != SLAB_VACANT;
		empty += d->state == SLAB_EMPTY;
	}
	for (unsigned k = SLAB_VACANT; k <= SLAB_PARTIAL; k++) {
		uint32_t prev = SLAB_NONE, steps = 0;
		for (uint32_t i = c->head[k]; i != SLAB_NONE; i = desc(c, i)->next) {
			if (i >= c->hwm || desc(c, i)->state != k || desc(c, i)->prev != prev ||
			    ++steps > c->hwm)
				return -EFAULT;
			prev = i;
		}
	}
	if (live != c->stats.live || mapped != c->stats.slabs_mapped || empty != c->n_empty)
		return -EFAULT;
	return 0;
}
