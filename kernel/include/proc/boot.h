/*
 * proc/boot.h — the first program's name from the kernel command line (proc/cmdline.c).
 */
#ifndef KERNEL_PROC_BOOT_H
#define KERNEL_PROC_BOOT_H

#include <fw/str.h>

struct boot_init {
	struct str rdinit; /* rdinit=PATH, or empty */
	struct str init;   /* init=PATH, or empty */
};

/* boot_init_from_cmdline - the last rdinit= and init= of `cmdline` (slices into it). Whether
 * a path is used: rdinit (or /init), then init, then /sbin/init, /bin/sh — proc_spawn_init. */
struct boot_init boot_init_from_cmdline(struct str cmdline);

#endif /* KERNEL_PROC_BOOT_H */
