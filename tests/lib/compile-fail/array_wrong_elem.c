/* A typed array of files does not accept an inode pointer. */
/* expect-error: incompatible pointer types */
#include <fw/array.h>
struct cf_file;
struct cf_inode;
DEFINE_ARRAY(cf_files, struct cf_file *);
int cf(struct cf_files *a, struct cf_inode *i)
{
	return cf_files_set(a, 0, i);
}
