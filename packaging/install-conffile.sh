#!/bin/sh
# packaging/install-conffile.sh FILE DIR MODE: run by `meson install`.
# Installs FILE into DIR (under $DESTDIR) with MODE unless a file of that
# name is there already, so that an operator's edits of a configuration
# file survive the next install (as a Debian conffile does). The original
# is installed beside the documentation as well (meson.build).
set -eu
file=$1
dir=${DESTDIR:-}$2
mode=$3
dest=$dir/$(basename "$file")
if [ -e "$dest" ]; then
	echo "Keeping $dest (the new default is in the documentation directory)"
	exit 0
fi
mkdir -p "$dir"
install -m "$mode" "$file" "$dest"
echo "Installing $file to $dest"
