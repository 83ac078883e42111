/*
 * lib/objects_test.c — tests of checked embedding and typed callbacks (fw/subtype.h),
 * type caches (fw/typecache.h), reference counts (fw/refcount.h), atomics (fw/atomic.h),
 * growable arrays (fw/array.h), id allocators (fw/idalloc.h) and fw/litelock.h.
 */
#include <fw/array.h>
#include <fw/atomic.h>
#include <fw/idalloc.h>
#include <fw/litelock.h>
#include <fw/refcount.h>
#include <fw/str.h>
#include <fw/subtype.h>
#include <fw/typecache.h>

#include "ktest_compat.h"

/* A base with two subtypes, as a VFS inode with two file-system inodes. */
struct t_inode {
	struct type_tag tag;
	uint64_t ino;
};
struct t_ext2_inode {
	uint32_t blocks[4];
	struct t_inode vfs;
};
struct t_tmpfs_inode {
	struct t_inode vfs;
	uint64_t size;
};
DEFINE_SUBTYPE(t_ext2_inode, struct t_ext2_inode, vfs, struct t_inode, tag);
DEFINE_SUBTYPE(t_tmpfs_inode, struct t_tmpfs_inode, vfs, struct t_inode, tag);

static struct t_inode *t_confused;
static void t_bad_downcast(void)
{
	(void)t_ext2_inode_from(t_confused);
}

KTEST(subtype, checked_downcast)
{
	struct t_ext2_inode *e = t_ext2_inode_new();
	struct t_tmpfs_inode *t = t_tmpfs_inode_new();
	KT_ASSERT(kt, e && t);
	/* SAFETY: blocks is the test inode's uint32_t blocks[4]; index 3 is in bounds. */
	e->blocks[3] = 99;
	struct t_inode *be = t_ext2_inode_base(e), *bt = t_tmpfs_inode_base(t);
	KT_EXPECT(kt, be == &e->vfs);
	KT_EXPECT(kt, t_ext2_inode_is(be) && !t_ext2_inode_is(bt) && !t_ext2_inode_is(NULL));
	/* SAFETY: index 3 of the same blocks[4] array. */
	KT_EXPECT(kt, t_ext2_inode_from(be) == e && t_ext2_inode_from(be)->blocks[3] == 99);
	KT_EXPECT(kt, t_tmpfs_inode_from(bt) == t);
	KT_EXPECT(kt, t_ext2_inode_try_from(bt) == NULL);       /* wrong concrete type */
	KT_EXPECT(kt, str_len(type_tag_name(&be->tag)) == str_len(STR("t_ext2_inode")));
	struct t_inode plain = { .ino = 1 };                 /* never tagged */
	KT_EXPECT(kt, t_tmpfs_inode_try_from(&plain) == NULL);
	t_confused = bt;
	KT_EXPECT_FAILS(kt, t_bad_downcast);                 /* type confusion stops */
	t_ext2_inode_delete(e);
	t_tmpfs_inode_delete(t);
	struct t_tmpfs_inode local = { .size = 5 };
	t_tmpfs_inode_init(&local);                          /* tag a caller-owned object */
	KT_EXPECT(kt, t_tmpfs_inode_from(&local.vfs) == &local);
}

/* A typed callback: the service function receives its own object. */
struct t_req {
	struct callback done;
	int status;
	int calls;
};
DEFINE_SUBTYPE(t_req_done, struct t_req, done, struct callback, tag);
static void t_req_finish(struct t_req *r)
{
	r->calls++;
	r->status = 1;
}
DEFINE_SUBTYPE_CALLBACK(t_req_done, struct callback, t_req_finish);

struct t_other {
	struct callback cb;
};
DEFINE_SUBTYPE(t_other_cb, struct t_other, cb, struct callback, tag);

static struct t_other *t_wrong_cb;
static void t_bad_invoke_foreign(void)
{
	(void)callback_invoke(&t_wrong_cb->cb);
}
static void t_bad_set_untagged(void)
{
	static struct callback untagged;
	callback_set(&untagged, SUBTYPE_CALLBACK(t_req_done, t_req_finish));
}

