/* Another service's header: kernel/ may not include it. */
int demo_only(void);
