/* hello-dyn.c — the smallest dynamically linked program, built with glibc and with musl (the dyn
 * group, mk/vm.mk). */
#include <stdio.h>

int main(void)
{
	puts("hello from a dynamically linked program");
	return 0;
}
