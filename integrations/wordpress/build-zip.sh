#!/bin/sh
# Build the plugin as WordPress installs it (Plugins > Add New > Upload Plugin):
# dist/listen-wordpress.zip, or the path given.
set -eu
root=$(cd "$(dirname "$0")/../.." && pwd)
out=$(realpath -m "${1:-$root/dist/listen-wordpress.zip}")
mkdir -p "$(dirname "$out")"
rm -f "$out"
cd "$root/integrations/wordpress"
python3 -m zipfile -c "$out" listen
echo "$out"
