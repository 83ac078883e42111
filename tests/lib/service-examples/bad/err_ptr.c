/* safecheck-expect: reject int-to-pointer
 *
 * ERR_PTR: an errno smuggled in a pointer (an integer-to-pointer conversion). Trellis:
 * DEFINE_RESULT (../fd_table.c, fw/result.h).
 */
#include <fw/libbase.h>

struct bad_inode {
	int ino;
};

#define BAD_ERR_PTR(e) ((void *)(long)(e))
#define BAD_IS_ERR(p) ((unsigned long)(p) >= (unsigned long)-4095)

struct bad_inode *bad_lookup(int ino)
{
	if (ino < 0)
		return BAD_ERR_PTR(-2);
	return NULL;
}
