/* Issue #13 hole 1: compiler-exported and C-library names declared or defined by a service;
 * every declaration is rejected, so the calls that would use them never link. */
#include "svc.h"
#include "evil_libc.h"
struct svc_slice { size_t len; const u8 *ptr; };
void *memmove(void *d, const void *s, size_t n); // expect: redeclaration extern
int setjmp(long *env); // expect: redeclaration extern
enum { __builtin_bad = 1 }; // expect: redeclaration builtin
int __atomic_helper(int x) { return x; } // expect: redeclaration builtin
void forge(struct bytes *out, const u8 *raw)
{
	struct svc_slice s = { 4096, raw };
	memcpy(out, &s, sizeof s);
}
