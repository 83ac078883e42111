/*
 * internal/percpu.h — moved to arch/x86_64/percpu.h (every privileged-instruction wrapper and %gs
 * accessor lives under arch/). This forwarding header keeps the branches in flight that still
 * include the old path building; new code includes "arch/x86_64/percpu.h". Remove it once no
 * branch includes the old path.
 */
#include "arch/x86_64/percpu.h"
