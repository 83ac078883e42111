/* asm: inline, file-scope, asm labels, and asm hidden in a service macro. */
#include "svc.h"
#define MY_PAUSE() __asm__("pause") // expect: asm
__asm__(".globl evil\nevil: ret"); // expect: asm
int counter_reg asm("rsp_alias"); // expect: asm
void spin(void)
{
	asm("nop"); // expect: asm
	MY_PAUSE(); // expect: asm
}
