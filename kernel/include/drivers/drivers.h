/*
 * drivers/drivers.h — starting the device drivers at boot (kernel/drivers/drivers.c).
 */
#ifndef DRIVERS_DRIVERS_H
#define DRIVERS_DRIVERS_H

/* drivers_init - probe every driver's devices once (block devices register as vda...).
 * Context: task, at boot before the first program runs. */
void drivers_init(void);

#endif /* DRIVERS_DRIVERS_H */
