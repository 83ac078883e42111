/*
 * init.c — the CPU/task layer's boot steps (internal/smp.h): what runs in which order.
 */
#include "arch/x86_64/percpu.h"
#include "internal/smp.h"
#include "internal/task.h"

void ipi_init(void);
void tlb_init(void);
void smp_init(void);

void smp_early_init(void)
{
	percpu_init_bsp();
	tasks_init_bsp();
}

void smp_late_init(void)
{
	ipi_init();
	tlb_init();
	tasks_start();
	smp_init();
}
