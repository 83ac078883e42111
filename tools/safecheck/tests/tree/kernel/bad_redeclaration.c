/* redeclaring framework names: prototypes with other types, typedefs, tags, macros, enums;
 * defining a framework-declared entry point (kernel_main) is allowed. */
long fw_public(long x); // expect: redeclaration extern
typedef int u8; // expect: redeclaration
struct bytes { char *ptr; unsigned long len; }; // expect: redeclaration
#define COPY_FROM_BYTES(T, d, s) 0 // expect: redeclaration
enum { fw_global = 3 }; // expect: redeclaration
int use(void) { return (int)fw_public(fw_global); }
