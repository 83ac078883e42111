/* An example service that only uses the API. */
#include "fw/fw.h"
int demo_only(void) { return fw_public(1); }
