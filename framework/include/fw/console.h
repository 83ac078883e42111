/*
 * fw/console.h — the system console as a byte stream, for the kernel's console device.
 *
 * The kernel log (fw/log.h) prefixes each line with a timestamp; a terminal device needs the
 * bytes exactly as a program wrote them. These two calls give a service the console's
 * transmit and receive sides without giving it the UART's ports.
 */
#ifndef FW_CONSOLE_H
#define FW_CONSOLE_H

#include <fw/bytes.h>
#include <fw/libbase.h>

/*
 * fw_console_write - write `text` to the console as is ('\n' goes out as "\r\n", as a
 * terminal in cooked output mode expects). Serialised with the kernel log, so a log line and
 * program output never interleave within a call.
 * Context: any (takes the console lock; bounded wait per byte for the transmitter).
 */
void fw_console_write(struct str text);

/*
 * fw_console_write_raw - write the bytes of `b` to the console exactly ('\n' stays '\n'):
 * for a terminal device whose line discipline does its own output processing (OPOST).
 * Context: any (as fw_console_write).
 */
void fw_console_write_raw(struct bytes b);

/*
 * fw_console_read - copy into `dst` the bytes the console has received and nobody has read,
 * up to bytes_len(dst). Never blocks.
 * Returns: the number of bytes copied (0 when nothing is waiting).
 * Context: any.
 */
size_t fw_console_read(struct bytes dst);

/*
 * Console input by interrupt: the UART's receive interrupt puts the bytes in a ring and wakes
 * fw_console_rx_waitq(), so a reader sleeps until input comes (no polling):
 *     int err = fw_console_wait_readable(0, WAIT_INTERRUPTIBLE);  // 0, -ETIMEDOUT, -EINTR
 * fw_console_readable - whether a byte is waiting (never blocks). Context: any.
 * fw_console_wait_readable - sleep until one is, the deadline (fw_time_ns; 0: none) or a kick
 *   (WAIT_INTERRUPTIBLE); WAITQ_WAIT_EVENT's results. Context: task.
 * fw_console_rx_waitq - the queue the interrupt wakes (for poll/select entries, fw/sync.h
 *   waitq_add_entry). Without an I/O APIC input is polled and waits poll once per tick.
 */
bool fw_console_readable(void);
int fw_console_wait_readable(uint64_t deadline_ns, unsigned flags);
struct waitq;
struct waitq *fw_console_rx_waitq(void);

#endif /* FW_CONSOLE_H */
