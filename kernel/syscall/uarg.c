/*
 * uarg.c — copying system call arguments in from user memory: paths (PATH_MAX with its NUL,
 * -ENAMETOOLONG past it, -ENOENT for "") and argv/envp arrays (every string into one kernel
 * buffer, Linux's -E2BIG past the limit).
 */
#include <fw/heap.h>
#include <fw/uaccess.h>
#include <syscall/syscall.h>

DEFINE_UCOPY(uword, u64);

int upath_get(struct upath *u, u64 addr)
{
	kbuf_free(&u->buf);
	u->s = STR("");
	/* most paths are short: copy into the inline buffer, and allocate PATH_MAX only for
	 * one that does not fit (zeroing 4 KiB per call is most of a stat's cost) */
	struct str_result s = ustr_copy(uaddr(addr), BYTES_OF_ARRAY(u->small));
	if (s.err == -ENAMETOOLONG) {
		if (kbuf_alloc(&u->buf, VFS_PATH_MAX))
			return -ENOMEM;
		s = ustr_copy(uaddr(addr), kbuf_bytes(&u->buf));
	}
	if (s.err)
		return s.err;
	if (str_len(s.value) == 0)
		return -ENOENT;
	u->s = s.value;
	return 0;
}

void upath_put(struct upath *u)
{
	kbuf_free(&u->buf);
	u->s = STR("");
}

/*
 * uargv_copy - copy one string into u's buffers, adding a larger buffer when the last one has
 * no room for it: 0 with the text in *out, -E2BIG past UARGV_MAX_BYTES, -EFAULT, -ENOMEM.
 */
static int uargv_copy(struct uargv *u, u64 ptr, struct str *out)
{
	for (;;) {
		size_t budget = UARGV_MAX_BYTES - u->total;
		if (u->nbufs) {
			struct kbuf *last = ELEM_PTR(u->bufs, u->nbufs - 1);
			struct bytes_result rest = bytes_skip(kbuf_bytes(last), u->used);
			if (rest.err)
				return rest.err; /* cannot happen: used <= the buffer's length */
			struct bytes room = bytes_head(rest.value, budget);
			struct str_result s = ustr_copy(uaddr(ptr), room);
			if (!s.err) {
				u->used += str_len(s.value) + 1;
				u->total += str_len(s.value) + 1;
				*out = s.value;
				return 0;
			}
			if (s.err != -ENAMETOOLONG)
				return s.err;
			if (bytes_len(room) == budget)
				return -E2BIG; /* no buffer could hold it within the limit */
		}
		if (u->nbufs == UARGV_CHUNKS || budget == 0)
			return -E2BIG;
		size_t size = (size_t)UARGV_FIRST_CHUNK << (2 * u->nbufs);
		if (size > budget)
			size = budget;
		if (kbuf_alloc(ELEM_PTR(u->bufs, u->nbufs), size))
			return -ENOMEM;
		u->nbufs++;
		u->used = 0;
	}
}

int uargv_get(struct uargv *u, u64 addr)
{
	uargv_put(u);
	exec_strv_init(&u->v, 1u << 20);
	if (!addr)
		return 0;
	for (u64 i = 0;; i++) {
		u64 ptr;
		if (uword_from_user(&ptr, uaddr(addr + 8 * i)))
			return -EFAULT;
		if (!ptr)
			return 0;
		struct str s;
		int e = uargv_copy(u, ptr, &s);
		if (e)
			return e;
		e = exec_strv_add(&u->v, s);
		if (e)
			return e;
	}
}

void uargv_put(struct uargv *u)
{
	exec_strv_destroy(&u->v);
	for (u32 i = 0; i < UARGV_CHUNKS; i++)
		kbuf_free(ELEM_PTR(u->bufs, i));
	u->nbufs = 0;
	u->used = 0;
	u->total = 0;
}
