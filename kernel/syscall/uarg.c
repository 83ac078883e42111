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
	*u = (struct upath){ 0 };
	struct bytes_result b = kbuf_alloc(VFS_PATH_MAX);
	if (b.err)
		return -ENOMEM;
	u->buf = b.value;
	struct str_result s = ustr_copy(uaddr(addr), u->buf);
	if (s.err)
		return s.err;
	if (str_len(s.value) == 0)
		return -ENOENT;
	u->s = s.value;
	return 0;
}

void upath_put(struct upath *u)
{
	if (bytes_len(u->buf))
		(void)kbuf_free(u->buf);
	*u = (struct upath){ 0 };
}

int uargv_get(struct uargv *u, u64 addr)
{
	u->buf = bytes_empty();
	u->used = 0;
	exec_strv_init(&u->v, 1u << 20);
	if (!addr)
		return 0;
	struct bytes_result b = kbuf_alloc(UARGV_MAX_BYTES);
	if (b.err)
		return -ENOMEM;
	u->buf = b.value;
	for (u64 i = 0;; i++) {
		u64 ptr;
		if (uword_from_user(&ptr, uaddr(addr + 8 * i)))
			return -EFAULT;
		if (!ptr)
			return 0;
		struct bytes_result rest = bytes_skip(u->buf, u->used);
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
	if (bytes_len(u->buf))
		(void)kbuf_free(u->buf);
	u->buf = bytes_empty();
}
