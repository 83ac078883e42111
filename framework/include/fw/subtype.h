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
 * The downcast compares the base's tag with this subtype's type_info (its address is the
 * identity, fw/typecache.h), walking up the tag's parents for nested subtypes
 * (DEFINE_SUBTYPE_OF below): one compare for a direct hit. Only a typed pointer to the derived
 * struct can set the tag, so a tag that matches proves the base is embedded in that struct
 * at that member.
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

/* __fw_type_is - `t` is `want` or derives from it (bounded walk up the parents). */
static inline bool __fw_type_is(const struct type_info *t, const struct type_info *want)
{
	if (t == want)
		return true; /* the direct hit, on its own: the compiler keeps it one compare */
	for (int depth = 0; t && depth < 16; depth++, t = t->parent)
		if (t == want)
			return true;
	return false;
}

/* The parts every subtype shares, given name##__base_t, name##__tag(T *) and
 * name##__base_tag(const base *). */
#define __FW_SUBTYPE_COMMON(name, T)                                                        \
	/* name##_new allocates T on the heap, where other tasks reach it (the checker's    \
	 * rule shared-fat reads this typedef). */                                          \
	typedef T name##__fw_heap_t;                                                        \
	/* name##_init - record that `o` is a T (the object is owned by the caller). */     \
	static inline FW_UNUSED void name##_init(T *o)                                      \
	{                                                                                   \
		struct type_tag *tag = name##__tag(o);                                      \
		tag->type = &name##__type;                                                  \
	}                                                                                   \
	/* name##_new - a zeroed, tagged T from the heap, or NULL when out of memory. */    \
	static inline FW_UNUSED FW_MUST_CHECK T *name##_new(void)                           \
	{                                                                                   \
		FW_CHECK(__FW_TYPE_INFO_MATCHES(name, T), #name ": two types share this name"); \
		void *raw = __fw_lib_alloc(&name##__type, 1);                               \
		/* SAFETY: raw is NULL or a zeroed T from the typed hook. */                \
		T *o = raw;                                                                 \
		if (o)                                                                      \
			name##_init(o);                                                     \
		return o;                                                                   \
	}                                                                                   \
	/* name##_delete - free an object from name##_new (NULL is ignored). Its concrete   \
	 * type must be exactly T (checked); the tag is cleared first so a stale base       \
	 * pointer no longer downcasts. */                                                  \
	static inline FW_UNUSED void name##_delete(T *o)                                    \
	{                                                                                   \
		if (!o)                                                                     \
			return;                                                             \
		struct type_tag *tag = name##__tag(o);                                      \
		FW_CHECK(tag->type == &name##__type,                                        \
			 "subtype delete of a " #name " whose concrete type is another");   \
		tag->type = NULL;                                                           \
		__fw_lib_free(&name##__type, o);                                            \
	}                                                                                   \
	/* name##_is - true when `b` is the base of a T (or of a subtype of T). */          \
	static inline FW_UNUSED bool name##_is(const name##__base_t *b)                     \
	{                                                                                   \
		return b && __fw_type_is(name##__base_tag(b)->type, &name##__type);         \
	}

#define DEFINE_SUBTYPE(name, T, member, B, tagfield)                                        \
	DEFINE_TYPE_INFO(name, T);                                                          \
	__FW_SUBTYPE_BODY(name, T, member, B, tagfield)

/*
 * DECLARE_SUBTYPE(name, T, member, B, tagfield) - the same functions, for a header that
 * several files include; exactly one .c file then defines the identity with
 * DEFINE_TYPE_INFO(name, T) (a type identity is one strong symbol: fw/typecache.h).
 */
#define DECLARE_SUBTYPE(name, T, member, B, tagfield)                                       \
	extern const struct type_info name##__type;                                         \
	__FW_SUBTYPE_BODY(name, T, member, B, tagfield)

#define __FW_SUBTYPE_BODY(name, T, member, B, tagfield)                                     \
	typedef B name##__base_t;                                                           \
	static inline FW_UNUSED struct type_tag *name##__tag(T *o)                          \
	{                                                                                   \
		return &o->member.tagfield;                                                 \
	}                                                                                   \
	static inline FW_UNUSED const struct type_tag *name##__base_tag(const B *b)         \
	{                                                                                   \
		return &b->tagfield;                                                        \
	}                                                                                   \
	__FW_SUBTYPE_COMMON(name, T)                                                        \
	/* name##_base - the embedded base (an upcast). */                                  \
	static inline FW_UNUSED B *name##_base(T *o)                                        \
	{                                                                                   \
		return &o->member;                                                          \
	}                                                                                   \
	/* name##_try_from - the T containing `b`, or NULL when `b` is not in a T. */       \
	static inline FW_UNUSED T *name##_try_from(B *b)                                    \
	{                                                                                   \
		if (!name##_is(b))                                                          \
			return NULL;                                                        \
		/* SAFETY: the tag is name##__type or a subtype's, which only the _init of  \
		 * name or of a subtype stores; they only take a T * (or an object that     \
		 * embeds a T at the place its parent chain names), at whose `member` the   \
		 * tag lives; so `b` is the `member` field of a live T and stepping back    \
		 * offsetof lands on it. */                                                 \
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

/*
 * DEFINE_SUBTYPE_OF(name, T, member, P, parent) - a subtype of subtype `parent`: T embeds a P
 * (the parent's derived struct) at `member`. The base, its tag and the downcast come through
 * the parent, so a base pointer downcasts to any level the object really is:
 *
 *     struct device { struct type_tag tag; ... };
 *     struct pci_dev { struct device dev; ... };
 *     struct virtio_pci { struct pci_dev pci; ... };
 *     DEFINE_SUBTYPE(pci_dev, struct pci_dev, dev, struct device, tag);
 *     DEFINE_SUBTYPE_OF(virtio_pci, struct virtio_pci, pci, struct pci_dev, pci_dev);
 *
 *     struct virtio_pci *v = virtio_pci_new();      tagged virtio_pci
 *     pci_dev_from(&v->pci.dev) == &v->pci          a virtio_pci is a pci_dev
 *     virtio_pci_from(&v->pci.dev) == v
 *     virtio_pci_try_from(&plain_pci->dev) == NULL  a plain pci_dev is not a virtio_pci
 */
#define DEFINE_SUBTYPE_OF(name, T, member, P, parent)                                       \
	__FW_TYPE_INFO_CHILD(name, T, &parent##__type);                                   \
	typedef parent##__base_t name##__base_t;                                            \
	static inline FW_UNUSED struct type_tag *name##__tag(T *o)                          \
	{                                                                                   \
		P *p = &o->member;                                                          \
		return parent##__tag(p);                                                    \
	}                                                                                   \
	static inline FW_UNUSED const struct type_tag *name##__base_tag(                    \
		const name##__base_t *b)                                                    \
	{                                                                                   \
		return parent##__base_tag(b);                                               \
	}                                                                                   \
	__FW_SUBTYPE_COMMON(name, T)                                                        \
	/* name##_base - the embedded base, through the parent (an upcast). */              \
	static inline FW_UNUSED name##__base_t *name##_base(T *o)                           \
	{                                                                                   \
		return parent##_base(&o->member);                                           \
	}                                                                                   \
	/* name##_try_from - the T containing `b`, or NULL when `b` is not in a T. */       \
	static inline FW_UNUSED T *name##_try_from(name##__base_t *b)                       \
	{                                                                                   \
		if (!name##_is(b))                                                          \
			return NULL;                                                        \
		P *p = parent##_from(b);                                                    \
		/* SAFETY: the tag derives from name##__type, so the object is a T (or a    \
		 * subtype of T) whose P sits at `member` (name##__tag only takes a T and   \
		 * reaches the tag through o->member); p is that P. */                      \
		size_t off = __builtin_offsetof(T, member);                                 \
		void *raw = __fw_container_raw(p, off);                                     \
		T *derived = raw;                                                           \
		return derived;                                                             \
	}                                                                                   \
	static inline FW_UNUSED T *name##_from(name##__base_t *b)                           \
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
