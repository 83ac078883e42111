/*
 * fw/blob.h — files embedded in the kernel image at build time (a user program, a test
 * fixture), and powering the machine off.
 *
 * A blob is added to an image by linking an object made with tools/mkblob.sh (mk/user.mk), which
 * puts a descriptor in the image's .fwblob section. The kernel gets a private, writable copy
 * of a blob's bytes by name; the image's own copy stays read-only.
 */
#ifndef FW_BLOB_H
#define FW_BLOB_H

#include <fw/bytes.h>
#include <fw/heap.h>
#include <fw/libbase.h>

/*
 * fw_blob_copy - a new byte buffer held by *out (fw/heap.h: give it back with kbuf_free)
 * holding the blob called `name`. Returns: 0; -ENOENT if the image has no such blob; -ENOMEM;
 * -EINVAL for an empty blob; -EBUSY when *out already holds a buffer. Context: task.
 */
FW_MUST_CHECK int fw_blob_copy(struct kbuf *out, struct str name);

/* fw_power_off - end the machine with a clean status (QEMU exits; the runner sees 0). */
FW_NORETURN void fw_power_off(void);

#endif /* FW_BLOB_H */
