/*
 * internal/symbols.h — the symbol and line tables embedded in the image (.fwsyms, generated at
 * build time by tools/fwsyms.py from a first link), and frame-pointer backtraces.
 *
 * Table format (little-endian, all offsets from the start of the section):
 *   header  struct fwsyms_header
 *   syms    nsyms x { u32 addr - base, u32 size, u32 name string offset }, sorted by address
 *   lines   nlines x { u32 addr - base, u32 (file index << 20) | line }, sorted by address;
 *           a row covers addresses up to the next row; file index 0xfff ends a sequence
 *   files   nfiles x u32 name string offset
 *   strings NUL-terminated names
 */
#ifndef FW_INTERNAL_SYMBOLS_H
#define FW_INTERNAL_SYMBOLS_H

#include <fw/types.h>

#define FWSYMS_MAGIC 0x59535746u /* "FWSY" */
#define FWSYMS_VERSION 1u
#define FWSYMS_NO_FILE 0xfffu

struct fwsyms_header {
	u32 magic, version;
	u32 nsyms, nlines, nfiles;
	u32 sym_off, line_off, file_off, str_off, str_len;
	u64 base;
};

/* Whether the image carries a table (the first link does not). */
bool symbols_present(void);

/* Verify the table's bounds once at boot; a bad table is ignored, never trusted. */
void symbols_init(void);

/*
 * sym_lookup - the function containing addr.
 * Returns: its name and addr's offset into it; NULL when unknown.
 * Context: any (reads only the read-only table).
 */
const char *sym_lookup(u64 addr, u64 *offset);

/* sym_address - the address of the function called `name`, 0 when absent. */
u64 sym_address(const char *name);

/* sym_line - the source file and line of addr; NULL when unknown. */
const char *sym_line(u64 addr, u32 *line);

/* Whether addr lies in the kernel's text. */
bool addr_in_text(u64 addr);

/*
 * backtrace_print - print a symbolized frame-pointer backtrace starting at (rip, rbp).
 * Follows %rbp only into registered stacks, at most 32 frames. Context: any.
 */
void backtrace_print(u64 rip, u64 rbp);

/* format "name+0xoff (file:line)" for addr into buf. */
size_t sym_describe(char *buf, size_t cap, u64 addr);

#endif /* FW_INTERNAL_SYMBOLS_H */
