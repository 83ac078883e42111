/*
 * mm.c — a process's memory map (proc/process.h): the copy fork makes (copy-on-write,
 * vm_map_fork), the map CLONE_VM shares, and letting go of it at exit. The map itself, its
 * regions and the fault handler live in kernel/vm/.
 */
#include <proc/process.h>

int proc_copy_memory(struct thread *dst, struct thread *src)
{
	/* dst's map is the empty one proc_create made: fill it (no second address space). */
	return vm_map_fork_into(dst->mm, src->mm) ? -ENOMEM : 0;
}

void proc_share_memory(struct thread *dst, struct thread *src)
{
	vm_map_get(src->mm);
	vm_map_put(proc_swap_mm(dst, src->mm));
}

void proc_drop_memory(struct thread *p)
{
	struct vm_map *m = p->mm;
	if (!m)
		return;
	proc_vfork_release(p); /* a vfork parent waits for this (Linux's mm_release) */
	/* Only p's own task lets go of the active space. A creator that discards a child
	 * sharing its map (a thread, vfork or CLONE_VM child whose start failed) runs on that
	 * very map: deactivating it there sent the creator back to user mode on the kernel's
	 * tables, where it faulted forever and SIGKILL never reached it (the fault run's worker
	 * that "survived SIGKILL" after pthread_create failed with EAGAIN; fuzz repro
	 * discarded_clone_child_unmaps_its_creator). */
	spin_lock(&proc_lock);
	bool own_task = p->task_id != 0 && p->task_id == task_id();
	spin_unlock(&proc_lock);
	if (own_task && vmspace_is_current(&m->vs))
		vmspace_deactivate();
	vm_map_put(proc_swap_mm(p, NULL));
}
