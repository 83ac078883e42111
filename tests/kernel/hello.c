/* tests/kernel/hello.c — a tiny program the ELF tests link as static-PIE (never run). */
#include <stdio.h>

int main(void)
{
	puts("hello");
	return 0;
}
