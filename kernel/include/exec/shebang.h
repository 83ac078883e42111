/*
 * exec/shebang.h — `#!` scripts: parse the first line of a file the way Linux's binfmt_script
 * does, and build the interpreter's argument list.
 *
 * The line is read from the first EXEC_SHEBANG_BUF bytes (Linux's BINPRM_BUF_SIZE) up to the
 * first newline; trailing spaces and tabs are dropped; the interpreter is the first word
 * (after spaces/tabs), and everything after it (leading blanks skipped) is ONE optional
 * argument, spaces included. A line with no newline in the buffer is fine unless the
 * interpreter's name itself runs to the end of the buffer (-ENOEXEC: it was cut off).
 */
#ifndef KERNEL_EXEC_SHEBANG_H
#define KERNEL_EXEC_SHEBANG_H

#include <exec/stack.h>
#include <fw/bytes.h>
#include <fw/str.h>

#define EXEC_SHEBANG_BUF 256u

struct shebang {
	struct str interp; /* never empty */
	struct str arg;    /* empty when has_arg is false */
	bool has_arg;
};

/*
 * shebang_parse - is `head` (the start of a file) a script, and with which interpreter.
 * Returns: 1 and *sb (slices into `head`) for a script; 0 when `head` does not start with
 *          "#!"; -ENOEXEC for a script line with no interpreter or a cut-off one.
 */
int shebang_parse(struct bytes head, struct shebang *sb);

/*
 * shebang_argv - the argument list the interpreter runs with: interp, [arg], `path` (the
 * script as execve named it), then argv[1..] of the original call (argv[0] is replaced).
 * Needs: `out` initialised and empty. Returns: 0, -E2BIG (too many strings) or -ENOMEM.
 */
int shebang_argv(const struct shebang *sb, struct str path, const struct exec_strv *argv,
		 struct exec_strv *out);

#endif /* KERNEL_EXEC_SHEBANG_H */
