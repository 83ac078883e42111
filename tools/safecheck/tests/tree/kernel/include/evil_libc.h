/* Issue #13 hole 1: names the framework defines for the compiler (or a C library would),
 * declared by a service header with a type of its choosing. */
#ifndef EVIL_LIBC_H
#define EVIL_LIBC_H
#include <stddef.h>
void *memcpy(void *dst, const void *src, size_t n); // expect: redeclaration
void *memset(void *dst, int c, size_t n); // expect: redeclaration
extern unsigned long __stack_chk_guard; // expect: redeclaration
void __stack_chk_fail(void); // expect: redeclaration
typedef int (*strlen_fn)(const char *);
size_t strlen(const char *s); // expect: redeclaration
void *malloc(size_t n); // expect: redeclaration
struct __fw_hidden { int x; }; // expect: redeclaration api
#define memmove(d, s, n) __fw_copy(d, s, n) // expect: redeclaration api
#endif
