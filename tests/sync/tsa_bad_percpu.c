/* expect: calling function 'tsa_hits_this_cpu' requires holding preemption guard 'fw_preempt' */
#include <fw/preempt.h>

DEFINE_PER_CPU(tsa_hits, uint64_t);

void tsa_bad(void);
void tsa_bad(void)
{
	(*tsa_hits_this_cpu())++;
}
