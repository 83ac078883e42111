/*
 * lib/containers_test.c — tests of the typed intrusive containers tied to their lock:
 * fw/list.h, fw/hash.h, fw/tree.h, with fw/litelock.h as the lock kind.
 */
#include <fw/hash.h>
#include <fw/list.h>
#include <fw/litelock.h>
#include <fw/tree.h>

#include "ktest_compat.h"

struct t_task {
	int id;
	struct list_link run_link;
	struct hash_link by_id;
	struct tree_link by_key;
};
DEFINE_LIST(t_run_list, struct t_task, run_link, litelock);
DEFINE_HASH(t_task_hash, struct t_task, by_id, 4, litelock);
DEFINE_TREE(t_task_tree, struct t_task, by_key, litelock);

struct t_rq {
	struct litelock lock;
	struct t_run_list tasks GUARDED_BY(&lock);
	struct t_run_list other GUARDED_BY(&lock);
};

static struct t_task tasks[8];

KTEST(list, push_iterate_remove)
{
	static struct t_rq rq = { .lock = LITELOCK_INIT };
	for (int i = 0; i < 8; i++)
		tasks[i] = (struct t_task){ .id = i };
	litelock_lock(&rq.lock);
	t_run_list_init(&rq.tasks, &rq.lock);
	t_run_list_init(&rq.other, &rq.lock);
	KT_EXPECT(kt, t_run_list_is_empty(&rq.tasks) && t_run_list_first(&rq.tasks) == NULL);
	/* SAFETY: the loop bound keeps the index inside the array. */
	for (int i = 1; i < 5; i++)
		t_run_list_push_back(&rq.tasks, &tasks[i]);
	t_run_list_push_front(&rq.tasks, &tasks[0]);
	KT_EXPECT(kt, t_run_list_len(&rq.tasks) == 5);
	int expect = 0;
	bool in_order = true;
	LIST_FOR_EACH(t_run_list, &rq.tasks, t)
		in_order = in_order && t->id == expect++;
	KT_EXPECT(kt, in_order && expect == 5);
	KT_EXPECT(kt, t_run_list_last(&rq.tasks) == &tasks[4]);
	KT_EXPECT(kt, t_run_list_prev(&rq.tasks, &tasks[2]) == &tasks[1]);
	KT_EXPECT(kt, t_run_list_next(&rq.tasks, &tasks[4]) == NULL);
	t_run_list_remove(&rq.tasks, &tasks[2]);
	KT_EXPECT(kt, !t_run_list_contains(&rq.tasks, &tasks[2]) && t_run_list_len(&rq.tasks) == 4);
	KT_EXPECT(kt, t_run_list_next(&rq.tasks, &tasks[1]) == &tasks[3]);
	t_run_list_insert_after(&rq.tasks, &tasks[3], &tasks[2]);
	KT_EXPECT(kt, t_run_list_next(&rq.tasks, &tasks[3]) == &tasks[2]);
	KT_EXPECT(kt, t_run_list_pop_front(&rq.tasks) == &tasks[0]);
	/* moving between lists of the same type */
	t_run_list_push_back(&rq.other, &tasks[0]);
	KT_EXPECT(kt, t_run_list_contains(&rq.other, &tasks[0]));
	int n = 0;
	LIST_FOR_EACH_SAFE(t_run_list, &rq.tasks, t) {
		t_run_list_remove(&rq.tasks, t);
		n++;
	}
	KT_EXPECT(kt, n == 4 && t_run_list_is_empty(&rq.tasks));
	KT_EXPECT(kt, t_run_list_pop_front(&rq.other) == &tasks[0]);
	litelock_unlock(&rq.lock);
}

/* Misuse cases: each must stop on a failed FW_CHECK before changing anything. They run as
 * `void (void)` functions so the kernel's ktest_expect_trap can catch the stop. */
