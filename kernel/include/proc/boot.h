/*
 * proc/boot.h — the first program's name from the kernel command line (proc/cmdline.c).
 */
#ifndef KERNEL_PROC_BOOT_H
#define KERNEL_PROC_BOOT_H

#include <exec/stack.h>
#include <fw/str.h>

struct boot_init {
	struct str rdinit; /* rdinit=PATH, or empty */
	struct str init;   /* init=PATH, or empty */
};

/* boot_init_from_cmdline - the last rdinit= and init= of `cmdline` (slices into it). Whether
 * a path is used: rdinit (or /init), then init, then /sbin/init, /bin/sh — proc_spawn_init. */
struct boot_init boot_init_from_cmdline(struct str cmdline);

#define BOOT_INIT_MAX_WORDS 32 /* Linux's MAX_INIT_ARGS and MAX_INIT_ENVS */

/*
 * boot_init_args - what the command line gives the first program, as Linux does: every word
 * the kernel does not take for itself (its own options, and any `module.option`) goes to it,
 * `name=value` into its environment (appended to envp) and a bare word into its arguments
 * (appended to argv); every word after `--` goes into its arguments. Returns 0, -E2BIG past
 * BOOT_INIT_MAX_WORDS of either kind, or -ENOMEM.
 */
int boot_init_args(struct str cmdline, struct exec_strv *argv, struct exec_strv *envp);

/*
 * boot_init_strvs - the first program's argv (`path`, then boot_init_args's words) and envp
 * (HOME=/ and TERM=linux, as Linux, then the command line's name=value words), in new arrays
 * the caller destroys (also on error). 0, -E2BIG or -ENOMEM.
 */
int boot_init_strvs(struct str cmdline, struct str path, struct exec_strv *argv,
		    struct exec_strv *envp);

#endif /* KERNEL_PROC_BOOT_H */
