/* safecheck-expect: accept
 *
 * path_walk.c — service example: normalise an absolute path with fw/str.h — split on '/',
 * drop "." and empty components, pop on "..", and write the result into a caller's byte
 * buffer. Components live on a fixed-size stack of `struct str` (indexing a fixed array is
 * bounds-checked by the compiler); no NUL-terminated strings, no pointer walking.
 *
 * Classic unsafe alternative (rejected: bad/path_charp.c): `char *p = path; while (*p) ...`
 * over a NUL-terminated string with strcpy into a fixed buffer.
 */
#include <fw/bytes.h>
#include <fw/str.h>

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
	size_t pos = 0;
	if (depth == 0)
		return bytes_put_u8(out, 0, '/') ? result_size_err(-ENOSPC) : result_size_ok(1);
	for (size_t i = 0; i < depth; i++) {
		struct bytes_result tail = bytes_skip(out, pos);
		if (tail.err || bytes_put_u8(tail.value, 0, '/'))
			return result_size_err(-ENOSPC);
		struct result_size n = str_copy_to(bytes_skip(tail.value, 1).value, stack[i]);
		if (n.err)
			return result_size_err(-ENOSPC);
		pos += 1 + n.value;
	}
	return result_size_ok(pos);
}
