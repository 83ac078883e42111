/* A downcast takes only the declared base type. */
/* expect-error: incompatible pointer types */
#include <fw/subtype.h>
struct cf_inode { struct type_tag tag; };
struct cf_dentry { struct type_tag tag; };
struct cf_ext2 { struct cf_inode vfs; };
DEFINE_SUBTYPE(cf_ext2, struct cf_ext2, vfs, struct cf_inode, tag);
struct cf_ext2 *cf(struct cf_dentry *d)
{
	return cf_ext2_from(d);
}
