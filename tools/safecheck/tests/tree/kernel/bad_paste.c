/* Issue #13 hole 2: pasting and macro indirection build what the token rules look for; the
 * rules judge what the compiler parsed and service `##` must start with a literal prefix. */
#include "svc.h"
#define CAT(a, b) a##b // expect: paste
#define CAT3(a, b) vola##b // expect: paste
#define GLUE(x) x##_suffix // expect: paste
#define SYS(name) sys_##name
#define A __attribute__ // expect: attribute
#define B(x) __attribute__ x // expect: attribute
int SYS(read)(int x) { return x; }
CAT(__as, m__)(".globl evil"); // expect: asm
int labelled CAT(__as, m__)("fw_secret_symbol"); // expect: asm
void f(long v)
{
	int *p = CAT(__buil, tin_bit_cast)(int *, v); // expect: builtin
	CAT(vola, tile) int w = 0; // expect: volatile
	CAT(regi, ster) int r = 1; // expect: register
	__FW_CAT(_Pra, gma)("clang diagnostic ignored \"-Wthread-safety\""); // expect: api
	(void)p; (void)w; (void)r;
}
A((no_sanitize("bounds"))) static int unchecked(int i) { return i; }
B(((section(".evil")))) int in_section;
[[clang::no_sanitize("bounds")]] static int g2(int i) { return i; } // expect: attribute
#define unused section // expect: attribute
__attribute__((unused(".evil"))) int in_section2;
#define OPEN [[ // expect: attribute
#define CLOSE ]] // expect: attribute
OPEN gnu::section(".evil2") CLOSE int in_section3; // expect: attribute
/* A service macro named like an identifier a trusted body spells changes that body. */
#define size_t unsigned char // expect: redeclaration
#define uint8_t char // expect: redeclaration
/* Digraphs spell the same tokens. */
#define DCAT(a, b) a %:%: b // expect: paste
%:pragma clang diagnostic ignored "-Wthread-safety" // expect: pragma
