/*
 * cmdline.c — which program the kernel starts first, from the command line as Linux reads it:
 * `rdinit=` names the program in the initramfs (Linux's default is /init), `init=` is the
 * fallback Linux uses when that fails; a later option overrides an earlier one; the value
 * ends at the next space. Quotes are not interpreted (neither does Linux for these two).
 * The words the kernel does not take for itself go to that program, as on Linux
 * (boot_init_args).
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

/* The kernel's own options (framework and services): not passed to init. */
static const struct str kernel_options[] = {
	STR("console"), STR("quiet"), STR("loglevel"), STR("panic"), STR("rdinit"), STR("init"),
	STR("ktest"), STR("clock"), STR("profile"), STR("mitigations"), STR("debug"),
	STR("earlyprintk"), STR("nokaslr"), STR("root"), STR("ro"), STR("rw"), STR("lockdep"),
};

static bool is_kernel_option(struct str name)
{
	for (size_t i = 0; i < ARRAY_LEN(kernel_options); i++)
		if (str_eq(name, kernel_options[i]))
			return true;
	return false;
}

int boot_init_args(struct str cmdline, struct exec_strv *argv, struct exec_strv *envp)
{
	struct str rest = cmdline, word;
	bool after_dashes = false;
	u32 nargs = 0, nenvs = 0;
	int e = 0;
	while (!e && str_split_next(&rest, ' ', &word)) {
		if (str_len(word) == 0)
			continue;
		if (!after_dashes && str_eq(word, STR("--"))) {
			after_dashes = true;
			continue;
		}
		struct result_size eq = str_find_char(word, 0, '=');
		struct str name = eq.err ? word : str_head(word, eq.value);
		if (!after_dashes && (is_kernel_option(name) || !str_find_char(name, 0, '.').err))
			continue; /* the kernel's, or a module's (Linux: "name.option") */
		bool env = !after_dashes && !eq.err;
		if ((env ? nenvs : nargs) >= BOOT_INIT_MAX_WORDS)
			return -E2BIG; /* Linux refuses to boot ("Too many boot ... vars") */
		e = exec_strv_push(env ? envp : argv, word);
		if (env)
			nenvs++;
		else
			nargs++;
	}
	return e;
}

int boot_init_strvs(struct str cmdline, struct str path, struct exec_strv *argv,
		    struct exec_strv *envp)
{
	/* room for the path, HOME and TERM and the most boot_init_args passes (it refuses more) */
	exec_strv_init(argv, BOOT_INIT_MAX_WORDS + 1);
	exec_strv_init(envp, BOOT_INIT_MAX_WORDS + 2);
	int e = exec_strv_push(argv, path);
	if (!e)
		e = exec_strv_push(envp, STR("HOME=/"));
	if (!e)
		e = exec_strv_push(envp, STR("TERM=linux"));
	if (!e)
		e = boot_init_args(cmdline, argv, envp);
	return e;
}
