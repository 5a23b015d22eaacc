#!/usr/bin/env bash
# Builds oneTBB's libtbb.so.12 with ThreadSanitizer from Debian's source of
# the installed libtbb12 (same version, so the same ABI), for
# scripts/sanitize.sh thread:
#
#   bash scripts/sanitizers/build-tbb-thread.sh DIR    # prints the folder of libtbb.so.12
#
# Why: the flow graph hands every item to another thread through TBB's task
# queues, and the synchronisation that orders it is inside libtbb.so. Debian's
# copy is not instrumented, so TSan cannot see it and reports each hand-over
# as a race (hundreds of them, in every graph test). Loaded in its place
# (LD_LIBRARY_PATH; LibTorch's libtbb dependency takes it too), the
# instrumented library shows TSan those edges, and a report is a real race.
# Idempotent: a library already built in DIR for this version is reused.
set -euo pipefail
dir=${1:?usage: build-tbb-thread.sh DIR}
version=$(dpkg-query -W -f='${Version}' libtbb12)
mkdir -p "$dir"
dir=$(cd "$dir" && pwd)
lib_dir="$dir/build-$version/lib"
if [ -e "$lib_dir/libtbb.so.12" ]; then
  echo "$lib_dir"
  exit 0
fi
cd "$dir"
# Debian's sources, through a sources list of our own: the system's lists
# and settings stay as they are.
cat > sources.list <<LIST
deb-src http://deb.debian.org/debian bookworm main
deb-src http://deb.debian.org/debian-security bookworm-security main
LIST
mkdir -p lists/partial
apt_opts=(-q -o "Dir::Etc::SourceList=$dir/sources.list" -o Dir::Etc::SourceParts=/nonexistent
          -o "Dir::State::Lists=$dir/lists")
apt-get "${apt_opts[@]}" update >&2
apt-get "${apt_opts[@]}" source --download-only "onetbb=$version" >&2
rm -rf "src-$version"
dpkg-source -x ./onetbb_"${version#*:}".dsc "src-$version" >&2
cmake -S "src-$version" -B "build-$version" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DTBB_TEST=OFF \
  -DTBB_STRICT=OFF -DTBBMALLOC_BUILD=OFF -DTBB_SANITIZE=thread >&2
cmake --build "build-$version" --target tbb >&2
mkdir -p "$lib_dir"
cp -P "build-$version"/*/libtbb.so* "$lib_dir/"
echo "$lib_dir"
