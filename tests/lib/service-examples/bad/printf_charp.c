/* safecheck-expect: reject variadic
 *
 * A home-made variadic log function taking `%s` on a char * and a non-literal format.
 * Trellis: FMT with a literal format and _Generic-tagged int/str arguments (../log_demo.c).
 */
#include <fw/libbase.h>
#include <stdarg.h>

int bad_log(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	const char *s = va_arg(ap, const char *);
	va_end(ap);
	return s[0] + fmt[0];
}
