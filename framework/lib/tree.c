/*
 * lib/tree.c — the AVL tree behind fw/tree.h. Nodes carry parent pointers and heights;
 * insertion and removal rebalance bottom-up with single and double rotations. Every node in
 * a tree records its owner, which the entry points check before following any pointer.
 */
#include <fw/tree.h>

static int h(const struct tree_link *n)
{
	return n ? n->height : 0;
}

static void fix_height(struct tree_link *n)
{
	int l = h(n->left), r = h(n->right);
	n->height = (l > r ? l : r) + 1;
}

/* replace_child - make `parent` (or the root) point at `nw` instead of `old`. */
static void replace_child(struct tree_core *c, struct tree_link *parent, struct tree_link *old,
			  struct tree_link *nw)
{
	if (!parent)
		c->root = nw;
	else if (parent->left == old)
		parent->left = nw;
	else
		parent->right = nw;
	if (nw)
		nw->parent = parent;
}

/* rotate - rotate `n` down to the left (its right child rises) or right; the new subtree root. */
static struct tree_link *rotate(struct tree_core *c, struct tree_link *n, bool left)
{
	struct tree_link *p = n->parent;
	struct tree_link *x = left ? n->right : n->left;
	struct tree_link *mid = left ? x->left : x->right;
	if (left) {
		n->right = mid;
		x->left = n;
	} else {
		n->left = mid;
		x->right = n;
	}
	if (mid)
		mid->parent = n;
	replace_child(c, p, n, x);
	n->parent = x;
	fix_height(n);
	fix_height(x);
	return x;
}

/* rebalance - walk from `n` to the root restoring heights and balance. */
static void rebalance(struct tree_core *c, struct tree_link *n)
{
	while (n) {
		fix_height(n);
		int bal = h(n->left) - h(n->right);
		if (bal > 1) {
			if (h(n->left->left) < h(n->left->right))
				rotate(c, n->left, true);
			n = rotate(c, n, false);
		} else if (bal < -1) {
			if (h(n->right->right) < h(n->right->left))
				rotate(c, n->right, false);
			n = rotate(c, n, true);
		}
		n = n->parent;
	}
}

int __fw_tree_insert(struct tree_core *c, struct tree_link *n, uint64_t key)
{
	FW_CHECK(n->owner == NULL, "tree: element is already in a tree");
	struct tree_link *parent = NULL, **slot = &c->root;
	while (*slot) {
		parent = *slot;
		if (key == parent->key)
			return -EEXIST;
		slot = key < parent->key ? &parent->left : &parent->right;
	}
	n->left = n->right = NULL;
	n->parent = parent;
	n->height = 1;
	n->key = key;
	n->owner = c;
	*slot = n;
	c->count++;
	rebalance(c, parent);
	return 0;
}

void __fw_tree_remove(struct tree_core *c, struct tree_link *n)
{
	FW_CHECK(n->owner == c, "tree: removing an element not in this tree");
	struct tree_link *start;
	if (n->left && n->right) {
		/* Put the successor s (leftmost of the right subtree) in n's place. */
		struct tree_link *s = n->right;
		while (s->left)
			s = s->left;
		if (s->parent != n) {
			start = s->parent;
			replace_child(c, s->parent, s, s->right);
			s->right = n->right;
			s->right->parent = s;
		} else {
			start = s;
		}
		s->left = n->left;
		s->left->parent = s;
		replace_child(c, n->parent, n, s);
		s->height = n->height;
	} else {
		start = n->parent;
		replace_child(c, n->parent, n, n->left ? n->left : n->right);
	}
	n->left = n->right = n->parent = NULL;
	n->owner = NULL;
	c->count--;
	rebalance(c, start);
}

struct tree_link *__fw_tree_search(struct tree_core *c, uint64_t key, enum tree_bound how)
{
	struct tree_link *n = c->root, *best = NULL;
	while (n) {
		if (key == n->key)
			return n;
		if (key < n->key) {
			if (how == TREE_CEIL)
				best = n;
			n = n->left;
		} else {
			if (how == TREE_FLOOR)
				best = n;
			n = n->right;
		}
	}
	return best;
}

struct tree_link *__fw_tree_edge(struct tree_core *c, bool last)
{
	struct tree_link *n = c->root;
	while (n && (last ? n->right : n->left))
		n = last ? n->right : n->left;
	return n;
}

struct tree_link *__fw_tree_step(struct tree_core *c, struct tree_link *n, bool fwd)
{
	FW_CHECK(n->owner == c, "tree: stepping from an element not in this tree");
	struct tree_link *x = fwd ? n->right : n->left;
	if (x) {
		while (fwd ? x->left : x->right)
			x = fwd ? x->left : x->right;
		return x;
	}
	while (n->parent && n == (fwd ? n->parent->right : n->parent->left))
		n = n->parent;
	return n->parent;
}

/* check_sub - height of the subtree at n after checking it; -1 on a broken invariant. */
static int check_sub(struct tree_core *c, struct tree_link *n, struct tree_link *parent,
		     uint64_t lo, uint64_t hi, int depth)
{
	if (!n)
		return 0;
	if (depth > 128 || n->owner != c || n->parent != parent || n->key < lo || n->key > hi)
		return -1;
	int l = check_sub(c, n->left, n, lo, n->key ? n->key - 1 : 0, depth + 1);
	int r = check_sub(c, n->right, n, n->key + 1, hi, depth + 1);
	if (l < 0 || r < 0 || l - r > 1 || r - l > 1 || n->height != (l > r ? l : r) + 1)
		return -1;
	if ((n->left && n->key == 0) || (n->right && n->key == UINT64_MAX))
		return -1;
	return n->height;
}

int __fw_tree_check(struct tree_core *c)
{
	return check_sub(c, c->root, NULL, 0, UINT64_MAX, 0);
}
