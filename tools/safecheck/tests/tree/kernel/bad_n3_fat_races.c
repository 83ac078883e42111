/* Issue #13 class 10: data races on fat values (hostile pass, session 9). A slice, string,
 * cursor or array is several words a plain copy moves one at a time: a task reading one while
 * another assigns it pairs one value's pointer with another's length, and every bounds check
 * after that is against the wrong length. Each attempt below leaves a fat value where two
 * tasks reach without a lock (heap objects others can find, statics, pointers into guarded
 * members kept past the lock): rule shared-fat. The kbuf handle (a sequence lock inside the
 * framework), guarded or const members, and a heap object private to one task (pointers to
 * it only in locals, no framework anchor in it) are accepted. */
#include <fw/array.h>
#include <fw/bytes.h>
#include <fw/heap.h>
#include <fw/str.h>
#include <fw/subtype.h>
#include <fw/sync.h>
#include <fw/typecache.h>

/* The attack: one task stores slices of two buffers, another reads it. */
struct n3_shared {
	struct spinlock lock;
	struct bytes view; /* written by writer(), read by reader(): no lock */
};
DEFINE_TYPE_CACHE(n3_shared_cache, struct n3_shared); // expect: shared-fat
static struct n3_shared *n3_published; /* where the other task finds it */ // expect: shared-fat

void n3_writer(struct n3_shared *s, struct bytes small, struct bytes big)
{
	for (;;) {
		s->view = small;
		s->view = big;
	}
}
int n3_reader(void)
{
	struct n3_shared *s = n3_published;
	/* (small.ptr, big.len): a write past the small buffer if the checker let it through */
	return bytes_put_u8(s->view, 4095, 0xcc);
}

/* A string, a cursor one struct down, an array of strings. */
struct n3_named {
	struct str name;
};
DEFINE_TYPE_CACHE(n3_named_cache, struct n3_named); // expect: shared-fat
struct n3_inner {
	struct bytes_cursor cur;
};
struct n3_outer {
	struct spinlock lock;
	struct n3_inner in;
};
DEFINE_TYPE_CACHE(n3_outer_cache, struct n3_outer); // expect: shared-fat
struct n3_names {
	struct str names[4];
};
DEFINE_TYPE_CACHE(n3_names_cache, struct n3_names); // expect: shared-fat

/* A typedef, an `unused` attribute, and pt_guarded_by (guards the pointee, not the slice). */
typedef struct bytes n3_blob;
struct n3_disguised {
	struct spinlock lock;
	n3_blob a __attribute__((unused));
	struct bytes b __attribute__((pt_guarded_by(&lock)));
};
DEFINE_TYPE_CACHE(n3_disguised_cache, struct n3_disguised); // expect: shared-fat

/* A growable array (storage pointer and count) with no lock. */
DEFINE_ARRAY(n3_vec, uint32_t);
struct n3_table {
	struct n3_vec v;
};
DEFINE_TYPE_CACHE(n3_table_cache, struct n3_table); // expect: shared-fat

/* A subtype's objects are heap objects too. */
struct n3_base {
	struct type_tag tag;
};
struct n3_derived {
	struct n3_base base;
	struct str label;
};
DEFINE_SUBTYPE(n3_derived_t, struct n3_derived, base, struct n3_base, tag); // expect: shared-fat

/* A heap object holding a pointer to a slice (into a guarded member, or a stack-only struct). */
struct n3_parser {
	struct bytes_cursor cur;
};
struct n3_ptrs {
	struct bytes *slice;
};
DEFINE_TYPE_CACHE(n3_ptrs_cache, struct n3_ptrs); // expect: shared-fat
struct n3_ptrs2 {
	struct n3_parser *p;
};
DEFINE_TYPE_CACHE(n3_ptrs2_cache, struct n3_ptrs2); // expect: shared-fat

/* A service's own "tear-free" marker is not the framework's. */
struct __attribute__((annotate("trellis_tearfree"))) n3_fake_cell { // expect: attribute
	struct bytes b;
};
struct n3_fake_holder {
	struct n3_fake_cell c;
};
DEFINE_TYPE_CACHE(n3_fake_cache, struct n3_fake_holder); // expect: shared-fat