KTEST(subtype, typed_callback)
{
	struct t_req *r = t_req_done_new();
	KT_ASSERT(kt, r);
	KT_EXPECT(kt, !callback_invoke(&r->done));               /* nothing set: no-op */
	callback_set(&r->done, SUBTYPE_CALLBACK(t_req_done, t_req_finish));
	KT_EXPECT(kt, callback_invoke(&r->done) && r->calls == 1 && r->status == 1);
	/* The trampoline for t_req refuses a callback embedded in another type. */
	t_wrong_cb = t_other_cb_new();
	KT_ASSERT(kt, t_wrong_cb);
	callback_set(&t_wrong_cb->cb, SUBTYPE_CALLBACK(t_req_done, t_req_finish));
	KT_EXPECT_FAILS(kt, t_bad_invoke_foreign);
	KT_EXPECT_FAILS(kt, t_bad_set_untagged);
	t_other_cb_delete(t_wrong_cb);
	t_req_done_delete(r);
}

struct t_file {
	struct refcount ref;
	int fd;
};
DEFINE_TYPE_CACHE(t_file_cache, struct t_file);

KTEST(typecache, alloc_zeroed)
{
	struct t_file *f = t_file_cache_alloc();
	KT_ASSERT(kt, f);
	KT_EXPECT(kt, f->fd == 0 && refcount_read(&f->ref) == 0);
	t_file_cache_free(f);
	t_file_cache_free(NULL);
#ifdef KT_HOST
	host_alloc_fail_after(0);
	KT_EXPECT(kt, t_file_cache_alloc() == NULL);             /* allocation can fail */
	host_alloc_fail_after(-1);
#endif
}

KTEST(refcount, get_put_saturate)
{
	struct refcount r;
	refcount_init(&r, 1);
	refcount_get(&r);
	KT_EXPECT(kt, refcount_read(&r) == 2);
	KT_EXPECT(kt, !refcount_put(&r));
	KT_EXPECT(kt, refcount_put(&r));                         /* last reference */
	KT_EXPECT(kt, !refcount_get_not_zero(&r));               /* dead objects stay dead */
	uint64_t w = fw_lib_warn_count();
	KT_EXPECT(kt, !refcount_put(&r));                        /* a put too many: pinned */
	KT_EXPECT(kt, refcount_is_saturated(&r) && fw_lib_warn_count() == w + 1);
	KT_EXPECT(kt, !refcount_put(&r) && refcount_is_saturated(&r));
	refcount_init(&r, REFCOUNT_MAX);
	refcount_get(&r);                                    /* overflow: saturates */
	KT_EXPECT(kt, refcount_is_saturated(&r) && fw_lib_warn_count() == w + 2);
	for (int i = 0; i < 10; i++)
		KT_EXPECT(kt, !refcount_put(&r));                /* never reaches 0 */
	refcount_init(&r, 0);
	refcount_get(&r);                                    /* get on 0: use after free */
	KT_EXPECT(kt, refcount_is_saturated(&r) && fw_lib_warn_count() == w + 3);
	refcount_init(&r, 1);
	KT_EXPECT(kt, refcount_get_not_zero(&r) && refcount_read(&r) == 2);
}

KTEST(refcount, put_not_last_leaves_the_last_to_refcount_put)
{
	struct refcount r;
	refcount_init(&r, 3);
	KT_EXPECT(kt, refcount_put_not_last(&r) && refcount_read(&r) == 2);
	KT_EXPECT(kt, refcount_put_not_last(&r) && refcount_read(&r) == 1);
	KT_EXPECT(kt, !refcount_put_not_last(&r) && refcount_read(&r) == 1); /* the last: kept */
	KT_EXPECT(kt, refcount_put(&r));
	KT_EXPECT(kt, !refcount_put_not_last(&r) && refcount_read(&r) == 0);  /* 0 stays 0 */
	refcount_init(&r, REFCOUNT_SATURATED);
	KT_EXPECT(kt, refcount_put_not_last(&r) && refcount_is_saturated(&r)); /* pinned */
}

