#!/usr/bin/env bash
# tools/sfdisk-gpt.sh — the GPT disk of `make test-devices-blk`, made on the host by util-linux's
# sfdisk (package fdisk, installed by scripts/install-deps.sh), and its expected listing.
#
#   sfdisk-gpt.sh image IMG     an 8 MiB image: vda1 = sectors 2048..4095 ("one"),
#                               vda2 = 4096..16350 ("two", to the last usable sector)
#   sfdisk-gpt.sh listing IMG   the host's `fdisk -l IMG`, as the guest's /lsparts prints it:
#                               the disk line and units, then the partition table without the
#                               Type column, the image's name replaced by /dev/vda, blanks squeezed
set -eu
mode=${1:?usage: sfdisk-gpt.sh image|listing IMG}
img=${2:?usage: sfdisk-gpt.sh image|listing IMG}
linux_fs=0FC63DAF-8483-4772-8E79-3D69D8477DE4
case "$mode" in
image)
	rm -f "$img"
	truncate -s 8M "$img"
	printf 'label: gpt\nstart=2048, size=2048, type=%s, name=one\nstart=4096, size=12255, type=%s, name=two\n' \
		"$linux_fs" "$linux_fs" | sfdisk --quiet "$img" >/dev/null
	;;
listing)
	LC_ALL=C fdisk -l "$img" | awk -v img="$img" '
		function dev(s) { return index(s, img) == 1 ? "/dev/vda" substr(s, length(img) + 1) : s }
		/^Disk / && !/identifier|label/ { sub(img ":", "/dev/vda:"); print; next }
		/^Units:/ { print; print ""; next }
		/^Device / { print $1, $2, $3, $4, $5; table = 1; next }
		table && NF >= 5 { print dev($1), $2, $3, $4, $5 }'
	;;
*)
	echo "sfdisk-gpt.sh: unknown mode $mode" >&2
	exit 2
	;;
esac
