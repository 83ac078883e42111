/*
 * default_policy.c — the scheduling policy a kernel gets when it does not define one: a weak
 * kernel_sched_policy() returning per-CPU FIFO with a fixed slice, tasks placed where they
 * woke. The Trellis kernel overrides it (kernel/sched/rr.c); small kernels built against the
 * framework (examples/hello) run on this one.
 */
#include <fw/list.h>
#include <fw/task.h>

#include "arch/x86_64/percpu.h"

DEFINE_LIST(fifo_queue, struct sched_entity, link, sched_rq);

static struct fifo_queue fifo_queues[FW_MAX_CPUS_INTERNAL];

static void fifo_init_rq(struct sched_rq *rq)
{
	/* SAFETY: sched_rq_cpu(rq) is rq->cpu, set by sched_init to the rq's own index <
	 * FW_MAX_CPUS_INTERNAL, the length of fifo_queues. */
	fifo_queue_init(&fifo_queues[sched_rq_cpu(rq)], rq);
}

static void fifo_enqueue(struct sched_rq *rq, struct sched_entity *se)
{
	se->slice_ticks = 5;
	/* SAFETY: sched_rq_cpu(rq) < FW_MAX_CPUS_INTERNAL (see fifo_init_rq). */
	fifo_queue_push_back(&fifo_queues[sched_rq_cpu(rq)], se);
}

static struct sched_entity *fifo_pick_next(struct sched_rq *rq)
{
	/* SAFETY: sched_rq_cpu(rq) < FW_MAX_CPUS_INTERNAL (see fifo_init_rq). */
	return fifo_queue_pop_front(&fifo_queues[sched_rq_cpu(rq)]);
}

static bool fifo_tick(struct sched_rq *rq, struct sched_entity *curr)
{
	(void)rq;
	if (curr->slice_ticks)
		curr->slice_ticks--;
	return curr->slice_ticks == 0;
}

static uint32_t fifo_select_cpu(struct sched_entity *se, uint32_t prev_cpu)
{
	(void)se;
	return prev_cpu;
}

static const struct sched_policy_ops fifo_ops = {
	.name = STR("fifo (framework default)"),
	.init_rq = fifo_init_rq,
	.enqueue = fifo_enqueue,
	.pick_next = fifo_pick_next,
	.tick = fifo_tick,
	.select_cpu = fifo_select_cpu,
};

__attribute__((weak)) const struct sched_policy_ops *kernel_sched_policy(void)
{
	return &fifo_ops;
}
