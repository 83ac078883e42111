/* Issue #13 class 10 (continued): routes around shared-fat tried as a hostile service author
 * (session 9, second pass): the address of a guarded slice handed to a function that keeps it,
 * a guarded pointer to a slice (the lock guards the pointer, not the slice), a private object
 * made findable through a guarded array of pointers, a double pointer, and a pointer into a
 * private object's slice kept in a local that outlives the call. */
#include <fw/array.h>
#include <fw/bytes.h>
#include <fw/heap.h>
#include <fw/str.h>
#include <fw/sync.h>
#include <fw/typecache.h>

struct n5_obj {
	struct spinlock lock;
	struct bytes view GUARDED_BY(&lock);
};
DEFINE_TYPE_CACHE(n5_obj_cache, struct n5_obj);

/* A keeper: the parameter outlives the call. */
struct n5_stash {
	struct spinlock lock;
	struct bytes *kept GUARDED_BY(&lock);
};
DEFINE_TYPE_CACHE(n5_stash_cache, struct n5_stash); // expect: shared-fat
static struct n5_stash *n5_the_stash;
static void n5_keep(struct bytes *b)
{
	struct n5_stash *s = n5_the_stash;
	spin_lock(&s->lock);
	s->kept = b;
	spin_unlock(&s->lock);
}
void n5_leak_guarded(struct n5_obj *o)
{
	spin_lock(&o->lock);
	n5_keep(&o->view); // expect: shared-fat
	spin_unlock(&o->lock);
}

/* A private-looking parser type, published through a guarded array of pointers. */
struct n5_parser {
	struct bytes_cursor cur;
};
DEFINE_TYPE_CACHE(n5_parser_cache, struct n5_parser); // expect: shared-fat
DEFINE_ARRAY(n5_parsers, struct n5_parser *);
struct n5_registry {
	struct spinlock lock;
	struct n5_parsers all GUARDED_BY(&lock);
};
DEFINE_TYPE_CACHE(n5_registry_cache, struct n5_registry);

/* ... through a double pointer in a static. */
struct n5_state {
	struct str name;
};
DEFINE_TYPE_CACHE(n5_state_cache, struct n5_state); // expect: shared-fat
static struct n5_state **n5_state_slot; // expect: shared-fat

/* ... and through a pointer into its slice, kept in a local past the call. */
struct n5_doc {
	struct str title;
};
DEFINE_TYPE_CACHE(n5_doc_cache, struct n5_doc); // expect: shared-fat
size_t n5_title_len(struct n5_doc *d)
{
	const struct str *t = &d->title;
	return str_len(*t);
}

/* Accepted: a private object whose slice's address only goes to a call. */
struct n5_scratch {
	struct bytes_cursor cur;
};
DEFINE_TYPE_CACHE(n5_scratch_cache, struct n5_scratch);
uint32_t n5_scratch_read(struct n5_scratch *s)
{
	return cursor_le32(&s->cur);
}