KTEST(atomic, operations)
{
	struct atomic_u64 a;
	atomic_u64_init(&a, 5);
	KT_EXPECT(kt, atomic_u64_fetch_add(&a, 3) == 5 && atomic_u64_load(&a) == 8);
	KT_EXPECT(kt, atomic_u64_add_return(&a, 2) == 10 && atomic_u64_sub_return(&a, 10) == 0);
	KT_EXPECT(kt, atomic_u64_fetch_sub(&a, 1) == 0 && atomic_u64_load(&a) == UINT64_MAX);
	uint64_t exp = 1;
	KT_EXPECT(kt, !atomic_u64_cmpxchg(&a, &exp, 2) && exp == UINT64_MAX);
	KT_EXPECT(kt, atomic_u64_cmpxchg(&a, &exp, 2) && atomic_u64_load_relaxed(&a) == 2);
	KT_EXPECT(kt, atomic_u64_xchg(&a, 7) == 2);
	KT_EXPECT(kt, atomic_u64_fetch_or(&a, 8) == 7 && atomic_u64_fetch_and(&a, 3) == 15);
	struct atomic_i32 s;
	atomic_i32_init(&s, INT32_MAX);
	KT_EXPECT(kt, atomic_i32_add_return(&s, 1) == INT32_MIN); /* wraps, no UB */
	atomic_i32_store(&s, -1);
	KT_EXPECT(kt, atomic_i32_load(&s) == -1);
	struct atomic_flag f;
	atomic_flag_init(&f, false);
	KT_EXPECT(kt, !atomic_flag_test_and_set(&f) && atomic_flag_test_and_set(&f) && atomic_flag_load(&f));
}

struct t_file_ref {
	struct t_file *f;
};
DEFINE_ARRAY(t_fd_table, struct t_file *);
DEFINE_ARRAY(t_u16_array, uint16_t);

KTEST(array, grow_get_set)
{
	struct t_fd_table t;
	struct t_file files[3];
	t_fd_table_init(&t, 100);
	KT_EXPECT(kt, t_fd_table_len(&t) == 0 && t_fd_table_get(&t, 0).err == -ERANGE);
	KT_EXPECT(kt, t_fd_table_resize(&t, 3) == 0 && t_fd_table_len(&t) == 3);
	KT_EXPECT(kt, t_fd_table_get(&t, 2).err == 0 && t_fd_table_get(&t, 2).value == NULL);
	KT_EXPECT(kt, t_fd_table_set(&t, 1, &files[1]) == 0 && t_fd_table_get(&t, 1).value == &files[1]);
	KT_EXPECT(kt, t_fd_table_set(&t, 3, &files[0]) == -ERANGE);
	KT_EXPECT(kt, t_fd_table_resize(&t, 101) == -ENOSPC && t_fd_table_len(&t) == 3);
	KT_EXPECT(kt, t_fd_table_push(&t, &files[2]) == 0 && t_fd_table_get(&t, 3).value == &files[2]);
	KT_EXPECT(kt, t_fd_table_pop(&t).value == &files[2] && t_fd_table_len(&t) == 3);
	KT_EXPECT(kt, t_fd_table_resize(&t, 1) == 0 && t_fd_table_get(&t, 1).err == -ERANGE);
	KT_EXPECT(kt, t_fd_table_resize(&t, 2) == 0 && t_fd_table_get(&t, 1).value == NULL); /* re-zeroed */
	t_fd_table_destroy(&t);
	struct t_u16_array u;
	t_u16_array_init(&u, 5000);
	bool ok = true;
	for (int i = 0; i < 5000; i++)
		ok = ok && t_u16_array_push(&u, (uint16_t)i) == 0;
	KT_EXPECT(kt, ok && t_u16_array_push(&u, 1) == -ENOSPC);
	KT_EXPECT(kt, t_u16_array_get(&u, 4999).value == 4999 && t_u16_array_get(&u, 5000).err == -ERANGE);
	KT_EXPECT(kt, t_u16_array_pop(&u).value == 4999);
	t_u16_array_destroy(&u);
	KT_EXPECT(kt, t_u16_array_pop(&u).err == -ENOENT);
#ifdef KT_HOST
	t_u16_array_init(&u, 100);
	KT_EXPECT(kt, t_u16_array_push(&u, 1) == 0);
	host_alloc_fail_after(0);
	KT_EXPECT(kt, t_u16_array_resize(&u, 50) == -ENOMEM && t_u16_array_len(&u) == 1);
	host_alloc_fail_after(-1);
	KT_EXPECT(kt, t_u16_array_get(&u, 0).value == 1);
	t_u16_array_destroy(&u);
#endif
}

