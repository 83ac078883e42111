/* The rest of a hostile author's list, each rejected: a naked function (inline asm by
 * attribute), a function-pointer cast through _Generic, a union behind a typedef macro, a
 * flexible array without a count, a VLA through typeof, setjmp, alloca spellings, a
 * bit-field type with padding copied as bytes, an atomic on a private field, a framework
 * header by relative path, #pragma clang attribute, _Pragma from a stringized argument. */
#include "svc.h"
#include "../../framework/mm/internal.h" // expect: include
__attribute__((naked)) void bare(void) {} // expect: attribute
__attribute__((const)) int claims_const(int *p); // expect: attribute extern
int deref_nonnull(int *p) __attribute__((nonnull)); // expect: attribute extern
void keeps_noescape(int *p __attribute__((noescape))); // expect: attribute extern
typedef long (*long_fn)(long);
static int int_fn(int x) { return x; }
long call_as_long(long v)
{
	long_fn f = _Generic(v, long: (long_fn)int_fn); // expect: pointer-cast
	return f(v);
}
#define PUN(n) typedef union n n // expect: union
struct tail { int n; int items[]; };
int tail_read(struct tail *t, int i)
{
	return t->items[i]; // expect: subscript
}
void typeof_vla(int n)
{
	int a[4] = { 0 };
	typeof(int[n]) *vp = 0; // expect: vla
	(void)a;
	(void)vp;
}
int jumpbuf(long *env)
{
	return setjmp(env); // expect: builtin
}
void *stack_grab(unsigned n)
{
	return __builtin_alloca_with_align(n, 64); // expect: vla builtin
}
struct bits { uint32_t a : 3; uint32_t b : 5; };
void bits_from(struct bits *b, struct bytes src)
{
	COPY_FROM_BYTES(struct bits, *b, src); // expect: plain-data
}
void atomic_private(struct lock *l)
{
	__atomic_store_n(&l->state, 1, __ATOMIC_RELAXED); // expect: builtin private
}
#pragma clang attribute push (__attribute__((no_sanitize("bounds"))), apply_to = function) // expect: pragma attribute
#define STRINGIZED_PRAGMA(x) _Pragma(#x) // expect: pragma
#pragma clang attribute pop // expect: pragma
void literal_alias(void)
{
	char *p = "read-only"; // expect: pointer-cast
	*p = 'R';
}
