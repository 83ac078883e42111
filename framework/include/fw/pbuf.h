/*
 * fw/pbuf.h — byte objects larger than a heap buffer (KBUF_MAX, 1 MiB): paged, zeroed, read
 * and written at a byte offset. The bytes live in untyped frames the object holds; no slice
 * spans them (they are not contiguous), so access copies through a caller's slice:
 *
 *     struct pbuf img = PBUF_EMPTY;
 *     if (pbuf_alloc(&img, 8u << 20)) ...                    8 MiB, zeroed
 *     pbuf_write(&img, off, chunk);  pbuf_read(&img, off, dst);
 *     pbuf_free(&img);                                       emptied: a second free is a no-op
 *
 * A pbuf is an owning handle (FW_NOCOPY, emptied by pbuf_free), like struct kbuf.
 */
#ifndef FW_PBUF_H
#define FW_PBUF_H

#include <fw/bytes.h>
#include <fw/heap.h>
#include <fw/libbase.h>

struct FW_NOCOPY pbuf {
	struct kbuf pages FW_PRIVATE; /* the frame handles, one per 4 KiB page */
	size_t len FW_PRIVATE;
};
#define PBUF_EMPTY { .pages = KBUF_EMPTY, .len = 0 }
#define PBUF_MAX (256u << 20)

/* pbuf_alloc - a zeroed object of `len` bytes in *out. Returns 0; -EBUSY when *out holds one;
 * -EINVAL for len 0 or above PBUF_MAX; -ENOMEM (nothing is kept). Context: task. */
FW_MUST_CHECK int pbuf_alloc(struct pbuf *out, size_t len);
/* pbuf_len - its size in bytes (0 when empty). */
static inline size_t pbuf_len(const struct pbuf *p)
{
	return p->len;
}
/* pbuf_read / pbuf_write - copy [off, off + bytes_len(slice)) out of / into the object.
 * Returns 0, or -ERANGE when the range does not fit (nothing copied). */
FW_MUST_CHECK int pbuf_read(const struct pbuf *p, size_t off, struct bytes dst);
FW_MUST_CHECK int pbuf_write(const struct pbuf *p, size_t off, struct bytes src);
/* pbuf_free - release every page and empty *p; an empty object is ignored. */
void pbuf_free(struct pbuf *p);

#endif /* FW_PBUF_H */
