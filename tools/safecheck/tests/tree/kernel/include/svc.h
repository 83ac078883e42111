/* A service header: its own prototypes and externs are allowed here. */
#ifndef SVC_H
#define SVC_H
#include "fw/fw.h"
int svc_helper(int x);
void svc_keeper(int *p);      /* defined in a_keeper.c: keeps its parameter */
void svc_reader(const int *p); /* defined in a_keeper.c: only reads it */
extern int svc_counter;
struct svc_obj {
	int a;
	int b;
};
#endif
