/*
 * cmdline.c — which program the kernel starts first, from the command line as Linux reads it:
 * `rdinit=` names the program in the initramfs (Linux's default is /init), `init=` is the
 * fallback Linux uses when that fails; a later option overrides an earlier one; the value
 * ends at the next space. Quotes are not interpreted (neither does Linux for these two).
 */
#include <fw/str.h>
#include <proc/boot.h>

/* option - the value of the last `name` (with its '=') in `cmdline`, or empty. */
static struct str option(struct str cmdline, struct str name)
{
	struct str rest = cmdline, word, found = str_empty();
	while (str_split_next(&rest, ' ', &word))
		if (str_starts_with(word, name))
			found = str_skip(word, str_len(name));
	return found;
}

struct boot_init boot_init_from_cmdline(struct str cmdline)
{
	return (struct boot_init){ .rdinit = option(cmdline, STR("rdinit=")),
				   .init = option(cmdline, STR("init=")) };
}