KTEST(idalloc, lowest_free)
{
	struct idalloc ida;
	idalloc_init(&ida, 3, 200);
	KT_EXPECT(kt, idalloc_alloc(&ida).value == 3 && idalloc_alloc(&ida).value == 4);
	KT_EXPECT(kt, idalloc_alloc_from(&ida, 10).value == 10);
	KT_EXPECT(kt, idalloc_alloc(&ida).value == 5);
	KT_EXPECT(kt, idalloc_free(&ida, 4) == 0 && idalloc_alloc(&ida).value == 4);
	KT_EXPECT(kt, idalloc_reserve(&ida, 150) == 0 && idalloc_reserve(&ida, 150) == -EBUSY);
	KT_EXPECT(kt, idalloc_reserve(&ida, 201) == -ERANGE && idalloc_reserve(&ida, 2) == -ERANGE);
	KT_EXPECT(kt, idalloc_is_used(&ida, 150) && !idalloc_is_used(&ida, 149));
	KT_EXPECT(kt, idalloc_alloc_from(&ida, 150).value == 151);
	KT_EXPECT(kt, idalloc_alloc_from(&ida, 201).err == -ENOSPC);
	uint64_t w = fw_lib_warn_count();
	KT_EXPECT(kt, idalloc_free(&ida, 149) == -ENOENT && fw_lib_warn_count() == w + 1);
	KT_EXPECT(kt, idalloc_count(&ida) == 6);
	int n = 0;
	while (idalloc_alloc(&ida).err == 0)
		n++;
	KT_EXPECT(kt, n == 198 - 6 && idalloc_count(&ida) == 198);
	KT_EXPECT(kt, idalloc_alloc(&ida).err == -ENOSPC);
	idalloc_destroy(&ida);
	idalloc_init(&ida, 0, UINT32_MAX);                   /* full 32-bit range, sparse */
	KT_EXPECT(kt, idalloc_reserve(&ida, 100000) == 0 && idalloc_alloc_from(&ida, 100000).value == 100001);
	KT_EXPECT(kt, idalloc_alloc(&ida).value == 0);
	idalloc_destroy(&ida);
}

KTEST(litelock, held_tracking)
{
	struct litelock l = LITELOCK_INIT;
	KT_EXPECT(kt, !litelock_held(&l));
	litelock_lock(&l);
	KT_EXPECT(kt, litelock_held(&l));
	litelock_assert_held(&l);
	litelock_unlock(&l);
	KT_EXPECT(kt, !litelock_held(&l));
	if (litelock_trylock(&l)) {
		KT_EXPECT(kt, litelock_held(&l));
		litelock_unlock(&l);
	} else {
		KT_EXPECT(kt, !"trylock of a free lock failed");
	}
}

/* Subtypes of subtypes: device -> pci_dev -> virtio_pci. */
struct t_device {
	uint32_t id;
	struct type_tag tag;
};
struct t_pci_dev {
	uint16_t vendor;
	struct t_device dev;
};
struct t_virtio_pci {
	uint64_t queues;
	struct t_pci_dev pci;
};
DEFINE_SUBTYPE(t_pci_dev, struct t_pci_dev, dev, struct t_device, tag);
DEFINE_SUBTYPE_OF(t_virtio_pci, struct t_virtio_pci, pci, struct t_pci_dev, t_pci_dev);

static struct t_device *t_plain_pci_dev;
static void t_bad_deep_downcast(void)
{
	(void)t_virtio_pci_from(t_plain_pci_dev);
}
static struct t_virtio_pci *t_vp;
static void t_bad_delete_as_parent(void)
{
	t_pci_dev_delete(&t_vp->pci);
}

KTEST(subtype, hierarchy)
{
	struct t_virtio_pci *v = t_virtio_pci_new();
	struct t_pci_dev *p = t_pci_dev_new();
	KT_ASSERT(kt, v && p);
	v->queues = 4;
	v->pci.vendor = 0x1af4;
	struct t_device *vd = t_virtio_pci_base(v), *pd = t_pci_dev_base(p);
	KT_EXPECT(kt, vd == &v->pci.dev && pd == &p->dev);
	KT_EXPECT(kt, t_pci_dev_is(vd) && t_virtio_pci_is(vd));      /* a virtio_pci is a pci_dev */
	KT_EXPECT(kt, t_pci_dev_is(pd) && !t_virtio_pci_is(pd));
	KT_EXPECT(kt, t_pci_dev_from(vd) == &v->pci && t_pci_dev_from(vd)->vendor == 0x1af4);
	KT_EXPECT(kt, t_virtio_pci_from(vd) == v && t_virtio_pci_from(vd)->queues == 4);
	KT_EXPECT(kt, t_virtio_pci_try_from(pd) == NULL);
	t_plain_pci_dev = pd;
	KT_EXPECT_FAILS(kt, t_bad_deep_downcast);
	t_vp = v;
	KT_EXPECT_FAILS(kt, t_bad_delete_as_parent);        /* free with the wrong (parent) type */
	t_virtio_pci_delete(v);
	t_pci_dev_delete(p);
}
