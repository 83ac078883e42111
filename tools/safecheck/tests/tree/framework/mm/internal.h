/* A framework-internal header: never visible to services. */
int fw_mm_internal(void);
