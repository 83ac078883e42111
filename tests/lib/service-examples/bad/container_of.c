/* safecheck-expect: reject pointer-arith
 *
 * A free-for-all container_of in service code: casts and offsets any pointer. Trellis: the
 * typed containers (DEFINE_LIST/HASH/TREE) and DEFINE_SUBTYPE do this step inside generated
 * framework functions that only accept the right types.
 */
#include <fw/libbase.h>
#include <fw/list.h>

#define bad_container_of(ptr, type, member) \
	((type *)((char *)(ptr) - __builtin_offsetof(type, member)))

struct bad_task {
	int id;
	struct list_link link;
};

int bad_task_id(struct list_link *l)
{
	return bad_container_of(l, struct bad_task, link)->id;
}
