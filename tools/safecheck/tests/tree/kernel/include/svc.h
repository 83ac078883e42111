/* A service header: its own prototypes and externs are allowed here. */
#ifndef SVC_H
#define SVC_H
#include "fw/fw.h"
int svc_helper(int x);
extern int svc_counter;
struct svc_obj {
	int a;
	int b;
};
#endif
