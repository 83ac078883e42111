/*
 * fw/list.h — typed intrusive doubly linked lists, tied to the lock that guards them.
 *
 *     struct task { struct list_link run_link; ... };
 *     DEFINE_LIST(run_list, struct task, run_link, litelock);
 *     struct run_queue {
 *             struct litelock lock;
 *             struct run_list tasks GUARDED_BY(&lock);
 *     };
 *
 * generates, for `struct run_list *h` and `struct task *t` only:
 *     run_list_init(h, &rq->lock)     bind the list to its lock (once, before use)
 *     run_list_push_back(h, t) / run_list_push_front(h, t)
 *     run_list_remove(h, t)           t must be on h (checked)
 *     run_list_first(h) / run_list_last(h) / run_list_next(h, t) / run_list_prev(h, t)
 *                                     NULL at the ends
 *     run_list_pop_front(h)           first element removed, or NULL
 *     run_list_is_empty(h), run_list_len(h), run_list_contains(h, t)
 *     LIST_FOR_EACH(run_list, h, t) { ... }     (removing t inside: LIST_FOR_EACH_SAFE)
 *
 * Every generated function checks `K##_held(lock)` (fw/litelock.h, the lock protocol) and
 * stops the kernel if the lock is not held. Statically, GUARDED_BY(&lock) on the head plus
 * -Wthread-safety-pointer makes passing `&rq->tasks` without holding rq->lock a compile error.
 * A link records which list it is on, so pushing an element twice or removing it from the
 * wrong list is caught. A link is zero (unlinked) after the zeroing allocator.
 */
#ifndef FW_LIST_H
#define FW_LIST_H

#include <fw/libbase.h>

struct list_core;

struct FW_NOCOPY list_link {
	struct list_link *next FW_PRIVATE;
	struct list_link *prev FW_PRIVATE;
	struct list_core *owner FW_PRIVATE; /* the list this link is on, NULL when unlinked */
};

struct FW_NOCOPY list_core {
	struct list_link head FW_PRIVATE; /* sentinel */
	size_t len FW_PRIVATE;
};

/* Framework-internal list operations on links; the generated functions are the only callers
 * (the checker rejects `__fw_` names in services). Every one checks the link's owner before
 * following a pointer, so a node on another list (or on none) is refused. */
static inline void __fw_list_init(struct list_core *l)
{
	/* Re-initialising a list that holds elements would leave them linked to nothing that
	 * knows them (their owner still says this list): refused. */
	FW_CHECK(l->head.owner != l || l->len == 0, "list: re-initialising a list that holds elements");
	l->head.next = &l->head;
	l->head.prev = &l->head;
	l->head.owner = l;
	l->len = 0;
}

static inline void __fw_list_insert_after(struct list_core *l, struct list_link *pos,
					  struct list_link *n FW_KEPT)
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

static inline void __fw_list_remove(struct list_core *l, struct list_link *n)
{
	FW_CHECK(n != &l->head && n->owner == l, "list: removing an element not on this list");
	/* SAFETY: n is a non-sentinel link of l, so both neighbours are live links of l. */
	n->prev->next = n->next;
	n->next->prev = n->prev;
	n->next = n->prev = NULL;
	n->owner = NULL;
	l->len--;
}

static inline struct list_link *__fw_list_step(const struct list_core *l,
					       const struct list_link *n, bool fwd)
{
	/* SAFETY: n is on l (checked first), so its neighbours are live links of l; the
	 * comparisons only add const. */
	FW_CHECK(n->owner == l, "list: stepping from an element not on this list");
	struct list_link *m = fwd ? n->next : n->prev;
	return m == &l->head ? NULL : m;
}

/* list_link_is_linked - the element is on some list. */
static inline bool list_link_is_linked(const struct list_link *n)
{
	return n->owner != NULL;
}

#define DEFINE_LIST(name, T, member, K)                                                     \
	DECLARE_LIST_TYPE(name, K);                                                         \
	DEFINE_LIST_FUNCS(name, T, member, K)

