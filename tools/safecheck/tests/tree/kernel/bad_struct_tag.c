/* struct tags defined twice in the service (block scope vs file scope, enum tags too); the
 * corpus file a_tag_first.c defines `struct shared_tag` as well. */
#include "svc.h"
struct node { int v; };
enum color { RED };
struct shared_tag { int x; }; // expect: struct-tag
int f(void)
{
	struct node { long other; } n = { 0 }; // expect: struct-tag
	enum color { BLUE } c = BLUE; // expect: struct-tag
	struct svc_obj { int dup; } o = { 0 }; // expect: struct-tag
	return (int)n.other + (int)c + o.dup;
}
