/*
 * lib/radix.c — the radix tree behind fw/radix.h. A node has 64 slots and a bitmap of the
 * used ones; a tree of height h covers indices below 2^(6h). Inner slots hold child nodes,
 * leaf slots hold values. Insert grows the tree upward (a new root above the old) until the
 * index fits, then allocates the missing nodes on the path; remove frees every node the
 * removal empties and shrinks the height while the root has only slot 0 in use.
 *
 * Node memory comes from the library's allocation hook, so it is zeroed; a failed allocation
 * during insert frees what that insert allocated and leaves the tree as it was.
 *
 * SAFETY (the `void *` slots): a slot of a node at level > 0 only ever holds a child
 * `struct radix_node *` (set by insert), a slot at level 0 only a value from the typed
 * wrapper; every read below converts a slot back according to the level it is read at.
 */
#include <fw/radix.h>
#include <fw/typecache.h>

#define RADIX_BITS 6
#define RADIX_SLOTS (1u << RADIX_BITS)
#define RADIX_MAX_HEIGHT 11 /* 6 * 11 = 66 >= 64 index bits */

struct radix_node {
	uint64_t used; /* bit i: slots[i] is non-NULL */
	void *slots[RADIX_SLOTS];
};

DEFINE_TYPE_INFO(radix_node, struct radix_node);

static struct radix_node *node_new(void)
{
	/* SAFETY: NULL or a zeroed radix_node from the typed hook. */
	return __fw_lib_alloc(&radix_node__type, 1);
}

static void node_free(struct radix_node *n)
{
	__fw_lib_free(&radix_node__type, n);
}

/* slot_of - the slot for `index` at `level` (0 = leaves). */
static unsigned slot_of(uint64_t index, unsigned level)
{
	unsigned shift = level * RADIX_BITS;
	return shift >= 64 ? 0 : (unsigned)(index >> shift) & (RADIX_SLOTS - 1);
}

/* fits - `index` is covered by a tree of `height` levels. */
static bool fits(uint64_t index, unsigned height)
{
	unsigned bits = height * RADIX_BITS;
	return bits >= 64 || (index >> bits) == 0;
}

static void set_slot(struct radix_node *n, unsigned s, void *v)
{
	n->slots[s] = v;
	if (v)
		n->used |= 1ull << s;
	else
		n->used &= ~(1ull << s);
}

int __fw_radix_insert(struct radix_core *r, uint64_t index, void *value)
{
	/* Grow upward until the index fits; remember how many roots we added. */
	unsigned grown = 0;
	if (!r->root) {
		struct radix_node *n = node_new();
		if (!n)
			return -ENOMEM;
		r->root = n;
		r->height = 1;
		grown = 1;
	}
	while (!fits(index, r->height)) {
		struct radix_node *n = node_new();
		if (!n)
			goto err_shrink;
		set_slot(n, 0, r->root);
		r->root = n;
		r->height++;
		grown++;
	}
	/* Walk down, allocating missing inner nodes; remember them to undo on failure. */
	struct radix_node *path_new[RADIX_MAX_HEIGHT];
	struct radix_node *parent_of_new[RADIX_MAX_HEIGHT];
	unsigned slot_new[RADIX_MAX_HEIGHT];
	unsigned nnew = 0;
	struct radix_node *n = r->root;
	for (unsigned level = r->height - 1; level > 0; level--) {
		unsigned s = slot_of(index, level);
		/* SAFETY: an inner slot holds a child node (see the top). */
		struct radix_node *child = n->slots[s];
		if (!child) {
			child = node_new();
			if (!child)
				goto err_undo;
			set_slot(n, s, child);
			path_new[nnew] = child;
			parent_of_new[nnew] = n;
			slot_new[nnew] = s;
			nnew++;
		}
		n = child;
	}
	unsigned s = slot_of(index, 0);
	if (n->slots[s])
		return -EEXIST; /* the leaf existed, so this insert allocated nothing */
	set_slot(n, s, value);
	r->count++;
	return 0;

err_undo:
	while (nnew--) {
		set_slot(parent_of_new[nnew], slot_new[nnew], NULL);
		node_free(path_new[nnew]);
	}
err_shrink:
	for (; grown; grown--) {
		struct radix_node *old = r->root;
		if (r->height == 1) {
			node_free(old);
			r->root = NULL;
			r->height = 0;
			break;
		}
		/* SAFETY: an inner slot holds a child node (see the top). */
		r->root = old->slots[0];
		r->height--;
		node_free(old);
	}
	return -ENOMEM;
}

void *__fw_radix_lookup(const struct radix_core *r, uint64_t index)
{
	if (!r->root || !fits(index, r->height))
		return NULL;
	struct radix_node *n = r->root;
	for (unsigned level = r->height - 1; level > 0; level--) {
		/* SAFETY: an inner slot holds a child node (see the top). */
		n = n->slots[slot_of(index, level)];
		if (!n)
			return NULL;
	}
	return n->slots[slot_of(index, 0)];
}

