/* safecheck-expect: reject pointer-arith
 *
 * A path walk over a NUL-terminated string with pointer increments and subscripts on a plain
 * pointer. Trellis: struct str and str_split_next (../path_walk.c).
 */
#include <fw/libbase.h>

size_t bad_first_component(const char *path, char *out)
{
	size_t n = 0;
	while (*path == '/')
		path++;
	while (path[n] && path[n] != '/') {
		out[n] = path[n];
		n++;
	}
	out[n] = 0;
	return n;
}
