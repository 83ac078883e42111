/*
 * internal/ctx.h — save a point in the code and resume it later (entry.S), for the ktest
 * runner's trap recovery: the trap handler resumes the runner instead of returning to the
 * trapped code.
 */
#ifndef FW_INTERNAL_CTX_H
#define FW_INTERNAL_CTX_H

#include <fw/types.h>

struct saved_ctx {
	u64 rbx, rbp, r12, r13, r14, r15, rsp, rip, rflags;
};

/*
 * ctx_save - record the callee-saved registers, stack and flags. Returns 0 now, and 1 when
 * ctx_resume(c) is called later.
 * Needs: the caller's frame is still live when ctx_resume runs (it is resumed into).
 * Context: any.
 */
__attribute__((returns_twice)) int ctx_save(struct saved_ctx *c);

/* ctx_resume - resume c (see ctx_save). Never returns. Context: any, including traps. */
__attribute__((noreturn)) void ctx_resume(const struct saved_ctx *c);

/* call_on_stack - call fn with %rsp = stack_top (16-byte aligned). Context: any. */
void call_on_stack(void (*fn)(void), u64 stack_top);

#endif /* FW_INTERNAL_CTX_H */
