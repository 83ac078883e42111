/*
 * serial.c — the 16550 UART at COM1 (I/O port 0x3f8): the early and panic console.
 *
 * 115200 baud, 8N1, FIFOs on (receive trigger level 1 byte). Output is polled; input raises the
 * receive interrupt once console/console_rx.c has routed it (serial_enable_rx_irq), and
 * serial_getc reads it either way. Register layout: PC16550D data sheet (THR/RBR +0, IER +1, FCR +2, LCR +3, MCR +4,
 * LSR +5; DLAB in LCR bit 7 exposes the divisor at +0/+1).
 */
#include "internal/serial.h"

#include "arch/x86_64/x86.h"

#define COM1 0x3f8
#define LSR_DATA_READY 0x01
#define LSR_THR_EMPTY 0x20

/* SAFETY (whole file): the framework owns COM1; no service is given these ports. */

void serial_init(void)
{
	outb(COM1 + 1, 0x00); /* no interrupts */
	outb(COM1 + 3, 0x80); /* DLAB on */
	outb(COM1 + 0, 0x01); /* divisor 1: 115200 baud */
	outb(COM1 + 1, 0x00);
	outb(COM1 + 3, 0x03); /* 8N1, DLAB off */
	outb(COM1 + 2, 0x07); /* FIFO on, cleared, 1-byte receive trigger */
	outb(COM1 + 4, 0x0b); /* DTR, RTS, OUT2 */
}

void serial_putc(char c)
{
	/* Bounded wait: a missing UART must not hang the kernel. */
	for (unsigned spins = 0; spins < 100000; spins++) {
		if (inb(COM1 + 5) & LSR_THR_EMPTY)
			break;
		cpu_pause();
	}
	outb(COM1, (u8)c);
}

void serial_enable_rx_irq(void)
{
	outb(COM1 + 1, 0x01); /* IER: received data available */
}

void serial_set_loopback(bool on)
{
	outb(COM1 + 4, on ? 0x1b : 0x0b); /* MCR bit 4: loopback; DTR, RTS, OUT2 */
}

int serial_getc(void)
{
	if (!(inb(COM1 + 5) & LSR_DATA_READY))
		return -1;
	return inb(COM1);
}
