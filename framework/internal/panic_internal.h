/*
 * internal/panic_internal.h — panic entry for framework code that has a finished message.
 */
#ifndef FW_INTERNAL_PANIC_INTERNAL_H
#define FW_INTERNAL_PANIC_INTERNAL_H

/*
 * panic_message - report `msg` (NUL-terminated) with a backtrace of the caller and stop, as
 * fw_panic(). Never returns. Context: any.
 */
__attribute__((noreturn)) void panic_message(const char *msg);

#endif /* FW_INTERNAL_PANIC_INTERNAL_H */
