/*
 * internal/lapic.h — the local APIC registers the SMP code needs (cpu/lapic.c): EOI, the
 * interrupt command register, the per-CPU timer of the other processors.
 * Register offsets: Intel SDM vol. 3 §11.4-11.6 (table 11-1); ICR encoding §11.6.1.
 */
#ifndef FW_INTERNAL_LAPIC_H
#define FW_INTERNAL_LAPIC_H

#include <fw/types.h>

/* The framework's own interrupt vectors for SMP (above the legacy/timer ones). */
enum {
	VEC_UART_RX = 0x40,    /* COM1's receive interrupt, through the I/O APIC */
	VEC_AP_TIMER = 0xee,   /* the other CPUs' local APIC timers */
	VEC_IPI_CALL = 0xf0,   /* run queued inter-processor calls */
	VEC_IPI_RESCHED = 0xf1, /* reschedule: a task was queued here */
	VEC_IPI_TLB = 0xf2,    /* TLB shootdown */
	VEC_IPI_KICK = 0xf3,   /* task_kick: look at the kicked flag on the way out */
};

void lapic_init_access(void);
u32 lapic_read(u32 reg);
void lapic_write(u32 reg, u32 v);
void lapic_eoi(void);
u32 lapic_id(void);
/* Send `vector` (fixed delivery) to the CPU with APIC id `apic_id`. Context: any. */
void lapic_send_ipi(u32 apic_id, u8 vector);
/* INIT and STARTUP IPIs (AP bring-up). */
void lapic_send_init(u32 apic_id);
void lapic_send_sipi(u32 apic_id, u8 page);
/* Enable this CPU's APIC and start its periodic timer on VEC_AP_TIMER. */
void lapic_ap_setup(u32 count_per_tick);

#define APIC_REG_ID 0x020
#define APIC_REG_TPR 0x080
#define APIC_REG_EOI 0x0b0
#define APIC_REG_SVR 0x0f0
#define APIC_REG_ICR_LO 0x300
#define APIC_REG_ICR_HI 0x310
#define APIC_REG_LVT_TIMER 0x320
#define APIC_REG_TIMER_INIT 0x380
#define APIC_REG_TIMER_DIV 0x3e0

#endif /* FW_INTERNAL_LAPIC_H */
