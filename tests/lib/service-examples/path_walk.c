/* safecheck-expect: accept
 *
 * path_walk.c — service example: normalise an absolute path with fw/str.h — split on '/',
 * drop "." and empty components, pop on "..", and build the result in a caller's byte
 * buffer with a strbuf (fw/strbuf.h). Components live on a fixed-size stack of `struct str` (indexing a fixed array is
 * bounds-checked by the compiler); no NUL-terminated strings, no pointer walking.
 *
 * Classic unsafe alternative (rejected: bad/path_charp.c): `char *p = path; while (*p) ...`
 * over a NUL-terminated string with strcpy into a fixed buffer.
 */
#include <fw/bytes.h>
#include <fw/str.h>
#include <fw/strbuf.h>

#include "examples.h"

#define PATH_MAX_DEPTH 32
#define NAME_MAX_LEN 255

struct result_size path_normalise(struct str path, struct bytes out)
{
	struct str stack[PATH_MAX_DEPTH];
	size_t depth = 0;
	if (!str_starts_with(path, STR("/")))
		return result_size_err(-EINVAL);
	struct str rest = str_skip(path, 1), comp;
	while (str_split_next(&rest, '/', &comp)) {
		if (str_len(comp) == 0 || str_eq(comp, STR(".")))
			continue;
		if (str_len(comp) > NAME_MAX_LEN)
			return result_size_err(-ENAMETOOLONG);
		if (str_eq(comp, STR(".."))) {
			if (depth)
				depth--;
			continue;
		}
		if (depth == PATH_MAX_DEPTH)
			return result_size_err(-ENAMETOOLONG);
		stack[depth++] = comp;
	}
	struct strbuf sb = strbuf_over(out);
	if (depth == 0)
		strbuf_add_char(&sb, '/');
	for (size_t i = 0; i < depth; i++) {
		strbuf_add_char(&sb, '/');
		strbuf_add(&sb, stack[i]);
	}
	if (strbuf_err(&sb))
		return result_size_err(-ENOSPC);
	return result_size_ok(strbuf_len(&sb));
}