static struct t_rq t_bad_rq = { .lock = LITELOCK_INIT };
static struct t_task t_bad_a = { .id = 1 }, t_bad_b = { .id = 2 };

static void t_bad_push_twice(void) REQUIRES(t_bad_rq.lock)
{
	t_run_list_push_back(&t_bad_rq.tasks, &t_bad_a);
}
static void t_bad_push_other(void) REQUIRES(t_bad_rq.lock)
{
	t_run_list_push_back(&t_bad_rq.other, &t_bad_a);
}
static void t_bad_remove_wrong_list(void) REQUIRES(t_bad_rq.lock)
{
	t_run_list_remove(&t_bad_rq.other, &t_bad_a);
}
static void t_bad_remove_unlinked(void) REQUIRES(t_bad_rq.lock)
{
	t_run_list_remove(&t_bad_rq.tasks, &t_bad_b);
}
static void t_bad_next_unlinked(void) REQUIRES(t_bad_rq.lock)
{
	(void)t_run_list_next(&t_bad_rq.tasks, &t_bad_b);
}
/* The static analysis would reject this function; the run-time check must too. */
static void t_bad_push_unlocked(void) NO_THREAD_SAFETY_ANALYSIS
{
	t_run_list_push_back(&t_bad_rq.tasks, &t_bad_b);
}

static void t_bad_reinit_nonempty(void) NO_THREAD_SAFETY_ANALYSIS
{
	t_run_list_init(&t_bad_rq.tasks, &t_bad_rq.lock);
}

KTEST(list, misuse_is_caught)
{
	litelock_lock(&t_bad_rq.lock);
	t_run_list_init(&t_bad_rq.tasks, &t_bad_rq.lock);
	t_run_list_init(&t_bad_rq.other, &t_bad_rq.lock);
	t_run_list_push_back(&t_bad_rq.tasks, &t_bad_a);
	KT_EXPECT_FAILS(kt, t_bad_push_twice);          /* already linked */
	KT_EXPECT_FAILS(kt, t_bad_push_other);          /* on another list */
	KT_EXPECT_FAILS(kt, t_bad_remove_wrong_list);
	KT_EXPECT_FAILS(kt, t_bad_remove_unlinked);
	KT_EXPECT_FAILS(kt, t_bad_next_unlinked);
	KT_EXPECT_FAILS(kt, t_bad_reinit_nonempty);     /* re-init with an element on it */
	KT_EXPECT(kt, t_run_list_len(&t_bad_rq.tasks) == 1);
	KT_EXPECT(kt, t_run_list_first(&t_bad_rq.tasks) == &t_bad_a);
	litelock_unlock(&t_bad_rq.lock);
	KT_EXPECT_FAILS(kt, t_bad_push_unlocked);       /* lock not held */
}

/* Per-object lock kinds (DEFINE_LIST_IN): each t_dir's children are guarded by that t_dir's
 * own lock; a directory's children are directories (a self-referencing declaration). */
DEFINE_LIST_HEAD(t_dir_kids);
struct t_dir {
	struct litelock lock;
	struct t_dir_kids kids;
	struct list_link sibling;
	int id;
};
DEFINE_LIST_IN(t_dir_kids, struct t_dir, sibling, struct t_dir, kids, litelock, lock);

static struct t_dir t_dirs[3];

/* A self-referencing declaration with a bound lock: nodes holding lists of nodes. */
DECLARE_LIST_TYPE(t_node_list, litelock);
struct t_node {
	struct list_link sibling;
	struct t_node_list children;
	int id;
};
DEFINE_LIST_FUNCS(t_node_list, struct t_node, sibling, litelock);

