/*
 * exec/stack.h — the initial user stack of a new program, laid out as Linux lays it out for
 * x86-64 (fs/exec.c copies the strings, fs/binfmt_elf.c create_elf_tables() the rest), built
 * into a byte buffer that stands for the top of the stack. From high to low addresses:
 *
 *     8 zero bytes at the very top
 *     the program's file name (AT_EXECFN) and its NUL
 *     the envp strings, the argv strings (argv[0] lowest), each with its NUL
 *     -- aligned down to 16 --
 *     the platform string "x86_64" (AT_PLATFORM)
 *     16 random bytes (AT_RANDOM)
 *     -- aligned down to 16 so that sp is --
 *     auxv pairs (id, value) ending with AT_NULL
 *     NULL, envp[envc-1] ... envp[0]     (pointers into the strings)
 *     NULL, argv[argc-1] ... argv[0]
 *     argc                                <- sp (16-byte aligned)
 *
 * The exec path copies the argument strings in from the old image first (as `struct str`
 * slices in an exec_strv), builds here, then writes the buffer to the new address space.
 */
#ifndef KERNEL_EXEC_STACK_H
#define KERNEL_EXEC_STACK_H

#include <fw/array.h>
#include <fw/bytes.h>
#include <fw/str.h>
#include <fw/types.h>

/* A list of argument or environment strings. */
DEFINE_ARRAY(exec_strv, struct str);

/* exec_strv_add - append s: 0, -E2BIG past the list's count limit (execve's error for too many
 * strings), -ENOMEM when the list cannot grow. */
static inline int exec_strv_add(struct exec_strv *v, struct str s)
{
	int e = exec_strv_push(v, s);
	return e == -ENOSPC ? -E2BIG : e;
}

/* Linux's limits: one string at most 32 pages, at most 0x7fffffff strings. */
#define EXEC_MAX_ARG_STRLEN (32u * 4096u)
#define EXEC_MAX_STRINGS 0x7fffffffu

/* Auxiliary vector ids (linux/auxvec.h, asm/auxvec.h). */
#define AT_NULL 0
#define AT_PHDR 3
#define AT_PHENT 4
#define AT_PHNUM 5
#define AT_PAGESZ 6
#define AT_BASE 7
#define AT_FLAGS 8
#define AT_ENTRY 9
#define AT_UID 11
#define AT_EUID 12
#define AT_GID 13
#define AT_EGID 14
#define AT_PLATFORM 15
#define AT_HWCAP 16
#define AT_CLKTCK 17
#define AT_SECURE 23
#define AT_RANDOM 25
#define AT_HWCAP2 26
#define AT_EXECFN 31
#define AT_MINSIGSTKSZ 51
#define AT_SYSINFO_EHDR 33

/* The most auxv pairs exec_stack_build writes, AT_NULL included. */
#define EXEC_AUXV_PAIRS 21u

struct exec_stack_in {
	u64 stack_top;                /* user address one past the stack's highest byte (16-aligned) */
	const struct exec_strv *argv; /* may be empty (argc 0), as Linux allows with a warning */
	const struct exec_strv *envp;
	struct str execfn;            /* the path execve was given */
	struct bytes random;          /* at least 16 bytes for AT_RANDOM */
	u64 phdr, phent, phnum, entry, base;
	u32 uid, euid, gid, egid;
	bool secure;
	u64 hwcap, hwcap2, minsigstksz;
	u64 sysinfo_ehdr;             /* the vDSO's ELF header; 0: none (AT_SYSINFO_EHDR left out) */
};

struct exec_stack_out {
	u64 sp;          /* the initial %rsp: points at argc */
	u64 argc;
	u64 argv;        /* address of argv[0] (the pointer array) */
	u64 envp;        /* address of envp[0] */
	u64 auxv;        /* address of the first auxv pair */
	u64 arg_start, arg_end, env_start, env_end; /* the string areas (for /proc/PID/cmdline) */
	u64 execfn, random, platform;               /* addresses of those strings/bytes */
};

/*
 * exec_stack_build - lay out the initial stack in `buf`, which stands for the user addresses
 * [stack_top - len(buf), stack_top).
 * Returns: 0 and *out; -E2BIG when the strings and tables do not fit in `buf` or one string
 *          is over EXEC_MAX_ARG_STRLEN; -EINVAL for a misaligned stack_top, a stack_top below
 *          len(buf), or fewer than 16 random bytes. Nothing outside `buf` is touched; on error
 *          `buf` may be partly written.
 */
int exec_stack_build(struct bytes buf, const struct exec_stack_in *in, struct exec_stack_out *out);

#endif /* KERNEL_EXEC_STACK_H */
