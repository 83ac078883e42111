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
 * fw_console_read - copy into `dst` the bytes the console has received and nobody has read,
 * up to bytes_len(dst). Never blocks.
 * Returns: the number of bytes copied (0 when nothing is waiting).
 * Context: any.
 */
size_t fw_console_read(struct bytes dst);

#endif /* FW_CONSOLE_H */
