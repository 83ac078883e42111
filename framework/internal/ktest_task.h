/*
 * internal/ktest_task.h — a helper for the framework's own ktests that need tasks: a worker
 * object (a typed callback plus scratch fields) and tw_spawn() to run a function on a new task.
 * Workers live in static arrays of the test files (task_spawn refuses stack-resident entries).
 */
#ifndef FW_INTERNAL_KTEST_TASK_H
#define FW_INTERNAL_KTEST_TASK_H

#include <fw/subtype.h>
#include <fw/task.h>

#include "internal/task.h"

struct tworker {
	struct callback cb;
	void (*body)(struct tworker *w);
	u32 idx;
	u64 a, b, c;
	int result;
};

/* Its identity is defined once, in framework/task/task_test.c. */
DECLARE_SUBTYPE(tworker_cb, struct tworker, cb, struct callback, tag);

static inline void tworker_run(struct tworker *w)
{
	w->body(w);
}
DEFINE_SUBTYPE_CALLBACK(tworker_cb, struct callback, tworker_run);

static inline struct task *tw_spawn(struct tworker *w, void (*body)(struct tworker *), u32 idx,
				    u32 cpu)
{
	tworker_cb_init(w);
	callback_set(&w->cb, SUBTYPE_CALLBACK(tworker_cb, tworker_run));
	w->body = body;
	w->idx = idx;
	w->a = w->b = w->c = 0;
	w->result = 0;
	return task_spawn_raw(&w->cb, STR("ktest worker"), cpu);
}

/* tw_spawn_args - tw_spawn with w->b and w->c set before the task can start (on another CPU
 * it may run at once: set its inputs here, not after the spawn). */
static inline struct task *tw_spawn_args(struct tworker *w, void (*body)(struct tworker *), u32 idx,
					 u32 cpu, u64 b, u64 c)
{
	tworker_cb_init(w);
	callback_set(&w->cb, SUBTYPE_CALLBACK(tworker_cb, tworker_run));
	w->body = body;
	w->idx = idx;
	w->a = 0;
	w->b = b;
	w->c = c;
	w->result = 0;
	return task_spawn_raw(&w->cb, STR("ktest worker"), cpu);
}

/* The CPU tests pin their second party to: CPU 1 when there is one. */
static inline u32 tw_other_cpu(void)
{
	return cpu_count() > 1 ? 1u : 0u;
}

#endif /* FW_INTERNAL_KTEST_TASK_H */
