#!/bin/sh
# tools/rename-thread.sh — issue #14's step 1, replayable: the per-task struct `struct process`
# became `struct thread` (one framework task each; the new `struct process` is the thread group,
# added after this rename). Re-run it on a file that conflicted in a merge: take main's version
# of the file, then `sh tools/rename-thread.sh FILE...` (no argument: every file under kernel/
# and docs/ that still says `struct process`). Only the tag `struct process` is renamed;
# function names (proc_*) stay. Idempotent on files already converted, but NOT to be run after
# step 2 on files that use the new group struct (it would rename that too): after step 2 it
# only makes sense on a file taken from a main older than the rename.
set -eu
if [ $# -eq 0 ]; then
	set -- $(git grep -l -w 'struct process' -- kernel docs || true)
fi
[ $# -eq 0 ] && exit 0
sed -i -E 's/\bstruct process\b/struct thread/g' "$@"
