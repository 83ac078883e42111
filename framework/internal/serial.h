/*
 * internal/serial.h — the polled COM1 console (arch/x86_64/serial.c).
 */
#ifndef FW_INTERNAL_SERIAL_H
#define FW_INTERNAL_SERIAL_H

/* serial_init - program COM1. Context: early boot, once. */
void serial_init(void);

/* serial_putc - write one byte, waiting (bounded) for the transmitter. Context: any. */
void serial_putc(char c);

/* serial_getc - the next received byte, or -1 when none is waiting (never blocks). Context: any. */
int serial_getc(void);

#endif /* FW_INTERNAL_SERIAL_H */
