/*
 * sched.c — the scheduling system calls: sched_yield, the CPU affinity calls, the policy and
 * parameter getters, getcpu. Every process is SCHED_OTHER with priority 0 (kernel/sched/ is
 * round robin); the affinity mask is real: a process's task runs only on the CPUs it allows
 * (fw/task.h task_set_cpu_mask), applied by its own task before it next enters user mode, and
 * inherited across fork.
 */
#include <fw/preempt.h>
#include <fw/task.h>
#include <fw/uaccess.h>
#include <syscall/define.h>
#include <uapi/misc.h>
#include <uapi/sched.h>

DEFINE_UCOPY(umask_word, u64);
DEFINE_UCOPY(usched_param, struct uapi_sched_param);
DEFINE_UCOPY(uts_sched, struct uapi_timespec);
DEFINE_UCOPY(ucpu_u32, u32);

#define SCHED_RR_INTERVAL_NS 10000000ull /* the policy's slice (kernel/sched/rr.c) */

/* The online CPUs (bit n: CPU n). */
static u64 online_cpus(void)
{
	u32 n = cpu_count();
	return n >= 64 ? ~0ull : (1ull << n) - 1;
}

/* target - the process `pid` names (0: the caller), with a reference; NULL: -ESRCH. A
 * negative pid is the caller's -EINVAL to return. */
static struct thread *target(struct thread *p, i64 pid)
{
	if (pid == 0 || pid == (i64)p->pid) {
		proc_get(p);
		return p;
	}
	return proc_by_pid(pid);
}

SYSCALL_DEFINE0(sched_yield)
{
	(void)p;
	task_yield();
	return 0;
}

SYSCALL_DEFINE3(sched_setaffinity, int, pid, uint, len, uptr, user_mask)
{
	if (pid < 0)
		return -ESRCH; /* Linux: find_process_by_pid finds no negative pid */
	/* Linux copies min(len, cpumask size) bytes; the rest of the mask is 0 */
	u64 mask = 0;
	if (len >= UAPI_CPUMASK_BYTES) {
		if (umask_word_from_user(&mask, user_mask))
			return -EFAULT;
	} else {
		u8 b[UAPI_CPUMASK_BYTES] = { 0 };
		struct vm_reader r = vm_reader_user(user_mask, len);
		if (vm_read(&r, bytes_head(BYTES_OF_ARRAY(b), len)).value != len)
			return -EFAULT;
		for (u32 i = 0; i < len; i++)
			mask |= (u64)b[i] << (8 * i);
	}
	struct thread *q = target(p, pid);
	if (!q)
		return -ESRCH;
	i64 r = 0;
	if (q != p && p->fs.cred.euid != 0 && p->fs.cred.euid != q->fs.cred.uid &&
	    p->fs.cred.euid != q->fs.cred.euid)
		r = -EPERM;
	else if (!(mask & online_cpus()))
		r = -EINVAL;
	if (!r) {
		spin_lock(&q->sig_lock);
		q->cpu_mask = mask & online_cpus();
		atomic_u64_store(&q->cpu_mask_pending, q->cpu_mask);
		spin_unlock(&q->sig_lock);
		if (q == p) /* the caller moves now: the call returns on an allowed CPU */
			r = task_set_cpu_mask(mask);
	}
	if (q == p)
		atomic_u64_store(&p->cpu_mask_pending, 0);
	proc_put(q);
	return r;
}

SYSCALL_DEFINE3(sched_getaffinity, int, pid, uint, len, uptr, user_mask)
{
	/* Linux: len must hold nr_cpu_ids bits and be a multiple of sizeof(long) */
	if ((u64)len * 8 < cpu_count() || (len & 7))
		return -EINVAL;
	if (pid < 0)
		return -ESRCH;
	struct thread *q = target(p, pid);
	if (!q)
		return -ESRCH;
	spin_lock(&q->sig_lock);
	u64 mask = q->cpu_mask ? q->cpu_mask : online_cpus();
	spin_unlock(&q->sig_lock);
	proc_put(q);
	return umask_word_to_user(&mask, user_mask) ? -EFAULT : (i64)UAPI_CPUMASK_BYTES;
}

/* The policy and parameter getters: pid < 0 is -EINVAL, an unknown pid -ESRCH. */
static i64 check_pid(struct thread *p, i64 pid)
{
	if (pid < 0)
		return -EINVAL;
	struct thread *q = target(p, pid);
	if (!q)
		return -ESRCH;
	proc_put(q);
	return 0;
}

SYSCALL_DEFINE1(sched_getscheduler, int, pid)
{
	i64 e = check_pid(p, pid);
	return e ? e : UAPI_SCHED_OTHER;
}

SYSCALL_DEFINE2(sched_getparam, int, pid, uptr, param)
{
	if (!param.v)
		return -EINVAL;
	i64 e = check_pid(p, pid);
	if (e)
		return e;
	struct uapi_sched_param sp = { .sched_priority = 0 };
	return usched_param_to_user(&sp, param) ? -EFAULT : 0;
}

/* priority_max - the highest static priority of `policy`, or -EINVAL. */
static i64 priority_max(int policy)
{
	switch (policy) {
	case UAPI_SCHED_FIFO:
	case UAPI_SCHED_RR:
		return 99;
	case UAPI_SCHED_OTHER:
	case UAPI_SCHED_BATCH:
	case UAPI_SCHED_IDLE:
	case UAPI_SCHED_DEADLINE:
		return 0;
	default:
		return -EINVAL;
	}
}

SYSCALL_DEFINE1(sched_get_priority_max, int, policy)
{
	(void)p;
	return priority_max(policy);
}

SYSCALL_DEFINE1(sched_get_priority_min, int, policy)
{
	(void)p;
	i64 max = priority_max(policy);
	return max < 0 ? max : (max ? 1 : 0);
}

SYSCALL_DEFINE2(sched_rr_get_interval, int, pid, uptr, interval)
{
	i64 e = check_pid(p, pid);
	if (e)
		return e;
	struct uapi_timespec ts = { 0, (i64)SCHED_RR_INTERVAL_NS };
	return uts_sched_to_user(&ts, interval) ? -EFAULT : 0;
}

SYSCALL_DEFINE2(getcpu, uptr, cpup, uptr, nodep)
{
	(void)p;
	u32 cpu = task_cpu(), node = 0;
	if (cpup.v && ucpu_u32_to_user(&cpu, cpup))
		return -EFAULT;
	if (nodep.v && ucpu_u32_to_user(&node, nodep))
		return -EFAULT;
	return 0;
}
