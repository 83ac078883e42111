/* attributes that change linkage, sections or code generation; guarded_by, unused, noinline,
 * always_inline, aligned and the C23 [[maybe_unused]] are allowed. */
#include "svc.h"
__attribute__((section(".text.evil"))) int in_section(void) { return 1; } // expect: attribute
__attribute__((weak)) int weak_one(void) { return 2; } // expect: attribute
__attribute__((naked)) void bare(void) {} // expect: attribute
static void __attribute__((used, constructor)) early(void) {} // expect: attribute
int alias_of(void) __attribute__((alias("weak_one"))); // expect: attribute extern
static void unlock(int *p) { (void)p; }
[[gnu::no_sanitize("bounds")]] int unchecked(int i) { static int a[4]; return a[i & 3]; } // expect: attribute
static _Thread_local int per_thread; // expect: attribute
__attribute__((unused, noinline)) static int fine(int x) { return x + per_thread; }
[[maybe_unused]] static int fine2 __attribute__((aligned(16)));
int f(void)
{
	__attribute__((cleanup(unlock))) int held = 0; // expect: attribute
	return held;
}
