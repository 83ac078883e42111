/*
 * lib/hash.c — the chain operations behind fw/hash.h: singly linked chains hanging off a
 * power-of-two bucket array owned by the table head. Links record their table, so inserting
 * a linked node or removing a foreign one is refused before any pointer is followed.
 */
#include <fw/hash.h>

static size_t bucket_of(const struct hash_core *c, uint64_t key)
{
	/* Fibonacci hashing: the top bits of key * 2^64/phi. */
	unsigned shift = 64 - (unsigned)__builtin_ctzll(c->nbuckets);
	return shift >= 64 ? 0 : (size_t)((key * 0x9E3779B97F4A7C15ull) >> shift);
}

uint64_t hash_str(struct str s)
{
	uint64_t h = 0xcbf29ce484222325ull;
	for (size_t i = 0; i < s.len; i++) {
		/* SAFETY: i < s.len of a valid str. */
		h ^= (uint8_t)s.ptr[i];
		h *= 0x100000001b3ull;
	}
	return h;
}

void __fw_hash_init(struct hash_core *c, struct hash_link **slots, size_t nbuckets)
{
	FW_CHECK(nbuckets && !(nbuckets & (nbuckets - 1)), "hash: bucket count not a power of 2");
	FW_CHECK(c->count == 0, "hash: re-initialising a table that holds elements");
	/* SAFETY: the generated init passes the head's own slot array and its element count. */
	c->buckets = slots;
	c->nbuckets = nbuckets;
	c->count = 0;
	for (size_t i = 0; i < nbuckets; i++)
		c->buckets[i] = NULL;
}

void __fw_hash_insert(struct hash_core *c, struct hash_link *n, uint64_t key)
{
	FW_CHECK(n->owner == NULL, "hash: element is already in a table");
	size_t b = bucket_of(c, key);
	n->key = key;
	n->next = c->buckets[b];
	n->owner = c;
	c->buckets[b] = n;
	c->count++;
}

void __fw_hash_remove(struct hash_core *c, struct hash_link *n)
{
	FW_CHECK(n->owner == c, "hash: removing an element not in this table");
	size_t b = bucket_of(c, n->key);
	/* SAFETY: b < nbuckets (bucket_of masks to the table size). */
	struct hash_link **pp = &c->buckets[b];
	while (*pp && *pp != n)
		pp = &(*pp)->next;
	FW_CHECK(*pp == n, "hash: table corrupted (element missing from its chain)");
	*pp = n->next;
	n->next = NULL;
	n->owner = NULL;
	c->count--;
}

struct hash_link *__fw_hash_find(struct hash_core *c, uint64_t key)
{
	for (struct hash_link *n = c->buckets[bucket_of(c, key)]; n; n = n->next)
		if (n->key == key)
			return n;
	return NULL;
}

struct hash_link *__fw_hash_find_next(struct hash_core *c, struct hash_link *n)
{
	FW_CHECK(n->owner == c, "hash: find_next from an element not in this table");
	for (struct hash_link *m = n->next; m; m = m->next)
		if (m->key == n->key)
			return m;
	return NULL;
}

struct hash_link *__fw_hash_walk(struct hash_core *c, struct hash_link *n)
{
	size_t b = 0;
	if (n) {
		FW_CHECK(n->owner == c, "hash: iterating from an element not in this table");
		if (n->next)
			return n->next;
		b = bucket_of(c, n->key) + 1;
	}
	for (; b < c->nbuckets; b++)
		if (c->buckets[b])
			return c->buckets[b];
	return NULL;
}
