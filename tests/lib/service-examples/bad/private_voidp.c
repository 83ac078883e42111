/* safecheck-expect: reject pointer-cast
 *
 * The classic `void *private` pattern: any pointer goes in, any type comes out. Trellis:
 * DEFINE_SUBTYPE and a checked downcast (../fd_table.c).
 */
#include <fw/libbase.h>

struct bad_file {
	void *private_data;
};
struct bad_pipe {
	uint32_t readers;
};

uint32_t bad_pipe_readers(struct bad_file *f)
{
	struct bad_pipe *p = (struct bad_pipe *)f->private_data;
	return p->readers;
}
