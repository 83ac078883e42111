/*
 * pit.c — the 8254 PIT, used only to time the TSC calibration.
 *
 * Channel 2 in mode 0 (interrupt on terminal count) with its gate enabled through port 0x61;
 * OUT2 reads back as bit 5 of port 0x61 and goes high when the count reaches zero (8254 data
 * sheet; the same method Linux's pit_calibrate_tsc uses). The speaker stays off (bit 1 clear).
 */
#include "internal/clock.h"
#include "arch/x86_64/x86.h"

#define PIT_CH2 0x42
#define PIT_CMD 0x43
#define PORT_B 0x61

/* SAFETY (whole file): the framework owns the PIT and port 0x61; no service reaches them. */

void pit_start(u16 pit_ticks)
{
	outb(PORT_B, (u8)((inb(PORT_B) & ~0x02) | 0x01)); /* gate on, speaker off */
	outb(PIT_CMD, 0xb0);                             /* ch 2, lo/hi byte, mode 0, binary */
	outb(PIT_CH2, (u8)pit_ticks);
	outb(PIT_CH2, (u8)(pit_ticks >> 8));
}

bool pit_wait(void)
{
	for (u32 spins = 0; spins < 50000000u; spins++)
		if (inb(PORT_B) & 0x20)
			return true;
	return false;
}