KTEST(list, self_referencing_declaration)
{
	static struct litelock tree_lock = LITELOCK_INIT;
	static struct t_node n[3];
	for (int i = 0; i < 3; i++)
		n[i].id = i;
	litelock_lock(&tree_lock);
	for (int i = 0; i < 3; i++)
		t_node_list_init(&n[i].children, &tree_lock);
	t_node_list_push_back(&n[0].children, &n[1]);
	t_node_list_push_back(&n[1].children, &n[2]);
	KT_EXPECT(kt, t_node_list_first(&n[0].children) == &n[1]);
	KT_EXPECT(kt, t_node_list_first(&t_node_list_first(&n[0].children)->children) == &n[2]);
	KT_EXPECT(kt, t_node_list_pop_front(&n[1].children) == &n[2]);
	KT_EXPECT(kt, t_node_list_pop_front(&n[0].children) == &n[1]);
	litelock_unlock(&tree_lock);
}
static void t_bad_dir_wrong_lock(void) NO_THREAD_SAFETY_ANALYSIS
{
	/* holds t_dirs[1].lock, not t_dirs[0].lock: refused at run time too */
	t_dir_kids_push_back(&t_dirs[0], &t_dirs[2]);
}
static void t_bad_dir_uninit(void) NO_THREAD_SAFETY_ANALYSIS
{
	t_dir_kids_push_back(&t_dirs[2], &t_dirs[1]);
}

KTEST(list, per_object_lock)
{
	for (int i = 0; i < 3; i++)
		t_dirs[i] = (struct t_dir){ .id = i };
	t_dir_kids_init(&t_dirs[0]);
	t_dir_kids_init(&t_dirs[1]);
	litelock_lock(&t_dirs[0].lock);
	t_dir_kids_push_back(&t_dirs[0], &t_dirs[1]);
	KT_EXPECT(kt, t_dir_kids_len(&t_dirs[0]) == 1 && t_dir_kids_first(&t_dirs[0]) == &t_dirs[1]);
	int n = 0;
	LIST_FOR_EACH(t_dir_kids, &t_dirs[0], d)
		n += d->id;
	KT_EXPECT(kt, n == 1);
	litelock_unlock(&t_dirs[0].lock);
	litelock_lock(&t_dirs[1].lock);
	KT_EXPECT(kt, t_dir_kids_is_empty(&t_dirs[1]));
	KT_EXPECT_FAILS(kt, t_bad_dir_wrong_lock);
	litelock_unlock(&t_dirs[1].lock);
	litelock_lock(&t_dirs[2].lock);
	KT_EXPECT_FAILS(kt, t_bad_dir_uninit);
	litelock_unlock(&t_dirs[2].lock);
	litelock_lock(&t_dirs[0].lock);
	KT_EXPECT(kt, t_dir_kids_pop_front(&t_dirs[0]) == &t_dirs[1] && t_dir_kids_is_empty(&t_dirs[0]));
	litelock_unlock(&t_dirs[0].lock);
}

struct t_cache {
	struct litelock lock;
	struct t_task_hash h GUARDED_BY(&lock);
	struct t_task_tree t GUARDED_BY(&lock);
};

static struct t_cache *t_hash_cache;
static struct t_task *t_hash_elem;
static void t_bad_hash_insert_twice(void) NO_THREAD_SAFETY_ANALYSIS
{
	t_task_hash_insert(&t_hash_cache->h, t_hash_elem, 1);
}
static void t_bad_hash_remove_foreign(void) NO_THREAD_SAFETY_ANALYSIS
{
	static struct t_task z;
	t_task_hash_remove(&t_hash_cache->h, &z);
}