/* Statics: every task reaches them. */
static struct bytes n3_global_slice; // expect: shared-fat
static struct bytes *n3_global_ptr; // expect: shared-fat
struct n3_outer n3_global_outer; // expect: shared-fat
int n3_static_local(struct str s)
{
	static struct str last; // expect: shared-fat
	last = s;
	n3_global_slice = bytes_empty();
	n3_global_ptr = NULL;
	return (int)str_len(last);
}

/* Guarded members: every access holds the lock (thread-safety analysis) — unless the address
 * is kept and used after the unlock. */
struct n3_guarded {
	struct spinlock lock;
	struct bytes view GUARDED_BY(&lock);
	struct bytes_cursor cur GUARDED_BY(&lock);
	struct kbuf buf; /* tear-free: accepted without a lock */
	const struct str *fixed; /* points to text no one writes: accepted */
};
DEFINE_TYPE_CACHE(n3_guarded_cache, struct n3_guarded);

int n3_guarded_ok(struct n3_guarded *g, struct bytes b)
{
	spin_lock(&g->lock);
	g->view = b;
	uint32_t v = cursor_le32(&g->cur); /* the address as a call's argument: accepted */
	spin_unlock(&g->lock);
	return (int)v + (int)bytes_len(kbuf_bytes(&g->buf));
}
int n3_guarded_kept(struct n3_guarded *g)
{
	spin_lock(&g->lock);
	struct bytes *p = &g->view; // expect: shared-fat
	spin_unlock(&g->lock);
	return bytes_put_u8(*p, 4095, 0); /* read after the unlock: torn by a racing writer */
}
struct bytes_cursor *n3_guarded_leak(struct n3_guarded *g) REQUIRES(&g->lock)
{
	return &g->cur; // expect: shared-fat
}

/* Stack-only types may hold slices freely: no other task can reach a local. */
int n3_local_ok(struct bytes b)
{
	struct n3_parser p = { .cur = bytes_cursor(b) };
	return (int)cursor_le32(&p.cur);
}

/* Where other tasks find the objects above: a registry in a static (itself refused: it keeps
 * pointers to objects with unguarded fat values). */
struct n3_registry {
	struct n3_named *named;
	struct n3_outer *outer;
	struct n3_names *names;
	struct n3_disguised *disguised;
	struct n3_table *table;
	struct n3_derived *derived;
	struct n3_ptrs *ptrs;
	struct n3_ptrs2 *ptrs2;
	struct n3_fake_holder *fake;
};
static struct n3_registry n3_registry; // expect: shared-fat

/* A heap object kept only by a member of another heap type is shared too. */
struct n3_kept {
	struct str s;
};
DEFINE_TYPE_CACHE(n3_kept_cache, struct n3_kept); // expect: shared-fat
struct n3_keeper {
	struct spinlock lock;
	struct n3_kept *k GUARDED_BY(&lock); /* the pointer is guarded, the slice it reaches is not */
};
DEFINE_TYPE_CACHE(n3_keeper_cache, struct n3_keeper); // expect: shared-fat

/* Private to one task: a parser's state too big for the stack, pointers to it only in
 * locals and parameters. Accepted. */
struct n3_private_parser {
	struct bytes_cursor cur;
	uint8_t scratch[2048];
};
DEFINE_TYPE_CACHE(n3_private_cache, struct n3_private_parser);
int n3_private_parse(struct bytes b)
{
	struct n3_private_parser *p = KNEW(n3_private_cache);
	if (!p)
		return -1;
	p->cur = bytes_cursor(b);
	int v = (int)cursor_le32(&p->cur);
	KFREE(n3_private_cache, p);
	return v;
}

/* ... unless the framework can reach it: a wait entry (or a list link, a timer, a callback)
 * inside lets an interrupt or another task find it with no pointer kept by the service. */
struct n3_anchored {
	struct wait_entry we;
	struct bytes view;
};
DEFINE_TYPE_CACHE(n3_anchored_cache, struct n3_anchored); // expect: shared-fat

/* The framework's own tear-free marker, spelled by a service. */
struct FW_TEARFREE n3_fake_cell2 { // expect: attribute
	struct bytes b;
};
