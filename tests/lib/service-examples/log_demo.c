/* safecheck-expect: accept
 *
 * log_demo.c — service example: logging with a literal format and integer and `str`
 * arguments only (fw/fmt.h). The arguments are wrapped by type at compile time; a pointer
 * argument does not compile, and a mismatched conversion prints "<?>" instead of reading
 * memory.
 *
 * Classic unsafe alternatives (rejected): bad/printf_charp.c (`%s` on a char *, a variadic
 * definition of a log function, a non-literal format).
 */
#include <fw/fmt.h>

#include "examples.h"

struct result_size log_demo(struct bytes out, int pid, struct str comm)
{
	return FMT(out, "[%5d] %-8s exited with %d (0x%04x)", pid, comm, -1, 255u);
}
