/*
 * bootinfo.c — the boot_info record, the command-line option parser and the public accessors
 * of fw/boot.h.
 *
 * The command line is a list of space-separated words, `name` or `name=value` (no quoting);
 * when an option appears twice, the last one counts.
 */
#include <fw/boot.h>
#include <fw/bytes.h>
#include <fw/str.h>

#include "internal/bootinfo.h"
#include "internal/paging.h"

struct boot_info boot_info;
u32 boot_magic;
u32 boot_info_phys;
u64 boot_entry_tsc;

static size_t cstr_len(const char *s)
{
	size_t n = 0;
	/* SAFETY: callers pass NUL-terminated literals; stops at the NUL. */
	while (s[n])
		n++;
	return n;
}

const char *boot_cmdline_option(const char *name, size_t *len)
{
	const char *c = boot_info.cmdline;
	const char *found = NULL;
	size_t n = boot_info.cmdline_len, name_len = cstr_len(name);
	size_t i = 0;
	while (i < n) {
		/* SAFETY: indices into c stay below n = cmdline_len < BOOTINFO_CMDLINE_MAX
		 * (each loop checks i < n; start + k < start + word_len <= n); indices into
		 * name stay below name_len (its NUL). */
		while (i < n && c[i] == ' ')
			i++;
		size_t start = i;
		while (i < n && c[i] != ' ')
			i++;
		size_t word_len = i - start;
		if (word_len < name_len)
			continue;
		size_t k = 0;
		while (k < name_len && c[start + k] == name[k])
			k++;
		if (k != name_len)
			continue;
		/* SAFETY: in the else branch word_len > name_len, so start + name_len <
		 * start + word_len <= n, and start + name_len + 1 <= n (one past the word at most). */
		if (word_len == name_len) {
			*len = 0;
			found = "";
		} else if (c[start + name_len] == '=') {
			*len = word_len - name_len - 1;
			/* SAFETY: as above. */
			found = &c[start + name_len + 1];
		}
	}
	return found; /* the last occurrence wins, so a later option overrides an earlier one */
}

bool boot_cmdline_is(const char *name, const char *value)
{
	size_t len;
	const char *v = boot_cmdline_option(name, &len);
	if (!v || len != cstr_len(value))
		return false;
	for (size_t i = 0; i < len; i++)
		/* SAFETY: i < len, the option value's length inside the command line, and value has len bytes
		 * (its length was compared first). */
		if (v[i] != value[i])
			return false;
	return true;
}

u64 boot_cmdline_u64(const char *name, u64 fallback)
{
	size_t len;
	const char *v = boot_cmdline_option(name, &len);
	if (!v || len == 0 || len > 19)
		return fallback;
	u64 x = 0;
	for (size_t i = 0; i < len; i++) {
		/* SAFETY: i < len, the option value's length inside the command line. */
		if (v[i] < '0' || v[i] > '9')
			return fallback;
		x = x * 10 + (u64)(v[i] - '0');
	}
	return x;
}

size_t fw_boot_mem_region_count(void)
{
	return boot_info.mem_count;
}

bool fw_boot_mem_region(size_t index, struct fw_mem_region *out)
{
	if (index >= boot_info.mem_count)
		return false;
	*out = boot_info.mem[index];
	return true;
}

u64 fw_boot_usable_bytes(void)
{
	u64 sum = 0;
	for (size_t i = 0; i < boot_info.mem_count; i++)
		if (boot_info.mem[i].type == FW_MEM_USABLE)
			sum += boot_info.mem[i].len_bytes;
	return sum;
}

u64 fw_boot_initrd_size(void)
{
	return boot_info.initrd_size;
}

size_t fw_boot_cmdline_len(void)
{
	return boot_info.cmdline_len;
}

struct bytes fw_boot_initrd(void)
{
	if (!boot_info.initrd_size)
		return bytes_empty();
	/* SAFETY: [initrd_phys, +initrd_size) is RAM the frame allocator reserved at boot and never
	 * hands out (mm/frame.c), so no other object lives there; the direct map covers all RAM
	 * for as long as the kernel runs. A write through the slice can only change the archive. */
	return __fw_bytes_raw(early_phys_ptr_rw(boot_info.initrd_phys), boot_info.initrd_size);
}

struct str fw_boot_cmdline(void)
{
	/* SAFETY: boot_info.cmdline is a static array, cmdline_len < its size, and boot info is
	 * read-only after boot, so the text stays valid and unchanged. */
	return (struct str){ .ptr = boot_info.cmdline, .len = boot_info.cmdline_len };
}
