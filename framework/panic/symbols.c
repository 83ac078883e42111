/*
 * symbols.c — lookups in the embedded symbol and line tables (format: internal/symbols.h).
 *
 * The table is read-only data produced by the build; symbols_init() checks that every array
 * lies inside the section before anything trusts it, and every string read is bounded by the
 * string area.
 */
#include "internal/printk.h"
#include "internal/symbols.h"

extern const u8 __fwsyms_start[], __fwsyms_end[];
extern const u8 __text_start[], __text_end[];

static const struct fwsyms_header *hdr;

struct sym_row {
	u32 addr, size, name;
};
struct line_row {
	u32 addr, file_line;
};

static const struct sym_row *syms;
static const struct line_row *lines;
static const u32 *files;
static const char *strs;

bool symbols_present(void)
{
	return hdr != NULL;
}

void symbols_init(void)
{
	/* SAFETY: linker-defined bounds of the .fwsyms section. */
	size_t len = (size_t)(__fwsyms_end - __fwsyms_start);
	if (len < sizeof(struct fwsyms_header))
		return;
	/* SAFETY: the section is at least a header long and 8-aligned (tools/fwsyms.py). */
	const struct fwsyms_header *h = (const struct fwsyms_header *)__fwsyms_start;
	if (h->magic != FWSYMS_MAGIC || h->version != FWSYMS_VERSION)
		return;
	u64 end_syms = (u64)h->sym_off + (u64)h->nsyms * sizeof(struct sym_row);
	u64 end_lines = (u64)h->line_off + (u64)h->nlines * sizeof(struct line_row);
	u64 end_files = (u64)h->file_off + (u64)h->nfiles * 4;
	u64 end_strs = (u64)h->str_off + h->str_len;
	if (end_syms > len || end_lines > len || end_files > len || end_strs > len ||
	    h->str_len == 0 || (h->sym_off | h->line_off | h->file_off) & 3)
		return;
	/* SAFETY: each array lies inside the section (checked above) and is 4-aligned. */
	syms = (const struct sym_row *)(__fwsyms_start + h->sym_off);
	lines = (const struct line_row *)(__fwsyms_start + h->line_off);
	files = (const u32 *)(__fwsyms_start + h->file_off);
	strs = (const char *)(__fwsyms_start + h->str_off);
	if (strs[h->str_len - 1] != '\0')
		return;
	hdr = h;
}

static const char *str_at(u32 off)
{
	/* SAFETY: off < str_len and the string area ends in a NUL (checked in symbols_init). */
	return off < hdr->str_len ? strs + off : "?";
}

bool addr_in_text(u64 addr)
{
	/* SAFETY: address comparison with linker-defined bounds only. */
	return addr >= (u64)(uintptr_t)__text_start && addr < (u64)(uintptr_t)__text_end;
}

const char *sym_lookup(u64 addr, u64 *offset)
{
	if (!hdr || addr < hdr->base || addr - hdr->base > 0xffffffffull || hdr->nsyms == 0)
		return NULL;
	u32 a = (u32)(addr - hdr->base);
	size_t lo = 0, hi = hdr->nsyms; /* find the last row with row.addr <= a */
	while (hi - lo > 1) {
		size_t mid = lo + (hi - lo) / 2;
		/* SAFETY: lo < mid < hi <= nsyms; the array lies in the section (symbols_init). */
		if (syms[mid].addr <= a)
			lo = mid;
		else
			hi = mid;
	}
	/* SAFETY: lo < nsyms (nsyms > 0 checked above). */
	const struct sym_row *s = &syms[lo];
	if (s->addr > a || (s->size && a - s->addr >= s->size))
		return NULL;
	*offset = a - s->addr;
	return str_at(s->name);
}

u64 sym_address(const char *name)
{
	if (!hdr)
		return 0;
	for (u32 i = 0; i < hdr->nsyms; i++) {
		/* SAFETY: i < nsyms; the array lies in the section (checked in symbols_init). */
		const char *s = str_at(syms[i].name);
		size_t k = 0;
		while (s[k] && s[k] == name[k])
			k++;
		if (s[k] == '\0' && name[k] == '\0')
			return hdr->base + syms[i].addr;
	}
	return 0;
}

const char *sym_line(u64 addr, u32 *line)
{
	if (!hdr || addr < hdr->base || addr - hdr->base > 0xffffffffull || hdr->nlines == 0)
		return NULL;
	u32 a = (u32)(addr - hdr->base);
	size_t lo = 0, hi = hdr->nlines;
	while (hi - lo > 1) {
		size_t mid = lo + (hi - lo) / 2;
		/* SAFETY: lo < mid < hi <= nlines; the array lies in the section (symbols_init). */
		if (lines[mid].addr <= a)
			lo = mid;
		else
			hi = mid;
	}
	/* SAFETY: lo < nlines (nlines > 0 checked above). */
	const struct line_row *r = &lines[lo];
	u32 file = r->file_line >> 20;
	if (r->addr > a || file == FWSYMS_NO_FILE || file >= hdr->nfiles)
		return NULL;
	*line = r->file_line & 0xfffff;
	/* SAFETY: file < nfiles (checked above); the array lies in the section. */
	return str_at(files[file]);
}

size_t sym_describe(char *buf, size_t cap, u64 addr)
{
	u64 off = 0;
	u32 line = 0;
	const char *name = sym_lookup(addr, &off);
	const char *file = sym_line(addr, &line);
	size_t n;
	if (name)
		n = ksnprintf(buf, cap, "%s+0x%lx", name, (unsigned long)off);
	else
		n = ksnprintf(buf, cap, "?");
	if (file && n < cap)
		/* SAFETY: n < cap is checked on this line's condition. */
		n += ksnprintf(buf + n, cap - n, " (%s:%u)", file, line);
	return n;
}
