/*
 * fw/subtype.h — checked embedding (subtypes) and typed callbacks: the replacements for
 * `void *private` and a free-for-all container_of.
 *
 * A base struct that can be embedded carries a `struct type_tag` field. A derived struct
 * embeds the base; DEFINE_SUBTYPE generates the typed functions around that embedding:
 *
 *     struct inode { struct type_tag tag; ... };
 *     struct ext2_inode { struct inode vfs; uint32_t block[15]; };
 *     DEFINE_SUBTYPE(ext2_inode, struct ext2_inode, vfs, struct inode, tag);
 *
 *     struct ext2_inode *ext2_inode_new(void);              allocate, zero, tag as ext2_inode
 *     void ext2_inode_init(struct ext2_inode *o);           tag an object the caller owns
 *     void ext2_inode_delete(struct ext2_inode *o);         free one from _new
 *     struct inode *ext2_inode_base(struct ext2_inode *o);  upcast (&o->vfs)
 *     struct ext2_inode *ext2_inode_from(struct inode *b);  checked downcast: traps when `b`
 *                                                           is not inside an ext2_inode
 *     struct ext2_inode *ext2_inode_try_from(struct inode *b);   NULL instead of trapping
 *     bool ext2_inode_is(const struct inode *b);
 *
 * The downcast is one compare of the base's tag with this subtype's type_info (its address
 * is the identity, fw/typecache.h). Only a typed pointer to the derived struct can set the
 * tag, so a tag that matches proves the base is embedded in that struct at that member.
 *
 * Typed callbacks: a framework object that calls back (a timer, a wait entry, an IRQ action,
 * a task entry, or the generic `struct callback` below) embeds a tag and holds a function
 * pointer typed on the framework struct. SUBTYPE_CALLBACK(sub, fn) makes such a function
 * from a service function `void fn(struct derived *)`: the generated trampoline downcasts
 * (checked) and calls fn. No `void *` anywhere.
 */
#ifndef FW_SUBTYPE_H
#define FW_SUBTYPE_H

#include <fw/libbase.h>
#include <fw/typecache.h>

/* The tag a base struct carries; zero until a subtype's _new/_init sets it. */
struct type_tag {
	const struct type_info *type FW_PRIVATE;
};

/* type_tag_name - the concrete type's name (empty when untagged), for diagnostics. */
static inline struct str type_tag_name(const struct type_tag *t)
{
	return t->type ? t->type->name : STR("");
}

#define DEFINE_SUBTYPE(name, T, member, B, tagfield)                                        \
	DEFINE_TYPE_INFO(name, T);                                                          \
	/* name##_init - record that `o` is a T (the object is owned by the caller). */     \
	static inline FW_UNUSED void name##_init(T *o)                                      \
	{                                                                                   \
		o->member.tagfield.type = &name##__type;                                    \
	}                                                                                   \
	/* name##_new - a zeroed, tagged T from the heap, or NULL when out of memory. */    \
	static inline FW_UNUSED FW_MUST_CHECK T *name##_new(void)                           \
	{                                                                                   \
		void *raw = __fw_lib_alloc(&name##__type, 1);                               \
		/* SAFETY: raw is NULL or a zeroed T from the typed hook. */                \
		T *o = raw;                                                                 \
		if (o)                                                                      \
			name##_init(o);                                                     \
		return o;                                                                   \
	}                                                                                   \
	/* name##_delete - free an object from name##_new (NULL is ignored). The tag is     \
	 * cleared first so a stale base pointer no longer downcasts. */                    \
	static inline FW_UNUSED void name##_delete(T *o)                                    \
	{                                                                                   \
		if (!o)                                                                     \
			return;                                                             \
		FW_CHECK(o->member.tagfield.type == &name##__type,                          \
			 "subtype delete of a " #name " that is not tagged as one");        \
		o->member.tagfield.type = NULL;                                             \
		__fw_lib_free(&name##__type, o);                                            \
	}                                                                                   \
	/* name##_base - the embedded base (an upcast). */                                  \
	static inline FW_UNUSED B *name##_base(T *o)                                        \
	{                                                                                   \
		return &o->member;                                                          \
	}                                                                                   \
	/* name##_is - true when `b` is the base of a T. */                                 \
	static inline FW_UNUSED bool name##_is(const B *b)                                  \
	{                                                                                   \
		return b && b->tagfield.type == &name##__type;                              \
	}                                                                                   \
	/* name##_try_from - the T containing `b`, or NULL when `b` is not in a T. */       \
	static inline FW_UNUSED T *name##_try_from(B *b)                                    \
	{                                                                                   \
		if (!name##_is(b))                                                          \
			return NULL;                                                        \
		/* SAFETY: the tag equals name##__type, which only name##_init stores, and  \
		 * name##_init only takes a T *, at whose `member` the tag lives; so `b` is \
		 * the `member` field of a live T and stepping back offsetof lands on it. */\
		size_t off = __builtin_offsetof(T, member);                                 \
		void *raw = __fw_container_raw(b, off);                                     \
		T *derived = raw;                                                           \
		return derived;                                                             \
	}                                                                                   \
	/* name##_from - the T containing `b`; stops the kernel (type confusion) otherwise. */ \
	static inline FW_UNUSED T *name##_from(B *b)                                        \
	{                                                                                   \
		T *o = name##_try_from(b);                                                  \
		FW_CHECK(o, "checked downcast to " #name " failed: wrong concrete type");   \
		return o;                                                                   \
	}                                                                                   \
	_Static_assert(1, #name)

/* --- typed callbacks ------------------------------------------------------------------------ */

/* SUBTYPE_CALLBACK(sub, fn) - the trampoline for service function fn(T *) registered on base
 * B; define it once with DEFINE_SUBTYPE_CALLBACK(sub, B, fn). */
#define SUBTYPE_CALLBACK(sub, fn) sub##__cb_##fn
#define DEFINE_SUBTYPE_CALLBACK(sub, B, fn)                                                 \
	static void sub##__cb_##fn(B *base)                                                 \
	{                                                                                   \
		fn(sub##_from(base));                                                       \
	}                                                                                   \
	_Static_assert(1, #fn)

/*
 * struct callback - a generic deferred call: a base that services embed to be called back
 * with their own object. Framework users (timers, wait entries, IRQ actions, task entry,
 * deferred work) embed or mirror it.
 *
 *     struct blk_req { struct callback done; int status; };
 *     DEFINE_SUBTYPE(blk_req_done, struct blk_req, done, struct callback, tag);
 *     static void blk_req_finish(struct blk_req *r) { ... }
 *     DEFINE_SUBTYPE_CALLBACK(blk_req_done, struct callback, blk_req_finish);
 *     ...  struct blk_req *r = blk_req_done_new();
 *          callback_set(&r->done, SUBTYPE_CALLBACK(blk_req_done, blk_req_finish));
 *          callback_invoke(&r->done);      // calls blk_req_finish(r)
 */
struct callback;
typedef void callback_fn(struct callback *self);
struct callback {
	struct type_tag tag;
	callback_fn *fn FW_PRIVATE;
};

/* callback_set - set the function `cb` runs. Needs: `cb` was tagged by its subtype. */
static inline void callback_set(struct callback *cb, callback_fn *fn)
{
	FW_CHECK(cb->tag.type, "callback_set on an untagged callback (use the subtype's _new/_init)");
	cb->fn = fn;
}
/* callback_invoke - run the callback; a callback with no function set is a no-op (false). */
static inline bool callback_invoke(struct callback *cb)
{
	if (!cb->fn)
		return false;
	cb->fn(cb);
	return true;
}

#endif /* FW_SUBTYPE_H */
