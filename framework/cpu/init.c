/*
 * init.c — the CPU/task layer's boot steps (internal/smp.h): what runs in which order.
 */
#include "internal/percpu.h"
#include "internal/smp.h"
#include "internal/task.h"

void percpu_early_init(void);
void ipi_init(void);
void tlb_init(void);
void smp_init(void);

void smp_early_init(void)
{
	percpu_init_bsp();
	percpu_early_init();
	tasks_early_init();
	tasks_init_bsp();
}

void smp_late_init(void)
{
	ipi_init();
	tlb_init();
	smp_init();
}
