/*
 * lib/list.c — the link-level operations behind fw/list.h. Each list is circular through its
 * sentinel; every link records its owner list, which lets these functions refuse a node that
 * is on another list (or on none) before touching any pointer.
 */
#include <fw/list.h>

void __fw_list_init(struct list_core *l)
{
	l->head.next = &l->head;
	l->head.prev = &l->head;
	l->head.owner = l;
	l->len = 0;
}

void __fw_list_insert_after(struct list_core *l, struct list_link *pos, struct list_link *n)
{
	FW_CHECK(n->owner == NULL, "list: element is already on a list");
	FW_CHECK(pos->owner == l, "list: insert position is not on this list");
	/* SAFETY: pos is on l (checked), so pos->next is a live link of l; n is unlinked. */
	n->prev = pos;
	n->next = pos->next;
	pos->next->prev = n;
	pos->next = n;
	n->owner = l;
	l->len++;
}

void __fw_list_remove(struct list_core *l, struct list_link *n)
{
	FW_CHECK(n != &l->head && n->owner == l, "list: removing an element not on this list");
	/* SAFETY: n is a non-sentinel link of l, so both neighbours are live links of l. */
	n->prev->next = n->next;
	n->next->prev = n->prev;
	n->next = n->prev = NULL;
	n->owner = NULL;
	l->len--;
}

struct list_link *__fw_list_step(const struct list_core *l, const struct list_link *n, bool fwd)
{
	FW_CHECK(n->owner == l, "list: stepping from an element not on this list");
	struct list_link *m = fwd ? n->next : n->prev;
	return m == &l->head ? NULL : m;
}
