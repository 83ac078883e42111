/*
 * shebang.c — `#!` line parsing and the interpreter's argv (exec/shebang.h), following Linux's
 * fs/binfmt_script.c: blanks are spaces and tabs, the line ends at a newline (or a NUL in
 * the interpreter's name or argument, which C strings would end there too).
 */
#include <exec/shebang.h>

static bool is_blank(u8 c)
{
	return c == ' ' || c == '\t';
}

int shebang_parse(struct bytes head, struct shebang *sb)
{
	*sb = (struct shebang){ 0 };
	struct bytes buf = bytes_head(head, EXEC_SHEBANG_BUF);
	struct result_u8 c0 = bytes_u8(buf, 0), c1 = bytes_u8(buf, 1);
	if (c0.err || c1.err || c0.value != '#' || c1.value != '!')
		return 0;
	size_t end = bytes_len(buf);
	struct result_size nl = bytes_find(buf, 2, '\n');
	bool cut = nl.err != 0; /* no newline: the line may continue past the buffer */
	if (!cut)
		end = nl.value;
	while (end > 2 && is_blank(bytes_u8(buf, end - 1).value))
		end--;
	size_t i = 2;
	while (i < end && is_blank(bytes_u8(buf, i).value))
		i++;
	size_t name = i;
	while (i < end) {
		u8 c = bytes_u8(buf, i).value;
		if (is_blank(c) || c == 0)
			break;
		i++;
	}
	if (i == name)
		return -ENOEXEC;
	if (cut && i == bytes_len(buf))
		return -ENOEXEC; /* the interpreter's name was cut off */
	struct bytes_result interp = bytes_sub(buf, name, i - name);
	if (interp.err)
		return -ENOEXEC;
	sb->interp = str_from_bytes(interp.value);
	/* The name ended at a NUL: the rest of the line is not seen (C string semantics). */
	if (i < end && bytes_u8(buf, i).value == 0)
		return 1;
	while (i < end && is_blank(bytes_u8(buf, i).value))
		i++;
	if (i < end) {
		struct bytes_result arg = bytes_sub(buf, i, end - i);
		if (arg.err)
			return -ENOEXEC;
		struct result_size nul = bytes_find(arg.value, 0, 0);
		sb->arg = str_from_bytes(nul.err ? arg.value : bytes_head(arg.value, nul.value));
		sb->has_arg = true;
	}
	return 1;
}

int shebang_argv(const struct shebang *sb, struct str path, const struct exec_strv *argv,
		 struct exec_strv *out)
{
	int e = exec_strv_add(out, sb->interp);
	if (!e && sb->has_arg)
		e = exec_strv_add(out, sb->arg);
	if (!e)
		e = exec_strv_add(out, path);
	for (size_t i = 1; !e && i < exec_strv_len(argv); i++)
		e = exec_strv_add(out, exec_strv_get(argv, i).value);
	return e;
}