void *__fw_radix_remove(struct radix_core *r, uint64_t index)
{
	if (!r->root || !fits(index, r->height))
		return NULL;
	struct radix_node *path[RADIX_MAX_HEIGHT];
	struct radix_node *n = r->root;
	for (unsigned level = r->height - 1; level > 0; level--) {
		path[level] = n;
		/* SAFETY: an inner slot holds a child node (see the top). */
		n = n->slots[slot_of(index, level)];
		if (!n)
			return NULL;
	}
	unsigned s0 = slot_of(index, 0);
	void *v = n->slots[s0];
	if (!v)
		return NULL;
	set_slot(n, s0, NULL);
	r->count--;
	/* Free emptied nodes bottom-up. */
	for (unsigned level = 1; level < r->height && !n->used; level++) {
		struct radix_node *parent = path[level];
		set_slot(parent, slot_of(index, level), NULL);
		node_free(n);
		n = parent;
	}
	if (!r->root->used) {
		node_free(r->root);
		r->root = NULL;
		r->height = 0;
		return v;
	}
	/* Shrink while the root only uses slot 0 (and is not a leaf). */
	while (r->height > 1 && r->root->used == 1) {
		struct radix_node *old = r->root;
		/* SAFETY: an inner slot holds a child node (see the top). */
		r->root = old->slots[0];
		r->height--;
		node_free(old);
	}
	return v;
}

/* __fw_radix_next: descend from the root along `cur` (initially `from`); in each node take
 * the first used slot at or after cur's slot (moving cur to that slot's first index when it
 * is a later one); when a node has none, climb to the parent and move cur to the start of the
 * parent's next slot. A stack of the nodes on the path replaces recursion. */
void *__fw_radix_next(const struct radix_core *r, uint64_t from, uint64_t *index)
{
	if (!r->root || !fits(from, r->height))
		return NULL;
	struct radix_node *stack[RADIX_MAX_HEIGHT];
	unsigned level = r->height - 1;
	struct radix_node *n = r->root;
	uint64_t cur = from;
	for (;;) {
		unsigned s = slot_of(cur, level);
		uint64_t mask = n->used & (~0ull << s);
		if (mask) {
			unsigned found = (unsigned)__builtin_ctzll(mask);
			if (found != s) {
				unsigned shift = level * RADIX_BITS;          /* < 64 */
				unsigned above = shift + RADIX_BITS;          /* the node's span */
				uint64_t high = above >= 64 ? 0 : (cur >> above) << above;
				cur = high | ((uint64_t)found << shift);
			}
			if (level == 0) {
				*index = cur;
				return n->slots[found];
			}
			stack[level] = n;
			/* SAFETY: an inner slot holds a child node (see the top). */
			n = n->slots[found];
			level--;
			continue;
		}
		/* Nothing here at or after cur: climb to the first ancestor with a later slot. */
		for (;;) {
			level++;
			if (level >= r->height)
				return NULL;
			unsigned shift = level * RADIX_BITS; /* < 64: level <= 10 */
			uint64_t span_index = cur >> shift;
			if (slot_of(cur, level) + 1 >= RADIX_SLOTS)
				continue;
			if (span_index == (UINT64_MAX >> shift))
				return NULL; /* the top of the index space */
			cur = (span_index + 1) << shift;
			n = stack[level];
			break;
		}
	}
}

/* __fw_radix_destroy - free every node (explicit stack, no recursion); values untouched. */
void __fw_radix_destroy(struct radix_core *r)
{
	struct radix_node *stack[RADIX_MAX_HEIGHT];
	unsigned slot[RADIX_MAX_HEIGHT];
	if (!r->root)
		return;
	int level = (int)r->height - 1;
	stack[level] = r->root;
	slot[level] = 0;
	while (level < (int)r->height) {
		struct radix_node *n = stack[level];
		if (level > 0 && slot[level] < RADIX_SLOTS) {
			/* SAFETY: an inner slot holds a child node (see the top). */
			struct radix_node *child = n->slots[slot[level]++];
			if (child) {
				stack[level - 1] = child;
				slot[level - 1] = 0;
				level--;
			}
			continue;
		}
		node_free(n);
		level++;
	}
	r->root = NULL;
	r->height = 0;
	r->count = 0;
}

/* count_nodes - every node in the tree (tests). */
size_t __fw_radix_nodes(const struct radix_core *r)
{
	const struct radix_node *stack[RADIX_MAX_HEIGHT];
	unsigned slot[RADIX_MAX_HEIGHT];
	if (!r->root)
		return 0;
	size_t total = 1;
	int level = (int)r->height - 1;
	stack[level] = r->root;
	slot[level] = 0;
	while (level < (int)r->height) {
		const struct radix_node *n = stack[level];
		if (level > 0 && slot[level] < RADIX_SLOTS) {
			/* SAFETY: an inner slot holds a child node (see the top). */
			const struct radix_node *child = n->slots[slot[level]++];
			if (child) {
				total++;
				stack[level - 1] = child;
				slot[level - 1] = 0;
				level--;
			}
			continue;
		}
		level++;
	}
	return total;
}
