/*
 * internal/format.h — formatting fw/fmt.h argument lists into framework buffers.
 */
#ifndef FW_INTERNAL_FORMAT_H
#define FW_INTERNAL_FORMAT_H

#include <fw/fmt.h>

/*
 * fmt_to_cstr - fmt_write() into a NUL-terminated char buffer (console/log.c).
 * Returns the length written (cut at cap - 1). Context: any.
 */
size_t fmt_to_cstr(char *buf, size_t cap, struct str fmt, struct fmt_args args);

#endif /* FW_INTERNAL_FORMAT_H */
