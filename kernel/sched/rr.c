/*
 * rr.c — the kernel's scheduling policy: per-CPU round robin.
 *
 * Each CPU has a FIFO of runnable tasks. A task runs for RR_SLICE_TICKS timer ticks, then goes
 * to the back of its CPU's queue. A waking or new task goes to the CPU with the fewest tasks
 * (ties: the CPU it last ran on, for its cache), so work spreads over the processors. No
 * migration of runnable tasks otherwise.
 *
 * The framework calls enqueue/pick_next/tick with the run queue locked (fw/task.h); the queue
 * is a typed list guarded by that run queue (the lock kind `sched_rq`), which the list checks
 * on every operation.
 */
#include <fw/task.h>

#define RR_SLICE_TICKS 2u /* 8 ms at 250 Hz */

DEFINE_LIST(rr_queue, struct sched_entity, link, sched_rq);

/* The queue is guarded by its CPU's run queue. Statically that cannot be spelled here (the
 * guard would be an array element's field, which the analysis does not follow), so every list
 * operation checks at run time that `rq` is held (the list's lock kind is sched_rq), and
 * sched_rq_assert_held() documents it at each entry point. */
struct rr_cpu {
	struct sched_rq *rq;
	struct rr_queue queue;
};

static struct rr_cpu rr_cpus[FW_MAX_CPUS];

/* The policy's index for a run queue (its CPU), range-checked. */
static uint32_t rr_index(const struct sched_rq *rq)
{
	uint32_t cpu = sched_rq_cpu(rq);
	FW_CHECK(cpu < FW_MAX_CPUS, "rr: run queue of an unknown CPU");
	return cpu;
}

static void rr_init_rq(struct sched_rq *rq)
{
	uint32_t i = rr_index(rq);
	rr_cpus[i].rq = rq;
	sched_rq_assert_held(rr_cpus[i].rq);
	rr_queue_init(&rr_cpus[i].queue, rq);
}

static void rr_enqueue(struct sched_rq *rq, struct sched_entity *se)
{
	uint32_t i = rr_index(rq);
	sched_rq_assert_held(rr_cpus[i].rq);
	se->slice_ticks = RR_SLICE_TICKS;
	rr_queue_push_back(&rr_cpus[i].queue, se);
}

static struct sched_entity *rr_pick_next(struct sched_rq *rq)
{
	uint32_t i = rr_index(rq);
	sched_rq_assert_held(rr_cpus[i].rq);
	struct sched_entity *se = rr_queue_pop_front(&rr_cpus[i].queue);
	if (se)
		se->runs++;
	return se;
}

static bool rr_tick(struct sched_rq *rq, struct sched_entity *curr)
{
	(void)rq;
	if (curr->slice_ticks > 0)
		curr->slice_ticks--;
	return curr->slice_ticks == 0;
}

static uint32_t rr_select_cpu(struct sched_entity *se, uint32_t prev_cpu)
{
	(void)se;
	uint32_t n = cpu_count();
	uint32_t best = prev_cpu < n ? prev_cpu : 0;
	uint32_t best_load = sched_cpu_load(best);
	for (uint32_t cpu = 0; cpu < n; cpu++) {
		uint32_t load = sched_cpu_load(cpu);
		if (load < best_load) {
			best = cpu;
			best_load = load;
		}
	}
	return best;
}

static const struct sched_policy_ops rr_ops = {
	.name = STR("round-robin"),
	.init_rq = rr_init_rq,
	.enqueue = rr_enqueue,
	.pick_next = rr_pick_next,
	.tick = rr_tick,
	.select_cpu = rr_select_cpu,
};

const struct sched_policy_ops *kernel_sched_policy(void)
{
	return &rr_ops;
}
