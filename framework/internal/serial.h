/*
 * internal/serial.h — the polled COM1 console (arch/x86_64/serial.c).
 */
#ifndef FW_INTERNAL_SERIAL_H
#define FW_INTERNAL_SERIAL_H

#include <fw/types.h>

/* serial_init - program COM1. Context: early boot, once. */
void serial_init(void);

/* serial_putc - write one byte, waiting (bounded) for the transmitter. Context: any. */
void serial_putc(char c);

/* serial_getc - the next received byte, or -1 when none is waiting (never blocks). Context: any. */
int serial_getc(void);

/* serial_enable_rx_irq - raise the UART's interrupt when data is received. */
void serial_enable_rx_irq(void);

/* serial_set_loopback - loopback mode: sent bytes come back as received (ktests). */
void serial_set_loopback(bool on);

/* console_rx_init - route the receive interrupt (console/console_rx.c). Context: boot, after
 * mm_init and the local APIC. */
void console_rx_init(void);

#endif /* FW_INTERNAL_SERIAL_H */
