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

int uargv_get(struct uargv *u, u64 addr)
{
	kbuf_free(&u->buf);
	u->used = 0;
	exec_strv_init(&u->v, 1u << 20);
	if (!addr)
		return 0;
	if (kbuf_alloc(&u->buf, UARGV_MAX_BYTES))
		return -ENOMEM;
	for (u64 i = 0;; i++) {
		u64 ptr;
		if (uword_from_user(&ptr, uaddr(addr + 8 * i)))
			return -EFAULT;
		if (!ptr)
			return 0;
		struct bytes_result rest = bytes_skip(kbuf_bytes(&u->buf), u->used);
		if (rest.err)
			return -E2BIG;
		struct str_result s = ustr_copy(uaddr(ptr), rest.value);
		if (s.err)
			return s.err == -ENAMETOOLONG ? -E2BIG : s.err;
		u->used += str_len(s.value) + 1;
		if (exec_strv_push(&u->v, s.value))
			return -E2BIG;
	}
}

void uargv_put(struct uargv *u)
{
	exec_strv_destroy(&u->v);
	kbuf_free(&u->buf);
}