KTEST(hash, insert_find_remove)
{
	static struct t_cache c = { .lock = LITELOCK_INIT };
	static struct t_task many[100];
	litelock_lock(&c.lock);
	t_task_hash_init(&c.h, &c.lock);
	for (int i = 0; i < 100; i++) {
		/* SAFETY: the loop bound keeps the index inside the array. */
		many[i] = (struct t_task){ .id = i };
		t_task_hash_insert(&c.h, &many[i], (uint64_t)i * 3);
	}
	KT_EXPECT(kt, t_task_hash_count(&c.h) == 100);
	KT_EXPECT(kt, t_task_hash_find(&c.h, 30) == &many[10]);
	KT_EXPECT(kt, t_task_hash_find(&c.h, 31) == NULL);
	KT_EXPECT(kt, t_task_hash_key(&many[7]) == 21);
	t_task_hash_remove(&c.h, &many[10]);
	KT_EXPECT(kt, t_task_hash_find(&c.h, 30) == NULL && t_task_hash_count(&c.h) == 99);
	/* duplicates: find + find_next visits both */
	t_task_hash_insert(&c.h, &many[10], 33);
	struct t_task *x = t_task_hash_find(&c.h, 33);
	struct t_task *y = x ? t_task_hash_find_next(&c.h, x) : NULL;
	KT_EXPECT(kt, x && y && x != y && (x == &many[10] || y == &many[10]));
	KT_EXPECT(kt, y && t_task_hash_find_next(&c.h, y) == NULL);
	/* iteration visits every element once */
	int seen = 0, sum = 0;
	for (struct t_task *t = t_task_hash_first(&c.h); t; t = t_task_hash_next(&c.h, t)) {
		seen++;
		sum += t->id;
	}
	KT_EXPECT(kt, seen == 100 && sum == 4950);
	KT_EXPECT(kt, hash_str(STR("abc")) != hash_str(STR("abd")) && hash_str(STR("")) != 0);
	t_hash_cache = &c;
	t_hash_elem = &many[3];
	KT_EXPECT_FAILS(kt, t_bad_hash_insert_twice);
	KT_EXPECT_FAILS(kt, t_bad_hash_remove_foreign);
	/* SAFETY: the loop bound keeps the index inside the array. */
	for (int i = 0; i < 100; i++)
		t_task_hash_remove(&c.h, &many[i]);
	KT_EXPECT(kt, t_task_hash_count(&c.h) == 0 && t_task_hash_first(&c.h) == NULL);
	litelock_unlock(&c.lock);
}

static struct t_cache *t_tree_cache;
static struct t_task *t_tree_elem;
static void t_bad_tree_remove_absent(void) NO_THREAD_SAFETY_ANALYSIS
{
	t_task_tree_remove(&t_tree_cache->t, t_tree_elem);
}

KTEST(tree, ordered_map)
{
	static struct t_cache c = { .lock = LITELOCK_INIT };
	static struct t_task many[1000];
	litelock_lock(&c.lock);
	t_task_tree_init(&c.t, &c.lock);
	/* insert keys in a scrambled order: 0, 10, 20, ... */
	bool ok = true;
	for (int i = 0; i < 1000; i++) {
		int k = (i * 617) % 1000;
		/* SAFETY: the loop bound keeps the index inside the array. */
		many[k] = (struct t_task){ .id = k };
		ok = ok && t_task_tree_insert(&c.t, &many[k], (uint64_t)k * 10) == 0;
	}
	KT_EXPECT(kt, ok && t_task_tree_count(&c.t) == 1000);
	int height = __fw_tree_check(&c.t.core);
	KT_EXPECT(kt, height > 0 && height <= 15);               /* 1.44 log2(1002) ~ 14.4 */
	struct t_task dup = { 0 };
	KT_EXPECT(kt, t_task_tree_insert(&c.t, &dup, 50) == -EEXIST);
	KT_EXPECT(kt, t_task_tree_find(&c.t, 50) == &many[5] && t_task_tree_find(&c.t, 55) == NULL);
	KT_EXPECT(kt, t_task_tree_floor(&c.t, 55) == &many[5] && t_task_tree_ceil(&c.t, 55) == &many[6]);
	KT_EXPECT(kt, t_task_tree_floor(&c.t, 9990) == &many[999] && t_task_tree_ceil(&c.t, 9991) == NULL);
	KT_EXPECT(kt, t_task_tree_first(&c.t) == &many[0] && t_task_tree_last(&c.t) == &many[999]);
	KT_EXPECT(kt, t_task_tree_prev(&c.t, &many[0]) == NULL);
	/* remove every other element; order and balance hold */
	/* SAFETY: the loop bound keeps the index inside the array. */
	for (int i = 0; i < 1000; i += 2)
		t_task_tree_remove(&c.t, &many[i]);
	KT_EXPECT(kt, t_task_tree_count(&c.t) == 500 && __fw_tree_check(&c.t.core) > 0);
	uint64_t prev = 0;
	int n = 0;
	ok = true;
	TREE_FOR_EACH(t_task_tree, &c.t, t) {
		ok = ok && (n == 0 || t_task_tree_key(t) > prev) && t->id % 2 == 1;
		prev = t_task_tree_key(t);
		n++;
	}
	KT_EXPECT(kt, ok && n == 500);
	KT_EXPECT(kt, t_task_tree_floor(&c.t, 20) == &many[1]);
	t_tree_cache = &c;
	t_tree_elem = &many[0];
	KT_EXPECT_FAILS(kt, t_bad_tree_remove_absent);        /* not in the tree */
	/* SAFETY: the loop bound keeps the index inside the array. */
	for (int i = 1; i < 1000; i += 2)
		t_task_tree_remove(&c.t, &many[i]);
	KT_EXPECT(kt, t_task_tree_count(&c.t) == 0 && t_task_tree_first(&c.t) == NULL);
	litelock_unlock(&c.lock);
}

