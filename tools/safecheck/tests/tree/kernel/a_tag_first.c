/* Partner of bad_struct_tag.c: the first definition of shared_tag (files are checked in name order). */
struct shared_tag { int y; };
int tag_other(void) { struct shared_tag t = { 0 }; return t.y; }
