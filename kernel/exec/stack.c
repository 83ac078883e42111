/*
 * stack.c — the initial user stack (exec/stack.h). A small writer maps user addresses in
 * [top - len, top) to offsets in the buffer; every write is a bounds-checked slice write, so
 * a string list too large for the stack is -E2BIG, never an overrun.
 */
#include <exec/stack.h>

struct stack_writer {
	struct bytes buf;
	u64 low;  /* the user address of buf[0] */
	u64 p;    /* the next free byte is below p (grows down) */
	int err;  /* sticky */
};

static void put_u64(struct stack_writer *w, u64 addr, u64 v)
{
	if (!w->err && (addr < w->low || bytes_put_le64(w->buf, addr - w->low, v)))
		w->err = -E2BIG;
}

/* push_bytes - move p down by len and return the new p (the data's address), or 0. */
static u64 push_space(struct stack_writer *w, u64 len)
{
	if (w->err || w->p - w->low < len) {
		w->err = -E2BIG;
		return 0;
	}
	w->p -= len;
	return w->p;
}

/* push_str - copy `s` and a NUL below p; its address. */
static u64 push_str(struct stack_writer *w, struct str s)
{
	if (str_len(s) > EXEC_MAX_ARG_STRLEN - 1) {
		w->err = -E2BIG;
		return 0;
	}
	u64 at = push_space(w, str_len(s) + 1);
	if (w->err)
		return 0;
	struct bytes_result dst = bytes_sub(w->buf, at - w->low, str_len(s) + 1);
	if (dst.err || str_copy_to(dst.value, s).err || bytes_put_u8(dst.value, str_len(s), 0))
		w->err = -E2BIG;
	return at;
}

static void push_bytes(struct stack_writer *w, struct bytes b, u64 *at)
{
	*at = push_space(w, bytes_len(b));
	if (w->err)
		return;
	struct bytes_result dst = bytes_sub(w->buf, *at - w->low, bytes_len(b));
	if (dst.err || bytes_copy(dst.value, b))
		w->err = -E2BIG;
}

/* push_strv - the strings of `v` so that v[0] is lowest: copied last to first. Their
 * addresses are re-derived later by walking up from the lowest. */
static void push_strv(struct stack_writer *w, const struct exec_strv *v)
{
	for (size_t i = exec_strv_len(v); i-- > 0 && !w->err;)
		push_str(w, exec_strv_get(v, i).value);
}

/* put_ptrs - pointers to the strings of `v`, which start at `strings`, into the array at
 * `at`, then NULL. Returns the address after the strings. */
static u64 put_ptrs(struct stack_writer *w, const struct exec_strv *v, u64 at, u64 strings)
{
	size_t n = exec_strv_len(v);
	for (size_t i = 0; i < n; i++) {
		put_u64(w, at + 8 * i, strings);
		strings += str_len(exec_strv_get(v, i).value) + 1;
	}
	put_u64(w, at + 8 * n, 0);
	return strings;
}

int exec_stack_build(struct bytes buf, const struct exec_stack_in *in, struct exec_stack_out *out)
{
	u64 len = bytes_len(buf);
	*out = (struct exec_stack_out){ 0 };
	if ((in->stack_top & 15) || in->stack_top < len || bytes_len(in->random) < 16)
		return -EINVAL;
	size_t argc = exec_strv_len(in->argv), envc = exec_strv_len(in->envp);
	if (argc > EXEC_MAX_STRINGS || envc > EXEC_MAX_STRINGS)
		return -E2BIG;

	struct stack_writer w = { .buf = buf, .low = in->stack_top - len, .p = in->stack_top };
	/* The top word stays zero; then the file name, envp and argv strings (fs/exec.c). */
	u64 top_word = push_space(&w, 8);
	put_u64(&w, top_word, 0);
	out->execfn = push_str(&w, in->execfn);
	out->env_end = w.p;
	push_strv(&w, in->envp);
	out->env_start = w.p;
	out->arg_end = w.p;
	push_strv(&w, in->argv);
	out->arg_start = w.p;

	/* create_elf_tables(): align, platform string, random bytes. */
	w.p &= ~(u64)15;
	out->platform = push_str(&w, STR("x86_64"));
	push_bytes(&w, bytes_head(in->random, 16), &out->random);
	if (w.err)
		return w.err;

	/* sp: room for argc, argv + NULL, envp + NULL and the auxv pairs, rounded down to 16. */
	u64 words = 1 + (argc + 1) + (envc + 1) + 2 * (u64)EXEC_AUXV_PAIRS;
	if (words > (w.p - w.low) / 8)
		return -E2BIG;
	u64 sp = (w.p - 8 * words) & ~(u64)15;
	if (sp < w.low)
		return -E2BIG;
	out->sp = sp;
	out->argc = argc;
	out->argv = sp + 8;
	out->envp = out->argv + 8 * (argc + 1);
	out->auxv = out->envp + 8 * (envc + 1);

	put_u64(&w, sp, argc);
	put_ptrs(&w, in->argv, out->argv, out->arg_start);
	put_ptrs(&w, in->envp, out->envp, out->env_start);

	/* The auxiliary vector, in the order Linux writes it on x86-64 (ARCH_DLINFO first). */
	const u64 aux[EXEC_AUXV_PAIRS][2] = {
		{ AT_SYSINFO_EHDR, in->sysinfo_ehdr },
		{ AT_MINSIGSTKSZ, in->minsigstksz },
		{ AT_HWCAP, in->hwcap },
		{ AT_PAGESZ, 4096 },
		{ AT_CLKTCK, 100 },
		{ AT_PHDR, in->phdr },
		{ AT_PHENT, in->phent },
		{ AT_PHNUM, in->phnum },
		{ AT_BASE, in->base },
		{ AT_FLAGS, 0 },
		{ AT_ENTRY, in->entry },
		{ AT_UID, in->uid },
		{ AT_EUID, in->euid },
		{ AT_GID, in->gid },
		{ AT_EGID, in->egid },
		{ AT_SECURE, in->secure },
		{ AT_RANDOM, out->random },
		{ AT_HWCAP2, in->hwcap2 },
		{ AT_EXECFN, out->execfn },
		{ AT_PLATFORM, out->platform },
		{ AT_NULL, 0 },
	};
	u64 at = out->auxv;
	for (u32 i = 0; i < EXEC_AUXV_PAIRS; i++) {
		if (aux[i][0] == AT_SYSINFO_EHDR && !aux[i][1])
			continue; /* no vDSO: no entry, as Linux without one */
		put_u64(&w, at, aux[i][0]);
		put_u64(&w, at + 8, aux[i][1]);
		at += 16;
	}
	return w.err;
}
