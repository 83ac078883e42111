/*
 * pbuf.c — paged byte objects (fw/pbuf.h): an array of frame handles kept in a heap buffer,
 * each page read and written through frame_read/frame_write.
 */
#include <fw/frame.h>
#include <fw/pbuf.h>

#include "internal/mm.h"

#define PBUF_PAGE ((size_t)FRAME_SIZE)

/* The frame handles the object holds (n of them). */
static struct frame *pages_of(const struct pbuf *p, size_t *n)
{
	struct bytes b = kbuf_bytes(&p->pages);
	*n = b.len / sizeof(struct frame);
	/* SAFETY: the buffer was allocated by pbuf_alloc for exactly *n frame handles (heap
	 * buffers are 16-byte aligned), and only this file reads or writes it. */
	return (struct frame *)(void *)b.ptr;
}

void pbuf_free(struct pbuf *p)
{
	size_t n;
	struct frame *f = pages_of(p, &n);
	for (size_t i = 0; i < n; i++)
		/* SAFETY: i < n, the number of handles in the buffer. */
		frame_release(&f[i]);
	kbuf_free(&p->pages);
	p->len = 0;
}

int pbuf_alloc(struct pbuf *out, size_t len)
{
	if (out->len)
		return -EBUSY;
	if (len == 0 || len > PBUF_MAX)
		return -EINVAL;
	size_t n = (len + PBUF_PAGE - 1) / PBUF_PAGE;
	int err = kbuf_alloc(&out->pages, n * sizeof(struct frame));
	if (err)
		return err == -EINVAL ? -ENOMEM : err;
	size_t have;
	struct frame *f = pages_of(out, &have);
	for (size_t i = 0; i < have; i++) {
		/* SAFETY: i < have, the number of (zeroed, hence empty) handles in the buffer. */
		if (frame_alloc(&f[i])) {
			out->len = 0;
			pbuf_free(out);
			return -ENOMEM;
		}
	}
	out->len = len;
	return 0;
}

/* Copy between the object and `s`, page by page (to_obj: into the object). */
static int pbuf_copy(const struct pbuf *p, size_t off, struct bytes s, bool to_obj)
{
	size_t len = bytes_len(s);
	if (off > p->len || len > p->len - off)
		return -ERANGE;
	size_t n;
	struct frame *f = pages_of(p, &n);
	for (size_t done = 0; done < len;) {
		size_t at = off + done, page = at / PBUF_PAGE, in = at % PBUF_PAGE;
		size_t chunk = PBUF_PAGE - in < len - done ? PBUF_PAGE - in : len - done;
		if (page >= n)
			return -ERANGE;
		struct bytes part = bytes_sub(s, done, chunk).value;
		/* SAFETY: page < n, the number of handles in the buffer. */
		int err = to_obj ? frame_write(&f[page], in, part) : frame_read(&f[page], in, part);
		if (err)
			return err;
		done += chunk;
	}
	return 0;
}

int pbuf_read(const struct pbuf *p, size_t off, struct bytes dst)
{
	return pbuf_copy(p, off, dst, false);
}

int pbuf_write(const struct pbuf *p, size_t off, struct bytes src)
{
	return pbuf_copy(p, off, src, true);
}