/*
 * A self-referencing declaration — an element that holds a list of its own type (a tree of
 * nodes, a directory of directories) — needs the head type before the element is complete:
 *
 *     DECLARE_LIST_TYPE(node_list, litelock);
 *     struct node { struct list_link sibling; struct node_list children; ... };
 *     DEFINE_LIST_FUNCS(node_list, struct node, sibling, litelock);
 *
 * (DEFINE_LIST is the two together.) Per-object locks: DEFINE_LIST_HEAD/DEFINE_LIST_IN below.
 */
#define DECLARE_LIST_TYPE(name, K)                                                          \
	struct FW_NOCOPY name {                                                             \
		struct list_core core FW_PRIVATE;                                           \
		struct K *lock FW_PRIVATE;                                                  \
	}

#define DEFINE_LIST_FUNCS(name, T, member, K)                                               \
	__FW_CONTAINER_HELPERS(name, T, member, K, list_link, "list")                          \
	/* name##_init - an empty list guarded by `lock`. Call before any other use. */     \
	static inline FW_UNUSED void name##_init(struct name *h, struct K *lock)            \
	{                                                                                   \
		__fw_list_init(&h->core);                                                   \
		h->lock = lock;                                                             \
	}                                                                                   \
	/* name##_push_back / _push_front - link `e` (not on any list: checked). */         \
	static inline FW_UNUSED void name##_push_back(struct name *h, T *e)                 \
	{                                                                                   \
		name##__held(h);                                                            \
		__fw_list_insert_after(&h->core, h->core.head.prev, &e->member);            \
	}                                                                                   \
	static inline FW_UNUSED void name##_push_front(struct name *h, T *e)                \
	{                                                                                   \
		name##__held(h);                                                            \
		__fw_list_insert_after(&h->core, &h->core.head, &e->member);                \
	}                                                                                   \
	/* name##_insert_after - link `e` right after `pos` (which is on this list). */     \
	static inline FW_UNUSED void name##_insert_after(struct name *h, T *pos, T *e)      \
	{                                                                                   \
		name##__held(h);                                                            \
		FW_CHECK(pos->member.owner == &h->core, #name ": insert after a foreign node"); \
		__fw_list_insert_after(&h->core, &pos->member, &e->member);                 \
	}                                                                                   \
	/* name##_remove - unlink `e`, which must be on this list (checked). */             \
	static inline FW_UNUSED void name##_remove(struct name *h, T *e)                    \
	{                                                                                   \
		name##__held(h);                                                            \
		__fw_list_remove(&h->core, &e->member);                                     \
	}                                                                                   \
	static inline FW_UNUSED T *name##_first(struct name *h)                             \
	{                                                                                   \
		name##__held(h);                                                            \
		return name##__elem(__fw_list_step(&h->core, &h->core.head, true));         \
	}                                                                                   \
	static inline FW_UNUSED T *name##_last(struct name *h)                              \
	{                                                                                   \
		name##__held(h);                                                            \
		return name##__elem(__fw_list_step(&h->core, &h->core.head, false));        \
	}                                                                                   \
	/* name##_next / _prev - the neighbour of `e` (on this list: checked), or NULL. */  \
	static inline FW_UNUSED T *name##_next(struct name *h, T *e)                        \
	{                                                                                   \
		name##__held(h);                                                            \
		return name##__elem(__fw_list_step(&h->core, &e->member, true));            \
	}                                                                                   \
	static inline FW_UNUSED T *name##_prev(struct name *h, T *e)                        \
	{                                                                                   \
		name##__held(h);                                                            \
		return name##__elem(__fw_list_step(&h->core, &e->member, false));           \
	}                                                                                   \
	static inline FW_UNUSED T *name##_pop_front(struct name *h)                         \
	{                                                                                   \
		name##__held(h);                                                            \
		struct list_link *n = __fw_list_step(&h->core, &h->core.head, true);        \
		if (!n)                                                                     \
			return NULL;                                                        \
		__fw_list_remove(&h->core, n);                                              \
		return name##__elem(n);                                                     \
	}                                                                                   \
	static inline FW_UNUSED bool name##_is_empty(struct name *h)                        \
	{                                                                                   \
		name##__held(h);                                                            \
		return h->core.len == 0;                                                    \
	}                                                                                   \
	static inline FW_UNUSED size_t name##_len(struct name *h)                           \
	{                                                                                   \
		name##__held(h);                                                            \
		return h->core.len;                                                         \
	}                                                                                   \
	static inline FW_UNUSED bool name##_contains(struct name *h, const T *e)            \
	{                                                                                   \
		name##__held(h);                                                            \
		return e->member.owner == &h->core;                                         \
	}                                                                                   \
	_Static_assert(1, #name)

/*
 * Per-object lock kinds: a list embedded in an owner object and guarded by that same object's
 * lock — one lock per inode, per process, per socket — with nothing to bind at init and the
 * static analysis checking the right object's lock at every call:
 *
 *     DEFINE_LIST_HEAD(dirent_list);                       before the owner (it embeds one)
 *     struct dir {
 *             struct mutex lock;
 *             struct dirent_list entries;                  guarded by this dir's `lock`
 *     };
 *     struct dirent { struct list_link link; ... };
 *     DEFINE_LIST_IN(dirent_list, struct dirent, link, struct dir, entries, mutex, lock);
 *
 * generates, for `struct dir *d` and `struct dirent *e` only (d names the list *and* its lock):
 *     dirent_list_init(d)                        once, before use (no lock needed)
 *     dirent_list_push_back(d, e) / _push_front / _insert_after(d, pos, e) / _remove(d, e)
 *     dirent_list_first(d) / _last / _next(d, e) / _prev / _pop_front(d)
 *     dirent_list_is_empty(d), _len(d), _contains(d, e)
 *     LIST_FOR_EACH(dirent_list, d, e) { ... }   (and LIST_FOR_EACH_SAFE)
 * Every function but _init is REQUIRES(&d->lock): clang rejects a call without holding *that*
 * directory's lock (-Werror=thread-safety), and each also checks K##_held(&d->lock) at run
 * time. The lock kind K follows the protocol of fw/litelock.h (litelock, spinlock, mutex,
 * rwlock held for writing...). A self-referencing list — elements of the owner's own type, a
 * directory's subdirectories — is declared the same way: `struct dir` can be both O and T.
 */
#define DEFINE_LIST_HEAD(name)                                                              \
	struct FW_NOCOPY name {                                                         \
		struct list_core core FW_PRIVATE;                                           \
	}

#define DEFINE_LIST_IN(name, T, member, O, field, K, lockfield)                             \
	__FW_CONTAINER_ELEM(name, T, member, list_link)                                     \
	static inline FW_UNUSED void name##__held(const O *o)                               \
	{                                                                                   \
		/* SAFETY: a pointer comparison (the const side converted); nothing is      \
		 * dereferenced. */                                                         \
		FW_CHECK(o->field.core.head.owner == &o->field.core,                        \
			 #name ": list used before " #name "_init");                        \
		FW_CHECK(K##_held(&o->lockfield), #name ": lock not held");                 \
	}                                                                                   \
	/* name##_init - an empty list in `o` (before any other use; no lock needed). */    \
	static inline FW_UNUSED void name##_init(O *o)                                      \
	{                                                                                   \
		__fw_list_init(&o->field.core);                                             \
	}                                                                                   \
	static inline FW_UNUSED void name##_push_back(O *o, T *e) REQUIRES(&o->lockfield)   \
	{                                                                                   \
		name##__held(o);                                                            \
		__fw_list_insert_after(&o->field.core, o->field.core.head.prev, &e->member); \
	}                                                                                   \
	static inline FW_UNUSED void name##_push_front(O *o, T *e) REQUIRES(&o->lockfield)  \
	{                                                                                   \
		name##__held(o);                                                            \
		__fw_list_insert_after(&o->field.core, &o->field.core.head, &e->member);    \
	}                                                                                   \
	static inline FW_UNUSED void name##_insert_after(O *o, T *pos, T *e)                \
		REQUIRES(&o->lockfield)                                                     \
	{                                                                                   \
		name##__held(o);                                                            \
		FW_CHECK(pos->member.owner == &o->field.core, #name ": insert after a foreign node"); \
		__fw_list_insert_after(&o->field.core, &pos->member, &e->member);           \
	}                                                                                   \
	static inline FW_UNUSED void name##_remove(O *o, T *e) REQUIRES(&o->lockfield)      \
	{                                                                                   \
		name##__held(o);                                                            \
		__fw_list_remove(&o->field.core, &e->member);                               \
	}                                                                                   \
	static inline FW_UNUSED T *name##_first(O *o) REQUIRES(&o->lockfield)               \
	{                                                                                   \
		name##__held(o);                                                            \
		return name##__elem(__fw_list_step(&o->field.core, &o->field.core.head, true)); \
	}                                                                                   \
	static inline FW_UNUSED T *name##_last(O *o) REQUIRES(&o->lockfield)                \
	{                                                                                   \
		name##__held(o);                                                            \
		return name##__elem(__fw_list_step(&o->field.core, &o->field.core.head, false)); \
	}                                                                                   \
	static inline FW_UNUSED T *name##_next(O *o, T *e) REQUIRES(&o->lockfield)          \
	{                                                                                   \
		name##__held(o);                                                            \
		return name##__elem(__fw_list_step(&o->field.core, &e->member, true));      \
	}                                                                                   \
	static inline FW_UNUSED T *name##_prev(O *o, T *e) REQUIRES(&o->lockfield)          \
	{                                                                                   \
		name##__held(o);                                                            \
		return name##__elem(__fw_list_step(&o->field.core, &e->member, false));     \
	}                                                                                   \
	static inline FW_UNUSED T *name##_pop_front(O *o) REQUIRES(&o->lockfield)           \
	{                                                                                   \
		name##__held(o);                                                            \
		struct list_link *n = __fw_list_step(&o->field.core, &o->field.core.head, true); \
		if (!n)                                                                     \
			return NULL;                                                        \
		__fw_list_remove(&o->field.core, n);                                        \
		return name##__elem(n);                                                     \
	}                                                                                   \
	static inline FW_UNUSED bool name##_is_empty(O *o) REQUIRES(&o->lockfield)          \
	{                                                                                   \
		name##__held(o);                                                            \
		return o->field.core.len == 0;                                              \
	}                                                                                   \
	static inline FW_UNUSED size_t name##_len(O *o) REQUIRES(&o->lockfield)             \
	{                                                                                   \
		name##__held(o);                                                            \
		return o->field.core.len;                                                   \
	}                                                                                   \
	static inline FW_UNUSED bool name##_contains(O *o, const T *e) REQUIRES(&o->lockfield) \
	{                                                                                   \
		name##__held(o);                                                            \
		return e->member.owner == &o->field.core;                                   \
	}                                                                                   \
	_Static_assert(1, #name)

/* Iterate; the body must not remove `var` (use the _SAFE form for that). */
#define LIST_FOR_EACH(name, h, var)                                                         \
	for (__typeof__(name##_first(h)) var = name##_first(h); var; var = name##_next((h), var))
/* Iterate allowing removal of `var` in the body (the next element is fetched first). */
#define LIST_FOR_EACH_SAFE(name, h, var)                                                    \
	for (__typeof__(name##_first(h)) var = name##_first(h),                             \
					 var##__nx = var ? name##_next((h), var) : NULL;    \
	     var; var = var##__nx, var##__nx = var ? name##_next((h), var) : NULL)

#endif /* FW_LIST_H */
