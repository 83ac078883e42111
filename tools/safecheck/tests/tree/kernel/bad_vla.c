/* VLAs and alloca: locals, typedefs, parameters, sizeof of a VLA type, alloca and its builtin. */
#include "svc.h"
void *alloca(unsigned long n); // expect: vla extern redeclaration
int f(int n)
{
	int buf[n]; // expect: vla
	typedef char row[n]; // expect: vla
	row r; // expect: vla
	char *a = alloca(16); // expect: vla pointer-cast
	char *b = __builtin_alloca(16); // expect: vla pointer-cast builtin
	buf[0] = r[0] = 0; // expect: subscript
	return buf[1] + (a != b); // expect: subscript
}
int g(int n, int m[n]) { return n + (m != NULL); } // expect: vla