#ifndef KT_HOST
#include <fw/log.h>
#include <fw/time.h>

/* What a checked container operation costs in the kernel (printed, not asserted: emulated
 * time is noisy). Each push and pop checks the link owners and asks the lock kind whether
 * the lock is held. */
KTEST(list, cost)
{
	static struct t_rq rq = { .lock = LITELOCK_INIT };
	enum { ROUNDS = 2000 };
	litelock_lock(&rq.lock);
	t_run_list_init(&rq.tasks, &rq.lock);
	uint64_t t0 = fw_time_ns();
	for (int r = 0; r < ROUNDS; r++) {
		/* SAFETY: the loop bound keeps the index inside the array. */
		for (int i = 0; i < 8; i++)
			t_run_list_push_back(&rq.tasks, &tasks[i]);
		while (t_run_list_pop_front(&rq.tasks))
			;
	}
	uint64_t t1 = fw_time_ns();
	/* The same work on a bare circular list with no checks, for comparison. */
	static struct t_bare {
		struct t_bare *next, *prev;
	} head, nodes[8];
	head.next = head.prev = &head;
	uint64_t t2 = fw_time_ns();
	for (int r = 0; r < ROUNDS; r++) {
		/* SAFETY: the loop bound keeps the index inside the array. */
		for (int i = 0; i < 8; i++) {
			struct t_bare *n = &nodes[i];
			n->prev = head.prev;
			n->next = &head;
			head.prev->next = n;
			head.prev = n;
		}
		while (head.next != &head) {
			struct t_bare *n = head.next;
			n->prev->next = n->next;
			n->next->prev = n->prev;
		}
	}
	uint64_t t3 = fw_time_ns();
	uint64_t t4 = fw_time_ns();
	int held = 0;
	for (int r = 0; r < ROUNDS * 8; r++)
		held += litelock_held(&rq.lock);
	uint64_t t5 = fw_time_ns();
	litelock_unlock(&rq.lock);
	fw_info("safec: per element: checked list push+pop %u ns, bare list %u ns, "
		"litelock_held %u ns (emulated)",
		(unsigned)((t1 - t0) / (ROUNDS * 8)), (unsigned)((t3 - t2) / (ROUNDS * 8)),
		(unsigned)((t5 - t4) / (ROUNDS * 8)));
	KT_EXPECT(kt, t1 > t0 && held == ROUNDS * 8);
}
#endif
