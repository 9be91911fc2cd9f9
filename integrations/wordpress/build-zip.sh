#!/bin/sh
# Build dist/listen-wordpress.zip, the plugin as WordPress installs it (Plugins > Add New > Upload).
set -eu
root=$(cd "$(dirname "$0")/../.." && pwd)
mkdir -p "$root/dist"
rm -f "$root/dist/listen-wordpress.zip"
cd "$root/integrations/wordpress"
python3 -m zipfile -c "$root/dist/listen-wordpress.zip" listen
echo "$root/dist/listen-wordpress.zip"
